/**
 * The typed search query builder. `q` offers one reference per field of the index, with the operations of the
 * field's declared type (search-index spec §12):
 *
 * | type          | operations                                                      | compiles to (QueryType)      |
 * |---------------|-----------------------------------------------------------------|------------------------------|
 * | text          | `match`, `matchPhrase`, `exists`                                | Match 1, MatchPhrase 2       |
 * | keyword       | `term`, `terms`, `prefix`, `suffix`, `wildcard`, `range`, `exists` | Term 3, Terms 15, Prefix 5, Wildcard 10, Range 4 |
 * | long/double/date | `term`, `terms`, `range`, `exists`                           | Term 3, Terms 15, Range 4    |
 * | boolean       | `term`, `exists`                                                | Term 3                       |
 * | geo           | `distance`, `boundingBox`, `polygon`, `exists`                  | GeoDistance 13, GeoBoundingBox 12, GeoPolygon 14 |
 * | vector        | `knn`                                                           | KnnVector 17                 |
 * | nested        | only through `q.nested(path, n => …)`                           | Nested 9                     |
 *
 * Values take the property's own type: a `bigint` column's `range` takes `bigint`, a `Date` column's takes
 * `Date`. With a `defineSearchIndex` handle the declared types choose the operations; with an index name each
 * property offers what its TypeScript type allows, and the declared type is checked when the query is built.
 *
 * ```ts
 * q.bool({ must: [q.title.match('花茶', { operator: 'and' })], filter: [q.likes.range({ gte: 10n })] })
 * // → { queryType: 6, query: { mustQueries: [{ queryType: 1, … }], filterQueries: [{ queryType: 4, … }] } }
 * ```
 */
// `import = require`: the emitted .d.ts then compiles without esModuleInterop (see entity-types.ts). Type-only.
import Long = require('long');
import type { AttributeKeys, PrimaryKeyNames } from '../../schema/entity-types';
import type { SearchFieldDeclaration, SearchFieldSchema, SearchFieldType, SearchIndexSchema } from '../../schema/search-index';
import { QueryError } from '../errors';
import { functionBuilder, type FunctionBuilder, type FunctionScoreOptions } from './score-functions';
import {
  definedOf,
  freeze,
  ScoreFunction,
  SearchQuery,
  Sorter,
  type GeoPoint,
  type HighlightNode,
  type InnerHitsNode,
  type SearchNode,
} from './nodes';

// ------------------------------------------------------------------------------------------------ types

/** The search type of a declaration (`'text'` or `{ type: 'text', … }`). */
export type DeclaredType<D> = D extends SearchFieldType ? D : D extends { readonly type: infer X } ? X : never;
/** The element type of an array property (a json column indexed with `array: true`), else the type itself. */
export type ElementOf<V> = V extends readonly (infer E)[] ? E : V;
type VirtualValue<Ty> = Ty extends 'long' ? number | bigint : Ty extends 'double' ? number : Ty extends 'date' ? Date : Ty extends 'boolean' ? boolean : string;
/** The value type of field `K`: the property's own (element) type, or the virtual field's by its search type. */
export type FieldValue<T, K, D> = K extends keyof T ? ElementOf<NonNullable<T[K]>> : VirtualValue<DeclaredType<D>>;

/** The item type of a search: the entity, or with `columns` the partial entity holding those and the key. */
export type SearchItem<T, C> = [C] extends [never] ? T : Pick<T, Extract<C | PrimaryKeyNames<T>, keyof T>>;

export interface MatchOptions {
  /** `or` (default): any term; `and`: every term. */
  operator?: 'or' | 'and';
  minimumShouldMatch?: number;
  weight?: number;
}
export interface WeightOption {
  weight?: number;
}
/** Range bounds; absent = unbounded. */
export interface RangeBounds<V> {
  gt?: V;
  gte?: V;
  lt?: V;
  lte?: V;
}

