/**
 * The SDK's value classes and constants as the ORM layers (codec/, query/) use them: int64 cells, PK
 * placeholders, condition objects. The SDK is typed once, in `client/sdk.ts` (the layer below); no requests
 * are made here. Facts relied on (tablestore 5.6.5):
 * - integer cells are `Int64LE` instances of the SDK's own `int64-buffer` copy (checked with `instanceof` by its
 *   PlainBuffer writer, so only that class will do); `TableStore.Long.fromString` returns one, but through a
 *   shared singleton, so the class is taken from it once and instances are built from 8-byte LE buffers;
 * - `INF_MIN`, `INF_MAX`, `PK_AUTO_INCR` are identity-compared sentinel objects.
 */

import {
  Int64LE,
  TableStoreSdk,
  type CellValue,
  type CompositeCondition,
  type Condition,
  type Int64LE as Int64LEValue,
  type SingleColumnCondition,
} from '../client/sdk';

/** An int64 cell value as the SDK reads and writes it (`int64-buffer`'s `Int64LE`). */
export type SdkInt64 = Int64LEValue;
/** A value the SDK can put in a cell. */
export type SdkCellValue = CellValue;
/** An SDK column condition (SingleColumnCondition or CompositeCondition). */
export type SdkColumnCondition = SingleColumnCondition | CompositeCondition;
export type SdkRowCondition = Condition;
export type SdkModule = typeof TableStoreSdk;

/** The `tablestore` module. */
export function sdk(): SdkModule {
  return TableStoreSdk;
}

/** True for an SDK int64 cell value (any copy of `int64-buffer`'s Int64LE). */
export function isSdkInt64(value: unknown): value is SdkInt64 {
  return (
    typeof value === 'object' &&
    value !== null &&
    (Int64LE.isInt64LE(value) || (value as { _isInt64LE?: unknown })._isInt64LE === true)
  );
}

/** Builds an SDK int64 cell value; `value` must already be within the int64 range. */
export function toSdkInt64(value: bigint): SdkInt64 {
  const buffer = Buffer.allocUnsafe(8);
  buffer.writeBigInt64LE(value);
  return new Int64LE(buffer);
}

/** The exact value of an SDK int64 cell. */
export function fromSdkInt64(value: SdkInt64): bigint {
  const buffer = value.toBuffer();
  return buffer.readBigInt64LE(0);
}
