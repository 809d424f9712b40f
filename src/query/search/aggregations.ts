/**
 * Typed aggregations and group-bys (search-index spec §7). `a.<field>` offers what the field's declared type
 * allows (spec §12: numeric-only avg/sum/min/max/histogram/range; not-TEXT count/distinctCount/groupBy), and the
 * result type follows from the request:
 *
 * ```ts
 * a => ({ avgLikes: a.likes.avg(), byAuthor: a.author.groupBy({ size: 10, aggs: { likes: a.likes.sum() } }) })
 * // → { avgLikes: number | undefined; byAuthor: Array<{ key: string; count: number; likes: number | undefined }> }
 * ```
 *
 * Every group-by kind of the service (§7.2): field, range, filter (`a.filters`), geo distance, geo grid,
 * histogram, date histogram and composite (`a.composite`, paged by its own token), with sub-aggregations and
 * sub-group-bys; and TopRows (`a.topRows`), whose rows decode into entities.
 */
import type { AttributeKeys } from '../../schema/entity-types';
import type { SearchFieldSchema, SearchFieldType, SearchIndexSchema } from '../../schema/search-index';
import { QueryError } from '../errors';
import { searchQueryBuilder, sortBuilder, type DeclaredType, type FieldValue, type SearchItem, type SearchQueryBuilder, type SortBuilder } from './builder';
import { SearchQuery, Sorter, type Duration, type GeoPoint, type SearchNode, type SortNode } from './nodes';

/**
 * Aggregations (and, apart, group-bys) per level: the emulator's limit. The spec's "≤ 5 per level" comes from a
 * Go test whose request fails on a duplicated name; the Node SDK's own test sends eight and is served [inferred].
 */
export const AGGS_PER_LEVEL = 25;

export type MetricType = 'avg' | 'min' | 'max' | 'sum' | 'count' | 'distinctCount';
type SubNodes = Readonly<Record<string, AggNode>>;

export type AggNode =
  | { readonly kind: 'metric'; readonly type: MetricType; readonly field: string }
  | { readonly kind: 'percentiles'; readonly field: string; readonly percents: readonly number[] }
  | { readonly kind: 'topRows'; readonly limit: number; readonly sort?: readonly SortNode[]; readonly columns?: readonly string[] }
  | { readonly kind: 'groupByField'; readonly field: string; readonly size?: number; readonly order?: 'count' | 'key'; readonly subs: SubNodes }
  | { readonly kind: 'groupByRange'; readonly field: string; readonly ranges: ReadonlyArray<{ from?: number; to?: number }>; readonly subs: SubNodes }
  | { readonly kind: 'histogram'; readonly field: string; readonly interval: unknown; readonly min: unknown; readonly max: unknown; readonly subs: SubNodes }
  | { readonly kind: 'groupByFilter'; readonly filters: ReadonlyArray<{ readonly name: string; readonly query: SearchNode }>; readonly subs: SubNodes }
  | { readonly kind: 'groupByGeoDistance'; readonly field: string; readonly origin: GeoPoint; readonly ranges: ReadonlyArray<{ from?: number; to?: number }>; readonly subs: SubNodes }
  | { readonly kind: 'geoGrid'; readonly field: string; readonly precision: number; readonly size?: number; readonly subs: SubNodes }
  | {
      readonly kind: 'dateHistogram';
      readonly field: string;
      readonly interval: Duration;
      readonly min?: Date;
      readonly max?: Date;
      readonly timeZone?: string;
      readonly minDocCount?: number;
      readonly subs: SubNodes;
    }
  | { readonly kind: 'composite'; readonly sources: ReadonlyArray<{ readonly name: string; readonly node: AggNode }>; readonly size?: number; readonly token?: string; readonly subs: SubNodes };

declare const aggResult: unique symbol;
declare const sourceKey: unique symbol;

/** One aggregation whose result has type `R`. */
export class Agg<R> {
  declare readonly [aggResult]?: R;
  constructor(readonly node: AggNode) {
    Object.freeze(this);
  }
}

/** A group-by that can also be a source of a composite group-by (field, histogram, date histogram), keyed by `K`. */
export class SourceAgg<R, K> extends Agg<R> {
  declare readonly [sourceKey]: K;
}

