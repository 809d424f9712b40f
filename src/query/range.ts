/**
 * Primary-key ranges for GetRange (`find()`), from key prefixes.
 *
 * A key prefix gives the first k primary keys (k may be 0); the remaining keys are filled with the SDK's
 * `INF_MIN` / `INF_MAX` sentinels so the range covers exactly the rows that start with the prefix:
 *
 * | direction | inclusive start      | exclusive end        |
 * |-----------|----------------------|----------------------|
 * | forward   | prefix + INF_MIN…    | prefix + INF_MAX…    |
 * | backward  | prefix + INF_MAX…    | prefix + INF_MIN…    |
 *
 * A prefix that gives every key selects at most one row: the range is then `[key, successor(key))`, sent
 * FORWARD whatever the direction asked (the order of one row does not matter, and a backward range would need
 * a predecessor, which has no finite form for strings). The successor appends `\0` to a string, a 0x00 byte to
 * a binary, and adds 1 to an integer (INF_MAX after 2^63-1).
 */
import { CodecError } from '../codec/errors';
import type { KeyCellValue, PrimaryKeyInput } from '../client/actions';
import { fromSdkInt64, isSdkInt64, sdk, toSdkInt64, type SdkCellValue } from '../codec/sdk-values';
import { encodeKeyValue, INT64_MAX } from '../codec/value';
import type { KeyPrefix } from '../schema/entity-types';
import type { PrimaryKeySchema, TableSchema } from '../schema/types';
import { QueryError } from './errors';

/** Scan direction. */
export type Direction = 'forward' | 'backward';

/** A GetRange key range in the SDK's shapes. */
export interface SdkKeyRange {
  /** `TableStore.Direction` value to send. */
  readonly direction: 'FORWARD' | 'BACKWARD';
  readonly inclusiveStartPrimaryKey: PrimaryKeyInput;
  readonly exclusiveEndPrimaryKey: PrimaryKeyInput;
  /**
   * True when the range holds no row (start not before end in the scan direction). The service refuses such
   * a range ("Begin key must less than end key"), so send no request and yield nothing.
   */
  readonly empty: boolean;
}

/** Range bounds given as key prefixes (see `keyRange`). */
export interface KeyRangeBounds<T> {
  /** Inclusive: rows starting with this prefix are included. Omitted: from the first (last, backward) row. */
  start?: KeyPrefix<T>;
  /** Exclusive: rows starting with this prefix are excluded. Omitted: to the last (first, backward) row. */
  end?: KeyPrefix<T>;
}

type Bound = { kind: 'value'; field: PrimaryKeySchema; value: KeyCellValue } | { kind: 'min' } | { kind: 'max' };

/** The given leading keys of `prefix`, encoded. */
function readPrefix<T>(schema: TableSchema<T>, prefix: KeyPrefix<T> | undefined, what: string): Bound[] {
  if (prefix === undefined) return [];
  if (prefix === null || typeof prefix !== 'object') {
    throw new QueryError('KEY_PREFIX', schema.entityName, undefined, `${what} must be an object of primary-key values`);
  }
  const values = prefix as Record<string, unknown>;
  for (const property of Object.keys(values)) {
    if (values[property] === undefined) continue;
    const field = schema.byProperty[property];
    if (!field || field.kind !== 'primaryKey') {
      throw new QueryError('UNKNOWN_PROPERTY', schema.entityName, property, `'${property}' is not a primary key of ${schema.entityName}`);
    }
  }
  const bounds: Bound[] = [];
  let missing: PrimaryKeySchema | undefined;
  for (const field of schema.primaryKeys) {
    const value = values[field.property];
    if (value === undefined || value === null) {
      missing ??= field;
      continue;
    }
    if (missing) {
      throw new QueryError(
        'KEY_PREFIX',
        schema.entityName,
        field.property,
        `${what} gives '${field.property}' but not '${missing.property}' before it; a prefix gives the first keys in order (${schema.primaryKeys.map((k) => k.property).join(', ')})`,
      );
    }
    bounds.push({ kind: 'value', field, value: encodeKeyValue(schema, field, value) });
  }
  return bounds;
}

function fill(bounds: Bound[], count: number, kind: 'min' | 'max'): Bound[] {
  const out = [...bounds];
  while (out.length < count) out.push({ kind });
  return out;
}

function toSdk(schema: TableSchema, bounds: Bound[]): PrimaryKeyInput {
  const TableStore = sdk();
  return bounds.map((b, i) => {
    const name = schema.primaryKeys[i].name;
    return { [name]: b.kind === 'value' ? b.value : b.kind === 'min' ? TableStore.INF_MIN : TableStore.INF_MAX };
  });
}

