/**
 * Search pages read off candidates already in sort order (a posting in row key order, a sorted column's slice)
 * must equal a full sort of every match: same rows, same order, ties on the sort field broken by the PK, and the
 * same pages through next_token — across updates that move documents between postings. Likewise a field
 * group-by counted from the number column equals the same group-by counted document by document.
 */
import { describe, expect, it } from 'vitest';
import { decodeRow } from '../../src/emulator/model/plainbuffer';
import { VT } from '../../src/emulator/model/value';
import { decodeMessage, encodeMessage } from '../../src/emulator/protocol/proto';
import { buildDoc } from '../../src/emulator/search/document';
import { runSearch } from '../../src/emulator/search/execute';
import { SearchIndex } from '../../src/emulator/search/search-index';
import { FieldType } from '../../src/emulator/search/schema';
import { encodeVariant } from '../../src/emulator/search/values';

const fields = [
  { name: 'n', type: FieldType.LONG },
  { name: 'cat', type: FieldType.KEYWORD },
];
const def = { table: 't', tableId: 1, name: 'i', fields, routing: [], indexSort: [{ pk: true as const, order: 0 }], ttl: -1, createdAt: 0 };
const table = { name: 't', options: { timeToLive: -1, maxVersions: 1 } };

/** Keys sort like the ids (zero-padded), as row keys sort like the PK. */
const doc = (id: number, n: number, cat: string) =>
  buildDoc(`k${String(id).padStart(5, '0')}`, {
    pk: [{ name: 'id', value: { t: VT.INTEGER, v: BigInt(id) } }],
    cols: new Map([
      ['n', [{ ts: 1, value: { t: VT.INTEGER, v: BigInt(n) } }]],
      ['cat', [{ ts: 1, value: { t: VT.STRING, v: Buffer.from(cat) } }]],
    ]),
  }, fields);

const str = (s: string) => {
  const b = Buffer.alloc(5 + Buffer.byteLength(s));
  b[0] = VT.STRING;
  b.writeInt32LE(Buffer.byteLength(s), 1);
  b.write(s, 5);
  return b;
};
const range = (from: number, to: number) => ({ type: 4, query: encodeMessage('search.proto.RangeQuery', { fieldName: 'n', rangeFrom: encodeVariant(from, true), rangeTo: encodeVariant(to, true), includeLower: true, includeUpper: false }) });
const term = (cat: string) => ({ type: 3, query: encodeMessage('search.proto.TermQuery', { fieldName: 'cat', term: str(cat) }) });

/** Every page of a query (limit 7, following next_token), as the ids of the rows in order. */
function pages(index: SearchIndex, query: object, sort?: object): number[] {
  const ids: number[] = [];
  let token: Buffer | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const sq = encodeMessage('search.proto.SearchQuery', { query, limit: 7, ...(sort && !token ? { sort } : {}), ...(token ? { token } : {}) });
    const res = runSearch({ engine: undefined as never, table: table as never, index, now: Date.now() }, { searchQuery: sq }) as { rows: Buffer[]; nextToken?: Buffer };
    for (const r of res.rows) ids.push(Number((decodeRow(r).pk[0].value as { v: bigint }).v));
    if (!res.nextToken) return ids;
    token = res.nextToken;
  }
  throw new Error('too many pages');
}

