/**
 * Metric aggregations (spec §7.1) over all matching documents: avg, min, max, sum, count, distinct_count,
 * top_rows, percentiles. They count values, not rows: every array element and every nested child's value.
 * Percentiles interpolate between neighbouring sorted values, then truncate toward zero for LONG and DATE (the
 * rule that reproduces every observed value).
 */
import { OtsError } from '../errors';
import { encodeMessage } from '../protocol/proto';
import type { Doc, FieldValue } from './document';
import type { SearchContext } from './execute';
import { body, opt, type Scope } from './query-node';
import { encodeDocRows, type Columns } from './rows';
import { FIELD_TYPE_NAMES, FieldType, resolveField, type FieldDef } from './schema';
import { compareKeys, compileSort } from './sort';
import { coerce, encodeVariant, isIntegral, scalarOf, variant, type Scalar } from './values';

export interface AggContext extends SearchContext {
  scope: Scope;
  columns: Columns;
}

/**
 * Aggregations (and, apart, group-bys) per level. The Go SDK's test comment says five, but its "beyond limit"
 * request fails on a duplicated name, and the Node SDK's own test sends eight aggregations at one level and
 * expects them served. 25 is our choice [inferred]: it accepts every request the SDKs' tests send.
 */
const MAX_PER_LEVEL = 25;
const MAX_TOP_ROWS = 100;
const NUMERIC = [FieldType.LONG, FieldType.DOUBLE];

const TYPES: Record<number, { label: string; body: string; result: string }> = {
  1: { label: 'avg agg', body: 'AvgAggregation', result: 'AvgAggregationResult' },
  2: { label: 'max agg', body: 'MaxAggregation', result: 'MaxAggregationResult' },
  3: { label: 'min agg', body: 'MinAggregation', result: 'MinAggregationResult' },
  4: { label: 'sum agg', body: 'SumAggregation', result: 'SumAggregationResult' },
  5: { label: 'count agg', body: 'CountAggregation', result: 'CountAggregationResult' },
  6: { label: 'distinct count agg', body: 'DistinctCountAggregation', result: 'DistinctCountAggregationResult' },
  7: { label: 'top rows agg', body: 'TopRowsAggregation', result: 'TopRowsAggregationResult' },
  8: { label: 'percentiles agg', body: 'PercentilesAggregation', result: 'PercentilesAggregationResult' },
};

/** An aggregated field: exists, has an allowed type, sort-and-agg not turned off (spec §9 texts). */
export function aggField(ctx: AggContext, name: unknown, label: string, allowed?: readonly number[]): FieldDef {
  const r = typeof name === 'string' && name ? resolveField(ctx.index.def.fields, name) : undefined;
  if (!r) throw OtsError.param(`[${label}] field: ${String(name ?? '')} does not exist`);
  const f = r.def;
  const ok = allowed ? allowed.includes(f.type) : f.type !== FieldType.TEXT && f.type !== FieldType.NESTED && f.type !== FieldType.VECTOR;
  if (!ok) {
    const allow = (allowed ?? [1, 2, 3, 4, 7, 8]).map((t) => FIELD_TYPE_NAMES[t]).join(', ');
    throw OtsError.param(`[${label}] field_name:${name} type:${FIELD_TYPE_NAMES[f.type]} is invalid, allow [${allow}]`);
  }
  if (f.sortAndAgg === false) throw OtsError.param(`Search engine: [${label}] field:${name} must enable enable_sort_and_agg, but enable_sort_and_agg is not enabled`);
  return f;
}

/** The values a metric sees: every value of every document, `missing` once for a document without any. */
function values(docs: readonly Doc[], path: string, missing: Scalar | undefined): FieldValue[] {
  const out: FieldValue[] = [];
  for (const d of docs) {
    const vals = d.values.get(path);
    if (vals) for (const v of vals) out.push(v);
    else if (missing !== undefined) out.push(missing);
  }
  return out;
}

function missingOf(f: FieldDef, m: any, name: string): Scalar | undefined {
  const v = variant(m.missing, 'missing');
  return v && coerce(f, v, name);
}

export function percentile(sorted: number[], p: number, integral: boolean): number {
  const r = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(r);
  const hi = Math.min(sorted.length - 1, lo + 1);
  const v = sorted[lo] + (sorted[hi] - sorted[lo]) * (r - lo);
  return integral ? Math.trunc(v) + 0 : v; // + 0 turns -0 into 0
}

