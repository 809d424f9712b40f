/**
 * Search index (多元索引) declarations: what `@SearchIndex` takes, the validated `SearchIndexSchema` it becomes,
 * and the rules checked when the class is defined (search-index spec §2). Property names (not stored names)
 * are used in declarations; the schema keeps both.
 *
 * Column type → search type, with the exactness of the codec (a value is indexed exactly as the codec stores it):
 *
 * | column type          | search types                                                                     |
 * |----------------------|----------------------------------------------------------------------------------|
 * | `string`             | `text`, `keyword`, `geo` (`"lat,lon"`), `date` (with pattern `dateFormats`)       |
 * | `int64` (every mode) | `long`; `date` with an `epoch_*` format                                          |
 * | `date` (`Date`)      | `date`, format `epoch_millis` (the codec stores ms since the epoch)              |
 * | `double`             | `double`                                                                         |
 * | `boolean`            | `boolean`                                                                        |
 * | `json`               | any scalar type with `array: true` (a JSON array), `nested` (array of objects), `vector` |
 * | `binary` (`Buffer`)  | none: no search type indexes BINARY cells (spec §2.2)                            |
 *
 * Virtual fields (`{ type, source: 'property' }`, spec §2.4) take their value from another column:
 * string → keyword/text/long/double/date/geo, int64 → keyword/text/date, double → keyword/text.
 */
import { SchemaError } from './errors';
import { nameProblem } from './names';
import type { ColumnType, FieldSchema, PrimaryKeySchema, ResolvedTableOptions } from './types';

/** The type of a field in a search index (spec §2.1 FieldType). */
export type SearchFieldType = 'text' | 'keyword' | 'long' | 'double' | 'boolean' | 'date' | 'geo' | 'nested' | 'vector';
/** TEXT analyzers (spec §3). */
export type SearchAnalyzer = 'single_word' | 'split' | 'min_word' | 'max_word' | 'fuzzy';

/** Options of one field of a search index. */
export interface SearchFieldOptions {
  type: SearchFieldType;
  /** TEXT only; default `single_word`. */
  analyzer?: SearchAnalyzer;
  /** `single_word`: caseSensitive, delimitWord; `split`: delimiter; `fuzzy`: minChars, maxChars. */
  analyzerParameter?: { caseSensitive?: boolean; delimitWord?: boolean; delimiter?: string; minChars?: number; maxChars?: number };
  /** The column holds a JSON array of values of `type` (json columns only). */
  array?: boolean;
  /** Queryable. Default true. */
  index?: boolean;
  /** Keep a copy in the index (RETURN_ALL_FROM_INDEX, limit 1000). */
  store?: boolean;
  /** Sorting, aggregations, collapse (not on TEXT). */
  sortAndAgg?: boolean;
  /** TEXT only: allow highlighting. */
  highlight?: boolean;
  /** DATE only: patterns or `epoch_second|epoch_millis|epoch_micros|epoch_nanos`. */
  dateFormats?: readonly string[];
  /** A virtual field: the property (column) its value comes from; the declared key is then the field's name. */
  source?: string;
  /** NESTED only: the fields of each object. */
  fields?: Readonly<Record<string, SearchFieldDeclaration>>;
  /** VECTOR only. */
  vector?: { dimension: number; metric?: 'euclidean' | 'cosine' | 'dot_product' };
}

/** A field: its type alone, or its options. */
export type SearchFieldDeclaration = SearchFieldType | SearchFieldOptions;

/** A sorter of `indexSort`: a declared field, or the primary key. */
export type IndexSorter<K extends string = string> = { field: K; order?: 'asc' | 'desc' } | { primaryKey: true; order?: 'asc' | 'desc' };

/** Options of `@SearchIndex(name, options)`. */
export interface SearchIndexOptions<T = any> {
  /** Property (or virtual field) name → field. */
  fields: { readonly [K in Extract<keyof T, string>]?: SearchFieldDeclaration } & Readonly<Record<string, SearchFieldDeclaration>>;
  /** Presort of the index (default: primary key ascending; not allowed with nested fields). */
  indexSort?: readonly IndexSorter[];
  /** Seconds rows stay in the index; -1 (default) = forever. A TTL needs `allowUpdate: false` on the table. */
  ttl?: number;
  /** Routing: primary-key properties (spec §2.5). */
  routing?: readonly string[];
}