export interface TextField<T> {
  /** Analyzed full-text match (Match). */
  match(text: string, options?: MatchOptions): SearchQuery<T>;
  /** The analyzed terms in order, adjacent (MatchPhrase). */
  matchPhrase(text: string, options?: WeightOption): SearchQuery<T>;
  exists(): SearchQuery<T>;
}
export interface KeywordField<T, V> {
  term(value: V, options?: WeightOption): SearchQuery<T>;
  terms(values: readonly V[], options?: WeightOption): SearchQuery<T>;
  prefix(prefix: string, options?: WeightOption): SearchQuery<T>;
  /** Ends with `suffix` (compiled to a wildcard `*suffix`: the Node SDK has no suffix query). */
  suffix(suffix: string, options?: WeightOption): SearchQuery<T>;
  /** `*` any run, `?` one character; at most 32 characters (spec §4). */
  wildcard(pattern: string, options?: WeightOption): SearchQuery<T>;
  /** Lexicographic range. */
  range(bounds: RangeBounds<V>): SearchQuery<T>;
  exists(): SearchQuery<T>;
}
export interface RangeField<T, V> {
  term(value: V, options?: WeightOption): SearchQuery<T>;
  terms(values: readonly V[], options?: WeightOption): SearchQuery<T>;
  range(bounds: RangeBounds<V>): SearchQuery<T>;
  exists(): SearchQuery<T>;
}
export interface BooleanField<T> {
  term(value: boolean, options?: WeightOption): SearchQuery<T>;
  exists(): SearchQuery<T>;
}
export interface GeoField<T> {
  /** Within `meters` of `center`. */
  distance(center: GeoPoint, meters: number): SearchQuery<T>;
  boundingBox(topLeft: GeoPoint, bottomRight: GeoPoint): SearchQuery<T>;
  polygon(points: readonly GeoPoint[]): SearchQuery<T>;
  exists(): SearchQuery<T>;
}
export interface VectorField<T> {
  /** The `topK` nearest vectors (the vector's length is the declared dimension), optionally filtered. */
  knn(vector: readonly number[], topK: number, filter?: SearchQuery<T>): SearchQuery<T>;
}

/** The reference of a field of declared type `Ty` whose values are `V`. */
export type FieldRef<T, V, Ty> = Ty extends 'text'
  ? TextField<T>
  : Ty extends 'keyword'
    ? KeywordField<T, V>
    : Ty extends 'long' | 'double' | 'date'
      ? RangeField<T, V>
      : Ty extends 'boolean'
        ? BooleanField<T>
        : Ty extends 'geo'
          ? GeoField<T>
          : Ty extends 'vector'
            ? VectorField<T>
            : never;

type FieldsDecl = Readonly<Record<string, SearchFieldDeclaration>>;
export type NestedKeys<F> = { [K in keyof F & string]: DeclaredType<F[K]> extends 'nested' ? K : never }[keyof F & string];
export type NestedFields<D> = D extends { readonly fields: infer S } ? (S extends FieldsDecl ? S : never) : never;
/** Keys of numeric fields (FunctionScore's field_value_factor). */
export type NumericKeys<F> = { [K in keyof F & string]: DeclaredType<F[K]> extends 'long' | 'double' ? K : never }[keyof F & string];

/** Keys of TEXT fields declared with `highlight: true`. */
export type HighlightKeys<F> = { [K in keyof F & string]: F[K] extends { readonly type: 'text'; readonly highlight: true } ? K : never }[keyof F & string];
/** The element type of nested field `K` of `T`. */
export type NestedItem<T, K> = K extends keyof T ? ElementOf<NonNullable<T[K]>> : unknown;

