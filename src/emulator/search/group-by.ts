/**
 * Group-bys (spec §7.2): field, range, filter, geo_distance, histogram, date_histogram, geo_grid and composite,
 * each with sub-aggregations and sub-group-bys, ordered and limited as the service does: field groups by row
 * count DESC then key ASC; range groups by `from`; filter and geo-distance groups in request order; histogram
 * keys ascending with empty buckets dropped.
 */
import { OtsError } from '../errors';
import { encodeMessage } from '../protocol/proto';
import { aggField, checkNames, runAggregations, subAggValue, type AggContext } from './aggregations';
import type { Doc, FieldValue } from './document';
import { geohash, haversine, type GeoPoint } from './geo';
import { bucketize, compositeGroups, dateHistogram, histogramKeyer } from './group-by-buckets';
import { compileQuery } from './query';
import { body, opt } from './query-node';
import { FieldType, type FieldDef } from './schema';
import { compareScalars, encodeVariant, isIntegral } from './values';

const MAX_FIELD_SIZE = 2000;
export const NUMERIC = [FieldType.LONG, FieldType.DOUBLE];

const TYPES: Record<number, { body: string; result: string }> = {
  1: { body: 'GroupByField', result: 'GroupByFieldResult' },
  2: { body: 'GroupByRange', result: 'GroupByRangeResult' },
  3: { body: 'GroupByFilter', result: 'GroupByFilterResult' },
  4: { body: 'GroupByGeoDistance', result: 'GroupByGeoDistanceResult' },
  5: { body: 'GroupByHistogram', result: 'GroupByHistogramResult' },
  6: { body: 'GroupByDateHistogram', result: 'GroupByDateHistogramResult' },
  7: { body: 'GroupByGeoGrid', result: 'GroupByGeoGridResult' },
  8: { body: 'GroupByComposite', result: 'GroupByCompositeResult' },
};

export interface Bucket {
  docs: Doc[];
  count: number;
}

/** Sub-aggregation and sub-group-by results of a bucket. */
export function subs(ctx: AggContext, docs: readonly Doc[], m: any): object {
  const out: Record<string, unknown> = {};
  if (m.subAggs) out.subAggsResult = runAggregations(ctx, docs, m.subAggs);
  if (m.subGroupBys) out.subGroupBysResult = runGroupBys(ctx, docs, m.subGroupBys);
  return out;
}

/** Java's Double.toString for the usual range: integral values keep ".0" [inferred]. */
export function keyString(f: FieldDef, v: FieldValue): string {
  if (typeof v === 'number' && f.type === FieldType.DOUBLE && Number.isInteger(v)) return `${v}.0`;
  return String(v);
}

/** Orders groups by the request's GroupBySort, or by `fallback`. */
export function sortGroups<T extends { key: string | number; count: number; docs: Doc[] }>(ctx: AggContext, groups: T[], sort: any, subAggs: any, fallback: Array<(a: T, b: T) => number>): T[] {
  const cmps: Array<(a: T, b: T) => number> = [];
  for (const s of sort?.sorters ?? []) {
    const dir = (o: number | undefined) => (o === 1 ? -1 : 1);
    if (s.groupKeySort) cmps.push((a, b) => dir(s.groupKeySort.order) * compareScalars(a.key, b.key));
    else if (s.rowCountSort) cmps.push((a, b) => dir(s.rowCountSort.order) * (a.count - b.count));
    else if (s.subAggSort) {
      const name = String(s.subAggSort.subAggName ?? '');
      const cache = new Map<T, number>();
      const val = (g: T) => cache.get(g) ?? (cache.set(g, subAggValue(ctx, g.docs, subAggs, name)), cache.get(g)!);
      cmps.push((a, b) => dir(s.subAggSort.order) * (val(a) - val(b)));
    } else throw OtsError.param('a group by sorter must hold one of group_key_sort, row_count_sort, sub_agg_sort');
  }
  const all = cmps.length ? cmps : fallback;
  return groups.sort((a, b) => {
    for (const c of all) {
      const r = c(a, b);
      if (r) return r;
    }
    return 0;
  });
}

/**
 * Documents per distinct value (a document counts once per value it holds). Keyed by the value itself, the
 * key string made once per group [performance: no number-to-string per document]. `keepDocs` false: counts
 * only, `docs` stays empty (nothing below the groups reads them).
 */
export function byValue(docs: readonly Doc[], path: string, f: FieldDef, missing?: FieldValue, valuesOf: (d: Doc) => FieldValue[] | undefined = (d) => d.values.get(path), keepDocs = true): Map<unknown, { key: string | number; raw: FieldValue; docs: Doc[]; count: number }> {
  const groups = new Map<unknown, { key: string | number; raw: FieldValue; docs: Doc[]; count: number }>();
  for (const d of docs) {
    const vals = valuesOf(d) ?? (missing !== undefined ? [missing] : []);
    const seen = vals.length > 1 ? new Set<unknown>() : undefined; // one value: nothing to dedupe
    for (const v of vals) {
      if (seen?.has(v)) continue;
      seen?.add(v);
      let g = groups.get(v);
      if (!g) groups.set(v, (g = { key: typeof v === 'number' ? v : keyString(f, v), raw: v, docs: [], count: 0 }));
      if (keepDocs) g.docs.push(d);
      g.count++;
    }
  }
  return groups;
}

