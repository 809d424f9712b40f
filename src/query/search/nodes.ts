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
  | { readonly kind: 'geoDistance'; readonly field: string; readonly center: GeoPoint; readonly meters: number }
  | { readonly kind: 'geoBox'; readonly field: string; readonly topLeft: GeoPoint; readonly bottomRight: GeoPoint }
  | { readonly kind: 'geoPolygon'; readonly field: string; readonly points: readonly GeoPoint[] }
  | { readonly kind: 'knn'; readonly field: string; readonly vector: readonly number[]; readonly topK: number; readonly filter?: SearchNode }
  | { readonly kind: 'nested'; readonly path: string; readonly query: SearchNode; readonly scoreMode: 'avg' | 'max' | 'min' | 'sum' | 'none' };

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

export function freeze<N extends object>(node: N): N {
  return Object.freeze(node);
}
