/**
 * Named aggregation trees become the SDK's `aggs` and `groupBys` (spec §7), sub-aggregations recursively, with
 * declared keys mapped to index field names and values encoded as compile.ts encodes query values.
 */
import { QueryError } from '../errors';
import { AGGS_PER_LEVEL, type AggNode, type MetricType } from './aggregations';
import { compileSearchQuery, compileSort, dateValue, duration, fieldOf, geoObject, ORDER, searchValue, TOP, type SearchContext } from './compile';

/** AggregationType and GroupByType ids (spec §1.2). */
const AGG_TYPE: Record<MetricType | 'percentiles' | 'topRows', number> = { avg: 1, max: 2, min: 3, sum: 4, count: 5, distinctCount: 6, topRows: 7, percentiles: 8 };
const GROUP_BY_TYPE = { groupByField: 1, groupByRange: 2, groupByFilter: 3, groupByGeoDistance: 4, histogram: 5, dateHistogram: 6, geoGrid: 7, composite: 8 } as const;
const PER_LEVEL = AGGS_PER_LEVEL;

export interface SdkAggregations {
  aggs?: { aggs: Array<Record<string, unknown>> };
  groupBys?: { groupBys: Array<Record<string, unknown>> };
}

/** Absent bounds are ±infinity (spec §7.2: unbounded). */
const ranges = (rs: ReadonlyArray<{ from?: number; to?: number }>) => rs.map((r) => ({ from: r.from ?? Number.NEGATIVE_INFINITY, to: r.to ?? Number.POSITIVE_INFINITY }));

/** One group-by's body; `asSource`: a composite source, which carries its keying only (no size, sort or subs). */
function groupByBody(ctx: SearchContext, a: Exclude<AggNode, { kind: 'metric' | 'percentiles' | 'topRows' }>, asSource = false): Record<string, unknown> {
  const subs = asSource ? {} : compileAggregations(ctx, a.subs);
  const nested = { ...(subs.aggs ? { subAggs: subs.aggs } : {}), ...(subs.groupBys ? { subGroupBys: subs.groupBys } : {}) };
  switch (a.kind) {
    case 'groupByField': {
      const fieldName = fieldOf(ctx, TOP(ctx), a.field).name;
      if (asSource) return { fieldName };
      const sort = a.order === 'key' ? [{ groupKeySort: { order: ORDER.asc } }] : [{ rowCountSort: { order: ORDER.desc } }, { groupKeySort: { order: ORDER.asc } }];
      return { fieldName, ...(a.size !== undefined ? { size: a.size } : {}), sort: { sorters: sort }, ...nested };
    }
    case 'groupByRange':
      return { fieldName: fieldOf(ctx, TOP(ctx), a.field).name, ranges: ranges(a.ranges), ...nested };
    case 'histogram': {
      const { field, name } = fieldOf(ctx, TOP(ctx), a.field);
      const v = (x: unknown) => searchValue(ctx, field, a.field, x);
      return { fieldName: name, interval: v(a.interval), fieldRange: { min: v(a.min), max: v(a.max) }, ...nested };
    }
    case 'dateHistogram': {
      const { field, name } = fieldOf(ctx, TOP(ctx), a.field);
      return {
        fieldName: name,
        interval: duration(ctx, a.field, a.interval, 'dateHistogram() interval'),
        ...(a.min && a.max ? { fieldRange: { min: dateValue(ctx, field, a.field, a.min), max: dateValue(ctx, field, a.field, a.max) } } : {}),
        ...(a.timeZone !== undefined ? { timeZone: a.timeZone } : {}),
        ...(a.minDocCount !== undefined ? { minDocCount: a.minDocCount } : {}),
        ...nested,
      };
    }
    case 'groupByFilter':
      return { filters: a.filters.map((f) => compileSearchQuery(ctx, f.query)), ...nested };
    case 'groupByGeoDistance':
      return { fieldName: fieldOf(ctx, TOP(ctx), a.field).name, origin: geoObject(ctx, a.field, a.origin), ranges: ranges(a.ranges), ...nested };
    case 'geoGrid':
      return { fieldName: fieldOf(ctx, TOP(ctx), a.field).name, precision: a.precision, ...(a.size !== undefined ? { size: a.size } : {}), ...nested };
    case 'composite':
      return {
        sources: {
          groupBys: a.sources.map((s) => {
            if (s.node.kind !== 'groupByField' && s.node.kind !== 'histogram' && s.node.kind !== 'dateHistogram') {
              throw new QueryError('INVALID_CONDITION', ctx.schema.entityName, undefined, `composite source '${s.name}' must be a groupBy, histogram or dateHistogram (spec §7.2)`);
            }
            return { name: s.name, type: GROUP_BY_TYPE[s.node.kind], body: groupByBody(ctx, s.node, true) };
          }),
        },
        ...(a.size !== undefined ? { size: a.size } : {}),
        ...(a.token !== undefined ? { nextToken: a.token } : {}),
        ...nested,
      };
  }
}

/** Compiles named aggregations into the SDK's `aggs` and `groupBys` (sub-aggregations recursively). */
export function compileAggregations(ctx: SearchContext, named: Readonly<Record<string, AggNode>>): SdkAggregations {
  const aggs: Array<Record<string, unknown>> = [];
  const groupBys: Array<Record<string, unknown>> = [];
  for (const [name, a] of Object.entries(named)) {
    switch (a.kind) {
      case 'metric':
        aggs.push({ name, type: AGG_TYPE[a.type], body: { fieldName: fieldOf(ctx, TOP(ctx), a.field).name } });
        break;
      case 'percentiles':
        aggs.push({ name, type: AGG_TYPE.percentiles, body: { fieldName: fieldOf(ctx, TOP(ctx), a.field).name, percentiles: [...a.percents] } });
        break;
      case 'topRows':
        aggs.push({ name, type: AGG_TYPE.topRows, body: { limit: a.limit, ...(a.sort ? { sort: compileSort(ctx, a.sort) } : {}) } });
        break;
      default:
        groupBys.push({ name, type: GROUP_BY_TYPE[a.kind], body: groupByBody(ctx, a) });
    }
  }
  if (aggs.length > PER_LEVEL || groupBys.length > PER_LEVEL) {
    throw new QueryError('INVALID_CONDITION', ctx.schema.entityName, undefined, `at most ${PER_LEVEL} aggregations and ${PER_LEVEL} group-bys per level got ${aggs.length} and ${groupBys.length}`);
  }
  return { ...(aggs.length ? { aggs: { aggs } } : {}), ...(groupBys.length ? { groupBys: { groupBys } } : {}) };
}
