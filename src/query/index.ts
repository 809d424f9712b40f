/** Typed conditions/filters and key ranges, compiled to the SDK's objects in one place. */
export { Condition, conditionBuilder, resolveWhere } from './condition';
export type {
  ColumnRef,
  Comparator,
  CompareNode,
  CompareOptions,
  ConditionBuilder,
  ConditionCombinators,
  ConditionNode,
  JunctionNode,
  NotNode,
  ReservedBuilderKeys,
  Where,
} from './condition';
export { toSdkCondition, toSdkRowCondition, conditionColumns } from './compile';
export type { RowExpectation } from './compile';
export { prefixRange, keyRange } from './range';
export type { Direction, KeyRangeBounds, SdkKeyRange } from './range';
export { QueryError } from './errors';
export type { QueryRule } from './errors';
