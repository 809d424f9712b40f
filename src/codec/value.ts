/**
 * Single-value conversion between an entity property and an SDK cell, for every column type and int64 mode.
 *
 * Encoding is strict: the JavaScript value must be of the property's representation (a `bigint` for a bigint
 * column, a safe integer `number` for a number-mode int64 column…), so a value that slipped past the compiler
 * is refused before any request is sent instead of being stored with the wrong type.
 *
 * Decoding rules for a stored cell whose type differs from the column's (rows written by other code):
 * | column        | stored INTEGER              | stored DOUBLE                               | other stored types |
 * |---------------|-----------------------------|---------------------------------------------|--------------------|
 * | int64 / date  | exact                       | accepted if an integer with abs ≤ 2^53-1    | TYPE_MISMATCH      |
 * | double        | accepted if abs ≤ 2^53-1    | exact                                       | TYPE_MISMATCH      |
 * | string        | TYPE_MISMATCH               | TYPE_MISMATCH                               | STRING only        |
 * | boolean / binary / json | TYPE_MISMATCH     | TYPE_MISMATCH                               | BOOLEAN / BINARY / STRING only |
 * DOUBLE → int64 is allowed because the raw Node SDK writes every JS number as DOUBLE (`{ qty: 1 }`), the most
 * common foreign row; a decimal STRING is *not* parsed into an int64 (a string is not a number, and conditions
 * comparing it as INTEGER would never match it).
 */
import type Long from 'long';
import type { KeyCellValue } from '../client/actions';
import type { FieldSchema, StorageType, TableSchema } from '../schema/types';
import { CodecError, type CodecErrorContext } from './errors';
import { fromSdkInt64, isSdkInt64, toSdkInt64, type SdkCellValue, type SdkInt64 } from './sdk-values';

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** Max bytes of a STRING/BINARY primary-key value (spec §1.6). */
export const MAX_PK_VALUE_BYTES = 1024;
/** Max bytes of a STRING/BINARY attribute value (spec §1.9). */
export const MAX_ATTRIBUTE_VALUE_BYTES = 2 * 1024 * 1024;
/** Date range of ECMAScript, in ms. */
const MAX_DATE_MS = 8.64e15;

const DECIMAL_RE = /^-?\d+$/;

/**
 * `Long.isLong` without loading `long`: the check is the marker long puts on every instance (`__isLong__`).
 * [performance] `long` compiles a WebAssembly module when it loads (~4 ms of a cold start): it is required
 * only when a `mode: 'long'` column is read ({@link longClass}).
 */
function isLong(value: unknown): value is Long {
  return typeof value === 'object' && value !== null && (value as { __isLong__?: unknown }).__isLong__ === true;
}

let LongClass: typeof Long | undefined;
/** The `long` package's class, loaded on first use. */
function longClass(): typeof Long {
  return (LongClass ??= require('long') as typeof Long);
}

/** The stored type of a value (schema/types.ts `StorageType`). */
export type StoredKind = StorageType;

function cellKind(value: unknown): StoredKind | undefined {
  if (typeof value === 'string') return 'STRING';
  if (typeof value === 'number') return 'DOUBLE';
  if (typeof value === 'boolean') return 'BOOLEAN';
  if (Buffer.isBuffer(value)) return 'BINARY';
  if (isSdkInt64(value)) return 'INTEGER';
  return undefined;
}

/** A short description of a JavaScript value, for messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return `number ${value}`;
  if (typeof value === 'bigint') return `bigint ${value}n`;
  if (typeof value === 'string') return value.length > 40 ? `string of length ${value.length}` : `string ${JSON.stringify(value)}`;
  if (typeof value !== 'object') return typeof value;
  if (Buffer.isBuffer(value)) return `Buffer of ${value.length} bytes`;
  if (isLong(value)) return `Long ${value.toString()}`;
  if (isSdkInt64(value)) return `Int64 ${value.toString()}`;
  const ctor = (value as { constructor?: { name?: string } }).constructor?.name;
  return ctor && ctor !== 'Object' ? ctor : 'object';
}

function expectedOf(field: FieldSchema): string {
  return field.type === 'int64' ? `int64 (${field.int64Mode})` : field.type;
}

export function fieldContext(schema: TableSchema, field: FieldSchema, actual?: string): CodecErrorContext {
  return {
    entity: schema.entityName,
    table: schema.tableName,
    property: field.property,
    column: field.name,
    expected: expectedOf(field),
    actual,
  };
}

function fail(rule: ConstructorParameters<typeof CodecError>[0], schema: TableSchema, field: FieldSchema, value: unknown, detail: string): never {
  throw new CodecError(rule, fieldContext(schema, field, describe(value)), detail);
}

function checkRange(schema: TableSchema, field: FieldSchema, original: unknown, v: bigint): bigint {
  if (v < INT64_MIN || v > INT64_MAX) {
    fail('INT64_RANGE', schema, field, original, `${v} is outside the int64 range [-2^63, 2^63-1]`);
  }
  return v;
}

/** The exact int64 value of a property value in the column's mode (strict about the representation). */
export function int64FromProperty(schema: TableSchema, field: FieldSchema, value: unknown): bigint {
  switch (field.int64Mode) {
    case 'bigint':
      if (typeof value !== 'bigint') fail('INVALID_VALUE', schema, field, value, `expected a bigint, got ${describe(value)}`);
      return checkRange(schema, field, value, value);
    case 'long':
      if (!isLong(value)) fail('INVALID_VALUE', schema, field, value, `expected a Long, got ${describe(value)}`);
      // An unsigned Long prints its unsigned value, which the range check then judges.
      return checkRange(schema, field, value, BigInt(value.toString()));
    case 'string':
      if (typeof value !== 'string') fail('INVALID_VALUE', schema, field, value, `expected a decimal string, got ${describe(value)}`);
      if (!DECIMAL_RE.test(value)) fail('NOT_INTEGER', schema, field, value, `${JSON.stringify(value)} is not a decimal integer (/^-?\\d+$/)`);
      return checkRange(schema, field, value, BigInt(value));
    case 'number':
      return safeNumberToBigInt(schema, field, value);
    default:
      return fail('INVALID_VALUE', schema, field, value, 'column has no int64 mode');
  }
}

