/**
 * A row change (client/changes.ts: the trigger's CBOR event or a GetStreamRecord record) → a typed record of
 * an entity. Values go through the same rules as a read (value.ts `decodeStoredValue`), so they are exact:
 * an INTEGER becomes the column's int64 mode even beyond 2^53, a whole DOUBLE stays a `number` of a double
 * column, BINARY a `Buffer`, `date` and `json` columns are decoded.
 *
 * A change carries the write, not a row image (streams spec §2.5): a `put` holds the columns the PutRow wrote
 * (the whole new row, since PutRow replaces it), an `update` only the columns it set and removed, a `delete`
 * only the key.
 *
 * Columns the entity does not map are kept raw in `unmapped` rather than dropped or refused [decision]: a
 * trigger must not fail (and be retried until the data expires, §3.3) because another writer added a column,
 * and the raw value is lossless. A primary key that is not the entity's, on the other hand, means the record
 * belongs to another table: that is a `CodecError` (INVALID_ROW).
 */
import type { RawChange, RawChangeColumn, RawChangeValue } from '../client/changes';
import type { Attributes, KeyOf, NonKeyNames, UpdateOf } from '../schema/entity-types';
import type { FieldSchema, TableSchema } from '../schema/types';
import { CodecError } from './errors';
import { fromSdkInt64, type SdkInt64 } from './sdk-values';
import { decodeStoredValue, describe, encodeFieldValue, encodeKeyValue } from './value';

interface ChangeBase<T> {
  /** The changed row's primary key. */
  key: KeyOf<T>;
  /** `Info.Timestamp`: when the row changed, in μs since the epoch (exact; spec §3.1). */
  timestampMicros: bigint;
  /** The same instant as a `Date` (ms precision). */
  timestamp: Date;
  /** The change's columns that the entity does not map, as they came (lossless), in order. */
  unmapped: RawChangeColumn[];
}

/** Cell versions (ms since the epoch, the `timestamp` a write gives a cell) of the columns a change wrote. */
export type ChangeVersions<T> = { [K in NonKeyNames<T>]?: number };

/** A PutRow: the row as written (it replaces the whole row). */
export interface PutChange<T> extends ChangeBase<T> {
  type: 'put';
  /**
   * The new row: key and every column the PutRow wrote, decoded as a read decodes it (an instance of the
   * entity class made without running its constructor; unwritten columns are absent).
   */
  row: T;
  versions: ChangeVersions<T>;
}

/** A column an UpdateRow removed: all its versions, or the one version at `timestampMillis`. */
export type ChangeDeletion<T> =
  | { property: NonKeyNames<T>; column: string; versions: 'all' }
  | { property: NonKeyNames<T>; column: string; versions: 'one'; timestampMillis: number | undefined };

/** An UpdateRow: the columns it set (an increment arrives as the value it produced, §2.5) and removed. */
export interface UpdateChange<T> extends ChangeBase<T> {
  type: 'update';
  set: UpdateOf<T>;
  versions: ChangeVersions<T>;
  deleted: Array<ChangeDeletion<T>>;
}

/** A DeleteRow: only the key. */
export interface DeleteChange<T> extends ChangeBase<T> {
  type: 'delete';
}

/** One typed change of an entity's table; narrow on `type`. */
export type ChangeRecord<T> = PutChange<T> | UpdateChange<T> | DeleteChange<T>;

function tableContext(schema: TableSchema, column?: string) {
  return { entity: schema.entityName, table: schema.tableName, column };
}

/** Cell versions are ms since the epoch, far inside the safe range; anything else is not a version. */
function versionMillis(schema: TableSchema, column: string, v: bigint | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new CodecError('INVALID_ROW', { ...tableContext(schema, column), actual: `timestamp ${v}` }, `a cell version must be a non-negative number of ms, got ${v}`);
  }
  return n;
}

function decodeKeyOf<T>(schema: TableSchema<T>, raw: RawChange): Record<string, unknown> {
  const pks = schema.primaryKeys;
  const same = raw.primaryKey.length === pks.length && raw.primaryKey.every((cell, i) => cell.name === pks[i].name);
  if (!same) {
    const got = raw.primaryKey.map((c) => c.name).join(', ');
    const want = pks.map((f) => f.name).join(', ');
    throw new CodecError(
      'INVALID_ROW',
      { ...tableContext(schema), expected: `primary key (${want})`, actual: `(${got})` },
      `the change's primary key (${got}) is not ${schema.entityName}'s (${want}): a record of another table?`,
    );
  }
  const key: Record<string, unknown> = {};
  for (let i = 0; i < pks.length; i++) {
    const { value } = raw.primaryKey[i];
    key[pks[i].property] = decodeStoredValue(schema, pks[i], value.type, value.value);
  }
  return key;
}

