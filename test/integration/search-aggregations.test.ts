/**
 * Aggregations and group-bys with the official Node SDK (spec §7), asserting the values the official SDKs'
 * tests observed against the service: metrics count values, not rows (arrays, nested children); percentiles
 * interpolate then truncate for LONG and DATE (DATE in ms); field groups by count DESC then key; range groups
 * by `from`; filter and geo-distance groups in request order; empty histogram buckets dropped.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tableJanitor } from '../support/janitor';
import { paramInvalid } from '../support/rows';
import { connectSdk, IGNORE, Long, uniqueTable } from '../support/sdk';
import { AGG, ASC, createFixture, DESC, fixtureRow, fixtureSchema, GB, QT, RT } from '../support/search';

const matchAll = { queryType: QT.MATCH_ALL_QUERY, query: {} };
const num = (v: any) => Number(String(v));

describe('aggregations and group-bys', () => {
  const sdk = connectSdk();
  const janitor = tableJanitor(sdk);
  const t = janitor.add(uniqueTable('agg'));
  /** Same rows, but l = i % 3 (the group-by tests' data). */
  const g = janitor.add(uniqueTable('gb'));

  beforeAll(async () => {
    await createFixture(sdk, t, 100, { idx: fixtureSchema(true) });
    await createFixture(sdk, g, 100, { idx: fixtureSchema(true) });
    for (let i = 0; i < 100; i++) {
      await sdk.updateRow({ tableName: g, condition: IGNORE(), primaryKey: fixtureRow(i).pk, updateOfAttributeColumns: [{ PUT: [{ l: Long(i % 3) }] }] });
    }
  });

  async function aggs(table: string, list: Array<{ name: string; type: number; body: object }>, query: object = matchAll): Promise<Record<string, any>> {
    const r = await sdk.search({ tableName: table, indexName: 'idx', searchQuery: { limit: 0, query, aggs: { aggs: list } }, columnToGet: { returnType: RT.RETURN_NONE } });
    return Object.fromEntries(r.aggs.aggResults.map((a: any) => [a.name, a.aggResult]));
  }
  async function groupBy(table: string, type: number, body: object, query: object = matchAll): Promise<any> {
    const r = await sdk.search({ tableName: table, indexName: 'idx', searchQuery: { limit: 0, query, groupBys: { groupBys: [{ name: 'g', type, body }] } }, columnToGet: { returnType: RT.RETURN_NONE } });
    return r.groupBys.groupByResults[0].groupByResult;
  }

  it('max / min / sum / avg over values (arrays and nested children)', async () => {
    const r = await aggs(t, [
      { name: 'max_l', type: AGG.AGG_MAX, body: { fieldName: 'l' } },
      { name: 'max_la', type: AGG.AGG_MAX, body: { fieldName: 'la' } },
      { name: 'min_la', type: AGG.AGG_MIN, body: { fieldName: 'la' } },
      { name: 'sum_l', type: AGG.AGG_SUM, body: { fieldName: 'l' } },
      { name: 'sum_la', type: AGG.AGG_SUM, body: { fieldName: 'la' } },
    ]);
    expect(Object.keys(r)).toEqual(['max_l', 'max_la', 'min_la', 'sum_l', 'sum_la']);
    expect([r.max_l.value, r.max_la.value, r.min_la.value, r.sum_l.value, r.sum_la.value]).toEqual([99, 99, -1, 4950, 4850]);
    const a = await aggs(t, [
      { name: 'avg_l', type: AGG.AGG_AVG, body: { fieldName: 'l' } },
      { name: 'avg_la', type: AGG.AGG_AVG, body: { fieldName: 'la' } },
      { name: 'avg_nl', type: AGG.AGG_AVG, body: { fieldName: 'n.nl' } },
      { name: 'max_nl', type: AGG.AGG_MAX, body: { fieldName: 'n.nl' } },
      { name: 'sum_d', type: AGG.AGG_SUM, body: { fieldName: 'd' } },
    ]);
    expect([a.avg_l.value, a.avg_la.value, a.avg_nl.value, a.max_nl.value]).toEqual([49.5, 24.25, 49.5, 99]);
    expect(a.sum_d.value).toBeCloseTo(10, 9);
  });

  it('avg with a missing value fills rows lacking the field', async () => {
    const only5to9 = { queryType: QT.RANGE_QUERY, query: { fieldName: 'l', rangeFrom: Long(5), rangeTo: Long(9), includeLower: true, includeUpper: true } };
    // `time` is dirty on rows 0..8 (one-digit days): rows 5..8 lack it, row 9 has 2022-05-10.
    const r = await aggs(t, [{ name: 'a', type: AGG.AGG_AVG, body: { fieldName: 'l' } }, { name: 'm', type: AGG.AGG_AVG, body: { fieldName: 'l', missing: Long(100) } }], only5to9);
    expect([r.a.value, r.m.value]).toEqual([7, 7]);
    const u = await aggs(t, [{ name: 'c', type: AGG.AGG_COUNT, body: { fieldName: 'time' } }], only5to9);
    expect(num(u.c.value)).toBe(1);
  });

  it('count and distinct count count values', async () => {
    const r = await aggs(t, [
      { name: 'l', type: AGG.AGG_COUNT, body: { fieldName: 'l' } },
      { name: 'la', type: AGG.AGG_COUNT, body: { fieldName: 'la' } },
      { name: 'ka', type: AGG.AGG_COUNT, body: { fieldName: 'ka' } },
      { name: 'g', type: AGG.AGG_COUNT, body: { fieldName: 'g' } },
      { name: 'nk', type: AGG.AGG_COUNT, body: { fieldName: 'n.nk' } },
    ]);
    expect(Object.values(r).map((x) => num(x.value))).toEqual([100, 200, 300, 100, 100]);
    const d = await aggs(t, [
      { name: 'l', type: AGG.AGG_DISTINCT_COUNT, body: { fieldName: 'l' } },
      { name: 'd', type: AGG.AGG_DISTINCT_COUNT, body: { fieldName: 'd' } },
      { name: 'k', type: AGG.AGG_DISTINCT_COUNT, body: { fieldName: 'k' } },
      { name: 'b', type: AGG.AGG_DISTINCT_COUNT, body: { fieldName: 'b' } },
      { name: 'g', type: AGG.AGG_DISTINCT_COUNT, body: { fieldName: 'g' } },
    ]);
    expect(Object.values(d).map((x) => num(x.value))).toEqual([100, 1, 100, 2, 100]);
    const e = await aggs(t, [
      { name: 'nl', type: AGG.AGG_DISTINCT_COUNT, body: { fieldName: 'n.nl' } },
      { name: 'la', type: AGG.AGG_DISTINCT_COUNT, body: { fieldName: 'la' } },
      { name: 'ka', type: AGG.AGG_DISTINCT_COUNT, body: { fieldName: 'ka' } },
    ]);
    expect(Object.values(e).map((x) => num(x.value))).toEqual([100, 101, 102]);
  });

  it('percentiles interpolate, then truncate LONG and DATE (ms); items sorted by key', async () => {
    const r = await aggs(t, [
      { name: 'l', type: AGG.AGG_PERCENTILES, body: { fieldName: 'l', percentiles: [90, 50] } },
      { name: 'la', type: AGG.AGG_PERCENTILES, body: { fieldName: 'la', percentiles: [50, 90] } },
      { name: 'd', type: AGG.AGG_PERCENTILES, body: { fieldName: 'd', percentiles: [50] } },
      { name: 'time', type: AGG.AGG_PERCENTILES, body: { fieldName: 'time', percentiles: [50, 90] } },
    ]);
    const items = (x: any) => x.items.map((i: any) => [i.item.key, num(i.item.value)]);
    expect(items(r.l)).toEqual([[50, 49], [90, 89]]);
    expect(items(r.la)).toEqual([[50, 0], [90, 79]]); // floor would give -1 for p50
    expect(items(r.d)).toEqual([[50, 0.1]]);
    // Valid days 10..31, three rows each: p50 halfway between the 20th and the 21st, p90 on the 29th.
    expect(items(r.time)).toEqual([[50, Date.UTC(2022, 4, 20, 12)], [90, Date.UTC(2022, 4, 29)]]);
  });

  it('top rows by a sort, alone and inside a field group', async () => {
    const r = await aggs(t, [{ name: 'top', type: AGG.AGG_TOP_ROWS, body: { limit: 2, sort: { sorters: [{ primaryKeySort: { order: ASC } }] } } }]);
    expect(r.top.rows.map((row: any) => num(row.primaryKey[0].value))).toEqual([0, 1]);
    const gb = await groupBy(g, GB.GROUP_BY_FIELD, {
      fieldName: 'l',
      size: 3,
      subAggs: { aggs: [{ name: 'top', type: AGG.AGG_TOP_ROWS, body: { limit: 3, sort: { sorters: [{ primaryKeySort: { order: DESC } }] } } }] },
    });
    const one = gb.items.find((i: any) => i.key === '1');
    expect(one.subAggsResult.aggResults[0].aggResult.rows.map((row: any) => num(row.primaryKey[0].value))).toEqual([97, 94, 91]);
    await paramInvalid(aggs(t, [{ name: 'top', type: AGG.AGG_TOP_ROWS, body: { limit: 10000 } }]), /limit must be in \[1, 100\]/);
  });

  it('refuses aggregations on unknown fields and wrong types with the service texts', async () => {
    await paramInvalid(aggs(t, [{ name: 'a', type: AGG.AGG_AVG, body: { fieldName: 'Col_Unknown' } }]), '[avg agg] field: Col_Unknown does not exist');
    await paramInvalid(aggs(t, [{ name: 'a', type: AGG.AGG_SUM, body: { fieldName: 'b' } }]), '[sum agg] field_name:b type:boolean is invalid, allow [long, double]');
    await paramInvalid(aggs(t, [{ name: 'a', type: AGG.AGG_COUNT, body: { fieldName: 't' } }]), /\[count agg\] field_name:t type:text is invalid/);
    await paramInvalid(aggs(t, [{ name: 'a', type: AGG.AGG_PERCENTILES, body: { fieldName: 'k' } }]), '[percentiles agg] field_name:k type:keyword is invalid, allow [long, double, date]');
    await paramInvalid(aggs(t, [{ name: 'a', type: AGG.AGG_MAX, body: { fieldName: 'l' } }, { name: 'a', type: AGG.AGG_MIN, body: { fieldName: 'l' } }]), 'duplicated aggregation name [a]');
  });

  it('serves eight aggregations at one level (the Node SDK test does), refuses 26', async () => {
    const list = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `m${i}`, type: AGG.AGG_MAX, body: { fieldName: 'l' } }));
    expect(Object.keys(await aggs(t, list(8)))).toHaveLength(8);
    await paramInvalid(aggs(t, list(26)), 'too many aggregations: 26, at most 25 per level');
  });

  it('group by field: count DESC then key; row-count sort; sub-agg sort', async () => {
    const r = await groupBy(g, GB.GROUP_BY_FIELD, { fieldName: 'l' });
    expect(r.items.map((i: any) => [i.key, num(i.rowCount)])).toEqual([['0', 34], ['1', 33], ['2', 33]]);
    const s = await groupBy(g, GB.GROUP_BY_FIELD, { fieldName: 'l', size: 2, sort: { sorters: [{ rowCountSort: { order: ASC } }] } });
    expect(s.items.map((i: any) => i.key)).toEqual(['1', '2']);
    const m = await groupBy(g, GB.GROUP_BY_FIELD, {
      fieldName: 'l',
      sort: { sorters: [{ subAggSort: { subAggName: 'min_k', order: DESC } }] },
      subAggs: { aggs: [{ name: 'min_k', type: AGG.AGG_MIN, body: { fieldName: 'la' } }, { name: 'max', type: AGG.AGG_MAX, body: { fieldName: 'la' } }] },
    });
    expect(m.items.map((i: any) => [i.key, i.subAggsResult.aggResults[1].aggResult.value])).toEqual([['0', 99], ['1', 97], ['2', 98]]);
  });

  it('group by range (sorted by from, empty ranges kept), filter and geo distance (request order)', async () => {
    const r = await groupBy(g, GB.GROUP_BY_RANGE, { fieldName: 'la', ranges: [{ from: 11, to: 25 }, { from: 0, to: 10 }, { from: 1000 }] });
    expect(r.items.map((i: any) => [i.from, i.to, num(i.rowCount)])).toEqual([[0, 10, 10], [11, 25, 14], [1000, Infinity, 0]]);
    const f = await groupBy(g, GB.GROUP_BY_FILTER, {
      filters: [{ queryType: QT.TERM_QUERY, query: { fieldName: 'l', term: Long(1) } }, { queryType: QT.TERM_QUERY, query: { fieldName: 'ka', term: 'a' } }],
    });
    expect(f.items.map((i: any) => num(i.rowCount))).toEqual([33, 100]);
    // Points (30, 114 + 0.05·i), 0.05° of longitude ≈ 4.815 km at 30°N: 100 km reaches i ≤ 20, 300 km i ≤ 62.
    const d = await groupBy(g, GB.GROUP_BY_GEO_DISTANCE, { fieldName: 'g', origin: { lat: 30, lon: 114 }, ranges: [{ from: 100000, to: 300000 }, { to: 100000 }] });
    expect(d.items.map((i: any) => [i.from, i.to, num(i.rowCount)])).toEqual([[100000, 300000, 42], [0, 100000, 21]]);
  });

  it('histograms drop empty buckets; date histogram buckets by day', async () => {
    const h = await groupBy(g, GB.GROUP_BY_HISTOGRAM, { fieldName: 'l', interval: Long(2), fieldRange: { min: Long(0), max: Long(3) } });
    expect(h.items.map((i: any) => [num(i.key), num(i.value)])).toEqual([[0, 67], [2, 33]]);
    const d = await groupBy(g, GB.GROUP_BY_HISTOGRAM, { fieldName: 'd', interval: 2.0, fieldRange: { min: 0.0, max: 3.0 } });
    expect(d.items.map((i: any) => [num(i.key), num(i.value)])).toEqual([[0, 100]]);
    const dh = await groupBy(g, GB.GROUP_BY_DATE_HISTOGRAM, { fieldName: 'time', interval: { value: 10, unit: 5 }, fieldRange: { min: '2022-05-01', max: '2022-06-01' } });
    // 10-day buckets count from the epoch (2022-05-08 is a boundary); valid days 10..31 hold three rows each.
    expect(dh.items.map((i: any) => [num(i.timeStamp), num(i.rowCount)])).toEqual([[Date.UTC(2022, 4, 8), 24], [Date.UTC(2022, 4, 18), 30], [Date.UTC(2022, 4, 28), 12]]);
  });

  it('geo grid cells by geohash, and composite groups paged by next_token', async () => {
    const gg = await groupBy(g, GB.GROUP_BY_GEO_GRID, { fieldName: 'g', precision: 3, size: 10 });
    // Cells are 1.40625° wide: longitudes 114..118.95 fall into four of them (28, 28, 27, 17 points); ties by key.
    expect(gg.items.map((i: any) => num(i.rowCount))).toEqual([28, 28, 27, 17]);
    expect(gg.items.every((i: any) => /^wt[0-9a-z]$/.test(i.key))).toBe(true);
    expect(gg.items[0].key < gg.items[1].key).toBe(true);
    const seen: string[][] = [];
    let token: string | undefined;
    do {
      const c = await groupBy(g, GB.GROUP_BY_COMPOSITE, {
        sources: { groupBys: [{ name: 'l', type: GB.GROUP_BY_FIELD, body: { fieldName: 'l' } }, { name: 'b', type: GB.GROUP_BY_FIELD, body: { fieldName: 'b' } }] },
        size: 4,
        ...(token ? { nextToken: token } : {}),
      });
      expect(c.sourceNames).toEqual(['l', 'b']);
      seen.push(...c.items.map((i: any) => [...i.keys, String(num(i.rowCount))]));
      token = c.nextToken ?? undefined;
    } while (token);
    expect(seen).toEqual([['0', 'false', '17'], ['0', 'true', '17'], ['1', 'false', '17'], ['1', 'true', '16'], ['2', 'false', '16'], ['2', 'true', '17']]);
  });
});
