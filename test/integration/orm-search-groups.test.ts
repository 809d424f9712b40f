/**
 * The rest of the search builder against the emulator over HTTP (official SDK underneath): filter, geo-distance,
 * geo-grid, date-histogram and composite group-bys (paged by their own token) with sub-aggregations and
 * sub-group-bys; TopRows decoded into (partial) entities; FunctionsScore decay, factor and weight functions;
 * nested inner hits; hit scores. Expected values are computed from the fixture rows here, independently of the
 * emulator's code.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { Column, defineSearchIndex, PrimaryKey, PrimaryKeys, QueryError, SearchIndex, Table, type AggBuilder, type InnerHit, type SearchQuery, type SearchIndexRef, type SearchQueryBuilder } from '../../src';
import { connectDb, createTables } from '../support/orm';

const suffix = randomBytes(3).toString('hex');

const placesSearch = defineSearchIndex<Place>()(`places_search_${suffix}`, {
  fields: {
    kind: 'keyword',
    likes: 'long',
    rating: 'double',
    openedAt: 'date',
    location: 'geo',
    comments: { type: 'nested', fields: { by: 'keyword', text: { type: 'text', highlight: true }, stars: 'long' } },
  },
});

type Fields = typeof placesSearch extends SearchIndexRef<Place, infer F> ? F : never;

@Table(`places_${suffix}`)
@SearchIndex(placesSearch)
class Place {
  declare readonly [PrimaryKeys]?: 'id';
  @PrimaryKey() id!: string;
  @Column() kind!: string;
  @Column() likes!: bigint;
  @Column('double') rating!: number;
  @Column() openedAt!: Date;
  @Column() location!: string;
  @Column({ type: 'json' }) comments!: Array<{ by: string; text: string; stars: number }>;
}

const KINDS = ['cafe', 'bar', 'shop'];
const AUTHORS = ['ada', 'bob', 'cyd'];
const DAY = 86_400_000;
const base = Date.UTC(2025, 0, 1);
const N = 30;
/** Row i: one point every 0.01° of latitude north of (30, 120); opened every second day from 2025-01-01. */
const place = (i: number): Place =>
  Object.assign(new Place(), {
    id: `p${String(i).padStart(2, '0')}`,
    kind: KINDS[i % 3],
    likes: BigInt(i),
    rating: i / 10,
    openedAt: new Date(base + i * 2 * DAY),
    location: `${(30 + i / 100).toFixed(2)},120`,
    comments: [
      { by: AUTHORS[i % 3], text: `good coffee ${i}`, stars: i % 5 },
      { by: AUTHORS[(i + 1) % 3], text: i % 2 ? 'nice tea' : 'bad tea', stars: (i + 2) % 5 },
    ],
  });

/** Haversine with the service's earth radius (spec §4 geo details). */
function meters(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const R = 6_371_008.7714;
  const rad = Math.PI / 180;
  const h = Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(h));
}
const monthStart = (t: number) => Date.UTC(new Date(t).getUTCFullYear(), new Date(t).getUTCMonth(), 1);