/** The results of a record of aggregations. */
export type AggResults<A> = { [K in keyof A]: A[K] extends Agg<infer R> ? R : never };
type Subs = Record<string, Agg<unknown>>;
type NoSubs = Record<never, never>;
/** A bucket's own fields, and its sub-aggregation results when it has any. */
export type Bucket<X, A> = [keyof A] extends [never] ? X : X & AggResults<A>;

/** A geo point in degrees. */
export interface LatLon {
  lat: number;
  lon: number;
}

export interface CountAggs {
  /** Number of values (every array element counts, spec §7.1). */
  count(): Agg<number>;
  distinctCount(): Agg<number>;
}
export interface GroupByFieldAgg {
  /** One bucket per distinct value (keys as the service gives them: text), most rows first unless `order: 'key'`. */
  groupBy<A extends Subs = NoSubs>(options?: { size?: number; order?: 'count' | 'key'; aggs?: A }): SourceAgg<Array<Bucket<{ key: string; count: number }, A>>, string>;
}
export interface NumericAggs<V> extends CountAggs, GroupByFieldAgg {
  /** `undefined` when no row has a value. */
  avg(): Agg<number | undefined>;
  min(): Agg<number | undefined>;
  max(): Agg<number | undefined>;
  sum(): Agg<number | undefined>;
  percentiles(percents: readonly number[]): Agg<Array<{ percent: number; value: number }>>;
  /** Buckets [from, to) (either bound may be absent), sorted by from (spec §7.2). */
  range<A extends Subs = NoSubs>(ranges: ReadonlyArray<{ from?: number; to?: number }>, options?: { aggs?: A }): Agg<Array<Bucket<{ from?: number; to?: number; count: number }, A>>>;
  /** Buckets of width `interval` within [min, max]; empty buckets are left out (spec §7.2). */
  histogram<A extends Subs = NoSubs>(options: { interval: V; min: V; max: V; aggs?: A }): SourceAgg<Array<Bucket<{ key: number; count: number }, A>>, number>;
}
export interface DateAggs {
  /**
   * Buckets of `interval` (calendar units for month/quarter/year) in `timeZone` (`"+08:00"`, default UTC), keyed
   * by their start; only values within `fieldRange`; buckets under `minDocCount` rows (default 1) left out.
   */
  dateHistogram<A extends Subs = NoSubs>(options: { interval: Duration; fieldRange?: { min: Date; max: Date }; timeZone?: string; minDocCount?: number; aggs?: A }): SourceAgg<Array<Bucket<{ key: Date; count: number }, A>>, Date>;
}
export interface GeoAggs {
  /** Buckets of distance in meters from `origin`, [from, to), in request order (spec §7.2). */
  geoDistance<A extends Subs = NoSubs>(options: { origin: GeoPoint; ranges: ReadonlyArray<{ from?: number; to?: number }>; aggs?: A }): Agg<Array<Bucket<{ from?: number; to?: number; count: number }, A>>>;
  /** Buckets per geohash cell of `precision` characters (1 to 12), at most `size` cells. */
  geoGrid<A extends Subs = NoSubs>(options: { precision: number; size?: number; aggs?: A }): Agg<Array<Bucket<{ key: string; topLeft: LatLon; bottomRight: LatLon; count: number }, A>>>;
}

export type AggRef<V, Ty> = Ty extends 'long' | 'double'
  ? NumericAggs<V>
  : Ty extends 'date'
    ? CountAggs & GroupByFieldAgg & DateAggs
    : Ty extends 'keyword' | 'boolean'
      ? CountAggs & GroupByFieldAgg
      : Ty extends 'geo'
        ? CountAggs & GeoAggs
        : never;

/** The key of each source of a composite group-by. */
export type CompositeKey<S> = { [K in keyof S]: S[K] extends SourceAgg<unknown, infer X> ? X : never };
/** One page of a composite group-by: its buckets and, unless it is the last, the token of the next page. */
export type CompositeBucket<S, A> = Bucket<{ key: CompositeKey<S>; count: number }, A>;
export interface CompositePage<S, A> {
  buckets: Array<CompositeBucket<S, A>>;
  nextToken?: string;
}

