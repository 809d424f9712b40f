/**
 * Search features beyond the query itself, with the official Node SDK: page tokens (bound to the query, carrying
 * the sort, refused when misused), the PK tie-breaker, ColumnsToGet, collapse, highlight (plain and HTML),
 * max_word Chinese segmentation, inner hits, FunctionsScore, index_sort, and the sort edge cases of spec §5.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tableJanitor } from '../support/janitor';
import { rawRequest } from '../support/raw';
import { paramInvalid } from '../support/rows';
import { messageType } from '../../src/emulator/protocol/proto';
import { connectSdk, createTable, IGNORE, Long, uniqueTable } from '../support/sdk';
import { ASC, attrs, count, createFixture, DESC, FT, fixtureSchema, pks, QT, RT, search } from '../support/search';

const q = (queryType: number, query: object) => ({ queryType, query });
const matchAll = q(QT.MATCH_ALL_QUERY, {});
const noToken = (r: any) => r.nextToken == null || r.nextToken.length === 0;

describe('search paging, columns, collapse, highlight', () => {
  const sdk = connectSdk();
  const janitor = tableJanitor(sdk);
  const t = janitor.add(uniqueTable('sf'));

  beforeAll(async () => {
    await createFixture(sdk, t, 120, { idx: fixtureSchema(), nested: fixtureSchema(true) });
  });

  it('pages by token with the sort carried in the token; a token comes back iff the page is full', async () => {
    const sort = { sorters: [{ fieldSort: { fieldName: 'l', order: DESC } }] };
    const first = await search(sdk, t, 'idx', matchAll, { limit: 50, sort });
    expect(pks(first)).toEqual(Array.from({ length: 50 }, (_, i) => 119 - i));
    // The next pages send no sort (as Java/Go do) and a different limit (as the Node sample does).
    const second = await search(sdk, t, 'idx', matchAll, { limit: 60, token: first.nextToken });
    expect(pks(second)).toEqual(Array.from({ length: 60 }, (_, i) => 69 - i));
    const third = await search(sdk, t, 'idx', matchAll, { limit: 60, token: second.nextToken });
    expect(pks(third)).toEqual(Array.from({ length: 10 }, (_, i) => 9 - i));
    expect(noToken(third)).toBe(true);
    // 120 hits / limit 120 → full page → token; the page after it is empty and has none.
    const all = await search(sdk, t, 'idx', matchAll, { limit: 120 });
    expect(all.nextToken.length).toBeGreaterThan(0);
    const empty = await search(sdk, t, 'idx', matchAll, { limit: 10, token: all.nextToken });
    expect([empty.rows.length, noToken(empty)]).toEqual([0, true]);
  });

  it('keeps ties in a stable PK order across pages (the appended PK tie-breaker)', async () => {
    const sort = { sorters: [{ fieldSort: { fieldName: 'd', order: ASC } }] }; // d is 0.1 on every row
    const seen: number[] = [];
    let token: Buffer | undefined;
    do {
      const r = await search(sdk, t, 'idx', matchAll, { limit: 7, ...(token ? { token } : { sort }) });
      seen.push(...pks(r));
      token = noToken(r) ? undefined : r.nextToken;
    } while (token);
    expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => i));
  });

  it('refuses a token used with another query, another index, or corrupted', async () => {
    const first = await search(sdk, t, 'idx', matchAll, { limit: 5 });
    await paramInvalid(search(sdk, t, 'idx', q(QT.TERM_QUERY, { fieldName: 'b', term: true }), { limit: 5, token: first.nextToken }), 'invalid token: the token belongs to another query');
    await paramInvalid(search(sdk, t, 'nested', matchAll, { limit: 5, token: first.nextToken }), 'invalid token: the token belongs to another search index');
    await paramInvalid(search(sdk, t, 'idx', matchAll, { limit: 5, token: Buffer.from('garbage') }), 'invalid token: not a search token');
    const broken = Buffer.from(first.nextToken);
    broken[broken.length - 3] ^= 1;
    await paramInvalid(search(sdk, t, 'idx', matchAll, { limit: 5, token: broken }), 'invalid token: the token is corrupted');
  });

  it('returns columns per ColumnsToGet: NONE, SPECIFIED, ALL, ALL_FROM_INDEX', async () => {
    const term = q(QT.TERM_QUERY, { fieldName: 'l', term: Long(7) });
    const none = await search(sdk, t, 'idx', term, {}, { returnType: RT.RETURN_NONE });
    expect(none.rows[0].attributes).toEqual([]);
    expect(none.rows[0].primaryKey.map((c: any) => c.name)).toEqual(['PK1', 'PK2']);
    const spec = await search(sdk, t, 'idx', term, {}, { returnType: RT.RETURN_SPECIFIED, returnNames: ['t', 'missing', 'k'] });
    expect(attrs(spec.rows[0])).toEqual({ k: 'key007', t: 'this is 7' });
    const all = await search(sdk, t, 'idx', term, {}, { returnType: RT.RETURN_ALL });
    expect(Object.keys(attrs(all.rows[0]))).toEqual(['b', 'd', 'g', 'k', 'ka', 'l', 'la', 'n', 'name', 't', 'time', 'vector']);
    // From the index: fields stored (store absent counts as stored [decision]); row 7's `time` is dirty, so not there.
    const fromIndex = await search(sdk, t, 'idx', term, {}, { returnType: RT.RETURN_ALL_FROM_INDEX });
    expect(Object.keys(attrs(fromIndex.rows[0]))).toEqual(['b', 'd', 'g', 'k', 'ka', 'l', 'la', 'name', 't', 'vector']);
    expect(attrs(fromIndex.rows[0]).ka).toBe('["a", "b", "7"]');
    await paramInvalid(search(sdk, t, 'idx', term, {}, { returnType: RT.RETURN_SPECIFIED, returnNames: ['#x'] }), /cannot start with '#'/);
  });

  it('collapses on a field: one row per value, missing values one group, total before collapsing', async () => {
    const u = janitor.add(uniqueTable('col'));
    await createTable(sdk, u, [{ name: 'id', type: 'INTEGER' }]);
    await sdk.createSearchIndex({ tableName: u, indexName: 'i', schema: { fieldSchemas: [{ fieldName: 'kw', fieldType: FT.KEYWORD }, { fieldName: 'n', fieldType: FT.LONG }] } });
    for (let i = 0; i < 37; i++) {
      const attributeColumns: object[] = [{ n: Long(i) }];
      if (i < 30) attributeColumns.push({ kw: `g${i % 12}` });
      await sdk.putRow({ tableName: u, condition: IGNORE(), primaryKey: [{ id: Long(i) }], attributeColumns });
    }
    const r = await sdk.search({ tableName: u, indexName: 'i', searchQuery: { limit: 100, getTotalCount: true, query: matchAll, collapse: { fieldName: 'kw' } }, columnToGet: { returnType: RT.RETURN_NONE } });
    expect([r.rows.length, r.totalCounts]).toEqual([13, '37']);
    expect(r.rows.map((row: any) => Number(String(row.primaryKey[0].value)))).toEqual([...Array.from({ length: 12 }, (_, i) => i), 30]);
  });

  it('highlights matched tokens (plain and HTML) and refuses fields without enable_highlighting', async () => {
    const r = await sdk.search({
      tableName: t,
      indexName: 'idx',
      searchQuery: {
        limit: 1,
        query: q(QT.MATCH_QUERY, { fieldName: 't', text: 'is 7' }),
        sort: { sorters: [{ primaryKeySort: { order: ASC } }] },
        highlight: { highlightParameters: [{ fieldName: 't', preTag: '<b>', postTag: '</b>' }] },
      },
      columnToGet: { returnType: RT.RETURN_NONE },
    });
    expect(r.searchHits[0].highlightResultItem.highlightFields.get('t').fragments).toEqual(['this <b>is</b> 0']);
    await paramInvalid(search(sdk, t, 'idx', matchAll, { highlight: { highlightParameters: [{ fieldName: 'k' }] } }), 'highlighting is not supported for field[k]');
  });

  it('returns inner hits of a nested query with offsets', async () => {
    const r = await sdk.search({
      tableName: t,
      indexName: 'nested',
      searchQuery: {
        limit: 1,
        query: q(QT.NESTED_QUERY, { path: 'n', query: q(QT.TERM_QUERY, { fieldName: 'n.nk', term: 'key005' }), innerHits: { limit: 5 } }),
      },
      columnToGet: { returnType: RT.RETURN_NONE },
    });
    expect(pks(r)).toEqual([5]);
    const inner = r.searchHits[0].searchInnerHits.get('n');
    expect(inner.subSearchHits).toHaveLength(1);
  });

  it('FunctionsScore: field_value_factor with a filter and weight, combined by sum', async () => {
    const r = await sdk.search({
      tableName: t,
      indexName: 'idx',
      searchQuery: {
        limit: 3,
        query: q(QT.FUNCTIONS_SCORE_QUERY, {
          query: q(QT.RANGE_QUERY, { fieldName: 'l', rangeFrom: Long(10), rangeTo: Long(20), includeLower: true }),
          functions: [{ fieldValueFactorFunction: { fieldName: 'l', factor: 2 }, weight: 1, filter: q(QT.TERM_QUERY, { fieldName: 'b', term: true }) }],
          scoreMode: 3,
          combineMode: 6,
        }),
        sort: { sorters: [{ scoreSort: { order: DESC } }] },
      },
      columnToGet: { returnType: RT.RETURN_NONE },
    });
    // Even rows score 2·l; odd rows match no function and keep the neutral 1.
    expect(pks(r)).toEqual([18, 16, 14]);
    expect(r.searchHits.map((h: any) => h.score)).toEqual([36, 32, 28]);
  });

  it('FunctionsScore without a sort returns the best score first (the Node SDK test: Exists + linear decay)', async () => {
    const r = await sdk.search({
      tableName: t,
      indexName: 'idx',
      searchQuery: {
        limit: 2,
        query: q(QT.FUNCTIONS_SCORE_QUERY, {
          query: q(QT.RANGE_QUERY, { fieldName: 'l', rangeFrom: Long(10), rangeTo: Long(20), includeLower: true }),
          functions: [{ weight: 1, filter: q(QT.MATCH_ALL_QUERY, {}), decayFunction: { fieldName: 'l', mathFunction: 3, decay: 0.5, decayParamType: 2, decayParam: { origin: 13.3, scale: 1, offset: 0.5 }, multiValueMode: 2 } }],
          minScore: 1,
          scoreMode: 3,
          combineMode: 4,
        }),
      },
      columnToGet: { returnType: RT.RETURN_NONE },
    });
    // l = 13 is within the offset (decay 1, score 2); 14 and 12 decay to 0.9 and 0.6. In index (PK) order 10 came first.
    expect(pks(r)).toEqual([13, 14]);
  });

  it('sorts missing values last, honours missing_value / missing_field, and uses index_sort by default', async () => {
    const u = janitor.add(uniqueTable('srt'));
    await createTable(sdk, u, [{ name: 'id', type: 'INTEGER' }]);
    await sdk.createSearchIndex({
      tableName: u,
      indexName: 'i',
      schema: {
        fieldSchemas: [{ fieldName: 'a', fieldType: FT.LONG, enableSortAndAgg: true }, { fieldName: 'b', fieldType: FT.LONG, enableSortAndAgg: true }],
        indexSort: { sorters: [{ fieldSort: { fieldName: 'a', order: DESC } }] },
      },
    });
    const rows: Array<[number, number | undefined, number | undefined]> = [[1, 5, undefined], [2, undefined, 37], [3, 9, undefined], [4, undefined, 1]];
    for (const [id, a, b] of rows) {
      const attributeColumns: object[] = [];
      if (a !== undefined) attributeColumns.push({ a: Long(a) });
      if (b !== undefined) attributeColumns.push({ b: Long(b) });
      await sdk.putRow({ tableName: u, condition: IGNORE(), primaryKey: [{ id: Long(id) }], attributeColumns });
    }
    const ids = (r: any) => r.rows.map((row: any) => Number(String(row.primaryKey[0].value)));
    const s = (sorters: object[] | undefined) => sdk.search({ tableName: u, indexName: 'i', searchQuery: { limit: 10, query: matchAll, ...(sorters ? { sort: { sorters } } : {}) }, columnToGet: { returnType: RT.RETURN_NONE } });
    expect(ids(await s(undefined))).toEqual([3, 1, 2, 4]); // index_sort a DESC, missing last, PK tie-break
    expect(ids(await s([{ fieldSort: { fieldName: 'a', order: ASC } }]))).toEqual([1, 3, 2, 4]);
    expect(ids(await s([{ fieldSort: { fieldName: 'a', order: DESC, missingField: 'b' } }]))).toEqual([2, 3, 1, 4]);
    expect(ids(await s([{ fieldSort: { fieldName: 'a', order: ASC, missingValue: Long(6) } }]))).toEqual([1, 2, 4, 3]);
    expect(ids(await s([{ primaryKeySort: { order: DESC } }]))).toEqual([4, 3, 2, 1]);
  });

  it('scores BM25 close to the service: the Python SDK test of Match 花茶 × pv (int scores 53, 11, 9)', async () => {
    const u = janitor.add(uniqueTable('bm'));
    await createTable(sdk, u, [{ name: 'url', type: 'STRING' }]);
    const docs: Array<[string, string, number]> = [
      ['http://a.com/001.html', '求推荐几款菊花茶店铺', 25],
      ['http://b.com/news/001.html', '秋天最适合饮用的几种花茶', 30],
      ['http://a.com/011.html', '苕溪边上有一大片野生菊花', 100],
      ['http://a.com/019.html', '菊花茶是一款大部分人都适合的经典花茶', 120],
    ];
    for (const [url, title, pv] of docs) await sdk.putRow({ tableName: u, condition: IGNORE(), primaryKey: [{ url }], attributeColumns: [{ title }, { pv: Long(pv) }] });
    await sdk.createSearchIndex({ tableName: u, indexName: 'i', schema: { fieldSchemas: [{ fieldName: 'title', fieldType: FT.TEXT, analyzer: 'max_word' }, { fieldName: 'pv', fieldType: FT.LONG, enableSortAndAgg: true }] } });
    const r = await sdk.search({
      tableName: u,
      indexName: 'i',
      searchQuery: {
        limit: 10,
        query: q(QT.FUNCTIONS_SCORE_QUERY, { query: q(QT.MATCH_QUERY, { fieldName: 'title', text: '花茶' }), functions: [{ fieldValueFactorFunction: { fieldName: 'pv' } }] }),
        sort: { sorters: [{ scoreSort: { order: DESC } }] },
      },
      columnToGet: { returnType: RT.RETURN_NONE },
    });
    expect(r.rows.map((row: any) => row.primaryKey[0].value)).toEqual(['http://a.com/019.html', 'http://b.com/news/001.html', 'http://a.com/001.html']);
    // The service's int(score) values, so its scores lie in [n, n + 1); ours (token counts, unquantized lengths)
    // are within 5 % of each interval's middle: 51.9, 11.4, 9.5.
    const service = [53, 11, 9];
    r.searchHits.forEach((h: any, i: number) => expect(Math.abs(h.score - (service[i] + 0.5)) / (service[i] + 0.5)).toBeLessThan(0.05));
  });

  it('segments Chinese with max_word: 菊花茶 matches 菊花, 花茶 and itself; 梨花茶 holds 花茶', async () => {
    const u = janitor.add(uniqueTable('zh'));
    await createTable(sdk, u, [{ name: 'id', type: 'INTEGER' }]);
    const titles = ['菊花茶是一款大部分人都适合的经典花茶', '野生菊花', '饮用花茶的好处', '梨花茶', '秋天的枫叶', 'dengcai <em>street</em>'];
    for (let i = 0; i < titles.length; i++) await sdk.putRow({ tableName: u, condition: IGNORE(), primaryKey: [{ id: Long(i) }], attributeColumns: [{ title: titles[i] }] });
    // Written before the index: the new index indexes them.
    await sdk.createSearchIndex({ tableName: u, indexName: 'i', schema: { fieldSchemas: [{ fieldName: 'title', fieldType: FT.TEXT, analyzer: 'max_word', enableHighlighting: true }] } });
    const m = (text: string, extra: object = {}) => count(sdk, u, 'i', q(QT.MATCH_QUERY, { fieldName: 'title', text, ...extra }));
    expect(await m('花茶')).toBe(3); // 菊花茶是…花茶, 饮用花茶的好处, 梨花茶 (梨花 + 花茶)
    expect(await m('梨花茶')).toBe(3); // the Python SDK's test counts: 梨花 finds 梨花茶, 花茶 the two others
    expect(await m('菊花')).toBe(2);
    expect(await m('秋天')).toBe(1);
    expect(await count(sdk, u, 'i', q(QT.MATCH_PHRASE_QUERY, { fieldName: 'title', text: '秋天菊花' }))).toBe(0);
    expect(await count(sdk, u, 'i', q(QT.MATCH_PHRASE_QUERY, { fieldName: 'title', text: '野生菊花' }))).toBe(1);
    const r = await sdk.search({
      tableName: u,
      indexName: 'i',
      searchQuery: { limit: 1, query: q(QT.MATCH_QUERY, { fieldName: 'title', text: '花茶' }), highlight: { highlightParameters: [{ fieldName: 'title', preTag: '<b>', postTag: '</b>' }] } },
      columnToGet: { returnType: RT.RETURN_NONE },
    });
    expect(r.searchHits[0].highlightResultItem.highlightFields.get('title').fragments).toEqual(['菊<b>花茶</b>是一款大部分人都适合的经典<b>花茶</b>']);
    // HTML_MODE escapes the text, not the tags (spec §4.1).
    const h = await sdk.search({
      tableName: u,
      indexName: 'i',
      searchQuery: { limit: 1, query: q(QT.MATCH_QUERY, { fieldName: 'title', text: 'dengcai' }), highlight: { highlightEncoder: 2, highlightParameters: [{ fieldName: 'title' }] } },
      columnToGet: { returnType: RT.RETURN_NONE },
    });
    expect(h.searchHits[0].highlightResultItem.highlightFields.get('title').fragments).toEqual(['<em>dengcai</em> &lt;em&gt;street&lt;&#x2F;em&gt;']);
  });
});

describe('search: geo-distance and nested-filter sorts, FUZZY_KEYWORD, and the Java/Go-only fields', () => {
  const sdk = connectSdk();
  const janitor = tableJanitor(sdk);
  const t = janitor.add(uniqueTable('sg'));

  beforeAll(async () => {
    await createFixture(sdk, t, 30, { idx: fixtureSchema(), nested: fixtureSchema(true) });
  });

  it('sorts by distance to a point (ARC), nearest first, and by nested values under a nested filter', async () => {
    // Row i sits at (30, 114 + 0.05·i) for i < 100: the nearest to (30, 115) is i = 20, then 19 and 21.
    const r = await search(sdk, t, 'idx', matchAll, { limit: 3, sort: { sorters: [{ geoDistanceSort: { fieldName: 'g', points: ['30,115'], order: ASC } }] } });
    expect(pks(r)[0]).toBe(20);
    expect(pks(r).slice(1).sort()).toEqual([19, 21]);
    const n = await search(sdk, t, 'nested', matchAll, {
      limit: 3,
      sort: { sorters: [{ fieldSort: { fieldName: 'n.nl', order: DESC, nestedFilter: { path: 'n', filter: q(QT.RANGE_QUERY, { fieldName: 'n.nl', rangeTo: Long(10), includeUpper: false }) } } }] },
    });
    // Children with nl >= 10 don't count: rows 10.. have no value and sort last.
    expect(pks(n)).toEqual([9, 8, 7]);
  });

  it('creates a FUZZY_KEYWORD field (echoed as type 10) that queries like a keyword', async () => {
    const u = janitor.add(uniqueTable('fk'));
    await createTable(sdk, u, [{ name: 'id', type: 'INTEGER' }]);
    await sdk.createSearchIndex({ tableName: u, indexName: 'i', schema: { fieldSchemas: [{ fieldName: 'name', fieldType: 10 }] } });
    await sdk.putRow({ tableName: u, condition: IGNORE(), primaryKey: [{ id: Long(1) }], attributeColumns: [{ name: 'tablestore' }] });
    expect((await sdk.describeSearchIndex({ tableName: u, indexName: 'i' })).schema.fieldSchemas[0].fieldType).toBe(10);
    expect(await count(sdk, u, 'i', q(QT.WILDCARD_QUERY, { fieldName: 'name', value: '*store' }))).toBe(1);
  });

  /** A Search sent as raw protobuf, for the Java/Go-only fields the Node SDK cannot send; its total and rows. */
  async function rawSearch(searchQuery: object): Promise<{ total: number; rows: number }> {
    const sq = Buffer.from(messageType('search.proto.SearchQuery').encode(searchQuery as never).finish());
    const body = Buffer.from(messageType('search.proto.SearchRequest').encode({ tableName: t, indexName: 'idx', searchQuery: sq, columnsToGet: { returnType: 3 } } as never).finish());
    const res = await rawRequest('Search', body);
    expect(res.status).toBe(200);
    const r = messageType('search.proto.SearchResponse').decode(res.body) as any;
    return { total: Number(r.totalHits), rows: r.rows.length };
  }

  it('counts with track_total_count (capped by a finite one) and accepts disable_default_pk_sorter (Java/Go fields)', async () => {
    const send = (extra: object) => rawSearch({
      limit: 5,
      query: { type: QT.MATCH_ALL_QUERY, query: Buffer.alloc(0) },
      sort: { sorter: [{ fieldSort: { fieldName: 'd', order: DESC } }], disableDefaultPkSorter: true },
      ...extra,
    });
    expect(await send({ trackTotalCount: 2147483647 })).toEqual({ total: 30, rows: 5 });
    expect(await send({ trackTotalCount: 7 })).toEqual({ total: 7, rows: 5 });
    expect(await send({ trackTotalCount: -1 })).toEqual({ total: -1, rows: 5 });
  });

  it('matches a SuffixQuery (Java, type 19) on KEYWORD values and TEXT tokens', async () => {
    // The Node SDK has no SuffixQuery; its body has the PrefixQuery layout (1 field_name, 2 suffix).
    const suffix = (fieldName: string, prefix: string) =>
      rawSearch({ limit: 0, getTotalCount: true, query: { type: 19, query: Buffer.from(messageType('search.proto.PrefixQuery').encode({ fieldName, prefix } as never).finish()) } });
    expect(await suffix('k', '9')).toEqual({ total: 3, rows: 0 }); // key009, key019, key029
    expect(await suffix('t', '29')).toEqual({ total: 1, rows: 0 }); // the token "29" of "this is 29"
    expect(await suffix('t', 'is')).toEqual({ total: 30, rows: 0 }); // "this" and "is" in every row
    expect(await suffix('k', 'key')).toEqual({ total: 0, rows: 0 });
  });
});