function safeNumberToBigInt(schema: TableSchema, field: FieldSchema, value: unknown): bigint {
  if (typeof value !== 'number') fail('INVALID_VALUE', schema, field, value, `expected a number, got ${describe(value)}`);
  if (!Number.isInteger(value)) fail('NOT_INTEGER', schema, field, value, `${value} is not an integer`);
  if (!Number.isSafeInteger(value)) {
    fail('UNSAFE_INTEGER', schema, field, value, `${value} exceeds ±(2^53-1); an int64 number column refuses it instead of rounding (use mode 'bigint', 'long' or 'string')`);
  }
  return BigInt(value);
}

/** Converts an exact int64 to the column's mode. */
export function int64ToProperty(schema: TableSchema, field: FieldSchema, v: bigint, original: unknown = v): unknown {
  switch (field.int64Mode) {
    case 'bigint':
      return v;
    case 'long':
      return longClass().fromString(v.toString(), false, 10);
    case 'string':
      return v.toString();
    case 'number':
      if (v > MAX_SAFE || v < -MAX_SAFE) {
        fail('UNSAFE_INTEGER', schema, field, original, `stored value ${v} exceeds ±(2^53-1) and cannot be read into a number without rounding (use mode 'bigint', 'long' or 'string')`);
      }
      return Number(v);
    default:
      return fail('INVALID_VALUE', schema, field, original, 'column has no int64 mode');
  }
}

/** An exact integer from an increment delta given as number, bigint, Long or decimal string. */
export function int64FromDelta(schema: TableSchema, field: FieldSchema, value: unknown): bigint {
  if (typeof value === 'bigint') return checkRange(schema, field, value, value);
  if (isLong(value)) return checkRange(schema, field, value, BigInt(value.toString()));
  if (typeof value === 'string' && DECIMAL_RE.test(value)) return checkRange(schema, field, value, BigInt(value));
  if (typeof value === 'number') return safeNumberToBigInt(schema, field, value);
  return fail('INVALID_VALUE', schema, field, value, `an increment must be an integer (number, bigint, Long or decimal string), got ${describe(value)}`);
}

/** Checks a value's size against its column's limit: `bytes`, or a string's UTF-8 length. */
function checkSize(schema: TableSchema, field: FieldSchema, value: unknown, bytes: number | string): void {
  const max = field.kind === 'primaryKey' ? MAX_PK_VALUE_BYTES : MAX_ATTRIBUTE_VALUE_BYTES;
  if (typeof bytes === 'string') {
    // [performance] A UTF-16 code unit is at most 3 UTF-8 bytes: a string that short cannot exceed the limit
    // (counting its bytes is a native call per value of every row of a batch).
    if (bytes.length * 3 <= max) return;
    bytes = Buffer.byteLength(bytes, 'utf8');
  }
  if (bytes > max) {
    fail('VALUE_TOO_LARGE', schema, field, value, `${bytes} bytes exceed the ${field.kind === 'primaryKey' ? 'primary-key' : 'attribute'} value limit of ${max} bytes`);
  }
}

/**
 * Encodes one non-null property value into the SDK cell value of its column.
 * Throws `CodecError` if the value does not fit.
 */