describe('search group-bys, TopRows, score functions, inner hits, scores (emulator over HTTP)', () => {
  const db = connectDb();
  const places = db.repository(Place);
  const all = Array.from({ length: N }, (_, i) => place(i));
  const count = (pred: (p: Place) => boolean) => all.filter(pred).length;

  beforeAll(async () => {
    await createTables(db, Place);
    await places.batchSave(all);
    await places.waitForSearch(placesSearch);
  });

  it('filter group-bys: one bucket per named query, with sub-aggregations', async () => {
    const r = await places.aggregate(
      placesSearch,
      (q) => q.matchAll(),
      (a) => ({
        by: a.filters({ cafes: (q) => q.kind.term('cafe'), popular: (q) => q.likes.range({ gte: 20n }) }, { aggs: { likes: a.likes.sum(), kinds: a.kind.groupBy({ order: 'key' }) } }),
      }),
    );
    expectTypeOf(r.by.cafes.count).toEqualTypeOf<number>();
    expectTypeOf(r.by.popular.kinds).toEqualTypeOf<Array<{ key: string; count: number }>>();
    expect(r.by.cafes.count).toBe(count((p) => p.kind === 'cafe'));
    expect(r.by.cafes.likes).toBe(all.filter((p) => p.kind === 'cafe').reduce((s, p) => s + Number(p.likes), 0));
    expect(r.by.popular.count).toBe(count((p) => p.likes >= 20n));
    expect(r.by.popular.kinds).toEqual(KINDS.slice().sort().map((key) => ({ key, count: count((p) => p.likes >= 20n && p.kind === key) })));
  });

  it('geo-distance group-bys in request order, with a sub-group-by', async () => {
    const origin = { lat: 30, lon: 120 };
    const ranges = [{ from: 5000, to: 10_000 }, { to: 5000 }, { from: 10_000 }];
    const r = await places.aggregate(placesSearch, (q) => q.matchAll(), (a) => ({ rings: a.location.geoDistance({ origin, ranges, aggs: { kinds: a.kind.groupBy({ order: 'key' }) } }) }));
    expectTypeOf(r.rings).toEqualTypeOf<Array<{ from?: number; to?: number; count: number } & { kinds: Array<{ key: string; count: number }> }>>();
    const dist = (p: Place) => meters(origin, { lat: Number(p.location.split(',')[0]), lon: 120 });
    const inRing = (rg: { from?: number; to?: number }) => (p: Place) => dist(p) >= (rg.from ?? 0) && dist(p) < (rg.to ?? Infinity);
    expect(r.rings.map((g) => g.count)).toEqual(ranges.map((rg) => count(inRing(rg))));
    expect(r.rings.map((g) => [g.from, g.to])).toEqual([[5000, 10_000], [0, 5000], [10_000, undefined]]); // −∞ is reported as 0 (spec §7.2)
    expect(r.rings[1].kinds).toEqual(KINDS.slice().sort().map((key) => ({ key, count: count((p) => inRing(ranges[1])(p) && p.kind === key) })).filter((g) => g.count > 0));
  });

  it('geo-grid group-bys: geohash cells with their bounds', async () => {
    const r = await places.aggregate(placesSearch, (q) => q.matchAll(), (a) => ({ coarse: a.location.geoGrid({ precision: 3 }), fine: a.location.geoGrid({ precision: 5, size: 100, aggs: { n: a.likes.count() } }) }));
    expectTypeOf(r.coarse).toEqualTypeOf<Array<{ key: string; topLeft: { lat: number; lon: number }; bottomRight: { lat: number; lon: number }; count: number }>>();
    // Hangzhou's precision-3 cell as the service reports it (spec §7.2, GO search_api_test.go:2550-2578).
    expect(r.coarse).toEqual([{ key: 'wtm', topLeft: { lat: 30.9375, lon: 119.53125 }, bottomRight: { lat: 29.53125, lon: 120.9375 }, count: N }]);
    expect(r.fine.length).toBeGreaterThan(1);
    expect(r.fine.reduce((s, g) => s + g.count, 0)).toBe(N);
    for (const g of r.fine) {
      expect(g.key).toMatch(/^wtm[0-9b-hjkmnp-z]{2}$/);
      expect(g.n).toBe(g.count);
      expect(g.topLeft.lat).toBeGreaterThan(g.bottomRight.lat);
    }
  });

  it('date-histogram group-bys: calendar months, time zone, field range, min doc count; keys as Date', async () => {
    const month = { value: 1, unit: 'month' } as const;
    const r = await places.aggregate(
      placesSearch,
      (q) => q.matchAll(),
      (a) => ({
        months: a.openedAt.dateHistogram({ interval: month, aggs: { likes: a.likes.sum() } }),
        local: a.openedAt.dateHistogram({ interval: month, timeZone: '+08:00' }),
        feb: a.openedAt.dateHistogram({ interval: month, fieldRange: { min: new Date(Date.UTC(2025, 1, 1)), max: new Date(Date.UTC(2025, 2, 1)) } }),
        big: a.openedAt.dateHistogram({ interval: month, minDocCount: 15 }),
        tenDays: a.openedAt.dateHistogram({ interval: { value: 10, unit: 'day' } }),
      }),
    );
    expectTypeOf(r.months).toEqualTypeOf<Array<{ key: Date; count: number } & { likes: number | undefined }>>();
    const byMonth = new Map<number, Place[]>();
    for (const p of all) byMonth.set(monthStart(p.openedAt.getTime()), [...(byMonth.get(monthStart(p.openedAt.getTime())) ?? []), p]);
    const months = [...byMonth].map(([t, ps]) => ({ key: new Date(t), count: ps.length, likes: ps.reduce((s, p) => s + Number(p.likes), 0) }));
    expect(months.map((m) => m.count)).toEqual([16, 14]);
    expect(r.months).toEqual(months);
    expect(r.months[0].key).toBeInstanceOf(Date);
    // The rows are at midnight UTC, 08:00 in +08:00: the same months, whose starts are local midnights.
    expect(r.local).toEqual(months.map((m) => ({ key: new Date(m.key.getTime() - 8 * 3_600_000), count: m.count })));
    expect(r.feb).toEqual([{ key: new Date(Date.UTC(2025, 1, 1)), count: 14 }]);
    expect(r.big).toEqual([{ key: new Date(base), count: 16 }]);
    const tens = new Map<number, number>();
    for (const p of all) tens.set(Math.floor(p.openedAt.getTime() / (10 * DAY)) * 10 * DAY, (tens.get(Math.floor(p.openedAt.getTime() / (10 * DAY)) * 10 * DAY) ?? 0) + 1);
    expect(r.tenDays).toEqual([...tens].sort((x, y) => x[0] - y[0]).map(([t, c]) => ({ key: new Date(t), count: c })));
  });

  it('composite group-bys page through their own token: a page API and an iterator over every bucket', async () => {
    const sources = (a: AggBuilder<Place, Fields>) => ({
      kind: a.kind.groupBy(),
      month: a.openedAt.dateHistogram({ interval: { value: 1, unit: 'month' } }),
      tens: a.likes.histogram({ interval: 10n, min: 0n, max: 100n }),
    });
    // Expected: every (kind, month, likes/10) combination, ordered key by key.
    const combos = new Map<string, { key: { kind: string; month: Date; tens: number }; count: number; rating: number }>();
    for (const p of all) {
      const key = { kind: p.kind, month: new Date(monthStart(p.openedAt.getTime())), tens: Math.floor(Number(p.likes) / 10) * 10 };
      const id = JSON.stringify(key);
      const c = combos.get(id) ?? { key, count: 0, rating: 0 };
      c.count++;
      c.rating = Math.max(c.rating, p.rating);
      combos.set(id, c);
    }
    const expected = [...combos.values()].sort((x, y) => x.key.kind.localeCompare(y.key.kind) || x.key.month.getTime() - y.key.month.getTime() || x.key.tens - y.key.tens);
    expect(expected.length).toBeGreaterThan(8);

    const pages: Array<typeof expected> = [];
    let token: string | undefined;
    do {
      const r = await places.aggregate(placesSearch, (q) => q.matchAll(), (a) => ({ c: a.composite({ sources: sources(a), size: 4, ...(token ? { token } : {}), aggs: { rating: a.rating.max() } }) }));
      expectTypeOf(r.c.buckets[0].key).toEqualTypeOf<{ kind: string; month: Date; tens: number }>();
      expectTypeOf(r.c.nextToken).toEqualTypeOf<string | undefined>();
      pages.push(r.c.buckets.map((b) => ({ ...b, rating: b.rating! })));
      token = r.c.nextToken;
    } while (token);
    expect(pages.slice(0, -1).every((p) => p.length === 4)).toBe(true);
    expect(pages.flat()).toEqual(expected);

    const every: Array<{ key: { kind: string; month: Date; tens: number }; count: number }> = [];
    for await (const b of places.compositeBuckets(placesSearch, (q) => q.likes.range({ lt: 15n }), (a) => a.composite({ sources: sources(a), size: 2 }))) every.push(b);
    const low = new Map<string, { key: { kind: string; month: Date; tens: number }; count: number }>();
    for (const p of all.filter((x) => x.likes < 15n)) {
      const key = { kind: p.kind, month: new Date(monthStart(p.openedAt.getTime())), tens: Math.floor(Number(p.likes) / 10) * 10 };
      const c = low.get(JSON.stringify(key)) ?? { key, count: 0 };
      c.count++;
      low.set(JSON.stringify(key), c);
    }
    expect(every).toEqual(expected.filter((e) => low.has(JSON.stringify(e.key))).map((e) => low.get(JSON.stringify(e.key))));
    await expect(places.aggregate(placesSearch, (q) => q.matchAll(), (a) => ({ c: a.composite({ sources: sources(a), size: 2001 }) }))).rejects.toThrow(/size is an integer from 1 to 2000/);
    await expect(places.aggregate(placesSearch, (q) => q.matchAll(), (a) => ({ g: a.kind.groupBy({ aggs: { c: a.composite({ sources: sources(a) }) } }) }))).rejects.toThrow(/composite group-by is top level only/);
  });

  it('TopRows: rows decoded through the codec, partial with columns, per bucket', async () => {
    const r = await places.aggregate(
      placesSearch,
      (q) => q.matchAll(),
      (a) => ({
        first: a.topRows(),
        slim: a.topRows({ limit: 3, sort: (s) => [s.rating.desc()], columns: ['likes'] }),
        byKind: a.kind.groupBy({ order: 'key', aggs: { top: a.topRows({ limit: 2, sort: (s) => [s.likes.desc()] }) } }),
      }),
    );
    expectTypeOf(r.first).toEqualTypeOf<Place[]>();
    expectTypeOf(r.slim).toEqualTypeOf<Array<Pick<Place, 'likes' | 'id'>>>();
    expect(r.first).toEqual([all[0]]);
    expect(r.first[0]).toBeInstanceOf(Place);
    expect(r.first[0].likes).toBe(0n);
    expect(r.first[0].openedAt).toEqual(new Date(base));
    // The request reads every column (one TopRows asks for all); the partial one keeps only its own and the key.
    expect(r.slim.map((p) => ({ ...p }))).toEqual([29, 28, 27].map((i) => ({ id: all[i].id, likes: BigInt(i) })));
    for (const g of r.byKind) {
      const want = all.filter((p) => p.kind === g.key).sort((x, y) => Number(y.likes - x.likes)).slice(0, 2);
      expect(g.top).toEqual(want);
    }
    const onlySlim = await places.aggregate(placesSearch, (q) => q.kind.term('bar'), (a) => ({ top: a.topRows({ sort: (s) => [s.likes.asc()], columns: ['kind', 'comments'] }) }));
    expect(onlySlim.top.map((p) => ({ ...p }))).toEqual([{ id: 'p01', kind: 'bar', comments: all[1].comments }]);
    await expect(places.aggregate(placesSearch, (q) => q.matchAll(), (a) => ({ t: a.topRows({ limit: 101 }) }))).rejects.toThrow(/topRows\(\) limit is an integer from 1 to 100/);
  });

  it('decay functions on numeric, date and geo fields: 1 at the origin, 0.5 at the scale', async () => {
    const top = (build: (q: SearchQueryBuilder<Place, Fields>) => SearchQuery<Place>) => places.search(placesSearch, build, { sort: (s) => [s.score()], limit: 5 }).page();
    const num = await top((q) => q.functionScore(q.matchAll(), (f) => [f.likes.gauss({ origin: 15n, scale: 5 })]));
    expect(num.items.map((p) => p.id)).toEqual(['p15', 'p14', 'p16', 'p13', 'p17']);
    expect(num.hits[0].score).toBeCloseTo(1, 6);
    const numExp = await places.search(placesSearch, (q) => q.functionScore(q.likes.terms([15n, 20n]), (f) => [f.likes.exp({ origin: 15n, scale: 5 })]), { sort: (s) => [s.score()] });
    expect(numExp.hits.map((h) => [h.item.id, Number(h.score.toFixed(6))])).toEqual([['p15', 1], ['p20', 0.5]]);

    const origin = all[10].openedAt;
    const date = await places.search(placesSearch, (q) => q.functionScore(q.likes.terms([10n, 13n, 20n]), (f) => [f.openedAt.linear({ origin, scale: { value: 6, unit: 'day' } })]), { sort: (s) => [s.score()] });
    // p13 opened 6 days after p10: 0.5; p20 20 days after: 0 under the linear curve (zero at twice the scale).
    expect(date.hits.map((h) => [h.item.id, Number(h.score.toFixed(6))])).toEqual([['p10', 1], ['p13', 0.5], ['p20', 0]]);

    const geoOrigin = all[20].location;
    const scale = meters({ lat: 30.2, lon: 120 }, { lat: 30.23, lon: 120 });
    const geo = await places.search(placesSearch, (q) => q.functionScore(q.likes.terms([20n, 23n]), (f) => [f.location.gauss({ origin: geoOrigin, scale })]), { sort: (s) => [s.score()] });
    expect(geo.hits.map((h) => h.item.id)).toEqual(['p20', 'p23']);
    expect(geo.hits[0].score).toBeCloseTo(1, 6);
    // The indexed points are quantized (spec §4), so the distance is a hair off the exact one.
    expect(geo.hits[1].score).toBeCloseTo(0.5, 3);
  });

  it('factor, weight with a filter, score and combine modes', async () => {
    const factor = await places.search(placesSearch, (q) => q.functionScore(q.matchAll(), (f) => [f.rating.factor({ factor: 10 })]), { sort: (s) => [s.score()], limit: 3 });
    expect(factor.hits.map((h) => [h.item.id, Number(h.score.toFixed(6))])).toEqual([['p29', 29], ['p28', 28], ['p27', 27]]);
    const weighted = await places.search(
      placesSearch,
      (q) => q.functionScore(q.likes.range({ lt: 6n }), (f) => [f.weight(5, q.kind.term('bar')), f.likes.factor({ missing: 0 })], { scoreMode: 'sum', combineMode: 'replace' }),
      { sort: (s) => [s.score(), s.primaryKey()] },
    );
    // bar rows: 5 + likes; the others: likes.
    const want = all.filter((p) => p.likes < 6n).map((p) => ({ id: p.id, score: Number(p.likes) + (p.kind === 'bar' ? 5 : 0) }));
    want.sort((x, y) => y.score - x.score || x.id.localeCompare(y.id));
    expect(weighted.hits.map((h) => ({ id: h.item.id, score: Number(h.score.toFixed(6)) }))).toEqual(want);
    const capped = await places.search(placesSearch, (q) => q.functionScore(q.matchAll(), (f) => [f.likes.factor()], { maxScore: 3, minScore: 2 }), { sort: (s) => [s.score(), s.primaryKey()], limit: 100 });
    expect(capped.hits.every((h) => h.score >= 2 && h.score <= 3)).toBe(true);
    // Scores of 3 and more are capped at 3 (p03…p29, then by key), p02 scores 2, p00 and p01 fall under minScore.
    expect(capped.items.map((p) => p.id)).toEqual([...all.filter((p) => p.likes >= 3n).map((p) => p.id), 'p02']);
  });

  it('nested inner hits: the matching children beside each hit, sorted, paged, highlighted', async () => {
    const page = await places.search(
      placesSearch,
      (q) => q.nested('comments', (c) => c.text.match('tea'), { innerHits: { highlight: { fields: ['text'], preTag: '[', postTag: ']' } } }),
      { limit: 3, sort: (s) => [s.primaryKey()] },
    );
    expectTypeOf(page.hits[0].innerHits).toEqualTypeOf<{ comments?: Array<InnerHit<{ by: string; text: string; stars: number }>> } | undefined>();
    expect(page.items.map((p) => p.id)).toEqual(['p00', 'p01', 'p02']);
    for (const [i, h] of page.hits.entries()) {
      const inner = h.innerHits!.comments!;
      expect(inner.map((c) => c.offset)).toEqual([1]);
      expect(inner[0].item).toEqual(all[i].comments[1]);
      expect(inner[0].highlight).toEqual({ text: [all[i].comments[1].text.replace('tea', '[tea]')] });
    }
    const both = (innerHits: { offset?: number; limit?: number }) =>
      places.search(placesSearch, (q) => q.nested('comments', (c) => c.stars.range({ gte: 0 }), { innerHits: { sort: (s) => [s.stars.desc()], ...innerHits } }), { limit: 1, sort: (s) => [s.primaryKey()] });
    // p00: stars 0 (offset 0) and 2 (offset 1).
    expect((await both({ limit: 1 })).hits[0].innerHits!.comments!.map((c) => [c.offset, c.item!.stars])).toEqual([[1, 2]]);
    expect((await both({ offset: 1 })).hits[0].innerHits!.comments!.map((c) => [c.offset, c.item!.stars])).toEqual([[0, 0]]);
    expect((await both({})).hits[0].innerHits!.comments!.map((c) => c.offset)).toEqual([1, 0]);
    // Without the nested property among the columns the child itself is not at hand, its offset is.
    const partial = await places.search(placesSearch, (q) => q.nested('comments', (c) => c.text.match('tea'), { innerHits: {} }), { limit: 1, columns: ['kind'], sort: (s) => [s.primaryKey()] });
    expect(partial.hits[0].innerHits!.comments).toEqual([{ item: undefined, offset: 1, score: expect.any(Number) }]);
    expect(() => places.search(placesSearch, (q) => q.nested('comments', (c) => c.text.match('tea'), { innerHits: { limit: -1 } }))).toThrow(/innerHits limit is a non-negative integer/);
  });

  it('hits carry each item with its score, highest first when sorted by score', async () => {
    const page = await places.search(placesSearch, (q) => q.nested('comments', (c) => c.text.match('coffee 7 tea'), { scoreMode: 'max' }), { sort: (s) => [s.score()], limit: 100 });
    expectTypeOf(page.hits[0].score).toEqualTypeOf<number>();
    expect(page.hits.map((h) => h.item)).toEqual(page.items);
    expect(page.items[0].id).toBe('p07');
    const scores = page.hits.map((h) => h.score);
    expect(scores.every((s) => s > 0)).toBe(true);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
    expect(scores[0]).toBeGreaterThan(scores[scores.length - 1]);
  });

  it('refuses misuse before sending, naming the field and the rule', async () => {
    const loose = places as unknown as { aggregate: (i: unknown, q: (b: any) => unknown, a: (b: any) => unknown) => Promise<unknown>; search: (i: unknown, q: (b: any) => unknown) => unknown };
    await expect(loose.aggregate(placesSearch, (q) => q.matchAll(), (a) => ({ x: a.likes.dateHistogram({ interval: { value: 1, unit: 'day' } }) }))).rejects.toThrow(/likes: dateHistogram\(\) does not apply to a long field/);
    await expect(loose.aggregate(placesSearch, (q) => q.matchAll(), (a) => ({ x: a.kind.geoGrid({ precision: 3 }) }))).rejects.toThrow(QueryError);
    await expect(loose.aggregate(placesSearch, (q) => q.matchAll(), (a) => ({ x: a.location.geoGrid({ precision: 13 }) }))).rejects.toThrow(/precision is the geohash length, an integer from 1 to 12/);
    await expect(loose.aggregate(placesSearch, (q) => q.matchAll(), (a) => ({ x: a.openedAt.dateHistogram({ interval: { value: 1, unit: 'fortnight' } }) }))).rejects.toThrow(/interval is \{ value: a positive integer, unit: year/);
    await expect(loose.aggregate(placesSearch, (q) => q.matchAll(), (a) => ({ x: a.openedAt.dateHistogram({ interval: { value: 1, unit: 'day' }, timeZone: 'Asia/Shanghai' }) }))).rejects.toThrow(/timeZone is an offset like "\+08:00"/);
    await expect(loose.aggregate(placesSearch, (q) => q.matchAll(), (a) => ({ x: a.composite({ sources: { r: a.likes.range([{ to: 1 }]) } }) }))).rejects.toThrow(/source 'r' must be a groupBy, histogram or dateHistogram/);
    expect(() => loose.search(placesSearch, (q) => q.functionScore(q.matchAll(), (f: any) => [f.kind.gauss({ origin: 'a', scale: 1 })]))).toThrow(TypeError);
    expect(() => loose.search(placesSearch, (q) => q.functionScore(q.matchAll(), (f: any) => [f.openedAt.factor()]))).toThrow(/openedAt: factor\(\) takes a long or double field, not date/);
    await expect(places.search(placesSearch, (q) => q.functionScore(q.matchAll(), (f) => [f.openedAt.gauss({ origin: new Date(), scale: { value: 0, unit: 'day' } })])).page()).rejects.toThrow(/openedAt: scale is \{ value: a positive integer/);
    expect(() => places.search(placesSearch, (q) => q.functionScore(q.matchAll(), (f) => [f.likes.gauss({ origin: 1n, scale: 1, decay: 1 })]))).toThrow(/decay is a number in \(0, 1\)/);
    expect(() => loose.search(placesSearch, (q) => q.functionScore(q.matchAll(), () => []))).toThrow(/non-empty array of score functions/);
  });
});