/**
 * byValue's counts (no documents) for a field with a number column, found in no particular order: the single
 * numbers sorted and counted in runs, the other documents (none or several values) through byValue
 * [performance: a Map keyed by doubles cost ~120 ns a document in bench/search.js's group-by; a Float64Array
 * sort of the same numbers a fraction of it].
 */
function countNumbers(ctx: AggContext, docs: readonly Doc[], path: string, f: FieldDef, num: (d: Doc) => number, valuesOf: (d: Doc) => FieldValue[] | undefined): ReturnType<typeof byValue> {
  const xs = new Float64Array(docs.length);
  let n = 0;
  const rest: Doc[] = [];
  // By slot when the list's slots are known, without reading the documents (SearchIndex.listSlots).
  const slots = ctx.index.slotsOf(docs);
  const col = slots && ctx.index.numberColumn(path);
  if (slots && col) {
    for (let i = 0; i < slots.length; i++) {
      const x = slots[i] >= 0 ? col.at[slots[i]] : NaN;
      if (x === x) xs[n++] = x;
      else rest.push(docs[i]);
    }
  } else {
    for (const d of docs) {
      const x = num(d);
      if (x === x) xs[n++] = x;
      else rest.push(d);
    }
  }
  const sorted = xs.subarray(0, n).sort();
  const groups = byValue(rest, path, f, undefined, valuesOf, false);
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && sorted[j] === sorted[i]) j++;
    const x = sorted[i];
    const g = groups.get(x);
    if (g) g.count += j - i;
    else groups.set(x, { key: x, raw: x, docs: [], count: j - i });
    i = j;
  }
  return groups;
}

function fieldGroupBy(ctx: AggContext, docs: readonly Doc[], m: any): object {
  const f = aggField(ctx, m.fieldName, 'group by field', [FieldType.LONG, FieldType.DOUBLE, FieldType.BOOLEAN, FieldType.KEYWORD, FieldType.DATE]);
  const size = Number(opt(m, 'size') ?? 10);
  if (!(size >= 1 && size <= MAX_FIELD_SIZE)) throw OtsError.param(`[group by field] size must be in [1, ${MAX_FIELD_SIZE}], got ${size}`);
  const minDocs = Number(opt(m, 'minDocCount') ?? 0);
  // [performance] group documents are read only by sub-aggregations, sub-group-bys and sub-aggregation sorts.
  const keepDocs = !!(m.subAggs || m.subGroupBys || (m.sort?.sorters ?? []).some((s: any) => s.subAggSort));
  const valuesOf = ctx.index.valuesOf(m.fieldName);
  const num = ctx.index.numberOf(m.fieldName);
  // Without a request sort the groups are put in a total order (count, then the distinct keys), so the order
  // they are found in does not show: numbers may be counted in any order.
  const anyOrder = !keepDocs && !(m.sort?.sorters ?? []).length && num;
  const found = anyOrder ? countNumbers(ctx, docs, m.fieldName, f, num, valuesOf) : byValue(docs, m.fieldName, f, undefined, valuesOf, keepDocs);
  const groups = [...found.values()].filter((g) => g.count >= minDocs);
  const sorted = sortGroups(ctx, groups, m.sort, m.subAggs, [(a, b) => b.count - a.count, (a, b) => compareScalars(a.key, b.key)]);
  return {
    groupByFieldResultItems: sorted.slice(0, size).map((g) => ({ key: keyString(f, g.raw), rowCount: g.count, ...subs(ctx, g.docs, m) })),
  };
}

function ranges(m: any, what: string): Array<{ from: number; to: number }> {
  const list = (m.ranges ?? []).map((r: any) => ({
    from: Number(opt(r, 'from') ?? -Infinity),
    to: Number(opt(r, 'to') ?? Infinity),
  }));
  if (!list.length) throw OtsError.param(`[${what}] ranges must not be empty`);
  for (const r of list) if (!(r.from <= r.to)) throw OtsError.param(`[${what}] range from ${r.from} must not exceed to ${r.to}`);
  return list;
}

function rangeGroupBy(ctx: AggContext, docs: readonly Doc[], m: any): object {
  aggField(ctx, m.fieldName, 'group by range', [FieldType.LONG, FieldType.DOUBLE, FieldType.DATE]);
  const items = ranges(m, 'group by range')
    .map((r) => {
      const inside = docs.filter((d) => (d.values.get(m.fieldName) as number[] | undefined)?.some((v) => v >= r.from && v < r.to));
      return { r, inside };
    })
    .sort((a, b) => a.r.from - b.r.from || a.r.to - b.r.to);
  return { groupByRangeResultItems: items.map(({ r, inside }) => ({ from: r.from, to: r.to, rowCount: inside.length, ...subs(ctx, inside, m) })) };
}

