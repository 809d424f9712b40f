/**
 * The request values as the ORM layers (codec/, query/) use them: int64 cells, PK placeholders, condition
 * objects. They are tsorm's own (`client/values.ts`, the layer below), not the SDK's: the runtime loads no SDK
 * (issue 15). Reading accepts any int64 (tsorm's, or the SDK's from `transport: 'sdk'` results).
 */

import {
  int64,
  int64Value,
  Int64LE,
  type CellValue,
  type CompositeCondition,
  type Condition,
  type Int64LE as Int64LEValue,
  type SingleColumnCondition,
} from '../client/values';
import * as values from '../client/values';

/** An int64 cell value. */
export type SdkInt64 = Int64LEValue;
/** A value a cell can hold. */
export type SdkCellValue = CellValue;
/** A column condition (SingleColumnCondition or CompositeCondition). */
export type SdkColumnCondition = SingleColumnCondition | CompositeCondition;
export type SdkRowCondition = Condition;
export type SdkModule = typeof values;

/** The value classes, sentinels and constants (`client/values.ts`), in the shape of the SDK's module. */
export function sdk(): SdkModule {
  return values;
}

/** True for an int64 cell value (tsorm's, or any copy of int64-buffer's Int64LE). */
export const isSdkInt64: (value: unknown) => value is SdkInt64 = Int64LE.isInt64LE;

/** Builds an int64 cell value; `value` must already be within the int64 range. */
export const toSdkInt64: (value: bigint) => SdkInt64 = int64;

/** The exact value of an int64 cell. */
export const fromSdkInt64: (value: SdkInt64) => bigint = int64Value;

/**
 * The SDK's `{ [name]: value }` cell (a key cell, a column to put). [performance] Built by assignment: V8
 * creates an object literal with a computed key about three times slower (~190 ns against ~60), and every
 * key and column of every row written is one of these.
 */
export function sdkCell<V>(name: string, value: V): Record<string, V> {
  const cell: Record<string, V> = {};
  cell[name] = value;
  return cell;
}
