/**
 * The aggregation compile without a server (spec §7.2): composite sources carry their keying only, Date bounds
 * follow a date field's epoch format, geo origins become `{ lat, lon }`, and decay params hold what the SDK
 * hands to protobufjs as is (a plain number for the date origin).
 */
import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { Column, defineSearchIndex, getTableSchema, PrimaryKey, PrimaryKeys, SearchIndex, Table } from '../../src/schema';
import { aggBuilder } from '../../src/query/search/aggregations';
import { searchQueryBuilder } from '../../src/query/search/builder';
import { compileSearchQuery } from '../../src/query/search/compile';
import { compileAggregations } from '../../src/query/search/compile-aggregations';
import { fromSdkInt64 } from '../../src/codec/sdk-values';

const idx = defineSearchIndex<Ev>()('events_search', {
  fields: { kind: 'keyword', at: { type: 'date', dateFormats: ['epoch_second'] }, seenAt: 'date', where: 'geo', n: 'long' },
});

@Table('events_compile')
@SearchIndex(idx)
class Ev {
  declare readonly [PrimaryKeys]?: 'id';
  @PrimaryKey() id!: string;
  @Column() kind!: string;
  @Column() at!: bigint;
  @Column() seenAt!: Date;
  @Column() where!: string;
  @Column({ type: 'int64', mode: 'number' }) n!: number;
}

const schema = getTableSchema(Ev);
const index = schema.searchIndexes[0];
const ctx = { schema, index };
const a = aggBuilder('Ev', index) as any;
const q = searchQueryBuilder('Ev', index) as any;

describe('aggregation compile', () => {
  it('sends composite sources with their keying only, the token as nextToken', () => {
    const c = a.composite({ sources: { kind: a.kind.groupBy({ size: 5, aggs: { x: a.n.sum() } }), n: a.n.histogram({ interval: 10, min: 0, max: 100 }) }, size: 3, token: 'abc' });
    const out = compileAggregations(ctx, { c: c.node });
    expect(out.aggs).toBeUndefined();
    const body = out.groupBys!.groupBys[0].body as any;
    expect(out.groupBys!.groupBys[0].type).toBe(8);
    expect(body.size).toBe(3);
    expect(body.nextToken).toBe('abc');
    expect(body.sources.groupBys.map((s: any) => [s.name, s.type])).toEqual([['kind', 1], ['n', 5]]);
    expect(body.sources.groupBys[0].body).toEqual({ fieldName: 'kind' });
  });

  it('writes a Date bound in the date field’s epoch unit, milliseconds for a Date column', () => {
    const min = new Date(Date.UTC(2025, 0, 1));
    const max = new Date(Date.UTC(2025, 1, 1));
    const interval = { value: 1, unit: 'day' } as const;
    const out = compileAggregations(ctx, { s: a.at.dateHistogram({ interval, fieldRange: { min, max } }).node, ms: a.seenAt.dateHistogram({ interval, timeZone: '-05:30', minDocCount: 2, fieldRange: { min, max } }).node });
    const [s, ms] = out.groupBys!.groupBys.map((g) => g.body as any);
    expect(fromSdkInt64(s.fieldRange.min)).toBe(BigInt(min.getTime() / 1000));
    expect(fromSdkInt64(s.fieldRange.max)).toBe(BigInt(max.getTime() / 1000));
    expect(s.interval).toEqual({ value: 1, unit: 5 });
    expect(fromSdkInt64(ms.fieldRange.min)).toBe(BigInt(min.getTime()));
    expect([ms.timeZone, ms.minDocCount]).toEqual(['-05:30', 2]);
  });

  it('turns a geo origin into { lat, lon } and keeps request order of filters', () => {
    const out = compileAggregations(ctx, {
      g: a.where.geoDistance({ origin: '30.5, 120.25', ranges: [{ from: 10 }] }).node,
      f: a.filters({ b: (x: any) => x.kind.term('b'), a: (x: any) => x.kind.term('a') }).node,
    });
    const [g, f] = out.groupBys!.groupBys.map((x) => x.body as any);
    expect(g.origin).toEqual({ lat: 30.5, lon: 120.25 });
    expect(g.ranges).toEqual([{ from: 10, to: Number.POSITIVE_INFINITY }]);
    expect(f.filters.map((x: any) => x.query.term)).toEqual(['b', 'a']);
  });

  it('compiles decay params per field type', () => {
    const origin = new Date(Date.UTC(2025, 0, 1));
    const fs = compileSearchQuery(
      ctx,
      q.functionScore(q.matchAll(), (f: any) => [f.seenAt.gauss({ origin, scale: { value: 2, unit: 'hour' }, offset: { value: 1, unit: 'hour' } }), f.where.exp({ origin: { lat: 1, lon: 2 }, scale: 100, decay: 0.3 }), f.n.linear({ origin: 5, scale: 2, multiValueMode: 'avg' })], { combineMode: 'sum' }).node,
    );
    expect(fs.queryType).toBe(18);
    const [date, geo, num] = (fs.query.functions as any[]).map((x) => x.decayFunction);
    expect(date).toEqual({ fieldName: 'seenAt', mathFunction: 1, decayParamType: 1, decayParam: { originLong: origin.getTime(), scale: { value: 2, unit: 6 }, offset: { value: 1, unit: 6 } } });
    expect(geo).toEqual({ fieldName: 'where', mathFunction: 2, decayParamType: 3, decayParam: { origin: '1,2', scale: 100 }, decay: 0.3 });
    expect(num).toEqual({ fieldName: 'n', mathFunction: 3, decayParamType: 2, decayParam: { origin: 5, scale: 2 }, multiValueMode: 4 });
    expect(fs.query.combineMode).toBe(4);
  });
});