function filterGroupBy(ctx: AggContext, docs: readonly Doc[], m: any): object {
  const filters = (m.filters ?? []).map((q: any) => compileQuery({ ...ctx.scope, nestedPath: undefined }, q));
  if (!filters.length) throw OtsError.param('[group by filter] filters must not be empty');
  return {
    groupByFilterResultItems: filters.map((q: { score(d: Doc): number | undefined }) => {
      const inside = docs.filter((d) => q.score(d) !== undefined);
      return { rowCount: inside.length, ...subs(ctx, inside, m) };
    }),
  };
}

function geoDistanceGroupBy(ctx: AggContext, docs: readonly Doc[], m: any): object {
  aggField(ctx, m.fieldName, 'group by geo distance', [FieldType.GEO_POINT]);
  const o = m.origin;
  const origin: GeoPoint = { lat: Number(o?.lat), lon: Number(o?.lon) };
  if (!(origin.lat >= -90 && origin.lat <= 90 && origin.lon >= -180 && origin.lon <= 180)) throw OtsError.param('[group by geo distance] invalid origin');
  return {
    groupByGeoDistanceResultItems: ranges(m, 'group by geo distance').map((r) => {
      const inside = docs.filter((d) => (d.values.get(m.fieldName) as GeoPoint[] | undefined)?.some((p) => {
        const x = haversine(origin, p);
        return x >= r.from && x < r.to;
      }));
      // A −∞ `from` is reported as 0 (observed, spec §7.2).
      return { from: r.from === -Infinity ? 0 : r.from, to: r.to, rowCount: inside.length, ...subs(ctx, inside, m) };
    }),
  };
}

function histogramGroupBy(ctx: AggContext, docs: readonly Doc[], m: any): object {
  const keyer = histogramKeyer(ctx, m);
  const sorted = sortGroups(ctx, bucketize(docs, keyer), m.sort, m.subAggs, [(a, b) => a.key - b.key]);
  const integral = isIntegral(keyer.f);
  return { groupByHistogramItems: sorted.map((b) => ({ key: encodeVariant(b.key, integral), value: b.count, ...subs(ctx, b.docs, m) })) };
}

function geoGridGroupBy(ctx: AggContext, docs: readonly Doc[], m: any): object {
  aggField(ctx, m.fieldName, 'group by geo grid', [FieldType.GEO_POINT]);
  const precision = Number(opt(m, 'precision') ?? 5);
  if (!(precision >= 1 && precision <= 12)) throw OtsError.param(`[group by geo grid] precision must be in [1, 12], got ${m.precision}`);
  const size = Number(opt(m, 'size') ?? 10);
  if (!(size >= 1 && size <= MAX_FIELD_SIZE)) throw OtsError.param(`[group by geo grid] size must be in [1, ${MAX_FIELD_SIZE}], got ${size}`);
  const cells = new Map<string, { key: string; box: ReturnType<typeof geohash>; docs: Doc[]; count: number }>();
  for (const d of docs) {
    const seen = new Set<string>();
    for (const p of (d.values.get(m.fieldName) as GeoPoint[] | undefined) ?? []) {
      const g = geohash(p, precision);
      if (seen.has(g.hash)) continue;
      seen.add(g.hash);
      let c = cells.get(g.hash);
      if (!c) cells.set(g.hash, (c = { key: g.hash, box: g, docs: [], count: 0 }));
      c.docs.push(d);
      c.count++;
    }
  }
  const sorted = [...cells.values()].sort((a, b) => b.count - a.count || compareScalars(a.key, b.key)).slice(0, size);
  return {
    groupByGeoGridResultItems: sorted.map((c) => ({ key: c.key, geoGrid: { topLeft: c.box.topLeft, bottomRight: c.box.bottomRight }, rowCount: c.count, ...subs(ctx, c.docs, m) })),
  };
}

function one(ctx: AggContext, docs: readonly Doc[], type: number, m: any): object {
  switch (type) {
    case 1: return fieldGroupBy(ctx, docs, m);
    case 2: return rangeGroupBy(ctx, docs, m);
    case 3: return filterGroupBy(ctx, docs, m);
    case 4: return geoDistanceGroupBy(ctx, docs, m);
    case 5: return histogramGroupBy(ctx, docs, m);
    case 6: return dateHistogram(ctx, docs, m);
    case 7: return geoGridGroupBy(ctx, docs, m);
    case 8: return compositeGroups(ctx, docs, m);
    default: throw OtsError.param(`unknown group by type: ${type}`);
  }
}

/** The GroupBysResult message of a level, in request order. */
export function runGroupBys(ctx: AggContext, docs: readonly Doc[], groupBys: any): object {
  const list: any[] = groupBys?.groupBys ?? [];
  checkNames(list, 'group bys');
  return {
    groupByResults: list.map((g) => {
      const t = TYPES[g.type];
      if (!t) throw OtsError.param(`unknown group by type: ${g.type}`);
      return { name: g.name, type: g.type, groupByResult: encodeMessage(`search.proto.${t.result}`, one(ctx, docs, g.type, body(t.body, g.body))) };
    }),
  };
}