/** What a nested query returns beside each hit (spec §4 Nested inner_hits): its matching children. */
export interface InnerHitsOptions<C, S, K extends string> {
  /** Order of the children (default their order in the array). */
  sort?: (s: S) => Array<Sorter<C>>;
  offset?: number;
  /** Children per hit (service default 3). */
  limit?: number;
  highlight?: Omit<HighlightNode, 'fields'> & { fields: readonly K[] };
}
export interface NestedOptions<C, S, K extends string> {
  scoreMode?: 'avg' | 'max' | 'min' | 'sum' | 'none';
  /** Return the matching children beside each hit (`page.hits[i].innerHits[path]`). */
  innerHits?: InnerHitsOptions<C, S, K>;
}

export interface SearchCombinators<T, F> {
  /** Every row. */
  matchAll(): SearchQuery<T>;
  /** must/filter: all; mustNot: none; should: at least `minimumShouldMatch` (default 1 when only should). */
  bool(clauses: { must?: SearchQuery<T>[]; mustNot?: SearchQuery<T>[]; filter?: SearchQuery<T>[]; should?: SearchQuery<T>[]; minimumShouldMatch?: number }): SearchQuery<T>;
  /** Matches `filter`, every hit with the same score. */
  constScore(filter: SearchQuery<T>): SearchQuery<T>;
  /** `query`'s score multiplied by a numeric field's value (field_value_factor). */
  functionScore(query: SearchQuery<T>, field: NumericKeys<F>): SearchQuery<T>;
  /**
   * `query`'s score combined with score functions (FunctionsScore): decay from an origin on numeric, date and geo
   * fields, field value factors, weights, random; each optionally for the rows its filter matches.
   *
   * ```ts
   * q.functionScore(q.title.match('tea'), (f) => [f.createdAt.gauss({ origin: new Date(), scale: { value: 7, unit: 'day' } })])
   * // → { queryType: 18, query: { query: { queryType: 1, … }, functions: [{ decayFunction: { decayParamType: 1, … } }] } }
   * ```
   */
  functionScore(query: SearchQuery<T>, functions: (f: FunctionBuilder<T, F>) => Array<ScoreFunction<T>>, options?: FunctionScoreOptions): SearchQuery<T>;
  /** Queries on the sub-fields of a nested field (they are reachable nowhere else). */
  nested<K extends NestedKeys<F>>(
    path: K,
    build: (n: SearchQueryBuilder<NestedItem<T, K>, NestedFields<F[K]>>) => SearchQuery<NestedItem<T, K>>,
    options?: NestedOptions<NestedItem<T, K>, SortBuilder<NestedItem<T, K>, NestedFields<F[K]>>, HighlightKeys<NestedFields<F[K]>>>,
  ): SearchQuery<T>;
}

/** What a search callback receives for an index typed by its declaration `F`. */
export type SearchQueryBuilder<T, F> = {
  readonly [K in keyof F & string as DeclaredType<F[K]> extends 'nested' ? never : K]: FieldRef<T, FieldValue<T, K, F[K]>, DeclaredType<F[K]>>;
} & SearchCombinators<T, F>;

/** The operations a property of TypeScript type `V` may support (an index given by name: checked at build). */
export type LooseFieldRef<T, V> = [V] extends [string]
  ? TextField<T> & KeywordField<T, V> & GeoField<T>
  : [V] extends [boolean]
    ? BooleanField<T>
    : [V] extends [number | bigint | Long | Date]
      ? RangeField<T, V> & VectorField<T>
      : [V] extends [readonly number[]]
        ? VectorField<T>
        : RangeField<T, V>;

/** What a search callback receives for an index given by name: every property, by its TypeScript type. */
export type LooseSearchQueryBuilder<T> = {
  readonly [K in AttributeKeys<T>]-?: LooseFieldRef<T, ElementOf<NonNullable<T[K]>>>;
} & Omit<SearchCombinators<T, Record<AttributeKeys<T>, 'long'>>, 'nested'> & {
    nested<K extends AttributeKeys<T>>(
      path: K,
      build: (n: LooseSearchQueryBuilder<ElementOf<NonNullable<T[K]>>>) => SearchQuery<ElementOf<NonNullable<T[K]>>>,
      options?: NestedOptions<ElementOf<NonNullable<T[K]>>, LooseSortBuilder<ElementOf<NonNullable<T[K]>>>, string>,
    ): SearchQuery<T>;
  };