export function encodeFieldValue(schema: TableSchema, field: FieldSchema, value: unknown): SdkCellValue {
  switch (field.type) {
    case 'string':
      if (typeof value !== 'string') fail('INVALID_VALUE', schema, field, value, `expected a string, got ${describe(value)}`);
      checkSize(schema, field, value, value);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') fail('INVALID_VALUE', schema, field, value, `expected a boolean, got ${describe(value)}`);
      return value;
    case 'binary': {
      if (!(value instanceof Uint8Array)) fail('INVALID_VALUE', schema, field, value, `expected a Buffer, got ${describe(value)}`);
      const buffer = Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      checkSize(schema, field, value, buffer.length);
      return buffer;
    }
    case 'double':
      if (typeof value !== 'number') fail('INVALID_VALUE', schema, field, value, `expected a number, got ${describe(value)}`);
      if (!Number.isFinite(value)) fail('INVALID_VALUE', schema, field, value, `${value} cannot be stored as a double (the service refuses NaN and ±Infinity)`);
      return value;
    case 'int64':
      return toSdkInt64(int64FromProperty(schema, field, value));
    case 'date': {
      if (!(value instanceof Date)) fail('INVALID_VALUE', schema, field, value, `expected a Date, got ${describe(value)}`);
      const ms = value.getTime();
      if (Number.isNaN(ms)) fail('INVALID_VALUE', schema, field, value, 'Invalid Date');
      return toSdkInt64(BigInt(ms));
    }
    case 'json': {
      let text: string | undefined;
      try {
        text = JSON.stringify(value);
      } catch (e) {
        fail('INVALID_JSON', schema, field, value, `cannot be serialised as JSON: ${(e as Error).message}`);
      }
      if (text === undefined) fail('INVALID_JSON', schema, field, value, `${describe(value)} has no JSON representation`);
      checkSize(schema, field, value, text);
      return text;
    }
    default:
      return fail('INVALID_VALUE', schema, field, value, `unsupported column type ${String(field.type)}`);
  }
}

/**
 * Encodes one primary-key value. A key column is stored as STRING, INTEGER or BINARY (schema/build.ts refuses
 * every other type for a key), so its cell is never a JS number or boolean; the check makes that a type.
 */
export function encodeKeyValue(schema: TableSchema, field: FieldSchema, value: unknown): KeyCellValue {
  const cell = encodeFieldValue(schema, field, value);
  if (typeof cell === 'number' || typeof cell === 'boolean') fail('INVALID_VALUE', schema, field, value, `a primary key cannot hold a ${typeof cell}`);
  return cell;
}

function mismatch(schema: TableSchema, field: FieldSchema, kind: string, detail = ''): never {
  throw new CodecError(
    'TYPE_MISMATCH',
    fieldContext(schema, field, kind),
    `stored type ${kind} cannot be read as ${expectedOf(field)}${detail}`,
  );
}

/** The exact integer a stored INTEGER (or integral, safe DOUBLE) value holds. */
function storedInteger(schema: TableSchema, field: FieldSchema, value: unknown, kind: StoredKind): bigint {
  if (kind === 'INTEGER') return value as bigint;
  if (kind === 'DOUBLE' && Number.isSafeInteger(value)) return BigInt(value as number);
  if (kind === 'DOUBLE') return mismatch(schema, field, kind, ` (value ${String(value)} is not an integer within ±(2^53-1))`);
  return mismatch(schema, field, kind);
}

/**
 * Decodes one stored SDK cell into the property value of its column (see the module table for foreign types).
 * Throws `CodecError` when that cannot be done exactly.
 */
export function decodeFieldValue(schema: TableSchema, field: FieldSchema, cell: unknown): unknown {
  const kind = cellKind(cell);
  if (kind === undefined) {
    throw new CodecError('INVALID_ROW', fieldContext(schema, field, describe(cell)), `unrecognised SDK cell value ${describe(cell)}`);
  }
  return decodeStoredValue(schema, field, kind, kind === 'INTEGER' ? fromSdkInt64(cell as SdkInt64) : cell);
}

/**
 * Decodes a stored value whose TableStore type is known (`kind`; an INTEGER as an exact `bigint`) into the
 * property value of its column: the one set of rules for SDK rows and for change records (client/changes.ts).
 */
export function decodeStoredValue(schema: TableSchema, field: FieldSchema, kind: StoredKind, value: unknown): unknown {
  switch (field.type) {
    case 'string':
      return kind === 'STRING' ? value : mismatch(schema, field, kind);
    case 'boolean':
      return kind === 'BOOLEAN' ? value : mismatch(schema, field, kind);
    case 'binary':
      return kind === 'BINARY' ? value : mismatch(schema, field, kind);
    case 'double':
      if (kind === 'DOUBLE') return value;
      if (kind === 'INTEGER') {
        const v = value as bigint;
        if (v > MAX_SAFE || v < -MAX_SAFE) return mismatch(schema, field, kind, ` (value ${v} is not exactly representable as a double)`);
        return Number(v);
      }
      return mismatch(schema, field, kind);
    case 'int64':
      return int64ToProperty(schema, field, storedInteger(schema, field, value, kind), value);
    case 'date': {
      const ms = storedInteger(schema, field, value, kind);
      if (ms > BigInt(MAX_DATE_MS) || ms < -BigInt(MAX_DATE_MS)) {
        throw new CodecError('INVALID_VALUE', fieldContext(schema, field, `INTEGER ${ms}`), `stored value ${ms} is outside the Date range (±8.64e15 ms)`);
      }
      return new Date(Number(ms));
    }
    case 'json':
      if (kind !== 'STRING') return mismatch(schema, field, kind);
      try {
        return JSON.parse(value as string);
      } catch (e) {
        throw new CodecError('INVALID_JSON', fieldContext(schema, field, describe(value)), `stored text is not valid JSON: ${(e as Error).message}`);
      }
    default:
      return mismatch(schema, field, kind);
  }
}
