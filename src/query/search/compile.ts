/**
 * The one place search trees (queries, sorts, highlights) become the SDK's Search request objects
 * (`{ queryType, query }`, `{ sorters }`; aggregations: compile-aggregations.ts), with declared keys mapped to index field
 * names and values encoded by the codec for their column (search-index spec §1.3, §12: INTEGER for long and
 * epoch dates, DOUBLE for double, BOOLEAN, STRING for keyword/text/date patterns).
 */
import { encodeFieldValue, INT64_MAX, INT64_MIN } from '../../codec/value';
import { toSdkInt64 } from '../../codec/sdk-values';
import type { SearchFieldSchema, SearchIndexSchema } from '../../schema/search-index';
import type { TableSchema } from '../../schema/types';
import { QueryError } from '../errors';
import type { Duration, GeoPoint, HighlightNode, ScoreFunctionNode, SearchNode, SortNode } from './nodes';

/** QueryType ids (spec §4). */
const QT = { match: 1, matchPhrase: 2, term: 3, range: 4, prefix: 5, bool: 6, constScore: 7, functionScore: 8, nested: 9, wildcard: 10, matchAll: 11, geoBox: 12, geoDistance: 13, geoPolygon: 14, terms: 15, exists: 16, knn: 17, functionsScore: 18 } as const;
/** ScoreMode (tablestore lib/search.js). */
const SCORE_MODE = { none: 1, avg: 2, max: 3, total: 4, sum: 4, min: 5 } as const;
export const ORDER = { asc: 0, desc: 1 } as const;

export interface SdkQuery {
  queryType: number;
  query: Record<string, unknown>;
}

/** DateTimeUnit (search proto). */
const DATE_UNIT = { year: 1, quarter: 2, month: 3, week: 4, day: 5, hour: 6, minute: 7, second: 8, millisecond: 9 } as const;
/** DecayMathFunction, MultiValueMode, FunctionScoreMode, FunctionCombineMode, FunctionModifier, DecayFuncParamType (search proto). */
const CURVE = { gauss: 1, exp: 2, linear: 3 } as const;
const MULTI_VALUE = { max: 1, min: 2, sum: 3, avg: 4 } as const;
const FN_SCORE_MODE = { avg: 1, max: 2, sum: 3, min: 4, multiply: 5, first: 6 } as const;
const FN_COMBINE_MODE = { multiply: 1, avg: 2, max: 3, sum: 4, min: 5, replace: 6 } as const;
const MODIFIER = { none: 1, log: 2, log1p: 3, log2p: 4, ln: 5, ln1p: 6, ln2p: 7, square: 8, sqrt: 9, reciprocal: 10 } as const;
const DECAY_PARAM = { date: 1, numeric: 2, geo: 3 } as const;

/** Where a declared key resolves: the field and its full index name (`path.sub` inside nested). */
interface Scope {
  readonly fields: readonly SearchFieldSchema[];
  readonly prefix: string;
}

export type { Scope as SearchScope };

export interface SearchContext {
  readonly schema: TableSchema;
  readonly index: SearchIndexSchema;
}

export const TOP = (ctx: SearchContext): Scope => ({ fields: ctx.index.fields, prefix: '' });

/** The scope of the sub-fields of nested field `path` (declared key) within `scope`. */
export function nestedScope(ctx: SearchContext, scope: Scope, path: string): Scope {
  const { field, name } = fieldOf(ctx, scope, path);
  if (field.type !== 'nested') throw new QueryError('UNSUPPORTED_COMPARISON', ctx.schema.entityName, path, 'nested() takes a nested field');
  return { fields: field.fields ?? [], prefix: `${name}.` };
}

