/**
 * Type tests of the search builder (spec §12): each `@ts-expect-error` line must fail to compile (checked by
 * `npm run typecheck`); where such a line would also run, the run-time refusal is checked too.
 */
import 'reflect-metadata';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Column, defineSearchIndex, getTableSchema, PrimaryKey, PrimaryKeys, SearchIndex, Table } from '../../src/schema';
import { Repository } from '../../src/repository/repository';
import type { SearchCall, SearchPage } from '../../src/repository/actions/search/search';
import type { SearchIndexRef } from '../../src/schema';
import { QueryError } from '../../src/query/errors';

const idx = defineSearchIndex<Doc>()('docs_search', {
  fields: {
    title: 'text',
    author: 'keyword',
    likes: 'long',
    at: 'date',
    tags: { type: 'keyword', array: true },
    where: 'geo',
    items: { type: 'nested', fields: { sku: 'keyword', qty: 'long' } },
    titleKw: { type: 'keyword', source: 'title' },
  },
});

@Table('docs_types')
@SearchIndex(idx)
class Doc {
  declare readonly [PrimaryKeys]?: 'id';
  @PrimaryKey() id!: string;
  @Column() title!: string;
  @Column() author!: string;
  @Column() likes!: bigint;
  @Column() at!: Date;
  @Column({ type: 'json' }) tags?: string[];
  @Column() where?: string;
  @Column({ type: 'json' }) items?: Array<{ sku: string; qty: number }>;
}

// A repository without a client: the calls below build (and refuse) queries, nothing is sent until awaited.
const repo = new Repository<Doc>(undefined as never, getTableSchema(Doc));

describe('search builder types', () => {
  it('offers each field the operations of its declared type, with the property’s own value type', () => {
    repo.search(idx, (q) => q.title.match('x', { operator: 'and' }));
    repo.search(idx, (q) => q.likes.range({ gte: 10n }));
    repo.search(idx, (q) => q.at.range({ lt: new Date() }));
    repo.search(idx, (q) => q.tags.term('a'));
    repo.search(idx, (q) => q.titleKw.prefix('a'));
    repo.search(idx, (q) => q.where.distance({ lat: 1, lon: 2 }, 10));
    repo.search(idx, (q) => q.nested('items', (n) => n.qty.range({ gte: 1 })));
    // @ts-expect-error a long field offers no match (spec §12)
    expect(() => repo.search(idx, (q) => q.likes.match('x'))).toThrow(QueryError);
    // @ts-expect-error a text field offers no term
    expect(() => repo.search(idx, (q) => q.title.term('x'))).toThrow(QueryError);
    // @ts-expect-error a bigint column takes bigint, not number
    repo.search(idx, (q) => q.likes.range({ gte: 10 }));
    // @ts-expect-error a Date column takes Date
    repo.search(idx, (q) => q.at.range({ gte: '2025-01-01' }));
    // @ts-expect-error a keyword takes a string
    repo.search(idx, (q) => q.author.term(1));
    // @ts-expect-error nested sub-fields only inside nested()
    expect(() => repo.search(idx, (q) => q.items.term('x'))).toThrow(TypeError);
    // @ts-expect-error a keyword field has no geo queries
    expect(() => repo.search(idx, (q) => q.author.distance('1,2', 10))).toThrow(/distance\(\) does not apply to a keyword field/);
    // @ts-expect-error functionScore needs a numeric field
    expect(() => repo.search(idx, (q) => q.functionScore(q.matchAll(), 'author'))).toThrow(/functionScore\(\) takes a long or double field/);
    // @ts-expect-error a text field cannot sort
    expect(() => repo.search(idx, (q) => q.matchAll(), { sort: (s) => [s.title.asc()] })).toThrow(/a text field cannot sort/);
    // @ts-expect-error collapse takes a field of the index
    repo.search(idx, (q) => q.matchAll(), { collapse: 'nope' });
  });

  it('types pages by the asked columns', () => {
    expectTypeOf(repo.search(idx, (q) => q.matchAll())).toEqualTypeOf<SearchCall<Doc>>();
    expectTypeOf<Awaited<ReturnType<typeof repo.search<typeof idx extends SearchIndexRef<Doc, infer F> ? F : never, 'title'>>>>().toEqualTypeOf<SearchPage<Pick<Doc, 'title' | 'id'>>>();
    // @ts-expect-error columns are properties of the entity
    repo.search(idx, (q) => q.matchAll(), { columns: ['nope'] });
  });

  it('offers aggregations by declared type and infers their results', async () => {
    type Result = Awaited<ReturnType<typeof _aggs>>;
    const _aggs = () =>
      repo.aggregate(idx, (q) => q.matchAll(), (a) => ({ avg: a.likes.avg(), n: a.author.distinctCount(), by: a.author.groupBy({ aggs: { likes: a.likes.sum() } }) }));
    expectTypeOf<Result>().toEqualTypeOf<{ avg: number | undefined; n: number; by: Array<{ key: string; count: number } & { likes: number | undefined }> }>();
    // @ts-expect-error a keyword field has no average (spec §12: numeric only)
    await expect(repo.aggregate(idx, (q) => q.matchAll(), (a) => ({ x: a.author.avg() }))).rejects.toThrow(/avg\(\) does not apply to a keyword field/);
    // @ts-expect-error a text field cannot be aggregated
    await expect(repo.aggregate(idx, (q) => q.matchAll(), (a) => ({ x: a.title.count() }))).rejects.toThrow(/count\(\) does not apply to a text field/);
    // @ts-expect-error a bigint histogram takes bigint bounds
    void (() => repo.aggregate(idx, (q) => q.matchAll(), (a) => ({ x: a.likes.histogram({ interval: 1, min: 0, max: 9 }) })));
  });

  it('types an index given by name from the property types', () => {
    repo.search('docs_search', (q) => q.likes.range({ gte: 1n }));
    // @ts-expect-error a bigint property offers no match
    expect(() => repo.search('docs_search', (q) => q.likes.match('x'))).toThrow(QueryError);
  });
});