/** One validated field. */
export interface SearchFieldSchema {
  /** The declared key: the entity property (or the virtual field's name; a nested sub-field's relative name). */
  readonly key: string;
  /** The index field name: the stored column name, or the virtual field's name. */
  readonly name: string;
  readonly type: SearchFieldType;
  readonly array: boolean;
  readonly index: boolean;
  readonly analyzer?: SearchAnalyzer;
  readonly analyzerParameter?: SearchFieldOptions['analyzerParameter'];
  readonly store?: boolean;
  readonly sortAndAgg?: boolean;
  readonly highlight?: boolean;
  readonly dateFormats?: readonly string[];
  /** The column the value comes from (absent for nested sub-fields). */
  readonly column?: FieldSchema;
  /** Set for a virtual field. */
  readonly virtual: boolean;
  readonly fields?: readonly SearchFieldSchema[];
  readonly vector?: { readonly dimension: number; readonly metric: 'euclidean' | 'cosine' | 'dot_product' };
}

/** A validated search index. */
export interface SearchIndexSchema {
  readonly name: string;
  readonly fields: readonly SearchFieldSchema[];
  /** By declared key (null-prototype). */
  readonly byKey: Readonly<Record<string, SearchFieldSchema>>;
  /** Stored names; empty = the service default (primary key ascending). */
  readonly indexSort: ReadonlyArray<{ readonly field?: string; readonly primaryKey?: true; readonly order: 'asc' | 'desc' }>;
  readonly ttl: number;
  /** Stored primary-key names. */
  readonly routing: readonly string[];
}

declare const searchEntity: unique symbol;

/**
 * A search index declaration as a value: pass it to `@SearchIndex(handle)` and to `repository.search(handle, …)`,
 * whose builder then offers each field the operations of its declared type. Made by {@link defineSearchIndex}.
 */
export interface SearchIndexRef<T, F extends Readonly<Record<string, SearchFieldDeclaration>>> {
  readonly name: string;
  readonly options: SearchIndexOptions<T> & { readonly fields: F };
  /** Phantom: the entity. */
  readonly [searchEntity]?: (t: T) => T;
}

/**
 * Declares a search index of entity `T` as a value (curried so `T` is given and the fields inferred):
 *
 * ```ts
 * const notesSearch = defineSearchIndex<Note>()('notes_search', { fields: { title: 'text', likes: 'long' } });
 * @Table('notes') @SearchIndex(notesSearch) class Note { … }
 * notes.search(notesSearch, (q) => q.title.match('tea'));   // q.likes.match(…) does not compile
 * ```
 */
export function defineSearchIndex<T>() {
  return <const F extends { readonly [K in Extract<keyof T, string>]?: SearchFieldDeclaration } & Readonly<Record<string, SearchFieldDeclaration>>>(
    name: string,
    options: Omit<SearchIndexOptions<T>, 'fields' | 'indexSort'> & { fields: F; indexSort?: readonly IndexSorter<Extract<keyof F, string>>[] },
  ): SearchIndexRef<T, F> => Object.freeze({ name, options: options as SearchIndexOptions<T> & { fields: F } });
}

export interface PendingSearchIndex {
  readonly name: string;
  readonly options: SearchIndexOptions;
}

const TYPES: readonly SearchFieldType[] = ['text', 'keyword', 'long', 'double', 'boolean', 'date', 'geo', 'nested', 'vector'];
const ANALYZERS: readonly SearchAnalyzer[] = ['single_word', 'split', 'min_word', 'max_word', 'fuzzy'];
const EPOCH_FORMATS = ['epoch_second', 'epoch_millis', 'epoch_micros', 'epoch_nanos'];
const PARAMETERS: Record<SearchAnalyzer, readonly string[]> = {
  single_word: ['caseSensitive', 'delimitWord'],
  split: ['delimiter'],
  fuzzy: ['minChars', 'maxChars'],
  min_word: [],
  max_word: [],
};
const OPTION_KEYS = new Set(['type', 'analyzer', 'analyzerParameter', 'array', 'index', 'store', 'sortAndAgg', 'highlight', 'dateFormats', 'source', 'fields', 'vector']);
/** Spec §2.6. */
const MAX_VECTOR_DIMENSION = 2048;
const INT32_MAX = 2147483647;

