/**
 * Issue 15: the search shapes tsorm's wire codec learnt last (FunctionsScore with its functions, TopRows, the
 * filter / geo-distance / date-histogram / geo-grid / composite group-bys) sent to the emulator through tsorm's
 * wire transport and through the official SDK: the same request gives the same decoded result, and the results
 * hold what the fixture says (so an encoding both sides got wrong the same way still fails here).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect } from '../../src/client';
import { tableJanitor } from '../support/janitor';
import { connectSdk, Long, uniqueTable } from '../support/sdk';
import { AGG, ASC, createFixture, DESC, fixtureSchema, GB, QT, RT } from '../support/search';
import { plain } from '../unit/wire-compare';

const q = (queryType: number, query: object) => ({ queryType, query });
const matchAll = q(QT.MATCH_ALL_QUERY, {});
const num = (v: unknown) => Number(String(v));

describe('search shapes over the wire transport, against the SDK on the emulator', () => {
  const sdk = connectSdk();
  const b = inject('backend');
  const wire = connect({ endpoint: b.endpoint, instance: b.instance, accessKeyId: b.accessKeyId, accessKeySecret: b.accessKeySecret, transport: 'wire', retry: false });
  const janitor = tableJanitor(sdk);
  const t = janitor.add(uniqueTable('wshape'));

  beforeAll(async () => {
    await createFixture(sdk, t, 60, { idx: fixtureSchema(true) });
  });
  afterAll(() => wire.close());

  /** The search through both transports; their decoded results must be equal. */
  async function both(searchQuery: object, columnToGet: object = { returnType: RT.RETURN_NONE }): Promise<any> {
    const params = { tableName: t, indexName: 'idx', searchQuery, columnToGet };
    const theirs = await sdk.search(params);
    const ours = await wire.call('search', params as never);
    expect(plain(ours)).toEqual(plain(theirs));
    return ours;
  }
  const groupBy = async (type: number, body: object, query: object = matchAll) =>
    (await both({ limit: 0, query, groupBys: { groupBys: [{ name: 'g', type, body }] } })).groupBys.groupByResults[0].groupByResult;

  it('FunctionsScore: field value factor with a filter and weight; date, geo and numeric decays; min score', async () => {
    const range = q(QT.RANGE_QUERY, { fieldName: 'l', rangeFrom: Long(10), rangeTo: Long(20), includeLower: true });
    const r = await both({
      limit: 3,
      query: q(QT.FUNCTIONS_SCORE_QUERY, {
        query: range,
        functions: [{ fieldValueFactorFunction: { fieldName: 'l', factor: 2, modifier: 1, missing: 0 }, weight: 1, filter: q(QT.TERM_QUERY, { fieldName: 'b', term: true }) }],
        scoreMode: 3,
        combineMode: 6,
      }),
      sort: { sorters: [{ scoreSort: { order: DESC } }] },
    });
    expect(r.searchHits.map((h: any) => h.score)).toEqual([36, 32, 28]);
    const decays = await both({
      limit: 5,
      getTotalCount: true,
      query: q(QT.FUNCTIONS_SCORE_QUERY, {
        query: range,
        functions: [
          { decayFunction: { fieldName: 'time', mathFunction: 1, decayParamType: 1, decayParam: { originLong: Date.UTC(2022, 4, 15), scale: { value: 2, unit: 5 }, offset: { value: 1, unit: 5 } }, decay: 0.5 } },
          { decayFunction: { fieldName: 'g', mathFunction: 2, decayParamType: 3, decayParam: { origin: '30,114.5', scale: 10000, offset: 0 } } },
          { decayFunction: { fieldName: 'la', mathFunction: 3, decayParamType: 2, decayParam: { origin: 15, scale: 3 }, decay: 0.25, multiValueMode: 2 } },
          { weight: 0.5, filter: q(QT.TERM_QUERY, { fieldName: 'b', term: false }) },
        ],
        scoreMode: 3,
        combineMode: 6,
        minScore: 0.01,
      }),
    });
    expect(num(decays.totalCounts)).toBeGreaterThan(0);
    expect(decays.searchHits.length).toBeGreaterThan(0);
    // Random scores differ per call: the wire transport gets every row of l in [10, 20).
    const random = { tableName: t, indexName: 'idx', searchQuery: { limit: 20, getTotalCount: true, query: q(QT.FUNCTIONS_SCORE_QUERY, { query: range, functions: [{ randomFunction: {} }] }) }, columnToGet: { returnType: RT.RETURN_NONE } };
    const ours = (await wire.call('search', random as never)) as any;
    expect(ours.totalCounts).toBe('10');
    expect(ours.rows.map((row: any) => num(row.primaryKey[0].value)).sort((x: number, y: number) => x - y)).toEqual(Array.from({ length: 10 }, (_, i) => 10 + i));
  });

  it('TopRows alone (rows decoded, selected columns) and inside a field group', async () => {
    const r = await both(
      { limit: 0, query: matchAll, aggs: { aggs: [{ name: 'top', type: AGG.AGG_TOP_ROWS, body: { limit: 3, sort: { sorters: [{ fieldSort: { fieldName: 'l', order: DESC } }] } } }] } },
      { returnType: RT.RETURN_SPECIFIED, returnNames: ['k'] },
    );
    expect(r.aggs.aggResults[0].aggResult.rows.map((row: any) => num(row.primaryKey[0].value))).toEqual([59, 58, 57]);
    const g = await groupBy(GB.GROUP_BY_FIELD, {
      fieldName: 'b',
      subAggs: { aggs: [{ name: 'top', type: AGG.AGG_TOP_ROWS, body: { limit: 2, sort: { sorters: [{ primaryKeySort: { order: ASC } }] } } }] },
    });
    expect(g.items.map((i: any) => [i.key, i.subAggsResult.aggResults[0].aggResult.rows.map((row: any) => num(row.primaryKey[0].value))])).toEqual([
      ['false', [1, 3]],
      ['true', [0, 2]],
    ]);
  });

  it('group by filter (with sub-group-bys) and by geo distance', async () => {
    const f = await groupBy(GB.GROUP_BY_FILTER, {
      filters: [q(QT.TERM_QUERY, { fieldName: 'b', term: true }), q(QT.RANGE_QUERY, { fieldName: 'l', rangeTo: Long(10) })],
      subGroupBys: { groupBys: [{ name: 'by_b', type: GB.GROUP_BY_FIELD, body: { fieldName: 'b' } }] },
    });
    expect(f.items.map((i: any) => num(i.rowCount))).toEqual([30, 10]);
    // 0.05° of longitude ≈ 4.815 km at 30°N: 100 km reaches i ≤ 20.
    const d = await groupBy(GB.GROUP_BY_GEO_DISTANCE, { fieldName: 'g', origin: { lat: 30, lon: 114 }, ranges: [{ from: 0, to: 100000 }, { from: 100000, to: Infinity }] });
    expect(d.items.map((i: any) => [i.from, i.to, num(i.rowCount)])).toEqual([[0, 100000, 21], [100000, Infinity, 39]]);
  });

  it('date histogram (day interval, range, time zone, min doc count) and geo grid cells', async () => {
    const dh = await groupBy(GB.GROUP_BY_DATE_HISTOGRAM, {
      fieldName: 'time',
      interval: { value: 10, unit: 5 },
      fieldRange: { min: '2022-05-01', max: '2022-06-01' },
      timeZone: '+00:00',
      minDocCount: 1,
      subAggs: { aggs: [{ name: 'cnt', type: AGG.AGG_COUNT, body: { fieldName: 'l' } }] },
    });
    expect(dh.items.length).toBeGreaterThan(0);
    expect(dh.items.every((i: any) => num(i.timeStamp) % 86400000 === 0 && num(i.rowCount) > 0)).toBe(true);
    const gg = await groupBy(GB.GROUP_BY_GEO_GRID, { fieldName: 'g', precision: 3, size: 10 });
    expect(gg.items.reduce((n: number, i: any) => n + num(i.rowCount), 0)).toBe(60);
    expect(gg.items.every((i: any) => /^wt[0-9a-z]$/.test(i.key) && i.geoGrid.topLeft.lat > i.geoGrid.bottomRight.lat)).toBe(true);
  });

  it('composite groups, paged by next_token through the wire transport', async () => {
    const seen: string[][] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const c = await groupBy(GB.GROUP_BY_COMPOSITE, {
        sources: {
          groupBys: [
            { name: 'b', type: GB.GROUP_BY_FIELD, body: { fieldName: 'b' } },
            { name: 'h', type: GB.GROUP_BY_HISTOGRAM, body: { fieldName: 'l', interval: Long(20) } },
          ],
        },
        size: 2,
        ...(token ? { nextToken: token } : {}),
      });
      expect(c.sourceNames).toEqual(['b', 'h']);
      seen.push(...c.items.map((i: any) => [...i.keys, String(num(i.rowCount))]));
      token = c.nextToken ?? undefined;
      pages++;
    } while (token && pages < 10);
    expect(seen).toEqual([
      ['false', '0', '10'],
      ['false', '20', '10'],
      ['false', '40', '10'],
      ['true', '0', '10'],
      ['true', '20', '10'],
      ['true', '40', '10'],
    ]);
  });
});