// ------------------------------------------------------------------------------------------------ runtime

const OPERATIONS: Record<SearchFieldType, readonly string[]> = {
  text: ['match', 'matchPhrase', 'exists'],
  keyword: ['term', 'terms', 'prefix', 'suffix', 'wildcard', 'range', 'exists'],
  long: ['term', 'terms', 'range', 'exists'],
  double: ['term', 'terms', 'range', 'exists'],
  date: ['term', 'terms', 'range', 'exists'],
  boolean: ['term', 'exists'],
  geo: ['distance', 'boundingBox', 'polygon', 'exists'],
  vector: ['knn'],
  nested: [],
};
/** Spec §2.6 / §4. */
const MAX_WILDCARD = 32;

function q<T>(node: SearchNode): SearchQuery<T> {
  return new SearchQuery<T>(freeze(node));
}

function nodeOf(entity: string, v: unknown, where: string): SearchNode {
  if (v instanceof SearchQuery) return v.node;
  throw new QueryError('INVALID_CONDITION', entity, undefined, `${where}: expected a query built by the search builder, got ${v === null ? 'null' : typeof v}`);
}

function fieldRef(entity: string, f: SearchFieldSchema, key: string): Record<string, unknown> {
  const allowed = OPERATIONS[f.type];
  const guard = (op: string) => {
    if (!allowed.includes(op)) {
      throw new QueryError('UNSUPPORTED_COMPARISON', entity, key, `${op}() does not apply to a ${f.type} field of the index (it offers ${allowed.join(', ') || 'nothing outside nested()'}; spec §12)`);
    }
  };
  const weight = (o?: WeightOption) => (o?.weight !== undefined ? { weight: o.weight } : {});
  const text = (v: unknown, what: string) => {
    if (typeof v !== 'string') throw new QueryError('INVALID_CONDITION', entity, key, `${what} must be a string, got ${typeof v}`);
    return v;
  };
  return {
    match: (t: string, o: MatchOptions = {}) => {
      guard('match');
      return q({ kind: 'match', field: key, text: text(t, 'the text'), ...(o.operator ? { operator: o.operator } : {}), ...(o.minimumShouldMatch !== undefined ? { minimumShouldMatch: o.minimumShouldMatch } : {}), ...weight(o) });
    },
    matchPhrase: (t: string, o?: WeightOption) => (guard('matchPhrase'), q({ kind: 'matchPhrase', field: key, text: text(t, 'the text'), ...weight(o) })),
    term: (value: unknown, o?: WeightOption) => (guard('term'), q({ kind: 'term', field: key, value, ...weight(o) })),
    terms: (values: readonly unknown[], o?: WeightOption) => {
      guard('terms');
      if (!Array.isArray(values) || values.length === 0) throw new QueryError('INVALID_CONDITION', entity, key, 'terms() needs at least one value');
      return q({ kind: 'terms', field: key, values: Object.freeze([...values]), ...weight(o) });
    },
    prefix: (p: string, o?: WeightOption) => (guard('prefix'), q({ kind: 'prefix', field: key, prefix: text(p, 'the prefix'), ...weight(o) })),
    suffix: (s: string, o?: WeightOption) => {
      guard('suffix');
      if (/[*?]/.test(text(s, 'the suffix'))) throw new QueryError('INVALID_CONDITION', entity, key, 'a suffix cannot contain * or ? (it is sent as the wildcard *suffix)');
      if (s.length + 1 > MAX_WILDCARD) throw new QueryError('INVALID_CONDITION', entity, key, `a suffix is at most ${MAX_WILDCARD - 1} characters (the service's wildcard limit, spec §4)`);
      return q({ kind: 'wildcard', field: key, pattern: `*${s}`, ...weight(o) });
    },
    wildcard: (p: string, o?: WeightOption) => {
      guard('wildcard');
      if (text(p, 'the pattern').length > MAX_WILDCARD) throw new QueryError('INVALID_CONDITION', entity, key, `a wildcard pattern is at most ${MAX_WILDCARD} characters (spec §4)`);
      return q({ kind: 'wildcard', field: key, pattern: p, ...weight(o) });
    },
    range: (b: RangeBounds<unknown>) => {
      guard('range');
      if (!b || typeof b !== 'object') throw new QueryError('INVALID_CONDITION', entity, key, 'range() takes { gt | gte, lt | lte }');
      if (b.gt !== undefined && b.gte !== undefined) throw new QueryError('INVALID_CONDITION', entity, key, 'range() takes gt or gte, not both');
      if (b.lt !== undefined && b.lte !== undefined) throw new QueryError('INVALID_CONDITION', entity, key, 'range() takes lt or lte, not both');
      if ([b.gt, b.gte, b.lt, b.lte].every((v) => v === undefined)) throw new QueryError('INVALID_CONDITION', entity, key, 'range() needs a bound');
      const bounds: Record<string, unknown> = {};
      for (const k of ['gt', 'gte', 'lt', 'lte'] as const) if (b[k] !== undefined) bounds[k] = b[k];
      return q({ kind: 'range', field: key, ...bounds });
    },
    exists: () => (guard('exists'), q({ kind: 'exists', field: key })),
    distance: (center: GeoPoint, meters: number) => {
      guard('distance');
      if (typeof meters !== 'number' || !(meters > 0)) throw new QueryError('INVALID_CONDITION', entity, key, 'distance() takes a positive number of meters');
      return q({ kind: 'geoDistance', field: key, center, meters });
    },
    boundingBox: (topLeft: GeoPoint, bottomRight: GeoPoint) => (guard('boundingBox'), q({ kind: 'geoBox', field: key, topLeft, bottomRight })),
    polygon: (points: readonly GeoPoint[]) => {
      guard('polygon');
      if (!Array.isArray(points) || points.length < 3) throw new QueryError('INVALID_CONDITION', entity, key, 'polygon() needs at least 3 points');
      return q({ kind: 'geoPolygon', field: key, points: Object.freeze([...points]) });
    },
    knn: (vector: readonly number[], topK: number, filter?: SearchQuery<unknown>) => {
      guard('knn');
      if (!Array.isArray(vector) || vector.length !== f.vector?.dimension || !vector.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        throw new QueryError('INVALID_CONDITION', entity, key, `knn() takes ${f.vector?.dimension} finite numbers (the declared dimension), got ${Array.isArray(vector) ? vector.length : typeof vector}`);
      }
      if (!Number.isInteger(topK) || topK < 1 || topK > 1000) throw new QueryError('INVALID_CONDITION', entity, key, 'topK is an integer from 1 to 1000 (spec §2.6)');
      return q({ kind: 'knn', field: key, vector: Object.freeze([...vector]), topK, ...(filter ? { filter: nodeOf(entity, filter, 'knn filter') } : {}) });
    },
  };
}