/** Search types a column of each type may be indexed as (module table). */
const BY_COLUMN: Record<ColumnType, readonly SearchFieldType[]> = {
  string: ['text', 'keyword', 'geo', 'date'],
  int64: ['long', 'date'],
  date: ['date'],
  double: ['double'],
  boolean: ['boolean'],
  json: ['text', 'keyword', 'long', 'double', 'boolean', 'date', 'geo', 'nested', 'vector'],
  binary: [],
};
/** Virtual field conversions (spec §2.4). */
const VIRTUAL_FROM: Partial<Record<ColumnType, readonly SearchFieldType[]>> = {
  string: ['keyword', 'text', 'long', 'double', 'date', 'geo'],
  int64: ['keyword', 'text', 'date'],
  double: ['keyword', 'text'],
};

function options(d: SearchFieldDeclaration): SearchFieldOptions {
  return typeof d === 'string' ? { type: d } : d;
}

/** Validates one index. `fail(property, detail)` throws the SchemaError. */
function buildField(
  key: string,
  decl: SearchFieldDeclaration,
  ctx: { byProperty: Readonly<Record<string, FieldSchema>>; fail: (property: string | undefined, detail: string) => never; nested?: string },
): SearchFieldSchema {
  const { fail } = ctx;
  const where = ctx.nested ? `${ctx.nested}.${key}` : key;
  if (decl === null || (typeof decl !== 'string' && typeof decl !== 'object')) fail(where, `a search field is a type name or { type, … }, got ${String(decl)}`);
  const o = options(decl);
  for (const k of Object.keys(o)) if (!OPTION_KEYS.has(k)) fail(where, `unknown search field option '${k}'`);
  if (!TYPES.includes(o.type)) fail(where, `unknown search field type '${String(o.type)}' (use ${TYPES.join(', ')})`);
  const type = o.type;
  let column: FieldSchema | undefined;
  let name = key;
  const virtual = o.source !== undefined;
  if (ctx.nested) {
    if (virtual) fail(where, 'a nested sub-field cannot be virtual');
    const problem = nameProblem(key);
    if (problem) fail(where, `invalid nested field name: ${problem}`);
  } else if (virtual) {
    if (ctx.byProperty[key]) fail(key, `a virtual field needs a name of its own, '${key}' is a property (spec §2.4)`);
    const problem = nameProblem(key);
    if (problem) fail(key, `invalid virtual field name: ${problem}`);
    column = ctx.byProperty[o.source!];
    if (!column) fail(key, `source '${String(o.source)}' is not a property of the entity`);
    const allowed = VIRTUAL_FROM[column.type] ?? [];
    if (!allowed.includes(type)) {
      fail(key, `a virtual ${type} field cannot be computed from the ${column.type} column '${o.source}' (spec §2.4: ${allowed.length ? `${column.type} → ${allowed.join(', ')}` : 'no conversion'})`);
    }
    if (o.array) fail(key, 'a virtual field cannot be an array here (its source is one value)');
  } else {
    column = ctx.byProperty[key];
    if (!column) fail(key, 'is not a property of the entity (declare a virtual field with { type, source })');
    name = column.name;
    if (!BY_COLUMN[column.type].includes(type)) {
      fail(key, `a ${column.type} column cannot be indexed as ${type} (allowed: ${BY_COLUMN[column.type].join(', ') || 'none: no search type indexes BINARY'})`);
    }
    if (column.type === 'json' && type !== 'nested' && type !== 'vector' && !o.array) {
      fail(key, `a json column holds JSON text: index it as ${type} with array: true (a JSON array), as nested, or as vector (spec §2.2)`);
    }
  }
  if (o.array && !ctx.nested && !virtual && column?.type !== 'json') fail(where, 'array: true needs a json column (the service reads a JSON array string, spec §2.4)');
  if (o.array && (type === 'nested' || type === 'vector')) fail(where, `a ${type} field cannot be an array field`);
  if (o.index === false) {
    fail(where, 'index: false cannot be sent: the Node SDK sends false as absent, which the service reads as true (spec §2.1); leave the field out of the index instead');
  }
  if (o.analyzer !== undefined || o.analyzerParameter !== undefined) {
    if (type !== 'text') fail(where, `an analyzer only applies to text fields, not ${type} (spec §2.1)`);
  }
  if (o.analyzer !== undefined && !ANALYZERS.includes(o.analyzer)) fail(where, `unknown analyzer '${String(o.analyzer)}' (use ${ANALYZERS.join(', ')})`);
  if (o.analyzerParameter !== undefined) {
    const analyzer = o.analyzer ?? 'single_word';
    for (const k of Object.keys(o.analyzerParameter)) {
      if (!PARAMETERS[analyzer].includes(k)) fail(where, `analyzer ${analyzer} takes no parameter '${k}' (it takes: ${PARAMETERS[analyzer].join(', ') || 'none'})`);
    }
    const p = o.analyzerParameter;
    if (p.minChars !== undefined && (!Number.isInteger(p.minChars) || p.minChars < 1)) fail(where, 'minChars must be a positive integer');
    if (p.maxChars !== undefined && (!Number.isInteger(p.maxChars) || p.maxChars < (p.minChars ?? 1))) fail(where, 'maxChars must be an integer ≥ minChars');
  }
  if (o.highlight && type !== 'text') fail(where, `highlight only applies to text fields, not ${type} (spec §2.1)`);
  if (o.sortAndAgg && (type === 'text' || type === 'nested' || type === 'vector')) fail(where, `a ${type} field cannot be sorted or aggregated (spec §2.3, §12)`);
  let dateFormats = o.dateFormats ? [...o.dateFormats] : undefined;
  if (dateFormats !== undefined && type !== 'date') fail(where, `dateFormats only apply to date fields, not ${type}`);
  if (type === 'date') {
    const source = column?.type;
    if (source === 'date') {
      // The codec stores a Date as INTEGER milliseconds: any other format would misread every value.
      if (dateFormats && (dateFormats.length !== 1 || dateFormats[0] !== 'epoch_millis')) {
        fail(where, "a Date column is stored as epoch milliseconds: its only date format is 'epoch_millis'");
      }
      dateFormats = ['epoch_millis'];
    } else if (source === 'int64') {
      if (!dateFormats?.length || !dateFormats.every((f) => EPOCH_FORMATS.includes(f))) {
        fail(where, `an int64 column indexed as date needs dateFormats of ${EPOCH_FORMATS.join(' | ')} (the unit its integers count)`);
      }
    } else if (!dateFormats?.length) {
      fail(where, "a date field over text needs dateFormats (e.g. ['yyyy-MM-dd HH:mm:ss'], spec §2.2)");
    }
  }
  let fields: SearchFieldSchema[] | undefined;
  if (type === 'nested') {
    if (ctx.nested) fail(where, 'nested fields inside nested fields are not supported by tsorm');
    if (!o.fields || typeof o.fields !== 'object' || Object.keys(o.fields).length === 0) fail(where, 'a nested field needs fields: { … } (its objects’ fields)');
    fields = Object.entries(o.fields!).map(([k, d]) => buildField(k, d, { ...ctx, nested: key }));
  } else if (o.fields !== undefined) {
    fail(where, 'fields: only applies to nested fields');
  }
  let vector: SearchFieldSchema['vector'];
  if (type === 'vector') {
    const v = o.vector!;
    if (!o.vector || !Number.isInteger(v.dimension) || v.dimension < 1 || v.dimension > MAX_VECTOR_DIMENSION) {
      fail(where, `a vector field needs vector: { dimension } with 1 ≤ dimension ≤ ${MAX_VECTOR_DIMENSION} (spec §2.6)`);
    }
    const metric = v.metric ?? 'cosine';
    if (!['euclidean', 'cosine', 'dot_product'].includes(metric)) fail(where, `unknown vector metric '${String(metric)}'`);
    vector = { dimension: v.dimension, metric };
  } else if (o.vector !== undefined) {
    fail(where, 'vector: only applies to vector fields');
  }
  return {
    key,
    name,
    type,
    array: !!o.array,
    index: o.index ?? true,
    ...(type === 'text' ? { analyzer: o.analyzer ?? 'single_word' } : {}),
    ...(o.analyzerParameter ? { analyzerParameter: { ...o.analyzerParameter } } : {}),
    ...(o.store !== undefined ? { store: o.store } : {}),
    ...(o.sortAndAgg !== undefined ? { sortAndAgg: o.sortAndAgg } : {}),
    ...(o.highlight !== undefined ? { highlight: o.highlight } : {}),
    ...(dateFormats ? { dateFormats } : {}),
    ...(column ? { column } : {}),
    virtual,
    ...(fields ? { fields } : {}),
    ...(vector ? { vector } : {}),
  };
}

