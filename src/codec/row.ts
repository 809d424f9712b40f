/**
 * Whole-row conversion: entity ⇄ the SDK's `primaryKey` / `attributeColumns` arrays and read rows.
 *
 * SDK shapes (tablestore 5.6.5), typed once in `client/actions.ts` (the one vocabulary codec, query, repository
 * and client share):
 * - write: `primaryKey: [{ pk1: v }, { pk2: v }]` in schema order; `attributeColumns: [{ col: v }]` or
 *   `[{ col: v, timestamp: ms }]`;
 * - read: `{ primaryKey: [{ name, value }], attributes: [{ columnName, columnValue, timestamp }] }`, several
 *   entries per column when several versions are returned; a missing row is `{}` (or `primaryKey: null` in
 *   BatchGetRow).
 *
 * Decoding a row written by other code:
 * - **extra columns** (stored names the schema does not map) are ignored and kept nowhere, unless
 *   `{ extraColumns: 'error' }` is passed (then `CodecError` UNKNOWN_PROPERTY);
 * - **missing columns** leave the property absent (`undefined`); the entity is created with
 *   `Object.create(Entity.prototype)`, so no constructor runs and no field initializer supplies a default;
 * - **several versions** of one column: the newest (largest timestamp) wins;
 * - **a stored type that differs** from the column's: see `value.ts` (lossless conversions only, otherwise
 *   `CodecError` TYPE_MISMATCH naming table, column, expected and actual type);
 * - cells are matched by **name**, whether they come in `primaryKey` or `attributes`, so rows read from a
 *   secondary index (whose key holds attribute columns) decode too.
 */
import type { AttributeColumnsInput, PrimaryKeyCell, PrimaryKeyInput, ReadRow } from '../client/actions';
import type { TableSchema } from '../schema/types';
import { CodecError } from './errors';
import { sdk, sdkCell, fromSdkInt64, isSdkInt64, type SdkCellValue } from './sdk-values';
import { decodeFieldValue, describe, encodeFieldValue, encodeKeyValue } from './value';

export interface EncodeKeyOptions {
  /**
   * When the auto-increment key's property is `undefined`/`null`, send the SDK's `PK_AUTO_INCR` placeholder
   * (insert) instead of failing with MISSING_KEY. Default false (reads, deletes and updates of existing rows).
   */
  autoIncrement?: boolean;
}

export interface EncodeRowOptions extends EncodeKeyOptions {
  /** Cell timestamp (version, ms since the epoch) for every attribute cell; server time when omitted. */
  timestamp?: number;
}

export interface DecodeRowOptions {
  /** What to do with stored columns the schema does not map: `'ignore'` (default) or `'error'`. */
  extraColumns?: 'ignore' | 'error';
}

function tableContext(schema: TableSchema, column?: string) {
  return { entity: schema.entityName, table: schema.tableName, column };
}

function propertyOf(source: unknown, property: string): unknown {
  return source === null || typeof source !== 'object' ? undefined : (source as Record<string, unknown>)[property];
}

/**
 * The SDK primary key of `key` (an entity or a plain object holding every primary-key property), in schema
 * order. Throws `CodecError` MISSING_KEY for an absent key (see `options.autoIncrement`).
 */
export function encodeKey(schema: TableSchema, key: object, options?: EncodeKeyOptions): PrimaryKeyInput {
  if (key === null || typeof key !== 'object') {
    throw new CodecError('INVALID_VALUE', { ...tableContext(schema), actual: describe(key) }, 'a primary key must be an object');
  }
  // [performance] Arrays of their final size: an empty array's first push allocates room for 16 elements,
  // and a batch encodes two arrays per row (with the cells, most of what a batch allocates).
  const fields = schema.primaryKeys;
  const primaryKey: PrimaryKeyInput = new Array(fields.length);
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    const value = propertyOf(key, field.property);
    if (value === undefined || value === null) {
      if (field.autoIncrement && options?.autoIncrement) {
        primaryKey[i] = sdkCell(field.name, sdk().PK_AUTO_INCR);
        continue;
      }
      throw new CodecError(
        'MISSING_KEY',
        { entity: schema.entityName, table: schema.tableName, property: field.property, column: field.name, expected: field.type },
        field.autoIncrement ? 'the auto-increment key is required here (it is only generated on insert)' : 'primary key value is missing',
      );
    }
    primaryKey[i] = sdkCell(field.name, encodeKeyValue(schema, field, value));
  }
  return primaryKey;
}

/**
 * Encodes a whole entity for PutRow / BatchWriteRow PUT: its primary key and every attribute column whose
 * value is neither `undefined` nor `null` (absent columns are simply not written; PutRow replaces the row).
 */
export function encodeRow(
  schema: TableSchema,
  entity: object,
  options?: EncodeRowOptions,
): { primaryKey: PrimaryKeyInput; attributeColumns: AttributeColumnsInput } {
  const primaryKey = encodeKey(schema, entity, options);
  const timestamp = options?.timestamp;
  if (timestamp !== undefined && (!Number.isSafeInteger(timestamp) || timestamp < 0)) {
    throw new CodecError('INVALID_VALUE', { ...tableContext(schema), actual: describe(timestamp) }, 'a cell timestamp must be a non-negative integer number of ms');
  }
  // At most one cell per column (absent ones are skipped): sized so, then cut to the cells written.
  const fields = schema.columns;
  const attributeColumns: AttributeColumnsInput = new Array(fields.length);
  let n = 0;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    const value = propertyOf(entity, field.property);
    if (value === undefined || value === null) continue;
    const cell: AttributeColumnsInput[number] = sdkCell<SdkCellValue | number>(field.name, encodeFieldValue(schema, field, value));
    if (timestamp !== undefined) cell.timestamp = timestamp;
    attributeColumns[n++] = cell;
  }
  attributeColumns.length = n;
  return { primaryKey, attributeColumns };
}

