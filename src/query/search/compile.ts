/**
 * The one place search trees (queries, sorts, aggregations) become the SDK's Search request objects
 * (`{ queryType, query }`, `{ sorters }`, `{ aggs }`, `{ groupBys }`), with declared keys mapped to index field
 * names and values encoded by the codec for their column (search-index spec §1.3, §12: INTEGER for long and
 * epoch dates, DOUBLE for double, BOOLEAN, STRING for keyword/text/date patterns).
 */
import { encodeFieldValue, INT64_MAX, INT64_MIN } from '../../codec/value';
import { toSdkInt64 } from '../../codec/sdk-values';
import type { SearchFieldSchema, SearchIndexSchema } from '../../schema/search-index';
import type { TableSchema } from '../../schema/types';
import { QueryError } from '../errors';
import type { AggNode, MetricType } from './aggregations';
import type { GeoPoint, SearchNode, SortNode } from './nodes';

/** QueryType ids (spec §4). */
const QT = { match: 1, matchPhrase: 2, term: 3, range: 4, prefix: 5, bool: 6, constScore: 7, functionScore: 8, nested: 9, wildcard: 10, matchAll: 11, geoBox: 12, geoDistance: 13, geoPolygon: 14, terms: 15, exists: 16, knn: 17 } as const;
/** ScoreMode (tablestore lib/search.js). */
const SCORE_MODE = { none: 1, avg: 2, max: 3, total: 4, sum: 4, min: 5 } as const;
const ORDER = { asc: 0, desc: 1 } as const;

export interface SdkQuery {
  queryType: number;
  query: Record<string, unknown>;
}

/** Where a declared key resolves: the field and its full index name (`path.sub` inside nested). */
interface Scope {
  readonly fields: readonly SearchFieldSchema[];
  readonly prefix: string;
}

export interface SearchContext {
  readonly schema: TableSchema;
  readonly index: SearchIndexSchema;
}

function fieldOf(ctx: SearchContext, scope: Scope, key: string): { field: SearchFieldSchema; name: string } {
  const field = scope.fields.find((f) => f.key === key);
  if (!field) throw new QueryError('UNKNOWN_PROPERTY', ctx.schema.entityName, key, `is not a field of search index '${ctx.index.name}'`);
  return { field, name: `${scope.prefix}${field.name}` };
}

function int64(ctx: SearchContext, key: string, v: unknown): ReturnType<typeof toSdkInt64> {
  let b: bigint | undefined;
  if (typeof v === 'bigint') b = v;
  else if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v);
  else if (v && typeof v === 'object' && typeof (v as { toString?: unknown }).toString === 'function' && (v as { __isLong__?: boolean }).__isLong__) b = BigInt(String(v));
  else if (v instanceof Date && !Number.isNaN(v.getTime())) b = BigInt(v.getTime());
  if (b === undefined || b < INT64_MIN || b > INT64_MAX) throw new QueryError('INVALID_CONDITION', ctx.schema.entityName, key, `expected an int64 value (bigint, safe integer, Long or Date), got ${String(v)}`);
  return toSdkInt64(b);
}

/** A query value as the SDK's search variant input, by the field's column (or, without one, its search type). */
function searchValue(ctx: SearchContext, field: SearchFieldSchema, key: string, v: unknown): unknown {
  if (v === undefined || v === null) throw new QueryError('INVALID_CONDITION', ctx.schema.entityName, key, 'a value is required');
  const column = field.column;
  if (column && !field.virtual && column.type !== 'json') return encodeFieldValue(ctx.schema, column, v);
  const bad = (want: string): never => {
    throw new QueryError('INVALID_CONDITION', ctx.schema.entityName, key, `expected ${want} for a ${field.type} field, got ${typeof v}`);
  };
  switch (field.type) {
    case 'long':
      return int64(ctx, key, v);
    case 'double':
      return typeof v === 'number' && Number.isFinite(v) ? v : bad('a finite number');
    case 'date':
      return typeof v === 'string' ? v : int64(ctx, key, v);
    case 'boolean':
      return typeof v === 'boolean' ? v : bad('a boolean');
    default:
      return typeof v === 'string' ? v : bad('a string');
  }
}

function geo(ctx: SearchContext, key: string, p: GeoPoint): string {
  if (typeof p === 'string') return p;
  if (!p || typeof p.lat !== 'number' || typeof p.lon !== 'number' || Math.abs(p.lat) > 90 || Math.abs(p.lon) > 180) {
    throw new QueryError('INVALID_CONDITION', ctx.schema.entityName, key, 'a geo point is { lat ∈ [-90, 90], lon ∈ [-180, 180] } or "lat,lon" (spec §2.2)');
  }
  return `${p.lat},${p.lon}`;
}

