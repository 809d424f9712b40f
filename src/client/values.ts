/**
 * The values tsorm's requests and results carry: int64 cells, the primary-key sentinels (INF_MIN, INF_MAX,
 * the auto-increment placeholder), row conditions and column filters, and the enumerations that go with them.
 * tsorm's own, so that the runtime needs no SDK (issue 15). Their surface is the official SDK's (tablestore
 * 5.6.x lib/metadata.js, lib/filter.js, int64-buffer's `Int64LE`), field for field and value for value, so
 * params written for the SDK keep working; `sdk-adapter.ts` turns them into the SDK's own objects when a
 * request goes through `transport: 'sdk'`, whose encoder tests them with `instanceof` and `===`.
 */

// ---------------------------------------------------------------------------------------------------------
// int64
// ---------------------------------------------------------------------------------------------------------

/**
 * An int64 cell value. Requests accept tsorm's `Int64LE` or any copy of int64-buffer's (the SDK's); results
 * hold tsorm's on the wire transport and the SDK's on `transport: 'sdk'`. Test one with `Int64LE.isInt64LE`.
 * `toString()` and `toBigInt()` are exact; `toNumber()` and `toJSON()` lose precision beyond 2^53.
 */
export interface Int64LE {
  toNumber(): number;
  toJSON(): number;
  toString(radix?: number): string;
  toBuffer(raw?: boolean): Buffer;
  toArray(raw?: boolean): number[];
}

export interface Int64LEConstructor {
  /** From a safe integer (truncated), a bigint (wrapped to 64 bits), or a string in `radix` (10 by default). */
  new (value?: number | bigint): Int64LE & Int64Exact;
  new (value: string, radix?: number): Int64LE & Int64Exact;
  /** From two 32-bit halves, high first (as int64-buffer). */
  new (high: number, low: number): Int64LE & Int64Exact;
  /** Reads 8 little-endian bytes at `offset`. */
  new (buffer: Uint8Array, offset?: number): Int64LE & Int64Exact;
  /** True for tsorm's int64 values and for any copy of int64-buffer's `Int64LE` (the SDK's). */
  isInt64LE(value: unknown): value is Int64LE;
}

/** What tsorm's own int64 adds to int64-buffer's surface. */
export interface Int64Exact {
  toBigInt(): bigint;
}

/** [inferred] int64-buffer marks its class with `_isInt64LE` on the prototype and tests that marker only. */
class TsormInt64LE implements Int64LE, Int64Exact {
  /** The exact value (signed 64-bit). */
  readonly value: bigint;

  constructor(value?: number | bigint | string | Uint8Array, second?: number) {
    if (value === undefined) this.value = 0n;
    else if (typeof value === 'bigint') this.value = BigInt.asIntN(64, value);
    else if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new RangeError(`Int64LE: expected a finite number, got ${value}`);
      this.value =
        second === undefined
          ? BigInt.asIntN(64, BigInt(Math.trunc(value)))
          : BigInt.asIntN(64, (BigInt(Math.trunc(value) >>> 0) << 32n) | BigInt(Math.trunc(second) >>> 0));
    } else if (typeof value === 'string') this.value = BigInt.asIntN(64, parseInteger(value, second ?? 10));
    else if (value instanceof Uint8Array) {
      const offset = second ?? 0;
      if (offset < 0 || offset + 8 > value.length) throw new RangeError(`Int64LE: needs 8 bytes at offset ${offset}, the buffer has ${value.length}`);
      this.value = Buffer.from(value.buffer, value.byteOffset, value.byteLength).readBigInt64LE(offset);
    } else throw new TypeError(`Int64LE: expected a number, bigint, string or bytes, got ${typeof value}`);
  }

  static isInt64LE(value: unknown): value is Int64LE {
    return typeof value === 'object' && value !== null && (value as { _isInt64LE?: unknown })._isInt64LE === true;
  }

  toBigInt(): bigint {
    return this.value;
  }

  toNumber(): number {
    return Number(this.value);
  }

  toJSON(): number {
    return Number(this.value);
  }

  toString(radix?: number): string {
    return this.value.toString(radix);
  }

  toBuffer(): Buffer {
    const b = Buffer.allocUnsafe(8);
    b.writeBigInt64LE(this.value);
    return b;
  }

  toArray(): number[] {
    return [...this.toBuffer()];
  }
}
Object.defineProperty(TsormInt64LE.prototype, '_isInt64LE', { value: true });