function builderOf(entity: string, fields: readonly SearchFieldSchema[]): Record<string, unknown> {
  const b: Record<string, unknown> = {};
  const nestedBuilders = new Map<string, Record<string, unknown>>();
  for (const f of fields) {
    if (f.type === 'nested') nestedBuilders.set(f.key, builderOf(entity, f.fields ?? []));
    else b[f.key] = Object.freeze(fieldRef(entity, f, f.key));
  }
  const list = (v: unknown, what: string) => {
    if (v === undefined) return Object.freeze([]);
    if (!Array.isArray(v)) throw new QueryError('INVALID_CONDITION', entity, undefined, `bool ${what} must be an array of queries`);
    return Object.freeze(v.map((x) => nodeOf(entity, x, `bool ${what}`)));
  };
  const combinators = {
    matchAll: () => q({ kind: 'matchAll' }),
    bool: (c: { must?: unknown[]; mustNot?: unknown[]; filter?: unknown[]; should?: unknown[]; minimumShouldMatch?: number }) => {
      const node = { kind: 'bool' as const, must: list(c?.must, 'must'), mustNot: list(c?.mustNot, 'mustNot'), filter: list(c?.filter, 'filter'), should: list(c?.should, 'should') };
      if (node.must.length + node.mustNot.length + node.filter.length + node.should.length === 0) throw new QueryError('INVALID_CONDITION', entity, undefined, 'bool() needs at least one clause');
      const msm = c.minimumShouldMatch;
      if (msm !== undefined && (!Number.isInteger(msm) || msm < 0 || msm > node.should.length)) {
        throw new QueryError('INVALID_CONDITION', entity, undefined, `minimumShouldMatch must be an integer from 0 to the number of should clauses (${node.should.length})`);
      }
      return q({ ...node, ...(msm !== undefined ? { minimumShouldMatch: msm } : {}) });
    },
    constScore: (filter: unknown) => q({ kind: 'constScore', filter: nodeOf(entity, filter, 'constScore') }),
    functionScore: (query: unknown, by: string | ((f: unknown) => unknown), options: FunctionScoreOptions = {}) => {
      if (typeof by === 'function') {
        const fns = by(functionBuilder(entity, fields));
        if (!Array.isArray(fns) || fns.length === 0 || !fns.every((x) => x instanceof ScoreFunction)) {
          throw new QueryError('INVALID_CONDITION', entity, undefined, 'functionScore() functions must return a non-empty array of score functions (f.field.gauss(…), f.weight(…), …)');
        }
        return q({ kind: 'functionsScore', query: nodeOf(entity, query, 'functionScore'), functions: Object.freeze(fns.map((x: ScoreFunction<unknown>) => x.node)), ...definedOf(options, ['scoreMode', 'combineMode', 'minScore', 'maxScore']) });
      }
      const f = fields.find((x) => x.key === by);
      if (!f || (f.type !== 'long' && f.type !== 'double')) throw new QueryError('UNSUPPORTED_COMPARISON', entity, String(by), 'functionScore() takes a long or double field of the index');
      return q({ kind: 'functionScore', query: nodeOf(entity, query, 'functionScore'), field: by });
    },
    nested: (path: string, build: (n: unknown) => unknown, options: NestedOptions<unknown, unknown, string> = {}) => {
      const sub = nestedBuilders.get(path);
      if (!sub) throw new QueryError('UNKNOWN_PROPERTY', entity, path, 'is not a nested field of the index');
      const ih = options.innerHits;
      let innerHits: InnerHitsNode | undefined;
      if (ih) {
        for (const k of ['offset', 'limit'] as const) {
          if (ih[k] !== undefined && (!Number.isInteger(ih[k]) || ih[k]! < 0)) throw new QueryError('INVALID_CONDITION', entity, path, `innerHits ${k} is a non-negative integer`);
        }
        const sort = ih.sort ? ih.sort(sortBuilderOf(entity, fields.find((f) => f.key === path)!.fields ?? [])) : undefined;
        if (sort !== undefined && (!Array.isArray(sort) || !sort.every((x) => x instanceof Sorter))) throw new QueryError('INVALID_CONDITION', entity, path, 'innerHits sort must return an array of sorters');
        const node: { -readonly [K in keyof InnerHitsNode]: InnerHitsNode[K] } = definedOf(ih, ['offset', 'limit', 'highlight']);
        if (sort?.length) node.sort = Object.freeze(sort.map((x: Sorter<unknown>) => x.node));
        innerHits = freeze(node);
      }
      return q({ kind: 'nested', path, query: nodeOf(entity, build(sub), `nested(${path})`), scoreMode: options.scoreMode ?? 'avg', ...(innerHits ? { innerHits } : {}) });
    },
  };
  // Field references win over combinators of the same name (a field named `bool` is `q.bool`).
  return Object.freeze({ ...combinators, ...b });
}