export function fieldOf(ctx: SearchContext, scope: Scope, key: string): { field: SearchFieldSchema; name: string } {
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
export function searchValue(ctx: SearchContext, field: SearchFieldSchema, key: string, v: unknown): unknown {
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

/** A geo point as the proto's `GeoPoint{lat, lon}` (group-by geo distance origin). */
export function geoObject(ctx: SearchContext, key: string, p: GeoPoint): { lat: number; lon: number } {
  const [lat, lon] = geo(ctx, key, p).split(',').map((x) => Number(x.trim()));
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) throw new QueryError('INVALID_CONDITION', ctx.schema.entityName, key, 'a geo point is { lat, lon } or "lat,lon" (spec §2.2)');
  return { lat, lon };
}

/**
 * A `Date` bound of a DATE field: an integer in the field's epoch unit when it has one (the service reads an
 * integer with the field's epoch format, spec §2.2), else milliseconds [inferred]; other values as queries take them.
 */
export function dateValue(ctx: SearchContext, field: SearchFieldSchema, key: string, v: unknown): unknown {
  if (!(v instanceof Date)) return searchValue(ctx, field, key, v);
  const ms = v.getTime();
  if (Number.isNaN(ms)) throw new QueryError('INVALID_CONDITION', ctx.schema.entityName, key, 'an invalid Date');
  const epoch = (field.dateFormats ?? []).find((f) => f.startsWith('epoch_'));
  const n = epoch === 'epoch_second' ? BigInt(Math.floor(ms / 1000)) : epoch === 'epoch_micros' ? BigInt(ms) * 1000n : epoch === 'epoch_nanos' ? BigInt(ms) * 1_000_000n : BigInt(ms);
  return toSdkInt64(n);
}

export function duration(ctx: SearchContext, key: string, d: Duration, what: string): { value: number; unit: number } {
  if (!d || !Number.isInteger(d.value) || d.value < 1 || !(d.unit in DATE_UNIT)) {
    throw new QueryError('INVALID_CONDITION', ctx.schema.entityName, key, `${what} is { value: a positive integer, unit: ${Object.keys(DATE_UNIT).join(' | ')} }`);
  }
  return { value: d.value, unit: DATE_UNIT[d.unit] };
}

function compileFunction(ctx: SearchContext, scope: Scope, fn: ScoreFunctionNode): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ...(fn.weight !== undefined ? { weight: fn.weight } : {}),
    ...(fn.filter ? { filter: compileNode(ctx, scope, fn.filter) } : {}),
  };
  switch (fn.kind) {
    case 'factor':
      out.fieldValueFactorFunction = {
        fieldName: fieldOf(ctx, scope, fn.field).name,
        ...(fn.factor !== undefined ? { factor: fn.factor } : {}),
        ...(fn.modifier ? { modifier: MODIFIER[fn.modifier] } : {}),
        ...(fn.missing !== undefined ? { missing: fn.missing } : {}),
      };
      break;
    case 'decay': {
      const { field, name } = fieldOf(ctx, scope, fn.field);
      const num = (x: unknown, what: string) => {
        if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) throw new QueryError('INVALID_CONDITION', ctx.schema.entityName, fn.field, `${what} of a ${field.type} decay is a non-negative number`);
        return x;
      };
      let decayParamType: number;
      let decayParam: Record<string, unknown>;
      if (field.type === 'date') {
        // [inferred] origin_long is milliseconds since the epoch whatever the field's format (DecayFuncDateParam).
        // A plain number: the SDK hands this param to protobufjs as is, which knows no SDK Int64 (and ms fit 2^53).
        const origin = fn.origin instanceof Date ? fn.origin.getTime() : NaN;
        if (Number.isNaN(origin)) throw new QueryError('INVALID_CONDITION', ctx.schema.entityName, fn.field, 'the origin of a date decay is a valid Date');
        decayParamType = DECAY_PARAM.date;
        decayParam = { originLong: origin, scale: duration(ctx, fn.field, fn.scale as Duration, 'scale'), ...(fn.offset !== undefined ? { offset: duration(ctx, fn.field, fn.offset as Duration, 'offset') } : {}) };
      } else if (field.type === 'geo') {
        decayParamType = DECAY_PARAM.geo;
        decayParam = { origin: geo(ctx, fn.field, fn.origin as GeoPoint), scale: num(fn.scale, 'scale (meters)'), ...(fn.offset !== undefined ? { offset: num(fn.offset, 'offset (meters)') } : {}) };
      } else if (field.type === 'long' || field.type === 'double') {
        const o = fn.origin;
        const origin = typeof o === 'bigint' ? Number(o) : o instanceof Date ? o.getTime() : o && typeof o === 'object' && (o as { __isLong__?: boolean }).__isLong__ ? Number(String(o)) : o;
        if (typeof origin !== 'number' || !Number.isFinite(origin)) throw new QueryError('INVALID_CONDITION', ctx.schema.entityName, fn.field, 'the origin of a numeric decay is a number');
        decayParamType = DECAY_PARAM.numeric;
        decayParam = { origin, scale: num(fn.scale, 'scale'), ...(fn.offset !== undefined ? { offset: num(fn.offset, 'offset') } : {}) };
      } else {
        throw new QueryError('UNSUPPORTED_COMPARISON', ctx.schema.entityName, fn.field, `a decay function takes a long, double, date or geo field, not ${field.type} (spec §4 FunctionsScore)`);
      }
      out.decayFunction = {
        fieldName: name,
        mathFunction: CURVE[fn.curve],
        decayParamType,
        decayParam,
        ...(fn.decay !== undefined ? { decay: fn.decay } : {}),
        ...(fn.multiValueMode ? { multiValueMode: MULTI_VALUE[fn.multiValueMode] } : {}),
      };
      break;
    }
    case 'random':
      out.randomFunction = {};
      break;
    case 'weight':
      break;
  }
  return out;
}