/**
 * The SDK cell value for `value` compared against, or written to, the column of `property` (conditions,
 * filters, single-column writes). `value` must be non-null and of the property's representation.
 */
export function encodeValue(schema: TableSchema, property: string, value: unknown): SdkCellValue {
  const field = schema.byProperty[property];
  if (!field) {
    throw new CodecError('UNKNOWN_PROPERTY', { ...tableContext(schema), property }, `'${property}' is not a mapped property of ${schema.entityName}`);
  }
  if (value === undefined || value === null) {
    throw new CodecError('INVALID_VALUE', { ...tableContext(schema, field.name), property, actual: describe(value) }, 'a value is required');
  }
  return encodeFieldValue(schema, field, value);
}

/** True for the SDK's "no row" results: `{}`, `null`, or a row without primary key. */
export function isEmptyRow(row: ReadRow | null | undefined): boolean {
  return !row || !row.primaryKey || row.primaryKey.length === 0;
}

function timestampOf(value: unknown): bigint {
  if (isSdkInt64(value)) return fromSdkInt64(value);
  if (typeof value === 'number' && Number.isFinite(value)) return BigInt(Math.trunc(value));
  return -1n;
}

function unknownColumn(schema: TableSchema, name: string): never {
  throw new CodecError('UNKNOWN_PROPERTY', tableContext(schema, name), `stored column '${name}' is not mapped by ${schema.entityName}`);
}

/**
 * Decodes an SDK row into an entity instance (`Object.create(Entity.prototype)`; the constructor is not run).
 * See the module documentation for extra, missing, multi-version and differently typed columns.
 * Throws `CodecError` INVALID_ROW for an empty row (check with `isEmptyRow` first).
 */
export function decodeRow<T>(schema: TableSchema<T>, row: ReadRow, options: DecodeRowOptions = {}): T {
  if (isEmptyRow(row)) {
    throw new CodecError('INVALID_ROW', tableContext(schema), 'the row is empty (no primary key): check isEmptyRow() first');
  }
  const strict = options.extraColumns === 'error';
  const entity = Object.create(schema.entity.prototype as object) as Record<string, unknown>;
  for (const cell of row.primaryKey!) {
    const field = schema.byName[cell.name];
    if (!field) {
      if (strict) unknownColumn(schema, cell.name);
      continue;
    }
    entity[field.property] = decodeFieldValue(schema, field, cell.value);
  }
  const attrs = row.attributes;
  if (attrs && attrs.length > 0 && namesAscend(attrs)) {
    // No name repeats, so each cell is its column's one version [performance: no map per row; reads return
    // columns ordered by name, one version each unless more were asked for].
    for (const cell of attrs) {
      const field = schema.byName[cell.columnName];
      if (!field) {
        if (strict) unknownColumn(schema, cell.columnName);
        continue;
      }
      if (cell.columnValue === null || cell.columnValue === undefined) continue;
      entity[field.property] = decodeFieldValue(schema, field, cell.columnValue);
    }
  } else if (attrs && attrs.length > 0) {
    // The newest version of each mapped column. Timestamps are compared only when a column comes back with
    // several versions: a one-version row (the common case) converts none.
    const newest = new Map<string, { columnValue: unknown; timestamp?: unknown }>();
    for (const cell of attrs) {
      if (!schema.byName[cell.columnName]) {
        if (strict) unknownColumn(schema, cell.columnName);
        continue;
      }
      if (cell.columnValue === null || cell.columnValue === undefined) continue;
      const seen = newest.get(cell.columnName);
      if (!seen || timestampOf(cell.timestamp) > timestampOf(seen.timestamp)) newest.set(cell.columnName, cell);
    }
    for (const [name, cell] of newest) {
      const field = schema.byName[name];
      entity[field.property] = decodeFieldValue(schema, field, cell.columnValue);
    }
  }
  return entity as T;
}

/** Whether the cells' names strictly ascend (so none repeats). */
function namesAscend(attrs: readonly { columnName: string }[]): boolean {
  for (let i = 1; i < attrs.length; i++) if (!(attrs[i - 1].columnName < attrs[i].columnName)) return false;
  return true;
}

/**
 * Decodes an SDK primary key — read shape `[{ name, value }]` (e.g. the row returned for an auto-increment
 * insert, `nextStartPrimaryKey`) — into `{ property: value }` for the key columns present.
 */
export function decodeKey(schema: TableSchema, primaryKey: readonly PrimaryKeyCell[]): Record<string, unknown> {
  const key: Record<string, unknown> = {};
  for (const cell of primaryKey) {
    const field = schema.byName[cell.name];
    if (!field || field.kind !== 'primaryKey') {
      throw new CodecError('UNKNOWN_PROPERTY', tableContext(schema, cell.name), `'${cell.name}' is not a primary key of ${schema.entityName}`);
    }
    key[field.property] = decodeFieldValue(schema, field, cell.value);
  }
  return key;
}