function compareValues(a: SdkCellValue, b: SdkCellValue): number {
  if (isSdkInt64(a) && isSdkInt64(b)) {
    const x = fromSdkInt64(a);
    const y = fromSdkInt64(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  // STRING order is byte-wise on UTF-8 (spec §2.2); BINARY is unsigned byte-wise.
  const x = typeof a === 'string' ? Buffer.from(a, 'utf8') : (a as Buffer);
  const y = typeof b === 'string' ? Buffer.from(b, 'utf8') : (b as Buffer);
  return Buffer.compare(x, y);
}

function rank(b: Bound): number {
  return b.kind === 'min' ? -1 : b.kind === 'max' ? 1 : 0;
}

/** Orders two full bounds the way the service orders primary keys. */
function compareBounds(a: Bound[], b: Bound[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.kind === 'value' && y.kind === 'value') {
      const c = compareValues(x.value, y.value);
      if (c !== 0) return c;
    } else if (rank(x) !== rank(y)) {
      return rank(x) - rank(y);
    }
  }
  return 0;
}

/** The immediate successor of a full key (see module doc). */
function successor(schema: TableSchema, key: Bound[]): Bound[] {
  const out = [...key];
  const last = out[out.length - 1];
  if (last.kind !== 'value') return out;
  const { field, value } = last;
  if (isSdkInt64(value)) {
    const v = fromSdkInt64(value);
    out[out.length - 1] = v === INT64_MAX ? { kind: 'max' } : { kind: 'value', field, value: toSdkInt64(v + 1n) };
  } else if (typeof value === 'string') {
    out[out.length - 1] = { kind: 'value', field, value: `${value}\u0000` };
  } else if (Buffer.isBuffer(value)) {
    out[out.length - 1] = { kind: 'value', field, value: Buffer.concat([value, Buffer.from([0])]) };
  } else {
    throw new CodecError('INVALID_VALUE', { entity: schema.entityName, table: schema.tableName, property: field.property, column: field.name }, 'not a primary-key value');
  }
  return out;
}

function result(schema: TableSchema, direction: Direction, start: Bound[], end: Bound[]): SdkKeyRange {
  const order = compareBounds(start, end);
  return Object.freeze({
    direction: direction === 'forward' ? 'FORWARD' : 'BACKWARD',
    inclusiveStartPrimaryKey: toSdk(schema, start),
    exclusiveEndPrimaryKey: toSdk(schema, end),
    empty: direction === 'forward' ? order >= 0 : order <= 0,
  });
}

function checkDirection(schema: TableSchema, direction: unknown): asserts direction is Direction {
  if (direction !== 'forward' && direction !== 'backward') {
    throw new QueryError('INVALID_CONDITION', schema.entityName, undefined, `direction must be 'forward' or 'backward', got ${String(direction)}`);
  }
}

/**
 * The range of every row whose primary key starts with `prefix` (`{}` = the whole table), in `direction`.
 * Throws `QueryError` KEY_PREFIX when the prefix skips a key, `CodecError` when a value does not fit.
 */
export function prefixRange<T>(schema: TableSchema<T>, prefix: KeyPrefix<T>, direction: Direction = 'forward'): SdkKeyRange {
  checkDirection(schema, direction);
  const given = readPrefix(schema, prefix, 'the key prefix');
  const n = schema.primaryKeys.length;
  if (given.length === n) return result(schema, 'forward', given, successor(schema, given));
  return direction === 'forward'
    ? result(schema, direction, fill(given, n, 'min'), fill(given, n, 'max'))
    : result(schema, direction, fill(given, n, 'max'), fill(given, n, 'min'));
}

/**
 * The range from `start` (inclusive prefix) to `end` (exclusive prefix) in `direction`. For a backward scan
 * `start` is the upper bound. Rows starting with `start` are included, rows starting with `end` excluded:
 * forward fills both with INF_MIN, backward with INF_MAX. Check `empty` before sending.
 */
export function keyRange<T>(schema: TableSchema<T>, bounds: KeyRangeBounds<T>, direction: Direction = 'forward'): SdkKeyRange {
  checkDirection(schema, direction);
  const n = schema.primaryKeys.length;
  const start = readPrefix(schema, bounds.start, 'the range start');
  const end = readPrefix(schema, bounds.end, 'the range end');
  // A given bound is padded so that rows starting with it fall on the inclusive side of the start and on the
  // excluded side of the end; an absent end is the far end of the table (an absent start pads [] the same way).
  if (direction === 'forward') {
    return result(schema, direction, fill(start, n, 'min'), fill(end, n, bounds.end === undefined ? 'max' : 'min'));
  }
  return result(schema, direction, fill(start, n, 'max'), fill(end, n, bounds.end === undefined ? 'min' : 'max'));
}
