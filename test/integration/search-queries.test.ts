/**
 * Search queries with the official Node SDK over 1,000 rows shaped like the official SDKs' search tests, so the
 * counts those tests observed against the real service (spec §4, §11) are asserted here: match, phrase, fuzzy,
 * term coercion, ranges with strict dates (dirty values dropped), prefix, wildcard, terms, bool, the geo
 * counts (668 / 500 / 90), nested, exists, KNN, function score, sort and routing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tableJanitor } from '../support/janitor';
import { paramInvalid } from '../support/rows';
import { connectSdk, Long, uniqueTable } from '../support/sdk';
import { attrs, count, createFixture, DESC, ASC, fixtureSchema, pks, QT, RT, search } from '../support/search';

describe('search queries (observed counts of spec §11)', () => {
  const sdk = connectSdk();
  const janitor = tableJanitor(sdk);
  const t = janitor.add(uniqueTable('sq'));
  const q = (queryType: number, query: object) => ({ queryType, query });
  const n = (query: object) => count(sdk, t, 'idx', query);

  beforeAll(async () => {
    await createFixture(sdk, t, 1000, { idx: fixtureSchema(), nested: fixtureSchema(true) });
  });

  it('match all: every row, total 1000, a token while pages are full, attributes sorted by name', async () => {
    let token: Buffer | undefined;
    const seen: number[] = [];
    do {
      const r = await sdk.search({
        tableName: t,
        indexName: 'idx',
        searchQuery: { limit: 100, getTotalCount: true, query: q(QT.MATCH_ALL_QUERY, {}), ...(token ? { token } : {}) },
        columnToGet: { returnType: RT.RETURN_SPECIFIED, returnNames: ['t', 'k', 'la', 'ka', 'g'] },
      });
      expect(r.totalCounts).toBe('1000');
      expect(r.isAllSucceeded).toBe(true);
      if (r.rows.length) expect(r.rows[0].attributes.map((a: any) => a.columnName)).toEqual(['g', 'k', 'ka', 'la', 't']);
      seen.push(...pks(r));
      token = r.nextToken && r.nextToken.length ? r.nextToken : undefined;
    } while (token);
    expect(seen).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('match: OR, AND, minimum_should_match', async () => {
    const m = (text: string, extra: object = {}) => n(q(QT.MATCH_QUERY, { fieldName: 't', text, ...extra }));
    expect(await m('this')).toBe(1000);
    expect(await m('not')).toBe(0);
    expect(await m('this is 0')).toBe(1000);
    expect(await m('this is 0', { minimumShouldMatch: 3 })).toBe(1);
    expect(await m('this is 0', { operator: 2 })).toBe(1);
    expect(await m('is this 0', { minimumShouldMatch: 0, operator: 2 })).toBe(1);
  });

  it('match phrase on TEXT and KEYWORD, and the fuzzy analyzer as substring search', async () => {
    const p = (fieldName: string, text: string) => n(q(QT.MATCH_PHRASE_QUERY, { fieldName, text }));
    expect(await p('t', 'this is')).toBe(1000);
    expect(await p('t', 'this is 1')).toBe(1);
    expect(await p('k', 'key999')).toBe(1);
    expect(await p('name', '苏')).toBe(190);
  });

  it('term coerces to the field type; terms ignores missing values', async () => {
    const term = (fieldName: string, v: unknown) => n(q(QT.TERM_QUERY, { fieldName, term: v }));
    expect(await term('k', 'key000')).toBe(1);
    expect(await term('t', '100')).toBe(1);
    expect(await term('l', '900')).toBe(1);
    expect(await term('la', '900')).toBe(1);
    expect(await term('ka', 'a')).toBe(1000);
    expect(await term('b', true)).toBe(500);
    expect(await term('d', 0.1)).toBe(1000);
    const terms = (fieldName: string, v: unknown[]) => n(q(QT.TERMS_QUERY, { fieldName, terms: v }));
    expect(await terms('k', ['key000', 'key100', 'key888', 'key999', 'key908', 'key1000'])).toBe(5);
    expect(await terms('t', ['this', 'is'])).toBe(1000);
    expect(await terms('l', [Long(0), Long(999), Long(1000), Long(1002)])).toBe(2);
  });

  it('range on KEYWORD, LONG arrays with string bounds, and DATE with a strict format (96: one-digit days are dirty)', async () => {
    const r = (fieldName: string, rangeFrom: unknown, rangeTo: unknown, inc: boolean) =>
      n(q(QT.RANGE_QUERY, { fieldName, rangeFrom, rangeTo, includeLower: inc, includeUpper: inc }));
    expect(await r('k', 'key100', 'key200', false)).toBe(99);
    expect(await r('k', 'key100', 'key200', true)).toBe(101);
    expect(await r('la', '100', '300', true)).toBe(201);
    expect(await r('time', '2022-05-06', '2022-05-12', true)).toBe(96);
    // The dirty field is dropped, the row stays indexed.
    expect(await n(q(QT.MATCH_ALL_QUERY, {}))).toBe(1000);
  });

  it('prefix and wildcard on KEYWORD values and TEXT tokens', async () => {
    const pre = (fieldName: string, prefix: string) => n(q(QT.PREFIX_QUERY, { fieldName, prefix }));
    expect(await pre('k', 'key')).toBe(1000);
    expect(await pre('k', 'key00')).toBe(10);
    expect(await pre('t', 'this')).toBe(1000);
    expect(await pre('t', 'this is')).toBe(0);
    const wc = (fieldName: string, value: string) => n(q(QT.WILDCARD_QUERY, { fieldName, value }));
    expect(await wc('t', 't*')).toBe(1000);
    expect(await wc('k', 'key00*')).toBe(10);
    expect(await wc('k', '*9?')).toBe(100);
    await paramInvalid(wc('k', 'a'.repeat(33)), 'length of field value is longer than 32 for the [WILDCARD_QUERY] query');
  });

  it('bool: must / must_not / filter, and should with minimum_should_match beside must', async () => {
    const range = (fieldName: string, from?: unknown, to?: unknown, incLower?: boolean, incUpper?: boolean) =>
      q(QT.RANGE_QUERY, { fieldName, rangeFrom: from, rangeTo: to, includeLower: incLower, includeUpper: incUpper });
    const r1 = await search(sdk, t, 'idx', q(QT.BOOL_QUERY, {
      mustQueries: [range('k', 'key100', undefined, false)],
      mustNotQueries: [range('l', Long(150), Long(200), true, false)],
      filterQueries: [range('l', undefined, Long(250), undefined, false)],
    }), { sort: { sorters: [{ fieldSort: { fieldName: 'l', order: DESC } }] } }, { returnType: RT.RETURN_ALL });
    expect(r1.totalCounts).toBe('99');
    expect(r1.nextToken == null || r1.nextToken.length === 0).toBe(true);
    expect(r1.rows.map((row: any) => Number(attrs(row).l))).toEqual([...Array.from({ length: 50 }, (_, i) => 249 - i), ...Array.from({ length: 49 }, (_, i) => 149 - i)]);
    const r2 = await search(sdk, t, 'idx', q(QT.BOOL_QUERY, {
      mustQueries: [
        range('k', 'key100', undefined, false),
        q(QT.BOOL_QUERY, { mustQueries: [range('l', Long(110), undefined, false), range('l', undefined, Long(200), undefined, false)] }),
      ],
      mustNotQueries: [q(QT.TERM_QUERY, { fieldName: 'k', term: 'key121' })],
      shouldQueries: [range('k', 'key120', undefined, false), range('l', undefined, Long(300), undefined, true)],
      minimumShouldMatch: 2,
    }), { sort: { sorters: [{ fieldSort: { fieldName: 'l', order: ASC } }] } });
    expect(pks(r2)).toEqual(Array.from({ length: 78 }, (_, i) => 122 + i));
  });

  it('geo distance 668, bounding box 500, polygon 90 (Lucene quantization, earth radius 6371008.7714 m)', async () => {
    expect(await n(q(QT.GEO_DISTANCE_QUERY, { fieldName: 'g', centerPoint: '32.5,116.5', distance: 300000 }))).toBe(668);
    expect(await n(q(QT.GEO_BOUNDING_BOX_QUERY, { fieldName: 'g', topLeft: '30.9,112.0', bottomRight: '30.2,119.0' }))).toBe(500);
    expect(await n(q(QT.GEO_POLYGON_QUERY, { fieldName: 'g', points: ['30.9,112.0', '30.5,115.0', '30.3, 117.0', '30.2,119.0'] }))).toBe(90);
  });

  it('nested: term and range on child docs; no token on an index without index_sort queried unsorted', async () => {
    const nested = (query: object) => search(sdk, t, 'nested', q(QT.NESTED_QUERY, { path: 'n', query, scoreMode: 1 }));
    const a = await nested(q(QT.TERM_QUERY, { fieldName: 'n.nk', term: 'key199' }));
    expect([a.totalCounts, pks(a)]).toEqual(['1', [199]]);
    const b = await nested(q(QT.RANGE_QUERY, { fieldName: 'n.nl', rangeFrom: Long(100), rangeTo: Long(300), includeLower: true, includeUpper: true }));
    expect([b.totalCounts, b.rows.length, b.nextToken == null || b.nextToken.length === 0]).toEqual(['201', 100, true]);
    // A nested sub-field outside a NestedQuery is refused.
    await paramInvalid(count(sdk, t, 'nested', q(QT.TERM_QUERY, { fieldName: 'n.nk', term: 'key1' })), /is a nested field, query it inside a NestedQuery with path \[n\]/);
  });

  it('exists, and must_not exists (IS NULL)', async () => {
    const range = q(QT.RANGE_QUERY, { fieldName: 'k', rangeFrom: 'key100', rangeTo: 'key200', includeLower: false, includeUpper: true });
    const notL = q(QT.RANGE_QUERY, { fieldName: 'l', rangeFrom: Long(150), rangeTo: Long(200), includeLower: true, includeUpper: false });
    expect(await n(q(QT.BOOL_QUERY, { mustQueries: [range, q(QT.EXISTS_QUERY, { fieldName: 'b' })], mustNotQueries: [notL] }))).toBe(50);
    expect(await n(q(QT.BOOL_QUERY, { mustQueries: [range], mustNotQueries: [notL, q(QT.EXISTS_QUERY, { fieldName: 'b' })] }))).toBe(0);
    // `time` is dirty on one-digit days: those rows lack it.
    expect(await n(q(QT.EXISTS_QUERY, { fieldName: 'time' }))).toBe(1000 - (9 * 32 + 8));
  });

  it('knn: top_k below limit uses limit (100 rows, a token, total -1 without a count)', async () => {
    const r = await sdk.search({
      tableName: t,
      indexName: 'idx',
      searchQuery: { limit: 100, getTotalCount: false, query: q(QT.KNN_VECTOR_QUERY, { fieldName: 'vector', topK: 10, float32QueryVector: [1, -1, 5, -5] }), sort: { sorters: [{ scoreSort: { order: DESC } }] } },
      columnToGet: { returnType: RT.RETURN_ALL_FROM_INDEX },
    });
    expect([r.rows.length, r.totalCounts, r.nextToken.length > 0]).toEqual([100, undefined, true]);
    const scores = r.searchHits.map((h: any) => h.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // The nearest to [1,-1,5,-5] by cosine is row 0's [1,-1,5,-5].
    expect(pks(r)[0]).toBe(0);
    await paramInvalid(count(sdk, t, 'idx', q(QT.KNN_VECTOR_QUERY, { fieldName: 'vector', topK: 10, float32QueryVector: [1, 2] })), /has 2 dimensions, field \[vector\] has 4/);
  });

  it('function score multiplies by the field; score sort orders by it', async () => {
    const r = await search(sdk, t, 'idx', q(QT.FUNCTION_SCORE_QUERY, {
      query: q(QT.RANGE_QUERY, { fieldName: 'l', rangeFrom: Long(100), rangeTo: Long(300), includeLower: true }),
      fieldValueFactor: { fieldName: 'l' },
    }), { limit: 3, sort: { sorters: [{ scoreSort: { order: DESC } }] } });
    expect(r.totalCounts).toBe('200');
    expect(pks(r)).toEqual([299, 298, 297]);
    expect(r.searchHits.map((h: any) => h.score)).toEqual([299, 298, 297]);
  });

  it('field sort ASC / DESC and routing values that do not filter (one shard)', async () => {
    const m = q(QT.MATCH_QUERY, { fieldName: 't', text: 'this is' });
    expect(pks(await search(sdk, t, 'idx', m, { sort: { sorters: [{ fieldSort: { fieldName: 'l', order: ASC } }] } }))).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(pks(await search(sdk, t, 'idx', m, { sort: { sorters: [{ fieldSort: { fieldName: 'l', order: DESC } }] } }))).toEqual(Array.from({ length: 100 }, (_, i) => 999 - i));
    const r = await sdk.search({
      tableName: t,
      indexName: 'idx',
      searchQuery: { limit: 100, getTotalCount: true, query: q(QT.RANGE_QUERY, { fieldName: 'l', rangeFrom: Long(100), rangeTo: Long(300), includeLower: true }) },
      columnToGet: { returnType: RT.RETURN_ALL },
      routingValues: [[{ PK1: Long(0) }, { PK2: 'pk_0' }]],
    });
    expect(r.totalCounts).toBe('200');
  });

  it('refuses unknown fields, wrong types, sorting on TEXT and too large limits', async () => {
    await paramInvalid(count(sdk, t, 'idx', q(QT.TERM_QUERY, { fieldName: 'nope', term: 'x' })), '[term query] field: nope does not exist');
    await paramInvalid(count(sdk, t, 'idx', q(QT.GEO_DISTANCE_QUERY, { fieldName: 'k', centerPoint: '1,1', distance: 1 })), '[geo distance query] field_name:k type:keyword is invalid, allow [geo_point]');
    await paramInvalid(count(sdk, t, 'idx', q(QT.TERM_QUERY, { fieldName: 'l', term: 'abc' })), 'value [abc] can not be converted to type long of field [l]');
    await paramInvalid(search(sdk, t, 'idx', q(QT.MATCH_ALL_QUERY, {}), { sort: { sorters: [{ fieldSort: { fieldName: 't', order: ASC } }] } }), /field: t of type text can not be sorted/);
    await paramInvalid(search(sdk, t, 'idx', q(QT.MATCH_ALL_QUERY, {}), { limit: 101 }, { returnType: RT.RETURN_ALL }), 'limit is too large: 101, the maximum is 100');
    expect((await search(sdk, t, 'idx', q(QT.MATCH_ALL_QUERY, {}), { limit: 1000 })).rows).toHaveLength(1000);
    await paramInvalid(search(sdk, t, 'idx', q(QT.MATCH_ALL_QUERY, {}), { offset: 99950, limit: 100 }), /offset \+ limit is too large: 100050/);
  });
});
