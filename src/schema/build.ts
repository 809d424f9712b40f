/**
 * Turns what the decorators recorded into one validated, deeply frozen `TableSchema`.
 * Every rule violation throws a `SchemaError` naming the class, the property and the rule.
 */
import { SchemaError } from './errors';
import type { PendingField, PendingIndex, PendingTable } from './metadata';
import { nameProblem } from './names';
import { buildSearchIndexes, type PendingSearchIndex } from './search-index';
import type {
  ColumnType,
  DefinedColumnSchema,
  EntityClass,
  FieldSchema,
  IndexSchema,
  Int64Mode,
  PrimaryKeySchema,
  ResolvedStreamOptions,
  ResolvedTableOptions,
  StorageType,
  TableOptions,
  TableSchema,
} from './types';

const INT32_MAX = 2147483647;
/** INT64_MAX / 1_000_000, rounded down (spec §1.21). */
const MAX_TIME_DEVIATION = 9223372036854;
const MAX_RESERVED_CU = 100000;
const MAX_PRIMARY_KEYS = 4;
const MAX_INDEXES = 5;
const MAX_INDEX_KEYS = 4;
const MAX_DEFINED_COLUMNS = 32;

const COLUMN_TYPES: readonly ColumnType[] = ['string', 'boolean', 'binary', 'double', 'int64', 'date', 'json'];
const INT64_MODES: readonly Int64Mode[] = ['long', 'bigint', 'string', 'number'];

/** The stored cell type of each logical column type. */
export const STORAGE_OF: Readonly<Record<ColumnType, StorageType>> = Object.freeze({
  string: 'STRING',
  boolean: 'BOOLEAN',
  binary: 'BINARY',
  double: 'DOUBLE',
  int64: 'INTEGER',
  date: 'INTEGER',
  json: 'STRING',
});

/** A simplified view of the `design:type` metadata emitted for a property. */
type DesignKind = 'String' | 'Number' | 'Boolean' | 'BigInt' | 'Buffer' | 'Date' | 'Long' | 'Array' | 'unknown';

function designKind(designType: unknown): DesignKind {
  if (designType === String) return 'String';
  if (designType === Number) return 'Number';
  if (designType === Boolean) return 'Boolean';
  if (designType === BigInt) return 'BigInt';
  if (designType === Buffer || designType === Uint8Array) return 'Buffer';
  if (designType === Date) return 'Date';
  if (designType === Array) return 'Array';
  // `long` ships both an ESM and a UMD build (two distinct classes); recognise either by its static API.
  if (
    typeof designType === 'function' &&
    typeof (designType as { isLong?: unknown }).isLong === 'function' &&
    typeof (designType as { fromString?: unknown }).fromString === 'function'
  ) {
    return 'Long';
  }
  // Object (unions, interfaces, object literals), undefined (no metadata emitted), other classes.
  return 'unknown';
}

function designName(designType: unknown): string {
  if (typeof designType === 'function' && designType.name) return designType.name;
  return String(designType);
}

const MODE_OF_DESIGN: Partial<Record<DesignKind, Int64Mode>> = {
  Number: 'number',
  String: 'string',
  BigInt: 'bigint',
  Long: 'long',
};

/** Which declared property types each explicit column type accepts ('unknown' is always accepted). */
const COMPATIBLE: Record<Exclude<ColumnType, 'int64' | 'json'>, DesignKind[]> = {
  string: ['String'],
  boolean: ['Boolean'],
  binary: ['Buffer'],
  double: ['Number'],
  date: ['Date'],
};

/**
 * Why a type could not be inferred when the compiler emitted no `design:type` at all (issue 8, item 3): the
 * usual causes and the explicit form for this property, so the message says what to write.
 * [inferred] `undefined` design type means no metadata: with `emitDecoratorMetadata`, tsc and SWC emit a
 * constructor for every decorated property (`Object` for unions, interfaces and type-only imports).
 */