/** Highlight parameters of text fields declared with `highlight: true` (spec §4.1), in `scope`. */
export function compileHighlight(ctx: SearchContext, scope: Scope, h: HighlightNode): { highlightParameters: Array<Record<string, unknown>> } {
  return {
    highlightParameters: h.fields.map((key) => {
      const field = scope.fields.find((f) => f.key === key);
      if (!field || field.type !== 'text' || !field.highlight) throw new QueryError('UNSUPPORTED_COMPARISON', ctx.schema.entityName, key, `highlight needs a text field declared with highlight: true in '${ctx.index.name}'`);
      return {
        fieldName: `${scope.prefix}${field.name}`,
        ...(h.preTag !== undefined ? { preTag: h.preTag } : {}),
        ...(h.postTag !== undefined ? { postTag: h.postTag } : {}),
        ...(h.fragments !== undefined ? { numberOfFragments: h.fragments } : {}),
        ...(h.fragmentSize !== undefined ? { fragmentSize: h.fragmentSize } : {}),
      };
    }),
  };
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
    case 'functionsScore':
      return {
        queryType: QT.functionsScore,
        query: {
          query: compileNode(ctx, scope, n.query),
          functions: n.functions.map((fn) => compileFunction(ctx, scope, fn)),
          ...(n.scoreMode ? { scoreMode: FN_SCORE_MODE[n.scoreMode] } : {}),
          ...(n.combineMode ? { combineMode: FN_COMBINE_MODE[n.combineMode] } : {}),
          ...(n.minScore !== undefined ? { minScore: n.minScore } : {}),
          ...(n.maxScore !== undefined ? { maxScore: n.maxScore } : {}),
        },
      };
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
      const inner = nestedScope(ctx, scope, n.path);
      const ih = n.innerHits;
      const innerHits = ih && {
        ...(ih.sort?.length ? { sort: compileSort(ctx, ih.sort, inner) } : {}),
        ...(ih.offset !== undefined ? { offset: ih.offset } : {}),
        ...(ih.limit !== undefined ? { limit: ih.limit } : {}),
        ...(ih.highlight ? { highlight: compileHighlight(ctx, inner, ih.highlight) } : {}),
      };
      return { queryType: QT.nested, query: { path: inner.prefix.slice(0, -1), query: compileNode(ctx, inner, n.query), scoreMode: SCORE_MODE[n.scoreMode], ...(innerHits ? { innerHits } : {}) } };
    }
    default:
      throw new QueryError('INVALID_CONDITION', ctx.schema.entityName, undefined, `unknown search node ${JSON.stringify((n as { kind?: unknown }).kind)}`);
  }
}

/** Compiles a query tree into the SDK's `{ queryType, query }`. */
export function compileSearchQuery(ctx: SearchContext, node: SearchNode): SdkQuery {
  return compileNode(ctx, TOP(ctx), node);
}

/** Compiles sorters into the SDK's `{ sorters }`. */
export function compileSort(ctx: SearchContext, sorters: readonly SortNode[], top: Scope = TOP(ctx)): { sorters: Array<Record<string, unknown>> } {
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