/** Aggregations over the whole index rather than one field. */
export interface AggCombinators<T, F> {
  /** One bucket per named query (request order), each counting the rows it matches (GroupByFilter). */
  filters<N extends string, A extends Subs = NoSubs>(filters: Readonly<Record<N, (q: SearchQueryBuilder<T, F>) => SearchQuery<T>>>, options?: { aggs?: A }): Agg<{ [K in N]: Bucket<{ count: number }, A> }>;
  /**
   * The first `limit` rows (default 1, at most 100) by `sort` (default the index order), decoded into entities;
   * with `columns`, partial entities holding those and the key (TopRows, spec §7.1).
   */
  topRows<C extends AttributeKeys<T> = never>(options?: { limit?: number; sort?: (s: SortBuilder<T, F>) => Array<Sorter<T>>; columns?: readonly C[] }): Agg<Array<SearchItem<T, C>>>;
  /**
   * Every combination of the sources' keys (field groups, histograms, date histograms), ordered by key, `size`
   * (default 10, at most 2000) per page; pass the page's `nextToken` as `token` for the next one, or iterate every
   * bucket with `repository.compositeBuckets`. Top level only.
   */
  composite<S extends Record<string, SourceAgg<unknown, unknown>>, A extends Subs = NoSubs>(options: { sources: S; size?: number; token?: string; aggs?: A }): Agg<CompositePage<S, A>>;
}

/** What an aggregation callback receives: one reference per field that can be aggregated, and the combinators. */
export type AggBuilder<T, F> = {
  readonly [K in keyof F & string as DeclaredType<F[K]> extends 'text' | 'nested' | 'vector' ? never : K]: AggRef<FieldValue<T, K, F[K]>, DeclaredType<F[K]>>;
} & AggCombinators<T, F>;

const NUMERIC_OPS = ['avg', 'min', 'max', 'sum', 'count', 'distinctCount', 'percentiles', 'groupBy', 'range', 'histogram'];
const ALLOWED: Record<SearchFieldType, readonly string[]> = {
  long: NUMERIC_OPS,
  double: NUMERIC_OPS,
  keyword: ['count', 'distinctCount', 'groupBy'],
  boolean: ['count', 'distinctCount', 'groupBy'],
  date: ['count', 'distinctCount', 'groupBy', 'dateHistogram'],
  geo: ['count', 'geoDistance', 'geoGrid'],
  text: [],
  nested: [],
  vector: [],
};
/** Item fields a sub-aggregation name would shadow. */
const RESERVED = new Set(['key', 'count', 'from', 'to', 'topLeft', 'bottomRight']);
/** Spec §7.2 (GroupByField and composite size ≤ 2000). */
const MAX_GROUPS = 2000;
/** The emulator's and (inferred) the service's TopRows limit (spec §7.1: 10000 rejected). */
const MAX_TOP_ROWS = 100;
const COMPOSITE_SOURCES = new Set(['groupByField', 'histogram', 'dateHistogram']);

function fail(entity: string, key: string | undefined, message: string): never {
  throw new QueryError('INVALID_CONDITION', entity, key, message);
}

function subsOf(entity: string, key: string | undefined, aggs: Record<string, unknown> | undefined): Record<string, AggNode> {
  const out: Record<string, AggNode> = {};
  for (const [name, a] of Object.entries(aggs ?? {})) {
    if (RESERVED.has(name)) fail(entity, key, `a sub-aggregation cannot be named '${name}' (a field of every bucket)`);
    if (!(a instanceof Agg)) fail(entity, key, `sub-aggregation '${name}' must be built by the aggregation builder`);
    // [decision] a composite pages through its own token, which a bucket of another group-by cannot carry.
    if (a.node.kind === 'composite') fail(entity, key, `sub-aggregation '${name}': a composite group-by is top level only`);
    out[name] = a.node;
  }
  if (Object.keys(out).length > AGGS_PER_LEVEL) fail(entity, key, `at most ${AGGS_PER_LEVEL} sub-aggregations per level`);
  return out;
}

