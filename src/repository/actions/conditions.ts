/**
 * The `condition` of a write: row existence, the caller's `where`, and the optimistic-lock check on the
 * `@Version` column, compiled into one SDK `Condition`.
 */
import { ConcurrentModificationError, ConditionCheckFailedError } from '../../client/errors';
import type { Condition as SdkRowCondition } from '../../client/values';
import { toSdkRowCondition, type RowExpectation } from '../../query/compile';
import { Condition, conditionBuilder, resolveWhere, type ConditionNode, type Where } from '../../query/condition';
import type { PrimaryKeyInput } from '../../client/actions';
import { encodeKey } from '../../codec/row';
import type { TableSchema } from '../../schema/types';
import { carriesVersion, keyOf, versionOf } from './entity';
import { inTransaction } from './target';

/** Row-existence expectation of a write: `any` = no check. */
export type Expect = 'any' | 'exist' | 'notExist';

export interface WriteOptions<T> {
  /** A condition on the stored row's columns; the write fails with `ConditionCheckFailedError` otherwise. */
  where?: Where<T>;
  expect?: Expect;
}

const ROW_EXPECTATION: Record<Expect, RowExpectation> = { any: 'ignore', exist: 'exist', notExist: 'notExist' };

const PLAIN: Partial<Record<Expect, SdkRowCondition>> = {};

/** The SDK condition for `expect`, `where` and an extra node (the version check), ANDed. */
export function rowCondition<T>(schema: TableSchema<T>, expect: Expect, where?: Where<T>, extra?: ConditionNode): SdkRowCondition {
  // [performance] The common case (every row of a batchSave): no column condition to compile, and one frozen
  // condition per expectation shared by every request (nothing writes to a request's condition).
  if (!where && !extra) return (PLAIN[expect] ??= Object.freeze(toSdkRowCondition(schema, ROW_EXPECTATION[expect])));
  const nodes: ConditionNode[] = [];
  if (where) nodes.push(resolveWhere(schema, where));
  if (extra) nodes.push(extra);
  const tree =
    nodes.length === 0 ? undefined : nodes.length === 1 ? nodes[0] : new Condition<T>(nodes[0]).and(...nodes.slice(1).map((n) => new Condition<T>(n))).node;
  return toSdkRowCondition(schema, ROW_EXPECTATION[expect], tree);
}

/** `version == current` on the @Version column. */
export function versionCheck<T>(schema: TableSchema<T>, current: unknown): ConditionNode {
  const b = conditionBuilder(schema) as unknown as Record<string, { eq(v: unknown): Condition<T> }>;
  return b[schema.version!.property].eq(current).node;
}

/** The version `key` carries and the check it implies (none when it carries none): update and delete. */
export function versionGuard<T>(schema: TableSchema<T>, key: object): { current: unknown; check?: ConditionNode } {
  const current = versionOf(schema, key);
  return carriesVersion(schema, current) ? { current, check: versionCheck(schema, current) } : { current };
}

/** What every write to one identified row sends: table, condition, key and transaction. */
export interface KeyedWrite {
  tableName: string;
  condition: SdkRowCondition;
  primaryKey: PrimaryKeyInput;
  transactionId?: string;
}

/**
 * A write to the row `key` identifies (update, delete): its key, a condition of `options.expect` (else
 * `defaultExpect`), `options.where` and, when `key` carries a version, the version check, and the action's own
 * `fields`. `current` is that version (for the lost-race error). [performance] `fields` are spread after the
 * literal properties: a literal that starts by spreading another object took update() from ~5 to ~8 µs of
 * CPU a call (V8 leaves its fast object-literal path).
 */
export function keyedWrite<T, F extends object>(
  schema: TableSchema<T>,
  key: object,
  options: WriteOptions<T>,
  defaultExpect: Expect,
  transactionId: string | undefined,
  fields: F,
): { request: KeyedWrite & F; current: unknown } {
  const { current, check } = versionGuard(schema, key);
  return {
    request: {
      tableName: schema.tableName,
      condition: rowCondition(schema, options.expect ?? defaultExpect, options.where, check),
      primaryKey: encodeKey(schema, key),
      ...fields,
      ...inTransaction(transactionId),
    },
    current,
  };
}

/**
 * Rethrows a write's failure; a failed condition on a write that checked a version becomes
 * `ConcurrentModificationError` (someone else wrote the row since it was read).
 */
export function lostRace(schema: TableSchema, e: unknown, key: object, expectedVersion: unknown): never {
  if (e instanceof ConditionCheckFailedError && expectedVersion !== undefined && expectedVersion !== null) {
    throw new ConcurrentModificationError({ table: schema.tableName, key: keyOf(schema, key), expectedVersion, requestId: e.requestId, action: e.action, cause: e });
  }
  throw e;
}