function compileNode(ctx: SearchContext, scope: Scope, n: SearchNode): SdkQuery {
  const w = (x: { weight?: number }) => (x.weight !== undefined ? { weight: x.weight } : {});
  switch (n.kind) {
    case 'matchAll':
      return { queryType: QT.matchAll, query: {} };
    case 'match': {
      const { name } = fieldOf(ctx, scope, n.field);
      return {
        queryType: QT.match,
        query: { fieldName: name, text: n.text, ...(n.operator ? { operator: n.operator === 'and' ? 2 : 1 } : {}), ...(n.minimumShouldMatch !== undefined ? { minimumShouldMatch: n.minimumShouldMatch } : {}), ...w(n) },
      };
    }
    case 'matchPhrase':
      return { queryType: QT.matchPhrase, query: { fieldName: fieldOf(ctx, scope, n.field).name, text: n.text, ...w(n) } };
    case 'term': {
      const { field, name } = fieldOf(ctx, scope, n.field);
      return { queryType: QT.term, query: { fieldName: name, term: searchValue(ctx, field, n.field, n.value), ...w(n) } };
    }
    case 'terms': {
      const { field, name } = fieldOf(ctx, scope, n.field);
      return { queryType: QT.terms, query: { fieldName: name, terms: n.values.map((v) => searchValue(ctx, field, n.field, v)), ...w(n) } };
    }
    case 'prefix':
      return { queryType: QT.prefix, query: { fieldName: fieldOf(ctx, scope, n.field).name, prefix: n.prefix, ...w(n) } };
    case 'wildcard':
      return { queryType: QT.wildcard, query: { fieldName: fieldOf(ctx, scope, n.field).name, value: n.pattern, ...w(n) } };
    case 'range': {
      const { field, name } = fieldOf(ctx, scope, n.field);
      const from = n.gt ?? n.gte;
      const to = n.lt ?? n.lte;
      return {
        queryType: QT.range,
        query: {
          fieldName: name,
          ...(from !== undefined ? { rangeFrom: searchValue(ctx, field, n.field, from), includeLower: n.gte !== undefined } : {}),
          ...(to !== undefined ? { rangeTo: searchValue(ctx, field, n.field, to), includeUpper: n.lte !== undefined } : {}),
        },
      };
    }
    case 'exists':
      return { queryType: QT.exists, query: { fieldName: fieldOf(ctx, scope, n.field).name } };
    case 'bool': {
      const list = (xs: readonly SearchNode[]) => xs.map((x) => compileNode(ctx, scope, x));
      const query: Record<string, unknown> = {};
      if (n.must.length) query.mustQueries = list(n.must);
      if (n.mustNot.length) query.mustNotQueries = list(n.mustNot);
      if (n.filter.length) query.filterQueries = list(n.filter);
      if (n.should.length) {
        query.shouldQueries = list(n.should);
        // The Node SDK refuses should clauses without an integer minimumShouldMatch: send the service's own
        // default (1 when only should clauses are given, else 0; spec §4 Bool) unless one is given.
        query.minimumShouldMatch = n.minimumShouldMatch ?? (n.must.length || n.filter.length || n.mustNot.length ? 0 : 1);
      }
      return { queryType: QT.bool, query };
    }
    case 'constScore':
      return { queryType: QT.constScore, query: { filter: compileNode(ctx, scope, n.filter) } };
    case 'functionScore':
      return { queryType: QT.functionScore, query: { query: compileNode(ctx, scope, n.query), fieldValueFactor: { fieldName: fieldOf(ctx, scope, n.field).name } } };
    case 'geoDistance':
      return { queryType: QT.geoDistance, query: { fieldName: fieldOf(ctx, scope, n.field).name, centerPoint: geo(ctx, n.field, n.center), distance: n.meters } };
    case 'geoBox':
      return { queryType: QT.geoBox, query: { fieldName: fieldOf(ctx, scope, n.field).name, topLeft: geo(ctx, n.field, n.topLeft), bottomRight: geo(ctx, n.field, n.bottomRight) } };
    case 'geoPolygon':
      return { queryType: QT.geoPolygon, query: { fieldName: fieldOf(ctx, scope, n.field).name, points: n.points.map((p) => geo(ctx, n.field, p)) } };
    case 'knn':
      return {
        queryType: QT.knn,
        query: { fieldName: fieldOf(ctx, scope, n.field).name, topK: n.topK, float32QueryVector: [...n.vector], ...(n.filter ? { filter: compileNode(ctx, scope, n.filter) } : {}) },
      };
    case 'nested': {
      const { field, name } = fieldOf(ctx, scope, n.path);
      if (field.type !== 'nested') throw new QueryError('UNSUPPORTED_COMPARISON', ctx.schema.entityName, n.path, 'nested() takes a nested field');
      return { queryType: QT.nested, query: { path: name, query: compileNode(ctx, { fields: field.fields ?? [], prefix: `${name}.` }, n.query), scoreMode: SCORE_MODE[n.scoreMode] } };
    }
    default:
      throw new QueryError('INVALID_CONDITION', ctx.schema.entityName, undefined, `unknown search node ${JSON.stringify((n as { kind?: unknown }).kind)}`);
  }
}

