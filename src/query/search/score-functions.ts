/**
 * Score functions of `q.functionScore(query, f => [...])` (FunctionsScore, spec §4; ES `function_score`):
 * `f.<field>` offers decay (gauss/exp/linear) on numeric, date and geo fields with an origin of the field's own
 * type, and factor on numeric fields; `f.weight` and `f.random` apply to any row (or the rows a filter matches).
 */
// `import = require`: the emitted .d.ts then compiles without esModuleInterop (see entity-types.ts). Type-only.
import Long = require('long');
import type { SearchFieldSchema, SearchFieldType } from '../../schema/search-index';
import { QueryError } from '../errors';
import type { DeclaredType, FieldValue } from './builder';
import { definedOf, freeze, ScoreFunction, SearchQuery, type DecayCurve, type Duration, type FactorModifier, type FunctionCombineMode, type FunctionScoreMode, type GeoPoint, type ScoreFunctionNode, type SearchNode } from './nodes';

/** Common options of a score function: its weight, and a filter restricting it to the rows it matches. */
export interface FunctionOptions<T> {
  weight?: number;
  filter?: SearchQuery<T>;
}
/** A decay from `origin`: 0.5 (or `decay`) at `scale` beyond `offset` (spec §4 FunctionsScore, ES decay functions). */
export interface DecayOptions<T, O, S> extends FunctionOptions<T> {
  origin: O;
  scale: S;
  offset?: S;
  /** Score at `scale` from the origin (default 0.5), in (0, 1). */
  decay?: number;
  /** Which value of an array field decides (default max). */
  multiValueMode?: 'max' | 'min' | 'sum' | 'avg';
}
export interface DecayFunctions<T, O, S> {
  gauss(options: DecayOptions<T, O, S>): ScoreFunction<T>;
  exp(options: DecayOptions<T, O, S>): ScoreFunction<T>;
  linear(options: DecayOptions<T, O, S>): ScoreFunction<T>;
}
export interface NumericFunctions<T, V> extends DecayFunctions<T, V, number> {
  /** The field's value × `factor`, through `modifier` (field_value_factor); `missing` for rows without it. */
  factor(options?: FunctionOptions<T> & { factor?: number; modifier?: FactorModifier; missing?: number }): ScoreFunction<T>;
}
/** What `q.functionScore(query, f => …)` receives: decay on numeric, date (origin Date, scale a duration) and geo (meters) fields. */
export type FunctionBuilder<T, F> = {
  readonly [K in keyof F & string as DeclaredType<F[K]> extends 'long' | 'double' | 'date' | 'geo' ? K : never]: DeclaredType<F[K]> extends 'date'
    ? DecayFunctions<T, Date, Duration>
    : DeclaredType<F[K]> extends 'geo'
      ? DecayFunctions<T, GeoPoint, number>
      : NumericFunctions<T, FieldValue<T, K, F[K]> & (number | bigint | Long)>;
} & {
  /** A constant `weight` (for the rows `filter` matches). */
  weight(weight: number, filter?: SearchQuery<T>): ScoreFunction<T>;
  /** A random score in [0, 1), stable per row. */
  random(options?: FunctionOptions<T>): ScoreFunction<T>;
};
export interface FunctionScoreOptions {
  /** How the functions' scores combine (default multiply). */
  scoreMode?: FunctionScoreMode;
  /** How that combines with the query's score (default multiply). */
  combineMode?: FunctionCombineMode;
  minScore?: number;
  maxScore?: number;
}

const DECAY_TYPES: readonly SearchFieldType[] = ['long', 'double', 'date', 'geo'];
const functionBuilders = new WeakMap<readonly SearchFieldSchema[], Record<string, unknown>>();

/** The score-function builder of a field list (cached): decay on numeric/date/geo fields, factor on numeric. */
export function functionBuilder(entity: string, fields: readonly SearchFieldSchema[]): Record<string, unknown> {
  let b = functionBuilders.get(fields);
  if (b) return b;
  const filterOf = (v: unknown): SearchNode => {
    if (v instanceof SearchQuery) return v.node;
    throw new QueryError('INVALID_CONDITION', entity, undefined, `a score function filter must be a query built by the search builder, got ${v === null ? 'null' : typeof v}`);
  };
  const common = (key: string | undefined, o: FunctionOptions<unknown>) => {
    if (o.weight !== undefined && !(typeof o.weight === 'number' && o.weight > 0)) throw new QueryError('INVALID_CONDITION', entity, key, 'a score function weight is a positive number');
    return { ...(o.weight !== undefined ? { weight: o.weight } : {}), ...(o.filter !== undefined ? { filter: filterOf(o.filter) } : {}) };
  };
  const fn = (node: ScoreFunctionNode) => new ScoreFunction(freeze(node));
  b = {
    weight: (weight: number, filter?: SearchQuery<unknown>) => fn({ kind: 'weight', ...common(undefined, { weight, filter }) }),
    random: (o: FunctionOptions<unknown> = {}) => fn({ kind: 'random', ...common(undefined, o) }),
  };
  for (const f of fields) {
    if (!DECAY_TYPES.includes(f.type)) continue;
    const decay = (curve: DecayCurve) => (o: DecayOptions<unknown, unknown, unknown>) => {
      if (!o || o.origin === undefined || o.scale === undefined) throw new QueryError('INVALID_CONDITION', entity, f.key, `${curve}() needs an origin and a scale`);
      if (o.decay !== undefined && !(o.decay > 0 && o.decay < 1)) throw new QueryError('INVALID_CONDITION', entity, f.key, `${curve}() decay is a number in (0, 1)`);
      return fn({ kind: 'decay', field: f.key, curve, origin: o.origin, scale: o.scale as number | Duration, ...definedOf(o as { offset?: number | Duration }, ['offset']), ...definedOf(o, ['decay', 'multiValueMode']), ...common(f.key, o) });
    };
    b[f.key] = Object.freeze({
      gauss: decay('gauss'),
      exp: decay('exp'),
      linear: decay('linear'),
      factor: (o: FunctionOptions<unknown> & { factor?: number; modifier?: FactorModifier; missing?: number } = {}) => {
        if (f.type !== 'long' && f.type !== 'double') throw new QueryError('UNSUPPORTED_COMPARISON', entity, f.key, `factor() takes a long or double field, not ${f.type}`);
        return fn({ kind: 'factor', field: f.key, ...definedOf(o, ['factor', 'modifier', 'missing']), ...common(f.key, o) });
      },
    });
  }
  functionBuilders.set(fields, (b = Object.freeze(b)));
  return b;
}