const builders = new WeakMap<SearchIndexSchema, Record<string, unknown>>();

/** The (stateless, cached) builder of an index. [performance] built once per index, not per search. */
export function searchQueryBuilder(entity: string, index: SearchIndexSchema): Record<string, unknown> {
  let b = builders.get(index);
  if (!b) builders.set(index, (b = builderOf(entity, index.fields)));
  return b;
}

// ------------------------------------------------------------------------------------------------ sort

type SortableType = 'keyword' | 'long' | 'double' | 'date' | 'boolean';
export interface SortField<T> {
  asc(): Sorter<T>;
  desc(): Sorter<T>;
}
export interface GeoSortField<T> {
  /** By distance from `from`. */
  distanceFrom(from: GeoPoint, order?: 'asc' | 'desc'): Sorter<T>;
}
export type SortBuilder<T, F> = {
  readonly [K in keyof F & string as DeclaredType<F[K]> extends SortableType | 'geo' ? K : never]: DeclaredType<F[K]> extends 'geo' ? GeoSortField<T> : SortField<T>;
} & {
  /** By relevance (default descending). */
  score(order?: 'asc' | 'desc'): Sorter<T>;
  primaryKey(order?: 'asc' | 'desc'): Sorter<T>;
};
export type LooseSortBuilder<T> = { readonly [K in AttributeKeys<T>]-?: SortField<T> & GeoSortField<T> } & {
  score(order?: 'asc' | 'desc'): Sorter<T>;
  primaryKey(order?: 'asc' | 'desc'): Sorter<T>;
};

