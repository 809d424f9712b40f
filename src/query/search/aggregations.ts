/**
 * Typed aggregations and group-bys (search-index spec §7). `a.<field>` offers what the field's declared type
 * allows (spec §12: numeric-only avg/sum/min/max/histogram/range; not-TEXT count/distinctCount/groupBy), and the
 * result type follows from the request:
 *
 * ```ts
 * a => ({ avgLikes: a.likes.avg(), byAuthor: a.author.groupBy({ size: 10, aggs: { likes: a.likes.sum() } }) })
 * // → { avgLikes: number | undefined; byAuthor: Array<{ key: string; count: number; likes: number | undefined }> }
 * ```
 */
import type { SearchFieldSchema, SearchFieldType, SearchIndexSchema } from '../../schema/search-index';
import { QueryError } from '../errors';
import type { DeclaredType, FieldValue } from './builder';

export type MetricType = 'avg' | 'min' | 'max' | 'sum' | 'count' | 'distinctCount';

export type AggNode =
  | { readonly kind: 'metric'; readonly type: MetricType; readonly field: string }
  | { readonly kind: 'percentiles'; readonly field: string; readonly percents: readonly number[] }
  | { readonly kind: 'groupByField'; readonly field: string; readonly size?: number; readonly order?: 'count' | 'key'; readonly subs: Readonly<Record<string, AggNode>> }
  | { readonly kind: 'groupByRange'; readonly field: string; readonly ranges: ReadonlyArray<{ from?: number; to?: number }>; readonly subs: Readonly<Record<string, AggNode>> }
  | { readonly kind: 'histogram'; readonly field: string; readonly interval: unknown; readonly min: unknown; readonly max: unknown; readonly subs: Readonly<Record<string, AggNode>> };

declare const aggResult: unique symbol;

/** One aggregation whose result has type `R`. */
export class Agg<R> {
  declare readonly [aggResult]?: R;
  constructor(readonly node: AggNode) {
    Object.freeze(this);
  }
}

/** The results of a record of aggregations. */
export type AggResults<A> = { [K in keyof A]: A[K] extends Agg<infer R> ? R : never };
type Subs = Record<string, Agg<unknown>>;

export interface CountAggs {
  /** Number of values (every array element counts, spec §7.1). */
  count(): Agg<number>;
  distinctCount(): Agg<number>;
}
export interface GroupByFieldAgg {
  /** One bucket per distinct value (keys as the service gives them: text), most rows first unless `order: 'key'`. */
  groupBy<A extends Subs = Record<never, never>>(options?: { size?: number; order?: 'count' | 'key'; aggs?: A }): Agg<Array<{ key: string; count: number } & AggResults<A>>>;
}
export interface NumericAggs<V> extends CountAggs, GroupByFieldAgg {
  /** `undefined` when no row has a value. */
  avg(): Agg<number | undefined>;
  min(): Agg<number | undefined>;
  max(): Agg<number | undefined>;
  sum(): Agg<number | undefined>;
  percentiles(percents: readonly number[]): Agg<Array<{ percent: number; value: number }>>;
  /** Buckets [from, to) (either bound may be absent), sorted by from (spec §7.2). */
  range<A extends Subs = Record<never, never>>(ranges: ReadonlyArray<{ from?: number; to?: number }>, options?: { aggs?: A }): Agg<Array<{ from?: number; to?: number; count: number } & AggResults<A>>>;
  /** Buckets of width `interval` within [min, max]; empty buckets are left out (spec §7.2). */
  histogram<A extends Subs = Record<never, never>>(options: { interval: V; min: V; max: V; aggs?: A }): Agg<Array<{ key: number; count: number } & AggResults<A>>>;
}

export type AggRef<V, Ty> = Ty extends 'long' | 'double' ? NumericAggs<V> : Ty extends 'keyword' | 'boolean' | 'date' ? CountAggs & GroupByFieldAgg : Ty extends 'geo' ? CountAggs : never;

/** What an aggregation callback receives: one reference per field that can be aggregated. */
export type AggBuilder<T, F> = {
  readonly [K in keyof F & string as DeclaredType<F[K]> extends 'text' | 'nested' | 'vector' ? never : K]: AggRef<FieldValue<T, K, F[K]>, DeclaredType<F[K]>>;
};