function noMetadata(entity: string, field: PendingField, need: 'type' | 'mode'): SchemaError {
  const { property } = field;
  const cause =
    'the compiler emitted no decorator metadata (design:type) to infer it from: esbuild, tsx, Bun and vitest without SWC emit none' +
    ' (tsc and SWC do, with emitDecoratorMetadata)';
  const int64 = "{ mode: 'number' | 'bigint' | 'long' | 'string' }";
  let form: string;
  if (field.version) form = `@Version({ mode: 'number' }) ${property} (or mode 'bigint', 'long', 'string')`;
  else if (field.primaryKey && need === 'mode') form = `@PrimaryKey(${int64}) ${property}`;
  else if (field.primaryKey) form = `@PrimaryKey('string') ${property}, @PrimaryKey('binary') for a Buffer, or @PrimaryKey(${int64}) for int64`;
  else if (need === 'mode') form = `@Column({ type: 'int64', mode: 'number' }) ${property} (or mode 'bigint', 'long', 'string')`;
  else form = `@Column('string') ${property}, or 'boolean', 'double', 'binary' (Buffer), 'date', 'json', or ${int64} for int64`;
  const what = need === 'mode' ? 'int64 needs a mode, and' : 'no type is stated, and';
  return new SchemaError('NO_METADATA', entity, property, `${what} ${cause}. State it: ${form}`);
}

interface ResolvedType {
  type: ColumnType;
  int64Mode?: Int64Mode;
}

function resolveType(
  entity: string,
  field: PendingField,
  explicitType: string | undefined,
  explicitMode: string | undefined,
): ResolvedType {
  const { property } = field;
  const design = designKind(field.designType);
  if (explicitMode !== undefined && !INT64_MODES.includes(explicitMode as Int64Mode)) {
    throw new SchemaError('INT64_MODE', entity, property, `unknown int64 mode '${explicitMode}' (use 'long', 'bigint', 'string' or 'number')`);
  }
  const mode = explicitMode as Int64Mode | undefined;

  if (explicitType === undefined) {
    if (mode !== undefined) {
      // `{ mode }` alone means int64.
      return resolveType(entity, field, 'int64', mode);
    }
    if (field.designType === undefined) throw noMetadata(entity, field, 'type');
    switch (design) {
      case 'String':
        return { type: 'string' };
      case 'Boolean':
        return { type: 'boolean' };
      case 'Buffer':
        return { type: 'binary' };
      case 'Date':
        return { type: 'date' };
      case 'BigInt':
        return { type: 'int64', int64Mode: 'bigint' };
      case 'Long':
        return { type: 'int64', int64Mode: 'long' };
      case 'Number':
        throw new SchemaError(
          'AMBIGUOUS_NUMBER',
          entity,
          property,
          "a number property needs an explicit column type: declare { type: 'int64' } or { type: 'double' }",
        );
      default:
        throw new SchemaError(
          'UNSUPPORTED_TYPE',
          entity,
          property,
          `cannot infer a TableStore type from the declared type ${designName(field.designType)}` +
            " (unions, object and array types need an explicit type, e.g. { type: 'json' }, { type: 'string' } or" +
            " { type: 'int64', mode: 'long' }; note that a type-only import of Long emits no runtime type)",
        );
    }
  }

  if (!COLUMN_TYPES.includes(explicitType as ColumnType)) {
    throw new SchemaError('UNSUPPORTED_TYPE', entity, property, `unsupported column type '${explicitType}' (supported: ${COLUMN_TYPES.join(', ')})`);
  }
  const type = explicitType as ColumnType;
  if (type !== 'int64' && mode !== undefined) {
    throw new SchemaError('INT64_MODE', entity, property, `an int64 mode only applies to { type: 'int64' }, not '${type}'`);
  }
  if (type === 'json') return { type };
  if (type === 'int64') {
    const designMode = MODE_OF_DESIGN[design];
    if (design !== 'unknown' && designMode === undefined) {
      throw new SchemaError('TYPE_MISMATCH', entity, property, `type 'int64' does not fit the declared type ${designName(field.designType)}`);
    }
    if (mode !== undefined && designMode !== undefined && mode !== designMode) {
      throw new SchemaError(
        'TYPE_MISMATCH',
        entity,
        property,
        `int64 mode '${mode}' does not fit the declared type ${designName(field.designType)} (expected mode '${designMode}')`,
      );
    }
    const resolved = mode ?? designMode;
    if (resolved === undefined && field.designType === undefined) throw noMetadata(entity, field, 'mode');
    if (resolved === undefined) {
      throw new SchemaError(
        'INT64_MODE',
        entity,
        property,
        "cannot infer the int64 mode from the declared type: add mode: 'long' | 'bigint' | 'string' | 'number'",
      );
    }
    return { type, int64Mode: resolved };
  }
  if (design !== 'unknown' && !COMPATIBLE[type].includes(design)) {
    throw new SchemaError('TYPE_MISMATCH', entity, property, `type '${type}' does not fit the declared type ${designName(field.designType)}`);
  }
  return { type };
}