function rangesOf(entity: string, key: string, ranges: unknown, what: string): ReadonlyArray<{ from?: number; to?: number }> {
  if (!Array.isArray(ranges) || ranges.length === 0) fail(entity, key, `${what} needs at least one { from?, to? }`);
  return Object.freeze(
    ranges.map((r: { from?: unknown; to?: unknown }) => {
      for (const b of ['from', 'to'] as const) if (r?.[b] !== undefined && (typeof r[b] !== 'number' || Number.isNaN(r[b]))) fail(entity, key, `${what}: ${b} is a number`);
      return { ...(r.from !== undefined ? { from: r.from as number } : {}), ...(r.to !== undefined ? { to: r.to as number } : {}) };
    }),
  );
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
      if (!Array.isArray(percents) || percents.length === 0 || !percents.every((p) => typeof p === 'number' && p >= 0 && p <= 100)) fail(entity, key, 'percentiles() takes numbers from 0 to 100');
      return new Agg({ kind: 'percentiles', field: key, percents: Object.freeze([...percents]) });
    },
    groupBy: (o: { size?: number; order?: 'count' | 'key'; aggs?: Record<string, unknown> } = {}) => {
      guard('groupBy');
      if (o.size !== undefined && (!Number.isInteger(o.size) || o.size < 1 || o.size > MAX_GROUPS)) fail(entity, key, `groupBy size is an integer from 1 to ${MAX_GROUPS} (spec §7.2)`);
      return new SourceAgg({ kind: 'groupByField', field: key, ...(o.size !== undefined ? { size: o.size } : {}), ...(o.order ? { order: o.order } : {}), subs: subsOf(entity, key, o.aggs) });
    },
    range: (ranges: ReadonlyArray<{ from?: number; to?: number }>, o: { aggs?: Record<string, unknown> } = {}) => {
      guard('range');
      return new Agg({ kind: 'groupByRange', field: key, ranges: rangesOf(entity, key, ranges, 'range()'), subs: subsOf(entity, key, o.aggs) });
    },
    histogram: (o: { interval: unknown; min: unknown; max: unknown; aggs?: Record<string, unknown> }) => {
      guard('histogram');
      if (!o || o.interval === undefined || o.min === undefined || o.max === undefined) fail(entity, key, 'histogram() needs interval, min and max');
      return new SourceAgg({ kind: 'histogram', field: key, interval: o.interval, min: o.min, max: o.max, subs: subsOf(entity, key, o.aggs) });
    },
    dateHistogram: (o: { interval: Duration; fieldRange?: { min: Date; max: Date }; timeZone?: string; minDocCount?: number; aggs?: Record<string, unknown> }) => {
      guard('dateHistogram');
      if (!o || !o.interval) fail(entity, key, 'dateHistogram() needs an interval ({ value, unit })');
      const r = o.fieldRange;
      if (r !== undefined && !(r?.min instanceof Date && r.max instanceof Date && r.min.getTime() <= r.max.getTime())) fail(entity, key, 'dateHistogram() fieldRange is { min: Date, max: Date } with min ≤ max');
      if (o.timeZone !== undefined && !/^[+-]\d{2}:\d{2}$/.test(o.timeZone)) fail(entity, key, `dateHistogram() timeZone is an offset like "+08:00", got ${JSON.stringify(o.timeZone)}`);
      if (o.minDocCount !== undefined && (!Number.isInteger(o.minDocCount) || o.minDocCount < 0)) fail(entity, key, 'dateHistogram() minDocCount is a non-negative integer');
      return new SourceAgg({
        kind: 'dateHistogram',
        field: key,
        interval: o.interval,
        ...(r ? { min: r.min, max: r.max } : {}),
        ...(o.timeZone !== undefined ? { timeZone: o.timeZone } : {}),
        ...(o.minDocCount !== undefined ? { minDocCount: o.minDocCount } : {}),
        subs: subsOf(entity, key, o.aggs),
      });
    },
    geoDistance: (o: { origin: GeoPoint; ranges: ReadonlyArray<{ from?: number; to?: number }>; aggs?: Record<string, unknown> }) => {
      guard('geoDistance');
      if (!o || o.origin === undefined) fail(entity, key, 'geoDistance() needs an origin');
      return new Agg({ kind: 'groupByGeoDistance', field: key, origin: o.origin, ranges: rangesOf(entity, key, o.ranges, 'geoDistance()'), subs: subsOf(entity, key, o.aggs) });
    },
    geoGrid: (o: { precision: number; size?: number; aggs?: Record<string, unknown> }) => {
      guard('geoGrid');
      if (!o || !Number.isInteger(o.precision) || o.precision < 1 || o.precision > 12) fail(entity, key, 'geoGrid() precision is the geohash length, an integer from 1 to 12');
      if (o.size !== undefined && (!Number.isInteger(o.size) || o.size < 1 || o.size > MAX_GROUPS)) fail(entity, key, `geoGrid() size is an integer from 1 to ${MAX_GROUPS}`);
      return new Agg({ kind: 'geoGrid', field: key, precision: o.precision, ...(o.size !== undefined ? { size: o.size } : {}), subs: subsOf(entity, key, o.aggs) });
    },
  };
}