function one(ctx: AggContext, docs: readonly Doc[], type: number, m: any): object {
  const t = TYPES[type];
  switch (type) {
    case 1: case 2: case 3: case 4: {
      const f = aggField(ctx, m.fieldName, t.label, NUMERIC);
      const xs = values(docs, m.fieldName, missingOf(f, m, m.fieldName)) as number[];
      if (type === 4) return { value: xs.reduce((a, b) => a + b, 0) };
      // An empty set has no avg/max/min: the value is left out [decision; the service's answer is unspecified].
      if (!xs.length) return {};
      if (type === 1) return { value: xs.reduce((a, b) => a + b, 0) / xs.length };
      return { value: xs.reduce((a, b) => (type === 2 ? Math.max(a, b) : Math.min(a, b))) };
    }
    case 5: {
      aggField(ctx, m.fieldName, t.label);
      return { value: values(docs, m.fieldName, undefined).length };
    }
    case 6: {
      const f = aggField(ctx, m.fieldName, t.label);
      const xs = values(docs, m.fieldName, missingOf(f, m, m.fieldName));
      return { value: new Set(xs.map((v) => JSON.stringify(scalarOf(v) ?? v))).size };
    }
    case 7: {
      const limit = Number(opt(m, 'limit') ?? 1);
      if (!(limit >= 1 && limit <= MAX_TOP_ROWS)) throw OtsError.param(`[${t.label}] limit must be in [1, ${MAX_TOP_ROWS}], got ${limit}`);
      const sorters = compileSort(ctx.scope, m.sort);
      const keyed = docs.map((d) => ({ d, k: sorters.map((s) => s.key(d, 0)) }));
      keyed.sort((a, b) => compareKeys(sorters, a.k, b.k));
      return { rows: encodeDocRows(ctx.engine, ctx.table, keyed.slice(0, limit).map(({ d }) => d), ctx.columns, ctx.now) };
    }
    case 8: {
      const f = aggField(ctx, m.fieldName, t.label, [FieldType.LONG, FieldType.DOUBLE, FieldType.DATE]);
      const ps: number[] = m.percentiles?.length ? m.percentiles.map(Number) : [1, 5, 25, 50, 75, 95, 99];
      for (const p of ps) if (!(p >= 0 && p <= 100)) throw OtsError.param(`[${t.label}] percentile ${p} must be in [0, 100]`);
      const xs = (values(docs, m.fieldName, missingOf(f, m, m.fieldName)) as number[]).sort((a, b) => a - b);
      if (!xs.length) return { percentilesAggregationItems: [] };
      const integral = isIntegral(f);
      return {
        percentilesAggregationItems: [...ps].sort((a, b) => a - b).map((p) => ({ key: p, value: encodeVariant(percentile(xs, p, integral), integral) })),
      };
    }
    default:
      throw OtsError.param(`unknown aggregation type: ${type}`);
  }
}

/** Checks a level's names: non-empty, unique among siblings (aggregations and group-bys), at most MAX_PER_LEVEL. */
export function checkNames(items: Array<{ name?: string }>, what: string, taken = new Set<string>()): void {
  if (items.length > MAX_PER_LEVEL) throw OtsError.param(`too many ${what}: ${items.length}, at most ${MAX_PER_LEVEL} per level`);
  for (const it of items) {
    if (!it.name) throw OtsError.param(`the name of an ${what.replace(/s$/, '')} must not be empty`);
    if (taken.has(it.name)) throw OtsError.param(`duplicated ${what.replace(/s$/, '')} name [${it.name}]`);
    taken.add(it.name);
  }
}

/** The AggregationsResult message of a level (aggregations in request order, spec §7). */
export function runAggregations(ctx: AggContext, docs: readonly Doc[], aggs: any): object {
  const list: any[] = aggs?.aggs ?? [];
  checkNames(list, 'aggregations');
  return {
    aggResults: list.map((a) => {
      const t = TYPES[a.type];
      if (!t) throw OtsError.param(`unknown aggregation type: ${a.type}`);
      const result = one(ctx, docs, a.type, body(t.body, a.body));
      return { name: a.name, type: a.type, aggResult: encodeMessage(`search.proto.${t.result}`, result) };
    }),
  };
}

/** The numeric value of a sub-aggregation result, for group-by SubAggSort. */
export function subAggValue(ctx: AggContext, docs: readonly Doc[], aggs: any, name: string): number {
  const a = (aggs?.aggs ?? []).find((x: any) => x.name === name);
  if (!a) throw OtsError.param(`sub aggregation [${name}] of the group by sort does not exist`);
  const t = TYPES[a.type];
  if (a.type === 7 || a.type === 8) throw OtsError.param(`sub aggregation [${name}] of type ${t.label} can not sort groups`);
  const r = one(ctx, docs, a.type, body(t.body, a.body)) as { value?: number };
  return r.value ?? Number.NaN;
}
