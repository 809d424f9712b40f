/**
 * Type tests of the search builder (spec §12): each `@ts-expect-error` line must fail to compile (checked by
 * `npm run typecheck`); where such a line would also run, the run-time refusal is checked too.
 */
import 'reflect-metadata';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Column, defineSearchIndex, getTableSchema, PrimaryKey, PrimaryKeys, SearchIndex, Table } from '../../src/schema';
import { Repository } from '../../src/repository/repository';
import type { InnerHitsOf, SearchCall, SearchPage } from '../../src/repository/actions/search/search';
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
    type F = typeof idx extends SearchIndexRef<Doc, infer X> ? X : never;
    expectTypeOf(repo.search(idx, (q) => q.matchAll())).toEqualTypeOf<SearchCall<Doc, InnerHitsOf<Doc, F>>>();
    expectTypeOf<Awaited<ReturnType<typeof repo.search<F, 'title'>>>>().toEqualTypeOf<SearchPage<Pick<Doc, 'title' | 'id'>, InnerHitsOf<Doc, F>>>();
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

  it('group-bys by declared type: date histograms on dates, geo group-bys on geo points, composite sources', async () => {
    const day = { value: 1, unit: 'day' } as const;
    const _aggs = () =>
      repo.aggregate(idx, (q) => q.matchAll(), (a) => ({
        days: a.at.dateHistogram({ interval: day, fieldRange: { min: new Date(0), max: new Date() }, timeZone: '+08:00' }),
        rings: a.where.geoDistance({ origin: { lat: 30, lon: 120 }, ranges: [{ to: 1000 }] }),
        cells: a.where.geoGrid({ precision: 5, aggs: { n: a.likes.count() } }),
        named: a.filters({ mine: (q) => q.author.term('me'), liked: (q) => q.likes.range({ gte: 1n }) }),
        top: a.topRows({ columns: ['title'] }),
        combos: a.composite({ sources: { who: a.author.groupBy(), when: a.at.dateHistogram({ interval: day }), many: a.likes.histogram({ interval: 10n, min: 0n, max: 100n }) } }),
      }));
    type R = Awaited<ReturnType<typeof _aggs>>;
    expectTypeOf<R['days']>().toEqualTypeOf<Array<{ key: Date; count: number }>>();
    expectTypeOf<R['rings']>().toEqualTypeOf<Array<{ from?: number; to?: number; count: number }>>();
    expectTypeOf<R['cells'][number]['n']>().toEqualTypeOf<number>();
    expectTypeOf<R['cells'][number]['topLeft']>().toEqualTypeOf<{ lat: number; lon: number }>();
    expectTypeOf<R['named']>().toEqualTypeOf<{ mine: { count: number }; liked: { count: number } }>();
    expectTypeOf<R['top']>().toEqualTypeOf<Array<Pick<Doc, 'title' | 'id'>>>();
    expectTypeOf<R['combos']['buckets'][number]['key']>().toEqualTypeOf<{ who: string; when: Date; many: number }>();
    expectTypeOf<R['combos']['nextToken']>().toEqualTypeOf<string | undefined>();
    // @ts-expect-error a date histogram needs a date field
    await expect(repo.aggregate(idx, (q) => q.matchAll(), (a) => ({ x: a.likes.dateHistogram({ interval: day }) }))).rejects.toThrow(/dateHistogram\(\) does not apply to a long field/);
    // @ts-expect-error geo group-bys need a geo field
    await expect(repo.aggregate(idx, (q) => q.matchAll(), (a) => ({ x: a.author.geoGrid({ precision: 3 }) }))).rejects.toThrow(/geoGrid\(\) does not apply to a keyword field/);
    // @ts-expect-error the interval is a duration, not a number of milliseconds
    void (() => repo.aggregate(idx, (q) => q.matchAll(), (a) => ({ x: a.at.dateHistogram({ interval: 86_400_000 }) })));
    // @ts-expect-error the field range of a date histogram takes Dates
    void (() => repo.aggregate(idx, (q) => q.matchAll(), (a) => ({ x: a.at.dateHistogram({ interval: day, fieldRange: { min: 0, max: 1 } }) })));
    // @ts-expect-error a composite source is a groupBy, histogram or dateHistogram, not a range
    await expect(repo.aggregate(idx, (q) => q.matchAll(), (a) => ({ x: a.composite({ sources: { r: a.likes.range([{ to: 1 }]) } }) }))).rejects.toThrow(/must be a groupBy, histogram or dateHistogram/);
    // @ts-expect-error topRows columns are properties of the entity
    void (() => repo.aggregate(idx, (q) => q.matchAll(), (a) => ({ x: a.topRows({ columns: ['nope'] }) })));
    // @ts-expect-error filters are built with the query builder's own operations
    void (() => repo.aggregate(idx, (q) => q.matchAll(), (a) => ({ x: a.filters({ bad: (q) => q.likes.match('x') }) })));
  });

  it('score functions take an origin of the field’s own type', () => {
    repo.search(idx, (q) => q.functionScore(q.matchAll(), (f) => [f.likes.gauss({ origin: 10n, scale: 5 }), f.likes.factor({ modifier: 'log1p' }), f.weight(2, q.author.term('a'))], { scoreMode: 'sum' }));
    repo.search(idx, (q) => q.functionScore(q.matchAll(), (f) => [f.at.exp({ origin: new Date(), scale: { value: 7, unit: 'day' } }), f.where.linear({ origin: '30,120', scale: 1000 })]));
    // @ts-expect-error a bigint column's origin is a bigint
    repo.search(idx, (q) => q.functionScore(q.matchAll(), (f) => [f.likes.gauss({ origin: 10, scale: 5 })]));
    // @ts-expect-error a date decay's scale is a duration
    repo.search(idx, (q) => q.functionScore(q.matchAll(), (f) => [f.at.gauss({ origin: new Date(), scale: 1000 })]));
    // @ts-expect-error a date decay's origin is a Date
    repo.search(idx, (q) => q.functionScore(q.matchAll(), (f) => [f.at.gauss({ origin: '2025-01-01', scale: { value: 1, unit: 'day' } })]));
    // @ts-expect-error a keyword field has no decay
    expect(() => repo.search(idx, (q) => q.functionScore(q.matchAll(), (f) => [f.author.gauss({ origin: 'a', scale: 1 })]))).toThrow(TypeError);
    // @ts-expect-error factor applies to numeric fields only
    expect(() => repo.search(idx, (q) => q.functionScore(q.matchAll(), (f) => [f.at.factor()]))).toThrow(/factor\(\) takes a long or double field, not date/);
    // @ts-expect-error the unknown score mode is refused
    repo.search(idx, (q) => q.functionScore(q.matchAll(), (f) => [f.weight(1)], { scoreMode: 'median' }));
  });

  it('types hits: scores, and inner hits per nested path with the child type', () => {
    type Page = Awaited<ReturnType<typeof _page>>;
    const _page = () => repo.search(idx, (q) => q.nested('items', (n) => n.qty.range({ gte: 1 }), { innerHits: { sort: (s) => [s.qty.desc()], limit: 2 } }));
    expectTypeOf<Page['hits'][number]['score']>().toEqualTypeOf<number>();
    expectTypeOf<Page['hits'][number]['item']>().toEqualTypeOf<Doc>();
    expectTypeOf<NonNullable<NonNullable<Page['hits'][number]['innerHits']>['items']>[number]['item']>().toEqualTypeOf<{ sku: string; qty: number } | undefined>();
    // @ts-expect-error inner hits sort by the nested field's own sub-fields
    expect(() => repo.search(idx, (q) => q.nested('items', (n) => n.qty.range({ gte: 1 }), { innerHits: { sort: (s) => [s.likes.desc()] } }))).toThrow(TypeError);
    // @ts-expect-error inner hits highlight text sub-fields declared with highlight: true (items has none)
    repo.search(idx, (q) => q.nested('items', (n) => n.qty.range({ gte: 1 }), { innerHits: { highlight: { fields: ['sku'] } } }));
  });

  it('types an index given by name from the property types', () => {
    repo.search('docs_search', (q) => q.likes.range({ gte: 1n }));
    // @ts-expect-error a bigint property offers no match
    expect(() => repo.search('docs_search', (q) => q.likes.match('x'))).toThrow(QueryError);
  });
});