const SORTABLE: readonly SearchFieldType[] = ['keyword', 'long', 'double', 'date', 'boolean'];
const sorters = new WeakMap<readonly SearchFieldSchema[], Record<string, unknown>>();

/** The sort builder of an index (cached). */
export function sortBuilder(entity: string, index: SearchIndexSchema): Record<string, unknown> {
  return sortBuilderOf(entity, index.fields);
}

/** The sort builder of a field list: the index's, or a nested field's sub-fields (inner hits). */
function sortBuilderOf(entity: string, fields: readonly SearchFieldSchema[]): Record<string, unknown> {
  let s = sorters.get(fields);
  if (s) return s;
  const out: Record<string, unknown> = {
    score: (order: 'asc' | 'desc' = 'desc') => new Sorter({ kind: 'score', order }),
    primaryKey: (order: 'asc' | 'desc' = 'asc') => new Sorter({ kind: 'primaryKey', order }),
  };
  for (const f of fields) {
    const refuse = () => {
      throw new QueryError('UNSUPPORTED_COMPARISON', entity, f.key, `a ${f.type} field cannot sort a search${f.sortAndAgg === false ? ' (sortAndAgg is off)' : ''} (spec §5, §12)`);
    };
    const by = (order: 'asc' | 'desc') => () => {
      if (!SORTABLE.includes(f.type) || f.sortAndAgg === false) refuse();
      return new Sorter({ kind: 'field', field: f.key, order });
    };
    out[f.key] = Object.freeze({
      asc: by('asc'),
      desc: by('desc'),
      distanceFrom: (from: GeoPoint, order: 'asc' | 'desc' = 'asc') => {
        if (f.type !== 'geo') refuse();
        return new Sorter({ kind: 'geoDistance', field: f.key, from, order });
      },
    });
  }
  sorters.set(fields, (s = Object.freeze(out)));
  return s;
}