function checkName(rule: 'TABLE_NAME' | 'COLUMN_NAME' | 'INDEX_NAME', entity: string, property: string | undefined, what: string, name: unknown): string {
  const problem = nameProblem(name);
  if (problem !== undefined) {
    throw new SchemaError(rule, entity, property, `invalid ${what} '${String(name)}': ${problem}`);
  }
  return name as string;
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

function resolveOptions(entity: string, options: TableOptions | undefined): ResolvedTableOptions {
  const o = options ?? {};
  if (typeof o !== 'object' || o === null) {
    throw new SchemaError('TABLE_OPTIONS', entity, undefined, 'table options must be an object');
  }
  const known = new Set(['timeToLive', 'maxVersions', 'maxTimeDeviation', 'reservedThroughput', 'allowUpdate', 'stream']);
  for (const key of Object.keys(o)) {
    if (!known.has(key)) throw new SchemaError('TABLE_OPTIONS', entity, undefined, `unknown table option '${key}'`);
  }
  const fail = (detail: string): never => {
    throw new SchemaError('TABLE_OPTIONS', entity, undefined, detail);
  };
  const timeToLive = o.timeToLive ?? -1;
  if (!isInt(timeToLive) || timeToLive === 0 || timeToLive < -1 || timeToLive > INT32_MAX) {
    fail(`timeToLive must be -1 (never expire) or a positive int32 number of seconds, got ${String(timeToLive)}`);
  }
  const maxVersions = o.maxVersions ?? 1;
  if (!isInt(maxVersions) || maxVersions < 1 || maxVersions > INT32_MAX) {
    fail(`maxVersions must be an integer in [1, ${INT32_MAX}], got ${String(maxVersions)}`);
  }
  const maxTimeDeviation = o.maxTimeDeviation ?? 86400;
  if (!isInt(maxTimeDeviation) || maxTimeDeviation < 0 || maxTimeDeviation > MAX_TIME_DEVIATION) {
    fail(`maxTimeDeviation must be an integer in [0, ${MAX_TIME_DEVIATION}] seconds, got ${String(maxTimeDeviation)}`);
  }
  const rt = o.reservedThroughput ?? {};
  if (typeof rt !== 'object' || rt === null) fail('reservedThroughput must be { read, write }');
  for (const key of Object.keys(rt)) {
    if (key !== 'read' && key !== 'write') fail(`unknown reservedThroughput key '${key}'`);
  }
  const read = rt.read ?? 0;
  const write = rt.write ?? 0;
  for (const [k, v] of [['read', read], ['write', write]] as const) {
    if (!isInt(v) || v < 0 || v > MAX_RESERVED_CU) fail(`reservedThroughput.${k} must be an integer in [0, ${MAX_RESERVED_CU}], got ${String(v)}`);
  }
  const allowUpdate = o.allowUpdate ?? true;
  if (typeof allowUpdate !== 'boolean') fail(`allowUpdate must be a boolean, got ${String(allowUpdate)}`);
  const stream = o.stream === undefined ? undefined : resolveStream(o.stream, fail);
  return { timeToLive, maxVersions, maxTimeDeviation, reservedThroughput: { read, write }, allowUpdate, ...(stream ? { stream } : {}) };
}

/** Stream retention bounds, hours (streams spec §1.2: > 0, ≤ 168). */
export const MIN_STREAM_HOURS = 1;
export const MAX_STREAM_HOURS = 168;

/** `stream` as given; `columns` still property names (resolved to stored names by `streamColumns`). */
function resolveStream(stream: unknown, fail: (detail: string) => never): ResolvedStreamOptions {
  if (stream === null || typeof stream !== 'object') fail('stream must be { expirationHours, columns? }');
  const st = stream as { expirationHours?: unknown; columns?: unknown };
  for (const key of Object.keys(st)) {
    if (key !== 'expirationHours' && key !== 'columns') fail(`unknown stream option '${key}' (known: expirationHours, columns)`);
  }
  const hours = st.expirationHours;
  if (!isInt(hours) || hours < MIN_STREAM_HOURS || hours > MAX_STREAM_HOURS) {
    fail(`stream.expirationHours must be an integer in [${MIN_STREAM_HOURS}, ${MAX_STREAM_HOURS}] (7 days), got ${String(hours)}`);
  }
  const columns = st.columns ?? [];
  if (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string')) fail('stream.columns must be an array of property names');
  if (new Set(columns).size !== columns.length) fail('stream.columns lists a property twice');
  return { expirationHours: hours as number, columns: [...(columns as string[])] };
}

/** The stream's origin columns as stored names: each must be a mapped attribute property. */
function streamColumns(entity: string, options: ResolvedTableOptions, byProperty: Record<string, FieldSchema>): ResolvedTableOptions {
  if (!options.stream) return options;
  const columns = options.stream.columns.map((property) => {
    const field = byProperty[property];
    if (!field || field.kind === 'primaryKey') {
      throw new SchemaError('TABLE_OPTIONS', entity, undefined, `stream.columns: '${property}' is not a mapped attribute property (primary keys always come with a change)`);
    }
    return field.name;
  });
  return { ...options, stream: { ...options.stream, columns } };
}

interface DraftField {
  pending: PendingField;
  field: FieldSchema & { pkIndex?: number };
  order?: number;
}

function buildField(entity: string, p: PendingField): DraftField {
  const { property } = p;
  const roles = [p.primaryKey && '@PrimaryKey', p.column && '@Column', p.version && '@Version'].filter(Boolean);
  if (roles.length > 1) {
    throw new SchemaError('DECORATOR_CONFLICT', entity, property, `${roles.join(' and ')} cannot be combined on one property`);
  }
  if (p.autoIncrement && !p.primaryKey) {
    throw new SchemaError('AUTO_INCREMENT', entity, property, '@AutoIncrement() needs @PrimaryKey() on the same property (attribute columns cannot be auto-increment)');
  }
  if (p.primaryKey) {
    const o = p.primaryKey;
    const name = checkName('COLUMN_NAME', entity, property, 'primary key name', o.name ?? property);
    const t = resolveType(entity, p, o.type, o.mode);
    const storage = STORAGE_OF[t.type];
    if (storage !== 'STRING' && storage !== 'INTEGER' && storage !== 'BINARY') {
      throw new SchemaError('PK_TYPE', entity, property, `a primary key must be string, int64 or binary, not ${t.type}`);
    }
    if (t.type === 'json') {
      throw new SchemaError('PK_TYPE', entity, property, 'a primary key cannot be a json column');
    }
    if (o.order !== undefined && (!isInt(o.order) || o.order < 0)) {
      throw new SchemaError('PK_ORDER', entity, property, `order must be a non-negative integer, got ${String(o.order)}`);
    }
    const autoIncrement = p.autoIncrement === true;
    if (autoIncrement && t.type !== 'int64') {
      throw new SchemaError('AUTO_INCREMENT', entity, property, `an auto-increment primary key must be int64, not ${t.type}`);
    }
    return {
      pending: p,
      order: o.order,
      field: { property, name, kind: 'primaryKey', type: t.type, storage, int64Mode: t.int64Mode, autoIncrement },
    };
  }
  if (p.version) {
    const o = p.version;
    const name = checkName('COLUMN_NAME', entity, property, 'column name', o.name ?? property);
    const t = resolveType(entity, p, 'int64', o.mode);
    return { pending: p, field: { property, name, kind: 'version', type: 'int64', storage: 'INTEGER', int64Mode: t.int64Mode, autoIncrement: false } };
  }
  const o = p.column ?? {};
  const name = checkName('COLUMN_NAME', entity, property, 'column name', o.name ?? property);
  const t = resolveType(entity, p, o.type, o.mode);
  return { pending: p, field: { property, name, kind: 'column', type: t.type, storage: STORAGE_OF[t.type], int64Mode: t.int64Mode, autoIncrement: false } };
}

function orderPrimaryKeys(entity: string, keys: DraftField[]): DraftField[] {
  const withOrder = keys.filter((k) => k.order !== undefined);
  if (withOrder.length === 0) return keys;
  if (withOrder.length !== keys.length) {
    const missing = keys.find((k) => k.order === undefined)!;
    throw new SchemaError('PK_ORDER', entity, missing.field.property, 'either every @PrimaryKey gives an explicit order or none does');
  }
  const sorted = [...keys].sort((a, b) => a.order! - b.order!);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].order === sorted[i - 1].order) {
      throw new SchemaError('PK_ORDER', entity, sorted[i].field.property, `order ${sorted[i].order} is also used by '${sorted[i - 1].field.property}'`);
    }
  }
  return sorted;
}