/** The mapped attribute column `name`, or undefined (a key column never appears among a change's columns). */
function columnField(schema: TableSchema, name: string): FieldSchema | undefined {
  const field = schema.byName[name];
  if (field && field.kind === 'primaryKey') {
    throw new CodecError('INVALID_ROW', tableContext(schema, name), `primary-key column '${name}' appears among the change's attribute columns`);
  }
  return field;
}

/**
 * Decodes one raw change into a typed record of `schema`'s entity. Throws `CodecError` when the key is not
 * the entity's (INVALID_ROW) or a value cannot be represented exactly (TYPE_MISMATCH, UNSAFE_INTEGER…).
 */
export function decodeChange<T>(schema: TableSchema<T>, raw: RawChange): ChangeRecord<T> {
  const key = decodeKeyOf(schema, raw);
  const base = {
    key: key as KeyOf<T>,
    timestampMicros: raw.timestampMicros,
    // Floor division: a negative μs timestamp still lands on the ms it falls in.
    timestamp: new Date(Number(raw.timestampMicros / 1000n) - (raw.timestampMicros % 1000n < 0n ? 1 : 0)),
    unmapped: [] as RawChangeColumn[],
  };
  switch (raw.type) {
    case 'DeleteRow':
      if (raw.columns.length > 0) throw new CodecError('INVALID_ROW', tableContext(schema), 'a DeleteRow change carries no columns (streams spec §2.5)');
      return { type: 'delete', ...base };
    case 'PutRow': {
      const row = Object.create(schema.entity.prototype as object) as Record<string, unknown>;
      Object.assign(row, key);
      const versions: Record<string, number> = {};
      for (const column of raw.columns) {
        const field = columnField(schema, column.name);
        if (!field) {
          base.unmapped.push(column);
          continue;
        }
        if (column.op !== 'Put') throw new CodecError('INVALID_ROW', tableContext(schema, column.name), `a PutRow change carries only Put columns, found ${column.op}`);
        const version = versionMillis(schema, column.name, column.timestampMillis);
        // Several versions of one column in one PutRow: the newest is the row's value, as a read returns it.
        const seen = versions[field.property];
        if (seen !== undefined && version !== undefined && version < seen) continue;
        row[field.property] = decodeStoredValue(schema, field, column.value.type, column.value.value);
        if (version !== undefined) versions[field.property] = version;
      }
      return { type: 'put', ...base, row: row as T, versions: versions as ChangeVersions<T> };
    }
    case 'UpdateRow': {
      const set: Record<string, unknown> = {};
      const versions: Record<string, number> = {};
      const deleted: Array<ChangeDeletion<T>> = [];
      for (const column of raw.columns) {
        const field = columnField(schema, column.name);
        if (!field) {
          base.unmapped.push(column);
          continue;
        }
        const property = field.property as NonKeyNames<T>;
        if (column.op === 'DeleteAllVersions') {
          deleted.push({ property, column: column.name, versions: 'all' });
        } else if (column.op === 'DeleteOneVersion') {
          deleted.push({ property, column: column.name, versions: 'one', timestampMillis: versionMillis(schema, column.name, column.timestampMillis) });
        } else {
          const version = versionMillis(schema, column.name, column.timestampMillis);
          const seen = versions[field.property];
          if (seen !== undefined && version !== undefined && version < seen) continue;
          set[field.property] = decodeStoredValue(schema, field, column.value.type, column.value.value);
          if (version !== undefined) versions[field.property] = version;
        }
      }
      return { type: 'update', ...base, set: set as UpdateOf<T>, versions: versions as ChangeVersions<T>, deleted };
    }
    default:
      throw new CodecError('INVALID_ROW', tableContext(schema), `unknown change type ${String((raw as { type?: unknown }).type)}`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The other way: typed changes → raw changes, for building trigger events in tests (tsorm/testing)

/** A change to encode: what a `ChangeRecord` holds, with the timestamps optional. */
export type ChangeInput<T> = ChangeTimes &
  (
    | { type: 'put'; row: Partial<Attributes<T>> }
    | {
        type: 'update';
        key: KeyOf<T>;
        set?: UpdateOf<T>;
        /** Columns removed: a property (all versions), or `{ property, timestampMillis }` (that one version). */
        deleted?: Array<NonKeyNames<T> | { property: NonKeyNames<T>; timestampMillis: number }>;
      }
    | { type: 'delete'; key: KeyOf<T> }
  );

interface ChangeTimes {
  /** `Info.Timestamp` in μs. Default: `timestamp`, else now. */
  timestampMicros?: bigint;
  /** When the row changed. Default: now. */
  timestamp?: Date;
  /** The cell version (ms) of every written column. Default: the change's time in ms. */
  version?: number;
}

/** The stored value of a property value, typed for a change (an INTEGER as its exact `bigint`). */
function rawValue(schema: TableSchema, field: FieldSchema, value: unknown): RawChangeValue {
  const cell = field.kind === 'primaryKey' ? encodeKeyValue(schema, field, value) : encodeFieldValue(schema, field, value);
  switch (field.storage) {
    case 'INTEGER':
      return { type: 'INTEGER', value: fromSdkInt64(cell as SdkInt64) };
    case 'DOUBLE':
      return { type: 'DOUBLE', value: cell as number };
    case 'BOOLEAN':
      return { type: 'BOOLEAN', value: cell as boolean };
    case 'BINARY':
      return { type: 'BINARY', value: cell as Buffer };
    default:
      return { type: 'STRING', value: cell as string };
  }
}

function mappedField(schema: TableSchema, property: string): FieldSchema {
  const field = schema.byProperty[property];
  if (!field) throw new CodecError('UNKNOWN_PROPERTY', { entity: schema.entityName, table: schema.tableName, property }, `'${property}' is not a mapped property of ${schema.entityName}`);
  if (field.kind === 'primaryKey') {
    throw new CodecError('NOT_ALLOWED', { entity: schema.entityName, table: schema.tableName, property, column: field.name }, 'a primary-key column cannot be set or removed by a change');
  }
  return field;
}

/**
 * Encodes a typed change into the raw change a stream carries (client/changes.ts), through the entity's codec:
 * what `decodeChange` reads back. Throws `CodecError` for a value the codec refuses or a missing key.
 */
export function encodeChange<T>(schema: TableSchema<T>, change: ChangeInput<T>): RawChange {
  const micros = change.timestampMicros ?? BigInt((change.timestamp ?? new Date()).getTime()) * 1000n;
  const version = change.version ?? Number(micros / 1000n);
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new CodecError('INVALID_VALUE', { entity: schema.entityName, table: schema.tableName, actual: describe(version) }, 'a cell version must be a non-negative integer number of ms');
  }
  const timestampMillis = BigInt(version);
  const source = (change.type === 'put' ? change.row : change.key) as Record<string, unknown> | null;
  if (source === null || typeof source !== 'object') {
    throw new CodecError('INVALID_VALUE', { entity: schema.entityName, table: schema.tableName, actual: describe(source) }, `a ${change.type} change needs ${change.type === 'put' ? 'a row' : 'a key'} object`);
  }
  const primaryKey = schema.primaryKeys.map((field) => {
    const value = source[field.property];
    if (value === undefined || value === null) {
      throw new CodecError('MISSING_KEY', { entity: schema.entityName, table: schema.tableName, property: field.property, column: field.name, expected: field.type }, 'primary key value is missing');
    }
    return { name: field.name, value: rawValue(schema, field, value) };
  });
  const columns: RawChangeColumn[] = [];
  const put = (field: FieldSchema, value: unknown) => {
    if (value !== undefined && value !== null) columns.push({ op: 'Put', name: field.name, value: rawValue(schema, field, value), timestampMillis });
  };
  switch (change.type) {
    case 'put':
      for (const field of schema.columns) put(field, source[field.property]);
      return { type: 'PutRow', timestampMicros: micros, primaryKey, columns };
    case 'update':
      for (const [property, value] of Object.entries((change.set ?? {}) as Record<string, unknown>)) put(mappedField(schema, property), value);
      for (const d of change.deleted ?? []) {
        if (typeof d === 'string') columns.push({ op: 'DeleteAllVersions', name: mappedField(schema, d).name });
        else columns.push({ op: 'DeleteOneVersion', name: mappedField(schema, d.property).name, timestampMillis: BigInt(d.timestampMillis) });
      }
      return { type: 'UpdateRow', timestampMicros: micros, primaryKey, columns };
    case 'delete':
      return { type: 'DeleteRow', timestampMicros: micros, primaryKey, columns };
    default:
      throw new CodecError('INVALID_VALUE', { entity: schema.entityName, table: schema.tableName }, `unknown change type ${String((change as { type?: unknown }).type)}`);
  }
}