const ALLOWED: Record<SearchFieldType, readonly string[]> = {
  long: ['avg', 'min', 'max', 'sum', 'count', 'distinctCount', 'percentiles', 'groupBy', 'range', 'histogram'],
  double: ['avg', 'min', 'max', 'sum', 'count', 'distinctCount', 'percentiles', 'groupBy', 'range', 'histogram'],
  keyword: ['count', 'distinctCount', 'groupBy'],
  boolean: ['count', 'distinctCount', 'groupBy'],
  date: ['count', 'distinctCount', 'groupBy'],
  geo: ['count'],
  text: [],
  nested: [],
  vector: [],
};
/** Item fields a sub-aggregation name would shadow. */
const RESERVED = new Set(['key', 'count', 'from', 'to']);
/** Spec §7.2 (GroupByField size ≤ 2000). */
const MAX_GROUPS = 2000;

function subsOf(entity: string, key: string, aggs: Record<string, unknown> | undefined): Record<string, AggNode> {
  const out: Record<string, AggNode> = {};
  for (const [name, a] of Object.entries(aggs ?? {})) {
    if (RESERVED.has(name)) throw new QueryError('INVALID_CONDITION', entity, key, `a sub-aggregation cannot be named '${name}' (a field of every bucket)`);
    if (!(a instanceof Agg)) throw new QueryError('INVALID_CONDITION', entity, key, `sub-aggregation '${name}' must be built by the aggregation builder`);
    out[name] = a.node;
  }
  if (Object.keys(out).length > 5) throw new QueryError('INVALID_CONDITION', entity, key, 'at most 5 sub-aggregations per level (spec §7)');
  return out;
}

function aggRef(entity: string, f: SearchFieldSchema): Record<string, unknown> {
  const key = f.key;
  const guard = (op: string) => {
    if (!ALLOWED[f.type].includes(op)) throw new QueryError('UNSUPPORTED_COMPARISON', entity, key, `${op}() does not apply to a ${f.type} field (spec §7, §12)`);
    if (f.sortAndAgg === false) throw new QueryError('UNSUPPORTED_COMPARISON', entity, key, 'aggregations need sortAndAgg on the field (spec §2.3)');
  };
  const metric = (type: MetricType) => () => (guard(type), new Agg({ kind: 'metric', type, field: key }));
  return {
    avg: metric('avg'),
    min: metric('min'),
    max: metric('max'),
    sum: metric('sum'),
    count: metric('count'),
    distinctCount: metric('distinctCount'),
    percentiles: (percents: readonly number[]) => {
      guard('percentiles');
      if (!Array.isArray(percents) || percents.length === 0 || !percents.every((p) => typeof p === 'number' && p >= 0 && p <= 100)) {
        throw new QueryError('INVALID_CONDITION', entity, key, 'percentiles() takes numbers from 0 to 100');
      }
      return new Agg({ kind: 'percentiles', field: key, percents: Object.freeze([...percents]) });
    },
    groupBy: (o: { size?: number; order?: 'count' | 'key'; aggs?: Record<string, unknown> } = {}) => {
      guard('groupBy');
      if (o.size !== undefined && (!Number.isInteger(o.size) || o.size < 1 || o.size > MAX_GROUPS)) throw new QueryError('INVALID_CONDITION', entity, key, `groupBy size is an integer from 1 to ${MAX_GROUPS} (spec §7.2)`);
      return new Agg({ kind: 'groupByField', field: key, ...(o.size !== undefined ? { size: o.size } : {}), ...(o.order ? { order: o.order } : {}), subs: subsOf(entity, key, o.aggs) });
    },
    range: (ranges: ReadonlyArray<{ from?: number; to?: number }>, o: { aggs?: Record<string, unknown> } = {}) => {
      guard('range');
      if (!Array.isArray(ranges) || ranges.length === 0) throw new QueryError('INVALID_CONDITION', entity, key, 'range() needs at least one { from?, to? }');
      return new Agg({ kind: 'groupByRange', field: key, ranges: Object.freeze(ranges.map((r) => ({ ...r }))), subs: subsOf(entity, key, o.aggs) });
    },
    histogram: (o: { interval: unknown; min: unknown; max: unknown; aggs?: Record<string, unknown> }) => {
      guard('histogram');
      if (!o || o.interval === undefined || o.min === undefined || o.max === undefined) throw new QueryError('INVALID_CONDITION', entity, key, 'histogram() needs interval, min and max');
      return new Agg({ kind: 'histogram', field: key, interval: o.interval, min: o.min, max: o.max, subs: subsOf(entity, key, o.aggs) });
    },
  };
}

const builders = new WeakMap<SearchIndexSchema, Record<string, unknown>>();

/** The aggregation builder of an index (cached). */
export function aggBuilder(entity: string, index: SearchIndexSchema): Record<string, unknown> {
  let b = builders.get(index);
  if (!b) {
    b = {};
    for (const f of index.fields) b[f.key] = Object.freeze(aggRef(entity, f));
    builders.set(index, Object.freeze(b));
  }
  return b;
}