function buildIndexes(
  entity: string,
  tableName: string,
  options: ResolvedTableOptions,
  primaryKeys: readonly PrimaryKeySchema[],
  byProperty: Record<string, FieldSchema>,
  pending: readonly PendingIndex[],
): IndexSchema[] {
  if (pending.length === 0) return [];
  const fail = (detail: string): never => {
    throw new SchemaError('INDEX', entity, undefined, detail);
  };
  if (pending.length > MAX_INDEXES) fail(`at most ${MAX_INDEXES} secondary indexes per table, got ${pending.length}`);
  if (options.maxVersions !== 1) fail(`a table with secondary indexes must have maxVersions 1, got ${options.maxVersions}`);
  if (options.timeToLive !== -1 && options.allowUpdate) {
    fail('a table with secondary indexes and a timeToLive must set allowUpdate: false');
  }
  const seen = new Set<string>();
  const indexes: IndexSchema[] = [];
  for (const { name, options: o } of pending) {
    checkName('INDEX_NAME', entity, undefined, 'index name', name);
    if (name === tableName) fail(`index '${name}' has the table's own name`);
    if (seen.has(name)) fail(`duplicate index name '${name}'`);
    seen.add(name);
    if (typeof o !== 'object' || o === null) fail(`index '${name}': options must be an object`);
    for (const key of Object.keys(o)) {
      if (key !== 'primaryKey' && key !== 'definedColumns' && key !== 'type') fail(`index '${name}': unknown option '${key}'`);
    }
    const type = o.type ?? 'global';
    if (type !== 'global' && type !== 'local') fail(`index '${name}': type must be 'global' or 'local'`);
    const keyProps = o.primaryKey;
    if (!Array.isArray(keyProps) || keyProps.length < 1 || keyProps.length > MAX_INDEX_KEYS) {
      fail(`index '${name}': primaryKey must list 1 to ${MAX_INDEX_KEYS} properties`);
    }
    const used = new Set<string>();
    const keyNames: string[] = [];
    for (const prop of keyProps) {
      const f = byProperty[prop];
      if (!f) fail(`index '${name}': '${String(prop)}' is not a primary key or column of ${entity}`);
      if (used.has(prop)) fail(`index '${name}': '${prop}' is listed twice`);
      used.add(prop);
      if (f.storage !== 'STRING' && f.storage !== 'INTEGER' && f.storage !== 'BINARY') {
        fail(`index '${name}': index key '${prop}' must be string, int64 or binary, not ${f.type}`);
      }
      keyNames.push(f.name);
    }
    const first = byProperty[keyProps[0]];
    if (first.autoIncrement) fail(`index '${name}': the first index key '${first.property}' cannot be an auto-increment key`);
    if (type === 'local' && first.name !== primaryKeys[0].name) {
      fail(`index '${name}': a local index must start with the partition key '${primaryKeys[0].property}'`);
    }
    const defined = o.definedColumns ?? [];
    if (!Array.isArray(defined) || defined.length > MAX_DEFINED_COLUMNS) {
      fail(`index '${name}': definedColumns must list at most ${MAX_DEFINED_COLUMNS} properties`);
    }
    const definedNames: string[] = [];
    for (const prop of defined) {
      const f = byProperty[prop];
      if (!f) fail(`index '${name}': '${String(prop)}' is not a column of ${entity}`);
      if (f.kind === 'primaryKey') fail(`index '${name}': '${prop}' is a primary key; definedColumns take attribute columns`);
      if (used.has(prop)) fail(`index '${name}': '${prop}' is listed twice`);
      used.add(prop);
      definedNames.push(f.name);
    }
    const fullPrimaryKey = [...keyNames, ...primaryKeys.map((k) => k.name).filter((n) => !keyNames.includes(n))];
    indexes.push({ name, type, primaryKey: keyNames, fullPrimaryKey, definedColumns: definedNames });
  }
  return indexes;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/** Builds and validates the schema of `cls`. Throws `SchemaError`. */
export function buildSchema(
  cls: EntityClass,
  table: PendingTable,
  fields: readonly PendingField[],
  pendingIndexes: readonly PendingIndex[],
  pendingSearchIndexes: readonly PendingSearchIndex[] = [],
): TableSchema {
  const entity = cls.name || '(anonymous class)';
  const tableName = checkName('TABLE_NAME', entity, undefined, 'table name', table.name);
  let options = resolveOptions(entity, table.options);

  const drafts = fields.map((p) => buildField(entity, p));
  const keys = orderPrimaryKeys(entity, drafts.filter((d) => d.field.kind === 'primaryKey'));
  if (keys.length < 1 || keys.length > MAX_PRIMARY_KEYS) {
    throw new SchemaError('PK_COUNT', entity, undefined, `a table needs 1 to ${MAX_PRIMARY_KEYS} primary keys (@PrimaryKey), found ${keys.length}`);
  }
  const primaryKeys = keys.map((k, pkIndex) => ({ ...k.field, pkIndex }) as PrimaryKeySchema);
  const autoKeys = primaryKeys.filter((k) => k.autoIncrement);
  if (autoKeys.length > 1) {
    throw new SchemaError('AUTO_INCREMENT', entity, autoKeys[1].property, `at most one auto-increment primary key per table (also on '${autoKeys[0].property}')`);
  }
  if (autoKeys.length === 1 && autoKeys[0].pkIndex === 0) {
    throw new SchemaError('AUTO_INCREMENT', entity, autoKeys[0].property, 'the first primary key (the partition key) cannot be auto-increment');
  }
  const columns = drafts.filter((d) => d.field.kind !== 'primaryKey').map((d) => d.field);
  const versions = columns.filter((c) => c.kind === 'version');
  if (versions.length > 1) {
    throw new SchemaError('VERSION', entity, versions[1].property, `at most one @Version() column per entity (also on '${versions[0].property}')`);
  }

  const all: FieldSchema[] = [...primaryKeys, ...columns];
  const byProperty: Record<string, FieldSchema> = Object.create(null);
  const byName: Record<string, FieldSchema> = Object.create(null);
  for (const f of all) {
    byProperty[f.property] = f;
    const other = byName[f.name];
    if (other) {
      throw new SchemaError('DUPLICATE_NAME', entity, f.property, `stored name '${f.name}' is also used by '${other.property}'`);
    }
    byName[f.name] = f;
  }

  options = streamColumns(entity, options, byProperty);
  const indexes = buildIndexes(entity, tableName, options, primaryKeys, byProperty, pendingIndexes);
  const definedNames = new Set<string>();
  for (const d of drafts) if (d.pending.column?.defined) definedNames.add(d.field.name);
  for (const idx of indexes) {
    for (const n of [...idx.primaryKey, ...idx.definedColumns]) if (byName[n].kind !== 'primaryKey') definedNames.add(n);
  }
  const definedColumns: DefinedColumnSchema[] = columns
    .filter((c) => definedNames.has(c.name))
    .map((c) => ({ name: c.name, property: c.property, storage: c.storage }));
  if (definedColumns.length > MAX_DEFINED_COLUMNS) {
    throw new SchemaError('INDEX', entity, undefined, `at most ${MAX_DEFINED_COLUMNS} predefined columns per table, got ${definedColumns.length}`);
  }

  // [performance] Not called without declarations: search-index.ts is in the runtime's search chunk
  // (scripts/bundle-runtime.js), which an entity without a search index then never loads.
  const searchIndexes = pendingSearchIndexes.length === 0 ? [] : buildSearchIndexes(entity, tableName, options, primaryKeys, byProperty, pendingSearchIndexes);

  const schema: TableSchema = {
    entity: cls,
    entityName: entity,
    tableName,
    options,
    primaryKeys,
    columns,
    fields: all,
    autoIncrement: autoKeys[0],
    version: versions[0],
    definedColumns,
    indexes,
    searchIndexes,
    byProperty,
    byName,
  };
  // Freeze everything except the class itself.
  for (const key of Object.keys(schema) as (keyof TableSchema)[]) {
    if (key !== 'entity') deepFreeze(schema[key]);
  }
  return Object.freeze(schema);
}