function parseInteger(text: string, radix: number): bigint {
  const negative = text.startsWith('-');
  const digits = negative ? text.slice(1) : text;
  if (radix === 10 && /^\d+$/.test(digits)) return negative ? -BigInt(digits) : BigInt(digits);
  if (!/^[0-9a-z]+$/i.test(digits) || radix < 2 || radix > 36) throw new RangeError(`Int64LE: '${text}' is not an integer in radix ${radix}`);
  let v = 0n;
  const r = BigInt(radix);
  for (const ch of digits.toLowerCase()) {
    const d = parseInt(ch, radix);
    if (Number.isNaN(d)) throw new RangeError(`Int64LE: '${text}' is not an integer in radix ${radix}`);
    v = v * r + BigInt(d);
  }
  return negative ? -v : v;
}

export const Int64LE: Int64LEConstructor = TsormInt64LE as unknown as Int64LEConstructor;

/** The exact value of an int64 cell, tsorm's or int64-buffer's. */
export function int64Value(v: Int64LE): bigint {
  if (v instanceof TsormInt64LE) return v.value;
  return v.toBuffer().readBigInt64LE(0);
}

/** A new int64 cell value; `value` is wrapped to 64 bits (callers check the range first). */
export function int64(value: bigint): Int64LE & Int64Exact {
  return new TsormInt64LE(value);
}

/**
 * A number a response hands back: a plain number, or an int64 read as a protobufjs `Long` (search,
 * aggregation, DescribeSearchIndex, DescribeTable replies) or an `Int64LE` (cells). Precision beyond 2^53 is
 * lost, which callers accept for counts, sizes and timestamps.
 */
export function sdkNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v && typeof (v as { toNumber?: unknown }).toNumber === 'function') return (v as { toNumber(): number }).toNumber();
  return Number(v);
}

/**
 * The UTF-8 byte length of `s` (a name or string value as a request carries it). [performance] A short all-ASCII string (a column name, most keys and values)
 * is counted in JS, which costs less than the native `Buffer.byteLength` call; the sizes of every cell of
 * every row of a batch are counted with it.
 */
export function utf8Length(s: string): number {
  if (s.length > 64) return Buffer.byteLength(s);
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return Buffer.byteLength(s);
  return s.length;
}

// ---------------------------------------------------------------------------------------------------------
// Primary-key sentinels (lib/metadata.js: objects compared by identity)
// ---------------------------------------------------------------------------------------------------------

export interface InfMin {
  readonly __tablestoreSentinel: 'INF_MIN';
}
export interface InfMax {
  readonly __tablestoreSentinel: 'INF_MAX';
}
export interface PkAutoIncrement {
  readonly __tablestoreSentinel: 'PK_AUTO_INCR';
}

/** Sorts before every value of a key column (ranges only). */
export const INF_MIN: InfMin = Object.freeze({ __tablestoreSentinel: 'INF_MIN' as const });
/** Sorts after every value of a key column (ranges only). */
export const INF_MAX: InfMax = Object.freeze({ __tablestoreSentinel: 'INF_MAX' as const });
/** The value of an auto-increment key column in a write: the service assigns it. */
export const PK_AUTO_INCR: PkAutoIncrement = Object.freeze({ __tablestoreSentinel: 'PK_AUTO_INCR' as const });

/** A primary-key value a request may hold (a JS number is refused as a primary key). */
export type PrimaryKeyValue = string | Buffer | Int64LE | InfMin | InfMax | PkAutoIncrement;
/** An attribute value a request may hold: a JS `number` is written as DOUBLE, an int64 must be an `Int64LE`. */
export type CellValue = string | number | boolean | Buffer | Int64LE;

// ---------------------------------------------------------------------------------------------------------
// Enumerations (lib/metadata.js, lib/filter.js; the filter ones are tablestore_filter.proto's numbers)
// ---------------------------------------------------------------------------------------------------------