/** Compiles a query tree into the SDK's `{ queryType, query }`. */
export function compileSearchQuery(ctx: SearchContext, node: SearchNode): SdkQuery {
  return compileNode(ctx, { fields: ctx.index.fields, prefix: '' }, node);
}

/** Compiles sorters into the SDK's `{ sorters }`. */
export function compileSort(ctx: SearchContext, sorters: readonly SortNode[]): { sorters: Array<Record<string, unknown>> } {
  const top: Scope = { fields: ctx.index.fields, prefix: '' };
  return {
    sorters: sorters.map((s) => {
      switch (s.kind) {
        case 'field':
          return { fieldSort: { fieldName: fieldOf(ctx, top, s.field).name, order: ORDER[s.order] } };
        case 'score':
          return { scoreSort: { order: ORDER[s.order] } };
        case 'primaryKey':
          return { primaryKeySort: { order: ORDER[s.order] } };
        case 'geoDistance':
          return { geoDistanceSort: { fieldName: fieldOf(ctx, top, s.field).name, points: [geo(ctx, s.field, s.from)], order: ORDER[s.order] } };
      }
    }),
  };
}

/** AggregationType and GroupByType ids (spec §1.2). */
const AGG_TYPE: Record<MetricType | 'percentiles', number> = { avg: 1, max: 2, min: 3, sum: 4, count: 5, distinctCount: 6, percentiles: 8 };
const GROUP_BY_TYPE = { groupByField: 1, groupByRange: 2, histogram: 5 } as const;

export interface SdkAggregations {
  aggs?: { aggs: Array<Record<string, unknown>> };
  groupBys?: { groupBys: Array<Record<string, unknown>> };
}

/** Compiles named aggregations into the SDK's `aggs` and `groupBys` (sub-aggregations recursively). */
export function compileAggregations(ctx: SearchContext, named: Readonly<Record<string, AggNode>>): SdkAggregations {
  const top: Scope = { fields: ctx.index.fields, prefix: '' };
  const aggs: Array<Record<string, unknown>> = [];
  const groupBys: Array<Record<string, unknown>> = [];
  for (const [name, a] of Object.entries(named)) {
    const { field, name: fieldName } = fieldOf(ctx, top, a.field);
    switch (a.kind) {
      case 'metric':
        aggs.push({ name, type: AGG_TYPE[a.type], body: { fieldName } });
        break;
      case 'percentiles':
        aggs.push({ name, type: AGG_TYPE.percentiles, body: { fieldName, percentiles: [...a.percents] } });
        break;
      default: {
        const subs = compileAggregations(ctx, a.subs);
        const nested = { ...(subs.aggs ? { subAggs: subs.aggs } : {}), ...(subs.groupBys ? { subGroupBys: subs.groupBys } : {}) };
        if (a.kind === 'groupByField') {
          const sort = a.order === 'key' ? [{ groupKeySort: { order: ORDER.asc } }] : [{ rowCountSort: { order: ORDER.desc } }, { groupKeySort: { order: ORDER.asc } }];
          groupBys.push({ name, type: GROUP_BY_TYPE.groupByField, body: { fieldName, ...(a.size !== undefined ? { size: a.size } : {}), sort: { sorters: sort }, ...nested } });
        } else if (a.kind === 'groupByRange') {
          // Absent bounds are ±infinity (spec §7.2: unbounded).
          const ranges = a.ranges.map((r) => ({ from: r.from ?? Number.NEGATIVE_INFINITY, to: r.to ?? Number.POSITIVE_INFINITY }));
          groupBys.push({ name, type: GROUP_BY_TYPE.groupByRange, body: { fieldName, ranges, ...nested } });
        } else {
          const v = (x: unknown) => searchValue(ctx, field, a.field, x);
          groupBys.push({ name, type: GROUP_BY_TYPE.histogram, body: { fieldName, interval: v(a.interval), fieldRange: { min: v(a.min), max: v(a.max) }, ...nested } });
        }
      }
    }
  }
  // Spec §7: at most 5 aggregations (and 5 group-bys) per level.
  if (aggs.length > 5 || groupBys.length > 5) {
    throw new QueryError('INVALID_CONDITION', ctx.schema.entityName, undefined, `at most 5 aggregations and 5 group-bys per level (spec §7), got ${aggs.length} and ${groupBys.length}`);
  }
  return { ...(aggs.length ? { aggs: { aggs } } : {}), ...(groupBys.length ? { groupBys: { groupBys } } : {}) };
}
