/**
 * `repository.search` against the emulator over HTTP (official SDK underneath): every builder operation,
 * sort with cursor pages, count, the iterator over every match, partial entities, highlight, collapse, geo,
 * nested, and rows decoded through the codec (bigint, Date, json arrays exact).
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { Column, defineSearchIndex, InvalidCursorError, PrimaryKey, PrimaryKeys, QueryError, SearchIndex, Table } from '../../src';
import { connectDb, createTables } from '../support/orm';

const suffix = randomBytes(3).toString('hex');

const notesSearch = defineSearchIndex<Note>()(`notes_search_${suffix}`, {
  fields: {
    title: { type: 'text', analyzer: 'single_word', highlight: true },
    author: 'keyword',
    likes: 'long',
    createdAt: 'date',
    tags: { type: 'keyword', array: true },
    location: 'geo',
    rating: 'double',
    pinned: 'boolean',
    comments: { type: 'nested', fields: { by: 'keyword', stars: 'long' } },
  },
});

@Table(`notes_${suffix}`)
@SearchIndex(notesSearch)
class Note {
  declare readonly [PrimaryKeys]?: 'id';
  @PrimaryKey() id!: string;
  @Column() title!: string;
  @Column() author!: string;
  @Column() likes!: bigint;
  @Column() createdAt!: Date;
  @Column({ type: 'json' }) tags?: string[];
  @Column() location?: string;
  @Column('double') rating?: number;
  @Column() pinned?: boolean;
  @Column({ type: 'json' }) comments?: Array<{ by: string; stars: number }>;
}

const AUTHORS = ['ada', 'bob', 'cyd'];
const base = Date.UTC(2025, 0, 1);
const note = (i: number): Note =>
  Object.assign(new Note(), {
    id: `n${String(i).padStart(3, '0')}`,
    title: i % 2 ? `green tea number ${i}` : `black coffee number ${i}`,
    author: AUTHORS[i % 3],
    likes: BigInt(i) * 10n ** 15n, // beyond 2^53: exact only as int64
    createdAt: new Date(base + i * 86_400_000),
    tags: i % 5 === 0 ? ['five', 'x'] : ['x'],
    ...(i < 10 ? { location: `30.${i},120.${i}` } : {}),
    rating: i / 10,
    pinned: i % 7 === 0,
    comments: [{ by: AUTHORS[(i + 1) % 3], stars: i % 5 }],
  });

describe('repository.search (emulator over HTTP)', () => {
  const db = connectDb();
  const notes = db.repository(Note);
  const all = Array.from({ length: 45 }, (_, i) => note(i));

  beforeAll(async () => {
    await createTables(db, Note);
    await notes.batchSave(all);
    await notes.waitForSearch(notesSearch);
  });

  const ids = (xs: Array<{ id: string }>) => xs.map((x) => x.id).sort();
  const expected = (pred: (n: Note) => boolean) => all.filter(pred).map((n) => n.id).sort();

  it('match, phrase, term, terms, prefix, suffix, wildcard, range, exists, bool', async () => {
    const page = await notes.search(notesSearch, (q) => q.title.match('tea'), { limit: 100 });
    expect(ids(page.items)).toEqual(expected((n) => n.title.includes('tea')));
    expect((await notes.search(notesSearch, (q) => q.title.matchPhrase('tea number 3'), { limit: 100 })).items.map((n) => n.id)).toEqual(['n003']);
    expect(ids((await notes.search(notesSearch, (q) => q.author.term('bob'), { limit: 100 })).items)).toEqual(expected((n) => n.author === 'bob'));
    expect(ids((await notes.search(notesSearch, (q) => q.author.terms(['ada', 'cyd']), { limit: 100 })).items)).toEqual(expected((n) => n.author !== 'bob'));
    expect(ids((await notes.search(notesSearch, (q) => q.author.prefix('b'), { limit: 100 })).items)).toEqual(expected((n) => n.author === 'bob'));
    expect(ids((await notes.search(notesSearch, (q) => q.author.suffix('yd'), { limit: 100 })).items)).toEqual(expected((n) => n.author === 'cyd'));
    expect(ids((await notes.search(notesSearch, (q) => q.author.wildcard('a?a'), { limit: 100 })).items)).toEqual(expected((n) => n.author === 'ada'));
    // bigint values beyond 2^53 compare exactly.
    const big = await notes.search(notesSearch, (q) => q.likes.range({ gte: 40n * 10n ** 15n, lt: 43n * 10n ** 15n }), { limit: 100 });
    expect(ids(big.items)).toEqual(['n040', 'n041', 'n042']);
    expect(big.items.find((n) => n.id === 'n041')!.likes).toBe(41n * 10n ** 15n);
    const dates = await notes.search(notesSearch, (q) => q.createdAt.range({ gt: new Date(base + 42 * 86_400_000) }), { limit: 100 });
    expect(ids(dates.items)).toEqual(['n043', 'n044']);
    expect(dates.items[0].createdAt).toBeInstanceOf(Date);
    expect(ids((await notes.search(notesSearch, (q) => q.tags.term('five'), { limit: 100 })).items)).toEqual(expected((n) => n.tags!.includes('five')));
    expect(ids((await notes.search(notesSearch, (q) => q.location.exists(), { limit: 100 })).items)).toEqual(expected((n) => n.location !== undefined));
    expect(ids((await notes.search(notesSearch, (q) => q.pinned.term(true), { limit: 100 })).items)).toEqual(expected((n) => !!n.pinned));
    expect(ids((await notes.search(notesSearch, (q) => q.rating.range({ gte: 4.2 }), { limit: 100 })).items)).toEqual(expected((n) => n.rating! >= 4.2));
    const bool = await notes.search(
      notesSearch,
      (q) => q.bool({ must: [q.title.match('tea')], filter: [q.likes.range({ gte: 10n * 10n ** 15n })], mustNot: [q.author.term('ada')] }),
      { limit: 100 },
    );
    expect(ids(bool.items)).toEqual(expected((n) => n.title.includes('tea') && n.likes >= 10n * 10n ** 15n && n.author !== 'ada'));
    const should = await notes.search(notesSearch, (q) => q.bool({ should: [q.author.term('ada'), q.author.term('bob')] }), { limit: 100 });
    expect(ids(should.items)).toEqual(expected((n) => n.author !== 'cyd'));
    const cs = await notes.search(notesSearch, (q) => q.constScore(q.author.term('ada')), { limit: 100 });
    expect(ids(cs.items)).toEqual(expected((n) => n.author === 'ada'));
    const fs = await notes.search(notesSearch, (q) => q.functionScore(q.title.match('tea'), 'likes'), { limit: 3, sort: (s) => [s.score()] });
    expect(fs.items.map((n) => n.id)).toEqual(['n043', 'n041', 'n039']);
  });

  it('geo and nested queries', async () => {
    const near = await notes.search(notesSearch, (q) => q.location.distance({ lat: 30.1, lon: 120.1 }, 20_000), { limit: 100 });
    expect(ids(near.items)).toEqual(['n000', 'n001', 'n002']);
    const box = await notes.search(notesSearch, (q) => q.location.boundingBox('30.9,120.0', { lat: 30.45, lon: 120.9 }), { limit: 100 });
    expect(ids(box.items)).toEqual(['n005', 'n006', 'n007', 'n008', 'n009']);
    const nested = await notes.search(notesSearch, (q) => q.nested('comments', (c) => c.bool({ must: [c.by.term('ada'), c.stars.range({ gte: 4 })] })), { limit: 100 });
    expect(ids(nested.items)).toEqual(expected((n) => n.comments![0].by === 'ada' && n.comments![0].stars >= 4));
  });

  it('sorts, pages with an opaque cursor, counts, and iterates every match', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await notes.search(notesSearch, (q) => q.author.term('ada'), { sort: (s) => [s.createdAt.desc()], limit: 4, cursor, count: true });
      expect(page.total).toBe(15);
      seen.push(...page.items.map((n) => n.id));
      cursor = page.cursor;
      pages++;
    } while (cursor);
    const want = all.filter((n) => n.author === 'ada').sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).map((n) => n.id);
    expect(seen).toEqual(want);
    expect(pages).toBe(4);
    expect(await notes.search(notesSearch, (q) => q.title.match('coffee')).count()).toBe(23);
    const every: Note[] = [];
    for await (const n of notes.search(notesSearch, (q) => q.matchAll(), { limit: 7 }).all()) every.push(n);
    expect(ids(every)).toEqual(all.map((n) => n.id).sort());
    expect(every[0]).toBeInstanceOf(Note);
    await expect(notes.search(notesSearch, (q) => q.matchAll(), { cursor: 'garbage' }).page()).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('returns partial entities for the asked columns, highlights, and collapses', async () => {
    const partial = await notes.search(notesSearch, (q) => q.author.term('bob'), { columns: ['author'], limit: 1 });
    expectTypeOf(partial.items[0]).toEqualTypeOf<Pick<Note, 'author' | 'id'>>();
    expect(Object.keys(partial.items[0]).sort()).toEqual(['author', 'id']);
    const hl = await notes.search(notesSearch, (q) => q.title.match('tea'), { highlight: { fields: ['title'], preTag: '[', postTag: ']' }, limit: 2, sort: (s) => [s.primaryKey()] });
    expect(hl.highlights).toHaveLength(2);
    expect(hl.highlights![0].title.join(' ')).toContain('[tea]');
    const collapsed = await notes.search(notesSearch, (q) => q.matchAll(), { collapse: 'author', limit: 100 });
    expect(collapsed.items.map((n) => n.author).sort()).toEqual(AUTHORS);
  });

  it('aggregates and groups with result types inferred from the request', async () => {
    const stats = await notes.aggregate(
      notesSearch,
      (q) => q.matchAll(),
      (a) => ({
        avgRating: a.rating.avg(),
        maxLikes: a.likes.max(),
        sumRating: a.rating.sum(),
        authors: a.author.distinctCount(),
        p50: a.rating.percentiles([50]),
        byAuthor: a.author.groupBy({ size: 10, aggs: { rating: a.rating.sum(), top: a.rating.max() } }),
        byRating: a.rating.range([{ to: 1 }, { from: 1, to: 2 }, { from: 4 }]),
        histogram: a.rating.histogram({ interval: 1, min: 0, max: 5 }),
      }),
    );
    expectTypeOf(stats.avgRating).toEqualTypeOf<number | undefined>();
    expectTypeOf(stats.authors).toEqualTypeOf<number>();
    expectTypeOf(stats.byAuthor).toEqualTypeOf<Array<{ key: string; count: number } & { rating: number | undefined; top: number | undefined }>>();
    const ratings = all.map((n) => n.rating!);
    const sum = ratings.reduce((x, y) => x + y, 0);
    expect(stats.avgRating).toBeCloseTo(sum / 45, 9);
    expect(stats.sumRating).toBeCloseTo(sum, 9);
    expect(stats.maxLikes).toBe(44e15);
    expect(stats.authors).toBe(3);
    expect((await notes.aggregate(notesSearch, (q) => q.matchAll(), (a) => ({ tagValues: a.tags.count() }))).tagValues).toBe(45 + 9);
    await expect(
      notes.aggregate(notesSearch, (q) => q.matchAll(), (a) => Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`m${i}`, a.likes.max()]))),
    ).rejects.toThrow(/at most 25 aggregations/);
    expect(stats.p50).toEqual([{ percent: 50, value: expect.closeTo(2.2, 9) }]);
    expect(stats.byAuthor.map((g) => [g.key, g.count])).toEqual([['ada', 15], ['bob', 15], ['cyd', 15]]);
    const adaSum = all.filter((n) => n.author === 'ada').reduce((x, n) => x + n.rating!, 0);
    expect(stats.byAuthor[0].rating).toBeCloseTo(adaSum, 9);
    expect(stats.byAuthor[0].top).toBeCloseTo(4.2, 9);
    expect(stats.byRating).toEqual([{ to: 1, count: 10 }, { from: 1, to: 2, count: 10 }, { from: 4, count: 5 }]);
    expect(stats.histogram).toEqual([0, 1, 2, 3, 4].map((key) => ({ key, count: key === 4 ? 5 : 10 })));
    const filtered = await notes.aggregate(notesSearch, (q) => q.author.term('nobody'), (a) => ({ avg: a.likes.avg(), n: a.likes.count() }));
    expect(filtered).toEqual({ avg: undefined, n: 0 });
  });

  it('refuses misuse before sending, naming the field', async () => {
    const loose = notes as unknown as { search: (i: string, q: (b: any) => unknown) => unknown };
    expect(() => loose.search(notesSearch.name, (q) => q.likes.match('x'))).toThrow(QueryError);
    expect(() => loose.search(notesSearch.name, (q) => q.likes.match('x'))).toThrow(/likes: match\(\) does not apply to a long field/);
    expect(() => notes.search('nope', (q) => q.matchAll())).toThrow(/declares no search index named 'nope'/);
    await expect(notes.search(notesSearch, (q) => q.matchAll(), { limit: 101 }).page()).rejects.toThrow(/limit must be an integer from 0 to 100/);
  });
});