/** Validates the `@SearchIndex` declarations of an entity. Throws `SchemaError` (rule `SEARCH_INDEX`). */
export function buildSearchIndexes(
  entity: string,
  tableName: string,
  table: ResolvedTableOptions,
  primaryKeys: readonly PrimaryKeySchema[],
  byProperty: Readonly<Record<string, FieldSchema>>,
  pending: readonly PendingSearchIndex[],
): SearchIndexSchema[] {
  const out: SearchIndexSchema[] = [];
  const seen = new Set<string>();
  for (const { name, options: o } of pending) {
    const fail = (property: string | undefined, detail: string): never => {
      throw new SchemaError('SEARCH_INDEX', entity, property, `search index '${String(name)}': ${detail}`);
    };
    const problem = nameProblem(name);
    if (problem) throw new SchemaError('INDEX_NAME', entity, undefined, `invalid search index name '${String(name)}': ${problem}`);
    if (name === tableName) fail(undefined, "has the table's own name");
    if (seen.has(name)) fail(undefined, 'is declared twice');
    seen.add(name);
    if (!o || typeof o !== 'object') fail(undefined, 'options must be { fields, … }');
    for (const k of Object.keys(o)) if (!['fields', 'indexSort', 'ttl', 'routing'].includes(k)) fail(undefined, `unknown option '${k}'`);
    // D-create: the table must keep one version, and a table TTL needs updates disabled.
    if (table.maxVersions !== 1) fail(undefined, `the table must have maxVersions 1, got ${table.maxVersions} (spec §2.5)`);
    if (table.timeToLive !== -1 && table.allowUpdate) fail(undefined, 'a table with a timeToLive must set allowUpdate: false to have a search index (spec §2.5)');
    if (!o.fields || typeof o.fields !== 'object' || Object.keys(o.fields).length === 0) fail(undefined, 'fields must declare at least one field');
    const fields = Object.entries(o.fields).map(([k, d]) => buildField(k, d as SearchFieldDeclaration, { byProperty, fail }));
    const byKey: Record<string, SearchFieldSchema> = Object.create(null);
    const names = new Set<string>();
    for (const f of fields) {
      if (names.has(f.name)) fail(f.key, `index field name '${f.name}' is used twice`);
      names.add(f.name);
      byKey[f.key] = f;
    }
    if (fields.filter((f) => f.type === 'vector').length > 1) fail(undefined, 'at most one vector field per index (spec §2.6)');
    const hasNested = fields.some((f) => f.type === 'nested');
    const indexSort = (o.indexSort ?? []).map((s, i) => {
      const order = s.order ?? 'asc';
      if (order !== 'asc' && order !== 'desc') fail(undefined, `indexSort[${i}].order must be 'asc' or 'desc'`);
      if (hasNested) fail(undefined, 'an index with nested fields cannot have an indexSort (spec §2.4)');
      if ('primaryKey' in s && s.primaryKey) return { primaryKey: true as const, order };
      const f = byKey[(s as { field: string }).field];
      if (!f) fail(undefined, `indexSort[${i}]: '${String((s as { field?: unknown }).field)}' is not a field of the index`);
      if (f.type === 'text' || f.type === 'geo' || f.type === 'vector' || f.sortAndAgg === false) fail(f.key, `cannot sort the index by a ${f.type} field${f.sortAndAgg === false ? ' without sortAndAgg' : ''}`);
      return { field: f.name, order };
    });
    const ttl = o.ttl ?? -1;
    if (!Number.isInteger(ttl) || ttl === 0 || ttl < -1 || ttl > INT32_MAX) fail(undefined, `ttl must be -1 or a positive int32 number of seconds, got ${String(ttl)}`);
    if (ttl !== -1) {
      if (table.allowUpdate) fail(undefined, 'a search index ttl needs allowUpdate: false on the table (spec §2.5, D-ttl)');
      if (table.timeToLive !== -1 && ttl > table.timeToLive) fail(undefined, `the index ttl (${ttl}) must not exceed the table's timeToLive (${table.timeToLive})`);
    }
    const routing = (o.routing ?? []).map((p) => {
      const k = primaryKeys.find((pk) => pk.property === p);
      if (!k) return fail(undefined, `routing: '${String(p)}' is not a primary-key property (spec §2.5)`);
      return k.name;
    });
    out.push({ name, fields, byKey, indexSort, ttl, routing });
  }
  return out;
}