export const RowExistenceExpectation = Object.freeze({ IGNORE: 0, EXPECT_EXIST: 1, EXPECT_NOT_EXIST: 2 } as const);
export const LogicalOperator = Object.freeze({ NOT: 1, AND: 2, OR: 3 } as const);
export const ComparatorType = Object.freeze({
  EQUAL: 1,
  NOT_EQUAL: 2,
  GREATER_THAN: 3,
  GREATER_EQUAL: 4,
  LESS_THAN: 5,
  LESS_EQUAL: 6,
} as const);
export const Direction = Object.freeze({ FORWARD: 'FORWARD', BACKWARD: 'BACKWARD' } as const);
export const UpdateType = Object.freeze({ PUT: 'PUT', DELETE: 'DELETE', DELETE_ALL: 'DELETE_ALL', INCREMENT: 'INCREMENT' } as const);
export const BatchWriteType = Object.freeze({ PUT: 1, UPDATE: 2, DELETE: 3 } as const);
/** Note the SDK's spelling: `Primarykey` (lower-case k). */
export const ReturnType = Object.freeze({ NONE: 0, Primarykey: 1, AfterModify: 2 } as const);
export const PrimaryKeyType = Object.freeze({ INTEGER: 1, STRING: 2, BINARY: 3 } as const);
export const PrimaryKeyOption = Object.freeze({ AUTO_INCREMENT: 1 } as const);
export const DefinedColumnType = Object.freeze({ DCT_INTEGER: 1, DCT_DOUBLE: 2, DCT_BOOLEAN: 3, DCT_STRING: 4 } as const);
export const IndexUpdateMode = Object.freeze({ IUM_ASYNC_INDEX: 0, IUM_SYNC_INDEX: 1 } as const);
export const IndexType = Object.freeze({ IT_GLOBAL_INDEX: 0, IT_LOCAL_INDEX: 1 } as const);

export type RowExistenceExpectationValue = 0 | 1 | 2;
export type LogicalOperatorValue = number;
export type ComparatorTypeValue = number;

/** `filter.proto` FilterType: what `getType()` returns. */
export const FilterType = Object.freeze({ SINGLE_COLUMN_VALUE: 1, COMPOSITE_COLUMN_VALUE: 2, COLUMN_PAGINATION: 3 } as const);

function oneOf(values: Readonly<Record<string, unknown>>, value: unknown, what: string): void {
  for (const k in values) if (values[k] === value) return;
  throw new Error(`Expect input ${what} should be one of TableStore.${what === 'combinator' ? 'LogicalOperator' : what === 'comparator' ? 'ComparatorType' : 'RowExistenceExpectation'}`);
}

// ---------------------------------------------------------------------------------------------------------
// Conditions and filters (lib/filter.js: the same fields, defaults and checks)
// ---------------------------------------------------------------------------------------------------------

/** Base of the column conditions. */
export abstract class ColumnCondition {
  abstract getType(): number;
}

/** A column compared with a value; `passIfMissing` and `latestVersionOnly` default to `true`. */
export class SingleColumnCondition extends ColumnCondition {
  comparator: ComparatorTypeValue;
  passIfMissing: boolean;
  latestVersionOnly: boolean;

  constructor(
    public columnName: string,
    public columnValue: CellValue,
    comparator: ComparatorTypeValue,
    passIfMissing = true,
    latestVersionOnly = true,
  ) {
    super();
    oneOf(ComparatorType, comparator, 'comparator');
    this.comparator = comparator;
    this.passIfMissing = passIfMissing;
    this.latestVersionOnly = latestVersionOnly;
  }

  getType(): number {
    return FilterType.SINGLE_COLUMN_VALUE;
  }
}

/** NOT / AND / OR over sub-conditions (the SDK's field name, `sub_conditions`). */
export class CompositeCondition extends ColumnCondition {
  combinator: LogicalOperatorValue;
  sub_conditions: ColumnFilter[] = [];

  constructor(combinator: LogicalOperatorValue) {
    super();
    oneOf(LogicalOperator, combinator, 'combinator');
    this.combinator = combinator;
  }

  addSubCondition(condition: ColumnFilter): void {
    this.sub_conditions.push(condition);
  }

  clearSubCondition(): void {
    this.sub_conditions = [];
  }

  getType(): number {
    return FilterType.COMPOSITE_COLUMN_VALUE;
  }
}

/** Which columns of a wide row a read returns: `limit` columns after `offset`. */
export class ColumnPaginationFilter {
  constructor(
    public limit = 1,
    public offset = 0,
  ) {}

  getType(): number {
    return FilterType.COLUMN_PAGINATION;
  }
}

export type ColumnFilter = SingleColumnCondition | CompositeCondition | ColumnPaginationFilter;

/** A write's row condition: an existence expectation and an optional column condition. */
export class Condition {
  rowExistenceExpectation: RowExistenceExpectationValue;
  columnCondition: ColumnFilter | null;

  constructor(rowExistenceExpectation: RowExistenceExpectationValue, columnCondition: ColumnFilter | null = null) {
    oneOf(RowExistenceExpectation, rowExistenceExpectation, 'rowExistenceExpectation');
    this.rowExistenceExpectation = rowExistenceExpectation;
    this.columnCondition = columnCondition ?? null;
  }
}
