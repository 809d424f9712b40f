/**
 * The search query tree: frozen plain nodes built by the typed builder (builder.ts) and turned into the SDK's
 * request by compile.ts alone. Field names here are the *declared keys* of the index (entity properties or
 * virtual field names; relative names inside `nested`); the compiler maps them to index field names.
 */

/** A geo point: `{ lat, lon }` (degrees) or the service's `"lat,lon"` text. */
export type GeoPoint = { lat: number; lon: number } | string;

export type SearchNode =
  | { readonly kind: 'matchAll' }
  | { readonly kind: 'match'; readonly field: string; readonly text: string; readonly operator?: 'or' | 'and'; readonly minimumShouldMatch?: number; readonly weight?: number }
  | { readonly kind: 'matchPhrase'; readonly field: string; readonly text: string; readonly weight?: number }
  | { readonly kind: 'term'; readonly field: string; readonly value: unknown; readonly weight?: number }
  | { readonly kind: 'terms'; readonly field: string; readonly values: readonly unknown[]; readonly weight?: number }
  | { readonly kind: 'prefix'; readonly field: string; readonly prefix: string; readonly weight?: number }
  | { readonly kind: 'wildcard'; readonly field: string; readonly pattern: string; readonly weight?: number }
  | { readonly kind: 'range'; readonly field: string; readonly gt?: unknown; readonly gte?: unknown; readonly lt?: unknown; readonly lte?: unknown }
  | { readonly kind: 'exists'; readonly field: string }
  | {
      readonly kind: 'bool';
      readonly must: readonly SearchNode[];
      readonly mustNot: readonly SearchNode[];
      readonly filter: readonly SearchNode[];
      readonly should: readonly SearchNode[];
      readonly minimumShouldMatch?: number;
    }
  | { readonly kind: 'constScore'; readonly filter: SearchNode }
  | { readonly kind: 'functionScore'; readonly query: SearchNode; readonly field: string }
  | {
      readonly kind: 'functionsScore';
      readonly query: SearchNode;
      readonly functions: readonly ScoreFunctionNode[];
      readonly scoreMode?: FunctionScoreMode;
      readonly combineMode?: FunctionCombineMode;
      readonly minScore?: number;
      readonly maxScore?: number;
    }
  | { readonly kind: 'geoDistance'; readonly field: string; readonly center: GeoPoint; readonly meters: number }
  | { readonly kind: 'geoBox'; readonly field: string; readonly topLeft: GeoPoint; readonly bottomRight: GeoPoint }
  | { readonly kind: 'geoPolygon'; readonly field: string; readonly points: readonly GeoPoint[] }
  | { readonly kind: 'knn'; readonly field: string; readonly vector: readonly number[]; readonly topK: number; readonly filter?: SearchNode }
  | { readonly kind: 'nested'; readonly path: string; readonly query: SearchNode; readonly scoreMode: 'avg' | 'max' | 'min' | 'sum' | 'none'; readonly innerHits?: InnerHitsNode };

/** Highlight of text fields (declared with `highlight: true`), by declared key (relative inside nested). */
export interface HighlightNode {
  readonly fields: readonly string[];
  readonly preTag?: string;
  readonly postTag?: string;
  readonly fragments?: number;
  readonly fragmentSize?: number;
}

/** Inner hits of a nested query (spec §4 Nested field 5): the matching children of each hit. */
export interface InnerHitsNode {
  readonly sort?: readonly SortNode[];
  readonly offset?: number;
  readonly limit?: number;
  readonly highlight?: HighlightNode;
}

/** A calendar or fixed duration (DateTimeValue, spec §7.2 DateHistogram; decay scales on dates). */
export interface Duration {
  readonly value: number;
  readonly unit: DurationUnit;
}
export type DurationUnit = 'year' | 'quarter' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second' | 'millisecond';

export type FunctionScoreMode = 'avg' | 'max' | 'sum' | 'min' | 'multiply' | 'first';
export type FunctionCombineMode = 'multiply' | 'avg' | 'max' | 'sum' | 'min' | 'replace';
export type DecayCurve = 'gauss' | 'exp' | 'linear';
export type FactorModifier = 'none' | 'log' | 'log1p' | 'log2p' | 'ln' | 'ln1p' | 'ln2p' | 'square' | 'sqrt' | 'reciprocal';

/** One function of a FunctionsScore query (spec §4, ES `function_score`). */
export type ScoreFunctionNode = { readonly weight?: number; readonly filter?: SearchNode } & (
  | { readonly kind: 'decay'; readonly field: string; readonly curve: DecayCurve; readonly origin: unknown; readonly scale: number | Duration; readonly offset?: number | Duration; readonly decay?: number; readonly multiValueMode?: 'max' | 'min' | 'sum' | 'avg' }
  | { readonly kind: 'factor'; readonly field: string; readonly factor?: number; readonly modifier?: FactorModifier; readonly missing?: number }
  | { readonly kind: 'random' }
  | { readonly kind: 'weight' }
);

declare const searchEntity: unique symbol;

/** An immutable search query on entity `T`; read the tree from `.node`. Queries of different entities do not mix. */
export class SearchQuery<T> {
  declare readonly [searchEntity]?: (t: T) => T;
  constructor(readonly node: SearchNode) {
    Object.freeze(this);
  }
}

/** A sort of a search: a field, the score, or the primary key. */
export type SortNode =
  | { readonly kind: 'field'; readonly field: string; readonly order: 'asc' | 'desc' }
  | { readonly kind: 'score'; readonly order: 'asc' | 'desc' }
  | { readonly kind: 'primaryKey'; readonly order: 'asc' | 'desc' }
  | { readonly kind: 'geoDistance'; readonly field: string; readonly from: GeoPoint; readonly order: 'asc' | 'desc' };

/** One sorter (from the `sort` callback). */
export class Sorter<T> {
  declare readonly [searchEntity]?: (t: T) => T;
  constructor(readonly node: SortNode) {
    Object.freeze(this);
  }
}

/** One function of `q.functionScore(query, f => [...])`. */
export class ScoreFunction<T> {
  declare readonly [searchEntity]?: (t: T) => T;
  constructor(readonly node: ScoreFunctionNode) {
    Object.freeze(this);
  }
}

export function freeze<N extends object>(node: N): N {
  return Object.freeze(node);
}

/** The options among `keys` that are set (absent ones stay absent in the node). */
export function definedOf<O extends object, K extends keyof O>(o: O, keys: readonly K[]): Partial<Pick<O, K>> {
  const out: Partial<Pick<O, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
