/**
 * The shape of a validated entity schema. One frozen {@link TableSchema} exists per entity class; it is the only
 * thing the codec, the query compiler, the repository and the migrations read.
 */

import type { SearchIndexSchema } from './search-index';

/** A class that can be an entity. Constructor arguments are allowed: the codec never calls the constructor. */
export type EntityClass<T = any> = abstract new (...args: any[]) => T;

/**
 * The logical type of a column, i.e. how its value is represented in JavaScript and on the wire.
 *
 * | type      | stored as | JavaScript value                                   |
 * |-----------|-----------|----------------------------------------------------|
 * | `string`  | STRING    | `string`                                           |
 * | `boolean` | BOOLEAN   | `boolean`                                          |
 * | `binary`  | BINARY    | `Buffer`                                           |
 * | `double`  | DOUBLE    | `number` (finite)                                  |
 * | `int64`   | INTEGER   | per {@link Int64Mode}: `Long`, `bigint`, `string`, `number` |
 * | `date`    | INTEGER   | `Date` (milliseconds since the epoch)              |
 * | `json`    | STRING    | anything `JSON.stringify` accepts                  |
 */
export type ColumnType = 'string' | 'boolean' | 'binary' | 'double' | 'int64' | 'date' | 'json';

/** How an int64 value is represented in JavaScript. Every mode is exact over the whole int64 range, except
 * `number`, which refuses (never rounds) values whose magnitude exceeds `Number.MAX_SAFE_INTEGER`. */
export type Int64Mode = 'long' | 'bigint' | 'string' | 'number';

/** The TableStore cell type a column is stored as. */
export type StorageType = 'STRING' | 'INTEGER' | 'DOUBLE' | 'BOOLEAN' | 'BINARY';

/** Which role a property plays in its table. */
export type FieldKind = 'primaryKey' | 'column' | 'version';

/** One mapped property: a primary-key column, an attribute column or the version column. */
export interface FieldSchema {
  /** The property name on the entity. */
  readonly property: string;
  /** The stored column name (defaults to the property name). */
  readonly name: string;
  readonly kind: FieldKind;
  readonly type: ColumnType;
  readonly storage: StorageType;
  /** Set for `int64` columns (and the version column). */
  readonly int64Mode?: Int64Mode;
  /** Only on an auto-increment primary key. */
  readonly autoIncrement: boolean;
  /** Position among the primary keys (0 = partition key); `undefined` for attribute columns. */
  readonly pkIndex?: number;
}

/** A primary-key column. */
export interface PrimaryKeySchema extends FieldSchema {
  readonly kind: 'primaryKey';
  readonly storage: 'STRING' | 'INTEGER' | 'BINARY';
  readonly pkIndex: number;
}

/** A predefined ("defined") column, as CreateTable / AddDefinedColumn take it. */
export interface DefinedColumnSchema {
  /** Stored column name. */
  readonly name: string;
  /** Entity property. */
  readonly property: string;
  readonly storage: StorageType;
}

/** A secondary index. Column lists hold **stored** names, in index order. */
export interface IndexSchema {
  readonly name: string;
  readonly type: 'global' | 'local';
  /** The index columns as declared (stored names). */
  readonly primaryKey: readonly string[];
  /**
   * The index table's full primary key, as the service builds it: the declared index columns followed by the
   * data table's primary keys not already listed, in data-table order (spec §7.6).
   */
  readonly fullPrimaryKey: readonly string[];
  /** Attribute columns copied into the index (stored names). */
  readonly definedColumns: readonly string[];
}

/** Table options with their defaults applied. */
export interface ResolvedTableOptions {
  /** Seconds; -1 = never expire. Default -1. */
  readonly timeToLive: number;
  /** Default 1. */
  readonly maxVersions: number;
  /** Seconds (`deviation_cell_version_in_sec`). Default 86400. */
  readonly maxTimeDeviation: number;
  /** Capacity units; default `{ read: 0, write: 0 }`. */
  readonly reservedThroughput: { readonly read: number; readonly write: number };
  /** Default true. */
  readonly allowUpdate: boolean;
  /** The table's stream (change log), when declared; absent = no stream. */
  readonly stream?: ResolvedStreamOptions;
}

/** A table's stream settings (streams spec §1). */
export interface ResolvedStreamOptions {
  /** How long records are kept, 1..168 hours; it also bounds a TableStore trigger's retries (§3.3). */
  readonly expirationHours: number;
  /** Stored names of the origin columns (`columns_to_get`): their previous values come with each change. */
  readonly columns: readonly string[];
}

/** `@Table(name, { stream })`: enable the table's stream (the source of TableStore triggers). */
export interface StreamOptions {
  /** Retention in hours, 1..168 (7 days). Cannot be changed once set (a change disables and re-enables). */
  expirationHours: number;
  /** Origin columns (entity properties): the stream records their previous values (§1.1 columns_to_get). */
  columns?: string[];
}

/** Options accepted by `@Table(name, options)`. */
export interface TableOptions {
  /** Seconds a cell version lives; -1 (default) = forever. Must be -1 or a positive int32. */
  timeToLive?: number;
  /** Versions kept per column, 1..2^31-1. Default 1. */
  maxVersions?: number;
  /** Max allowed distance between a written timestamp and now, in seconds. Default 86400. */
  maxTimeDeviation?: number;
  /** Reserved read/write capacity units, 0..100000 each. Default 0/0. */
  reservedThroughput?: { read?: number; write?: number };
  /** Whether UpdateRow is allowed on the table. Default true. */
  allowUpdate?: boolean;
  /** The table's stream: `{ expirationHours: 24 }`. Default: none. */
  stream?: StreamOptions;
}

/**
 * The validated, frozen description of one entity class and its table.
 * Obtain it with `getTableSchema(EntityClass)`.
 */
export interface TableSchema<T = any> {
  /** The entity class. */
  readonly entity: EntityClass<T>;
  /** The class name, for messages. */
  readonly entityName: string;
  readonly tableName: string;
  readonly options: ResolvedTableOptions;
  /** Primary keys in table order (first = partition key). */
  readonly primaryKeys: readonly PrimaryKeySchema[];
  /** Attribute columns (including the version column), in declaration order. */
  readonly columns: readonly FieldSchema[];
  /** Every mapped field: primary keys first, then columns. */
  readonly fields: readonly FieldSchema[];
  /** The auto-increment primary key, if any. */
  readonly autoIncrement?: PrimaryKeySchema;
  /** The `@Version()` column, if any. */
  readonly version?: FieldSchema;
  /** Predefined columns: those referenced by an index, plus those declared with `{ defined: true }`. */
  readonly definedColumns: readonly DefinedColumnSchema[];
  readonly indexes: readonly IndexSchema[];
  /** Search indexes (`@SearchIndex`), in declaration order. */
  readonly searchIndexes: readonly SearchIndexSchema[];
  /** Field lookup by entity property name (null-prototype object). */
  readonly byProperty: Readonly<Record<string, FieldSchema>>;
  /** Field lookup by stored column name (null-prototype object). */
  readonly byName: Readonly<Record<string, FieldSchema>>;
}
