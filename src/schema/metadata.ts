/**
 * Decorator bookkeeping. Property decorators run before the class decorator, so they only record what they
 * saw here; `@Table` (class decorator time) turns the records into one validated, frozen `TableSchema`.
 * Internal module: not part of the public API.
 */
import type { PendingSearchIndex } from './search-index';
import type { ColumnType, EntityClass, Int64Mode, TableOptions, TableSchema } from './types';

/** Options of `@Column()`. */
export interface ColumnOptions {
  /** The column type; inferred from the property's declared type when omitted (see `ColumnType`). */
  type?: ColumnType;
  /** For `int64` columns: the JavaScript representation; inferred from the declared type when omitted. */
  mode?: Int64Mode;
  /** Stored column name; defaults to the property name. */
  name?: string;
  /** Declare the column as a predefined column of the table even if no index uses it. */
  defined?: boolean;
}

/** Options of `@PrimaryKey()`. */
export interface PrimaryKeyOptions {
  /** `string`, `int64`, `binary` or `date` (stored as INTEGER ms); inferred when omitted. */
  type?: 'string' | 'int64' | 'binary' | 'date';
  mode?: Int64Mode;
  /** Stored column name; defaults to the property name. */
  name?: string;
  /**
   * Explicit position. Either every primary key of the class gives an `order` or none does (then declaration
   * order, base classes first, is used). Keys are sorted by ascending `order`; values must be distinct integers.
   */
  order?: number;
}

/** Options of `@Version()`. */
export interface VersionOptions {
  name?: string;
  mode?: Int64Mode;
}

/** Options of `@Index()`. Property names (not stored names). */
export interface IndexOptions<T = any> {
  /** Index columns, 1–4, each a primary key or a column of the entity, in index order. */
  primaryKey: readonly Extract<keyof T, string>[];
  /** Columns copied into the index (0–32 non-key columns). */
  definedColumns?: readonly Extract<keyof T, string>[];
  /** Default `'global'`. */
  type?: 'global' | 'local';
}

/** What the decorators recorded about one property. */
export interface PendingField {
  readonly property: string;
  /** Global declaration sequence (first decorator seen on this property). */
  readonly seq: number;
  designType: unknown;
  primaryKey?: PrimaryKeyOptions;
  autoIncrement?: boolean;
  column?: ColumnOptions;
  version?: VersionOptions;
  /** Decorators applied, for conflict messages. */
  readonly decorators: string[];
}

export interface PendingIndex {
  readonly name: string;
  readonly options: IndexOptions;
}

export interface PendingTable {
  readonly name: string;
  readonly options: TableOptions;
}

let sequence = 0;

/** prototype → property → record (own declarations of that prototype only). */
const fieldsByPrototype = new WeakMap<object, Map<string, PendingField>>();
/** A class → list registry: what class decorators declared on that class, in declaration order. */
function classLists<T>(): { add(cls: object, item: T): void; get(cls: object): readonly T[] } {
  const byClass = new WeakMap<object, T[]>();
  return {
    add(cls, item) {
      const list = byClass.get(cls);
      if (list) list.push(item);
      else byClass.set(cls, [item]);
    },
    get: (cls) => byClass.get(cls) ?? [],
  };
}

/** class → indexes declared with `@Index` on that class. */
const indexesByClass = classLists<PendingIndex>();
/** class → search indexes declared with `@SearchIndex` on that class. */
const searchIndexesByClass = classLists<PendingSearchIndex>();
/** class → `@Table` arguments. */
const tablesByClass = new WeakMap<object, PendingTable>();
/** class → built schema. */
const schemas = new WeakMap<object, TableSchema>();

export function pendingField(prototype: object, property: string, designType: unknown): PendingField {
  let fields = fieldsByPrototype.get(prototype);
  if (!fields) {
    fields = new Map();
    fieldsByPrototype.set(prototype, fields);
  }
  let field = fields.get(property);
  if (!field) {
    field = { property, seq: sequence++, designType, decorators: [] };
    fields.set(property, field);
  }
  return field;
}

/** Every field recorded on `cls` and its base classes; a subclass redeclaration replaces the base's record. */
export function collectFields(cls: EntityClass): PendingField[] {
  const chain: object[] = [];
  for (let proto = cls.prototype as object | null; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    chain.unshift(proto);
  }
  const merged = new Map<string, PendingField>();
  for (const proto of chain) {
    for (const [property, field] of fieldsByPrototype.get(proto) ?? []) merged.set(property, field);
  }
  return [...merged.values()].sort((a, b) => a.seq - b.seq);
}

export const addPendingIndex = (cls: object, index: PendingIndex): void => indexesByClass.add(cls, index);
export const pendingIndexes = (cls: object): readonly PendingIndex[] => indexesByClass.get(cls);
export const addPendingSearchIndex = (cls: object, index: PendingSearchIndex): void => searchIndexesByClass.add(cls, index);
export const pendingSearchIndexes = (cls: object): readonly PendingSearchIndex[] => searchIndexesByClass.get(cls);

export function setPendingTable(cls: object, table: PendingTable): void {
  tablesByClass.set(cls, table);
}

export function pendingTable(cls: object): PendingTable | undefined {
  return tablesByClass.get(cls);
}

export function storeSchema(cls: object, schema: TableSchema): void {
  schemas.set(cls, schema);
}

export function storedSchema(cls: object): TableSchema | undefined {
  return schemas.get(cls);
}
