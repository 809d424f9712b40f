/**
 * The JSON the studio's page and server exchange (types, and the constants both sides use: the page's bundle
 * imports them too).
 *
 * Every cell value travels as a string with its TableStore type, so an int64 never passes through a JS number
 * (on either side) and bytes arrive exactly (base64).
 */

/** A TableStore cell type (spec §1.8). */
export type CellType = 'STRING' | 'INTEGER' | 'DOUBLE' | 'BOOLEAN' | 'BINARY';

/**
 * One cell value. `v`: STRING the text; INTEGER the decimal int64; DOUBLE the number's shortest decimal form;
 * BOOLEAN `true`/`false`; BINARY base64 (or hex when `enc` says so, for input only).
 */
export interface Cell {
  t: CellType;
  v: string;
  enc?: 'base64' | 'hex';
}

/** The request header that carries the run's token on every API call. */
export const TOKEN_HEADER = 'x-tsorm-studio-token';

/** One version of an attribute cell; `ts` is the version (ms since the epoch) as a decimal string. */
export interface CellVersion {
  value: Cell;
  ts: string;
}

export interface RowView {
  key: Array<{ name: string; value: Cell }>;
  /** Attribute columns, each with its versions newest first. */
  columns: Record<string, CellVersion[]>;
}

/** Usage of one studio request: what it cost at TableStore, and how long it took here. */
export interface Cost {
  calls: number;
  readCU: number;
  writeCU: number;
  ms: number;
  /** TableStore's price of those CU (pay-per-use; src/cost/tariffs.ts). */
  usd: number;
}

export interface ApiError {
  code: string;
  message: string;
  /** Messages per column (stored name), when the error concerns particular fields. */
  fields?: Record<string, string[]>;
}

export type ApiResponse<T> = { ok: true; data: T; cost: Cost } | { ok: false; error: ApiError; cost?: Cost };

export interface InfoView {
  version: string;
  /** Where the studio reads: the endpoint and instance, or the embedded emulator. */
  where: string;
  emulator: boolean;
  writable: boolean;
  /** Why writes are off, when they are. */
  readOnlyReason?: string;
  entities: number;
  /** A problem loading the config or the entities (the studio still browses raw tables). */
  configProblem?: string;
  /** The prices estimates use, with their date and sources, and what the estimates assume. */
  tariffs: { date: string; currency: string; sources: readonly string[]; fc: Record<string, number>; tablestore: Record<string, number | boolean> };
  assumptions: string[];
}

export interface TableListItem {
  name: string;
  entity?: string;
}

/** How an entity types a column (for display and input). */
export interface FieldView {
  property: string;
  name: string;
  kind: 'primaryKey' | 'column' | 'version';
  type: 'string' | 'boolean' | 'binary' | 'double' | 'int64' | 'date' | 'json';
  storage: CellType;
  autoIncrement: boolean;
}

export interface TableView {
  name: string;
  primaryKey: Array<{ name: string; type: 'STRING' | 'INTEGER' | 'BINARY'; autoIncrement: boolean }>;
  definedColumns: Array<{ name: string; type: CellType }>;
  options: {
    timeToLive: number;
    maxVersions: number;
    maxTimeDeviation: number;
    allowUpdate: boolean;
    reservedThroughput: { read: number; write: number };
    stream: { enabled: boolean; expirationHours?: number };
  };
  indexes: Array<{ name: string; type: 'global' | 'local'; primaryKey: string[]; definedColumns: string[] }>;
  searchIndexes: Array<{ name: string }>;
  /** The mapped entity, if any, its fields, and how its declaration differs from the live table. */
  entity?: { name: string; source: string; version?: string; fields: FieldView[]; differences: string[] };
}

export type Comparator = '=' | '!=' | '<' | '<=' | '>' | '>=';

export interface FilterCondition {
  column: string;
  op: Comparator;
  value: Cell;
}

export interface RowsQuery {
  table: string;
  /** Display order of the rows: ascending (default) or descending primary key. */
  order?: 'asc' | 'desc';
  /** Leading primary-key values: only rows with this prefix (`prefix`) or from it on (`from`). */
  keyMode?: 'prefix' | 'from';
  key?: Record<string, Cell>;
  filter?: { combinator: 'and' | 'or'; conditions: FilterCondition[] };
  /** Attribute columns to return (default: all). */
  columns?: string[];
  limit?: number;
  /** A `next` or `prev` of a page, to read the page after or before it. */
  cursor?: string;
}

export interface RowsPage {
  rows: RowView[];
  next?: string;
  prev?: string;
  /** The page is short because the filtered scan stopped at its request budget; `next` continues it. */
  partial?: boolean;
  maxVersions: number;
}

export interface RowWrite {
  table: string;
  key: Record<string, Cell>;
  /** Columns to write (`null` removes the column). */
  set: Record<string, Cell | null>;
  /** The row's latest cells as the page read them (the version condition); absent for a new row. */
  expected?: Record<string, Cell | null>;
}

export interface MigrationsView {
  dir: string;
  applied: number;
  pending: number;
  /** As `migrate:status` prints them: the state column and the details. */
  migrations: Array<{ name: string; state: string; detail: string }>;
  lock?: string;
}

/** A search index field type as DescribeSearchIndex reports it (spec §7; the SDK's `FieldType`). */
export type SearchFieldType = 'LONG' | 'DOUBLE' | 'BOOLEAN' | 'KEYWORD' | 'TEXT' | 'NESTED' | 'GEO_POINT' | 'DATE' | 'VECTOR' | 'UNKNOWN';

export interface SearchFieldView {
  name: string;
  type: SearchFieldType;
  array: boolean;
  /** `enable_sort_and_agg` was set (sort and group-by read doc values). */
  sortable: boolean;
  /** `enable_highlighting` was set (TEXT only). */
  highlight: boolean;
}

/** One search index of a table, for the Search form (top-level fields; nested ones are not offered). */
export interface SearchIndexView {
  table: string;
  index: string;
  fields: SearchFieldView[];
}

/** A clause of the form's bool query; values are text, parsed by the field's type on the server. */
export interface SearchClause {
  kind: 'match' | 'term' | 'range';
  field: string;
  occur?: 'must' | 'must_not' | 'should';
  /** match: the text; term: the value. */
  value?: string;
  /** range bounds (inclusive); either may be empty. */
  from?: string;
  to?: string;
}

export interface SearchRequest {
  table: string;
  index: string;
  clauses: SearchClause[];
  sort?: { field: string; order: 'asc' | 'desc' };
  limit?: number;
  /** A KEYWORD / LONG field to count hits per value of. */
  groupBy?: string;
}

export interface SearchResultView {
  rows: RowView[];
  /** The total hit count, as a decimal string (int64). */
  total: string;
  /** Per row (same order): highlight fragments per field, matched text between HIGHLIGHT_PRE and HIGHLIGHT_POST. */
  highlights: Array<Record<string, string[]>>;
  groupBy?: { field: string; buckets: Array<{ key: string; count: string }> };
}

/**
 * The highlight tags the studio asks for: private-use characters, so the page can mark the matched text
 * without parsing HTML, and text that itself contains `<em>` is shown as text [decision].
 */
export const HIGHLIGHT_PRE = '\uE000';
export const HIGHLIGHT_POST = '\uE001';