describe('search: pages of ordered candidates', () => {
  let seed = 11;
  const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
  const rows = new Map<number, { n: number; cat: string }>();
  const index = new SearchIndex(def);
  const put = (id: number) => {
    const r = { n: rnd(40), cat: `c${rnd(4)}` }; // many ties on n
    rows.set(id, r);
    index.put(doc(id, r.n, r.cat));
  };
  // Puts out of key order, then updates that move rows between postings and values.
  const ids = Array.from({ length: 300 }, (_, i) => i).sort(() => rnd(3) - 1);
  for (const id of ids) put(id);
  const expected = (match: (r: { n: number; cat: string }) => boolean, cmp: (a: number, b: number) => number) =>
    [...rows].filter(([, r]) => match(r)).map(([id]) => id).sort(cmp);
  const byN = (dir: number) => (a: number, b: number) => dir * (rows.get(a)!.n - rows.get(b)!.n) || a - b;

  it('a range sorted by its own field, DESC and ASC, ties by PK ASC', () => {
    for (let round = 0; round < 3; round++) {
      const inRange = (r: { n: number }) => r.n >= 5 && r.n < 30;
      expect(pages(index, range(5, 30), { sorter: [{ fieldSort: { fieldName: 'n', order: 1 } }] })).toEqual(expected(inRange, byN(-1)));
      expect(pages(index, range(5, 30), { sorter: [{ fieldSort: { fieldName: 'n', order: 0 } }] })).toEqual(expected(inRange, byN(1)));
      for (let i = 0; i < 50; i++) put(rnd(300));
    }
  });

  it('a Bool of an exact clause and filters: its narrowed candidates are the matches, scored as before', () => {
    const bool = (m: object) => ({ type: 6, query: encodeMessage('search.proto.BoolQuery', m) });
    const hits = (query: object) => {
      const sq = encodeMessage('search.proto.SearchQuery', { query, limit: 100 });
      const res = runSearch({ engine: undefined as never, table: table as never, index, now: Date.now() }, { searchQuery: sq }) as { rows: Buffer[]; searchHits: Array<{ score: number }> };
      return res.rows.map((r, i) => [Number((decodeRow(r).pk[0].value as { v: bigint }).v), res.searchHits[i].score]);
    };
    const want = (match: (r: { n: number; cat: string }) => boolean, score: number) => expected(match, (a, b) => a - b).slice(0, 100).map((id) => [id, score]);
    const c1 = (r: { n: number; cat: string }) => r.cat === 'c1';
    const mid = (r: { n: number }) => r.n >= 5 && r.n < 30;
    expect(hits(bool({ mustQueries: [term('c1')], filterQueries: [range(5, 30)] }))).toEqual(want((r) => c1(r) && mid(r), 1));
    expect(hits(bool({ filterQueries: [term('c1'), range(5, 30)] }))).toEqual(want((r) => c1(r) && mid(r), 0));
    // A must_not clause: the candidates are narrowed, the rest still tested per document.
    expect(hits(bool({ mustQueries: [term('c1')], filterQueries: [range(5, 30)], mustNotQueries: [range(10, 12)] }))).toEqual(want((r) => c1(r) && mid(r) && !(r.n >= 10 && r.n < 12), 1));
  });

  it('a term query in PK order (the index sort) and by PK DESC', () => {
    for (let round = 0; round < 3; round++) {
      expect(pages(index, term('c1'))).toEqual(expected((r) => r.cat === 'c1', (a, b) => a - b));
      expect(pages(index, term('c2'), { sorter: [{ pkSort: { order: 1 } }] })).toEqual(expected((r) => r.cat === 'c2', (a, b) => b - a));
      for (let i = 0; i < 50; i++) put(rnd(300));
    }
  });
});

describe('search: field group-by over the number column', () => {
  const nums = [{ name: 'v', type: FieldType.DOUBLE, isArray: true }];
  const index = new SearchIndex({ ...def, fields: nums });
  let seed = 5;
  const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
  const held = new Map<number, number[]>();
  const put = (id: number) => {
    // Mostly one value, some several, some none; -0 beside 0.
    const k = rnd(10);
    const vals = k === 0 ? [] : k === 1 ? [rnd(5) / 2, rnd(5) / 2, 7] : k === 2 ? [-0] : [rnd(12) / 2];
    held.set(id, vals);
    const cols = new Map([['v', [{ ts: 1, value: { t: VT.STRING as const, v: Buffer.from(JSON.stringify(vals)) } }]]]);
    index.put(buildDoc(`k${String(id).padStart(5, '0')}`, { pk: [{ name: 'id', value: { t: VT.INTEGER, v: BigInt(id) } }], cols }, nums as never));
  };
  for (let i = 0; i < 400; i++) put(rnd(300));
  for (let i = 0; i < 50; i++) {
    const id = rnd(300);
    held.delete(id);
    index.remove(`k${String(id).padStart(5, '0')}`);
  }

  const groups = (sort?: object) => {
    const body = encodeMessage('search.proto.GroupByField', { fieldName: 'v', size: 100, ...(sort ? { sort } : {}) });
    const sq = encodeMessage('search.proto.SearchQuery', { limit: 0, groupBys: { groupBys: [{ name: 'g', type: 1, body }] } });
    const res = runSearch({ engine: undefined as never, table: table as never, index, now: Date.now() }, { searchQuery: sq }) as { groupBys: Buffer };
    const r = decodeMessage('search.proto.GroupBysResult', res.groupBys) as any;
    return (decodeMessage('search.proto.GroupByFieldResult', r.groupByResults[0].groupByResult) as any).groupByFieldResultItems.map((g: any) => [g.key, Number(g.rowCount)]);
  };

  it('counts like the document-by-document grouping under the same (default) order', () => {
    const counted = groups();
    // An explicit sort equal to the default takes the document-by-document path.
    const perDoc = groups({ sorters: [{ rowCountSort: { order: 1 } }, { groupKeySort: { order: 0 } }] });
    expect(counted).toEqual(perDoc);
    // Both against counts made here: each document once per distinct value (-0 is 0), most rows first, then by key.
    const want = new Map<number, number>();
    for (const vals of held.values()) for (const v of new Set(vals.map((x) => x + 0))) want.set(v, (want.get(v) ?? 0) + 1);
    const wanted = [...want].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    expect(counted.map((g: [string, number]) => [Number(g[0]), g[1]])).toEqual(wanted);
    expect(counted.length).toBeGreaterThan(8);
    expect(counted.find((g: [string, number]) => g[0] === '7.0')?.[1]).toBeGreaterThan(0);
  });

  it('reads each document\'s single number across updates, removes and several values', () => {
    const num = index.numberOf('v')!;
    for (const d of index.docs.values()) {
      const vals = d.values.get('v');
      if (vals?.length === 1) expect(Object.is(num(d), vals[0])).toBe(true);
      else expect(num(d)).toBeNaN();
    }
  });
});