function combinators(entity: string, index: SearchIndexSchema): Record<string, unknown> {
  return {
    filters: (filters: Record<string, (q: unknown) => unknown>, o: { aggs?: Record<string, unknown> } = {}) => {
      const entries = Object.entries(filters ?? {});
      if (entries.length === 0) fail(entity, undefined, 'filters() needs at least one named query');
      const q = searchQueryBuilder(entity, index);
      return new Agg({
        kind: 'groupByFilter',
        filters: Object.freeze(
          entries.map(([name, build]) => {
            const query = typeof build === 'function' ? build(q) : undefined;
            if (!(query instanceof SearchQuery)) fail(entity, undefined, `filters(): '${name}' must be a callback returning a query of its builder`);
            return Object.freeze({ name, query: query.node });
          }),
        ),
        subs: subsOf(entity, undefined, o.aggs),
      });
    },
    topRows: (o: { limit?: number; sort?: (s: unknown) => unknown; columns?: readonly string[] } = {}) => {
      const limit = o.limit ?? 1;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_TOP_ROWS) fail(entity, undefined, `topRows() limit is an integer from 1 to ${MAX_TOP_ROWS} (spec §7.1)`);
      const sort = o.sort ? o.sort(sortBuilder(entity, index)) : undefined;
      if (sort !== undefined && (!Array.isArray(sort) || !sort.every((x) => x instanceof Sorter))) fail(entity, undefined, 'topRows() sort must return an array of sorters');
      if (o.columns !== undefined && !Array.isArray(o.columns)) fail(entity, undefined, 'topRows() columns is an array of properties');
      return new Agg({ kind: 'topRows', limit, ...(sort?.length ? { sort: Object.freeze(sort.map((x: Sorter<unknown>) => x.node)) } : {}), ...(o.columns ? { columns: Object.freeze([...o.columns]) } : {}) });
    },
    composite: (o: { sources: Record<string, unknown>; size?: number; token?: string; aggs?: Record<string, unknown> }) => {
      const sources = Object.entries(o?.sources ?? {});
      if (sources.length === 0) fail(entity, undefined, 'composite() needs at least one source');
      for (const [name, a] of sources) {
        if (!(a instanceof Agg) || !COMPOSITE_SOURCES.has(a.node.kind)) fail(entity, undefined, `composite() source '${name}' must be a groupBy, histogram or dateHistogram (spec §7.2)`);
      }
      if (o.size !== undefined && (!Number.isInteger(o.size) || o.size < 1 || o.size > MAX_GROUPS)) fail(entity, undefined, `composite() size is an integer from 1 to ${MAX_GROUPS} (spec §7.2)`);
      if (o.token !== undefined && (typeof o.token !== 'string' || o.token === '')) fail(entity, undefined, 'composite() token is the nextToken of the previous page');
      return new Agg({
        kind: 'composite',
        sources: Object.freeze(sources.map(([name, a]) => Object.freeze({ name, node: (a as Agg<unknown>).node }))),
        ...(o.size !== undefined ? { size: o.size } : {}),
        ...(o.token !== undefined ? { token: o.token } : {}),
        subs: subsOf(entity, undefined, o.aggs),
      });
    },
  };
}

const builders = new WeakMap<SearchIndexSchema, Record<string, unknown>>();

/** The aggregation builder of an index (cached). Field references win over combinators of the same name. */
export function aggBuilder(entity: string, index: SearchIndexSchema): Record<string, unknown> {
  let b = builders.get(index);
  if (!b) {
    b = combinators(entity, index);
    for (const f of index.fields) b[f.key] = Object.freeze(aggRef(entity, f));
    builders.set(index, Object.freeze(b));
  }
  return b;
}
