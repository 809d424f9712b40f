/**
 * The only place the ORM layers (codec/, query/) touch the `tablestore` SDK: its value classes and constants
 * (int64 cells, PK placeholders, condition objects). No requests are made here; `client/` owns those.
 *
 * The SDK ships no types, so the few members used are declared below. Facts relied on (tablestore 5.6.5):
 * - integer cells are `Int64LE` instances of the SDK's own `int64-buffer` copy (checked with `instanceof` by its
 *   PlainBuffer writer, so only that class will do); `TableStore.Long.fromString` returns one, but through a
 *   shared singleton, so the class is taken from it once and instances are built from 8-byte LE buffers;
 * - `INF_MIN`, `INF_MAX`, `PK_AUTO_INCR` are identity-compared sentinel objects.
 */

/** An int64 cell value as the SDK reads and writes it (`int64-buffer`'s `Int64LE`). */
export interface SdkInt64 {
  toString(radix?: number): string;
  toBuffer(raw?: boolean): Buffer;
  toNumber(): number;
}

interface SdkInt64Class {
  new (buffer: Buffer): SdkInt64;
  isInt64LE(value: unknown): boolean;
}

/** A value the SDK can put in a cell. */
export type SdkCellValue = string | number | boolean | Buffer | SdkInt64;

/** An SDK column condition (SingleColumnCondition or CompositeCondition). */
export interface SdkColumnCondition {
  getType(): number;
}

export interface SdkSingleColumnCondition extends SdkColumnCondition {
  columnName: string;
  columnValue: SdkCellValue;
  comparator: number;
  passIfMissing: boolean;
  latestVersionOnly: boolean;
}

export interface SdkCompositeCondition extends SdkColumnCondition {
  combinator: number;
  sub_conditions: SdkColumnCondition[];
  addSubCondition(condition: SdkColumnCondition): void;
}

export interface SdkRowCondition {
  rowExistenceExpectation: number;
  columnCondition: SdkColumnCondition | null;
}

/** The members of `require('tablestore')` used by codec/ and query/. */
export interface SdkModule {
  Long: { fromString(value: string): SdkInt64 };
  INF_MIN: object;
  INF_MAX: object;
  PK_AUTO_INCR: object;
  ComparatorType: {
    EQUAL: number;
    NOT_EQUAL: number;
    GREATER_THAN: number;
    GREATER_EQUAL: number;
    LESS_THAN: number;
    LESS_EQUAL: number;
  };
  LogicalOperator: { NOT: number; AND: number; OR: number };
  RowExistenceExpectation: { IGNORE: number; EXPECT_EXIST: number; EXPECT_NOT_EXIST: number };
  Direction: { FORWARD: 'FORWARD'; BACKWARD: 'BACKWARD' };
  SingleColumnCondition: new (
    columnName: string,
    columnValue: SdkCellValue,
    comparator: number,
    passIfMissing?: boolean,
    latestVersionOnly?: boolean,
  ) => SdkSingleColumnCondition;
  CompositeCondition: new (combinator: number) => SdkCompositeCondition;
  Condition: new (rowExistenceExpectation: number, columnCondition?: SdkColumnCondition | null) => SdkRowCondition;
}

let sdkModule: SdkModule | undefined;
let int64Class: SdkInt64Class | undefined;

/** The `tablestore` module, loaded on first use. */
export function sdk(): SdkModule {
  if (!sdkModule) sdkModule = require('tablestore') as SdkModule;
  return sdkModule;
}

function int64LE(): SdkInt64Class {
  if (!int64Class) {
    int64Class = sdk().Long.fromString('0').constructor as SdkInt64Class;
  }
  return int64Class;
}

/** True for an SDK int64 cell value (any copy of `int64-buffer`'s Int64LE). */
export function isSdkInt64(value: unknown): value is SdkInt64 {
  return (
    typeof value === 'object' &&
    value !== null &&
    (int64LE().isInt64LE(value) || (value as { _isInt64LE?: unknown })._isInt64LE === true)
  );
}

/** Builds an SDK int64 cell value; `value` must already be within the int64 range. */
export function toSdkInt64(value: bigint): SdkInt64 {
  const buffer = Buffer.allocUnsafe(8);
  buffer.writeBigInt64LE(value);
  return new (int64LE())(buffer);
}

/** The exact value of an SDK int64 cell. */
export function fromSdkInt64(value: SdkInt64): bigint {
  const buffer = value.toBuffer();
  return buffer.readBigInt64LE(0);
}