describe('search: a bool filter and group-by read by slot', () => {
  // A term posting's documents narrowed by a number range and grouped by that number read the number column by
  // slot (SearchIndex.listSlots); documents with none or several values fall back to their values. All must
  // equal counts made here, across puts, removes and slot reuse.
  const both = [{ name: 'cat', type: FieldType.KEYWORD }, { name: 'v', type: FieldType.DOUBLE, isArray: true }];
  const index = new SearchIndex({ ...def, fields: both });
  let seed = 23;
  const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
  const held = new Map<number, { cat: string; vals: number[] }>();
  const key = (id: number) => `k${String(id).padStart(5, '0')}`;
  const put = (id: number) => {
    const k = rnd(8);
    const vals = k === 0 ? [] : k === 1 ? [rnd(10), rnd(10)] : [rnd(10)];
    const cat = `c${rnd(3)}`;
    held.set(id, { cat, vals });
    const cols = new Map([
      ['cat', [{ ts: 1, value: { t: VT.STRING as const, v: Buffer.from(cat) } }]],
      ['v', [{ ts: 1, value: { t: VT.STRING as const, v: Buffer.from(JSON.stringify(vals)) } }]],
    ]);
    index.put(buildDoc(key(id), { pk: [{ name: 'id', value: { t: VT.INTEGER, v: BigInt(id) } }], cols }, both as never));
  };
  const vRange = (from: number, to: number) => ({ type: 4, query: encodeMessage('search.proto.RangeQuery', { fieldName: 'v', rangeFrom: encodeVariant(from, false), rangeTo: encodeVariant(to, false), includeLower: true, includeUpper: false }) });
  const search = (cat: string, from: number, to: number) => {
    const bool = { type: 6, query: encodeMessage('search.proto.BoolQuery', { mustQueries: [term(cat)], filterQueries: [vRange(from, to)] }) };
    const body = encodeMessage('search.proto.GroupByField', { fieldName: 'v', size: 100 });
    const sq = encodeMessage('search.proto.SearchQuery', { query: bool, limit: 100, getTotalCount: true, groupBys: { groupBys: [{ name: 'g', type: 1, body }] } });
    const res = runSearch({ engine: undefined as never, table: table as never, index, now: Date.now() }, { searchQuery: sq }) as { totalHits: number; rows: Buffer[]; groupBys: Buffer };
    const r = decodeMessage('search.proto.GroupBysResult', res.groupBys) as any;
    const items = (decodeMessage('search.proto.GroupByFieldResult', r.groupByResults[0].groupByResult) as any).groupByFieldResultItems;
    return { total: Number(res.totalHits), ids: res.rows.map((b) => Number((decodeRow(b).pk[0].value as { v: bigint }).v)), groups: items.map((g: any) => [Number(g.key), Number(g.rowCount)]) };
  };
  const expected = (cat: string, from: number, to: number) => {
    const ids = [...held].filter(([, h]) => h.cat === cat && h.vals.some((v) => v >= from && v < to)).map(([id]) => id).sort((a, b) => a - b);
    const want = new Map<number, number>();
    for (const id of ids) for (const v of new Set(held.get(id)!.vals)) want.set(v, (want.get(v) ?? 0) + 1);
    return { total: ids.length, ids: ids.slice(0, 100), groups: [...want].sort((a, b) => b[1] - a[1] || a[0] - b[0]) };
  };

  it('matches and counts like the documents say, across updates', () => {
    for (let i = 0; i < 300; i++) put(rnd(200));
    for (let round = 0; round < 4; round++) {
      for (const cat of ['c0', 'c1', 'c2']) {
        const got = search(cat, 3, 7);
        expect(got).toEqual(expected(cat, 3, 7));
        expect(got.total).toBeGreaterThan(0);
      }
      for (let i = 0; i < 40; i++) put(rnd(200));
      for (let i = 0; i < 20; i++) {
        const id = rnd(200);
        held.delete(id);
        index.remove(key(id));
      }
    }
  });
});
