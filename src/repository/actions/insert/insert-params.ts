import type { PutRowParams } from '../../../client/actions';
import { encodeRow } from '../../../codec/row';
import type { InsertOf } from '../../../schema/entity-types';
import type { TableSchema } from '../../../schema/types';
import { validateEntity } from '../../validate';
import { rowCondition } from '../conditions';
import { entityOf, refuseGivenAutoIncrement, startVersion } from '../entity';
import { inTransaction } from '../target';

/** A new row: its `@Version` starts at 1, then the entity is validated. Shared with `batchInsert()`. */
export function prepareNewRow<T extends object>(schema: TableSchema<T>, entity: T): void {
  startVersion(schema, entity);
  validateEntity(schema, entity);
}

/**
 * The PutRow request of `insert()` for `input`, and the entity instance it writes (`input` itself when it is
 * one): the auto-increment key must be unset, the version starts at 1, the entity is validated. The row must not exist (`notExist`); with
 * an auto-increment key the condition is IGNORE (a generated key is always new) and the key is asked back.
 */
export function insertParams<T extends object>(schema: TableSchema<T>, input: InsertOf<T> | T, transactionId?: string): { entity: T; params: PutRowParams } {
  const entity = entityOf(schema, input as object);
  refuseGivenAutoIncrement(schema, entity);
  prepareNewRow(schema, entity);
  const auto = !!schema.autoIncrement;
  const { primaryKey, attributeColumns } = encodeRow(schema, entity, { autoIncrement: true });
  const params: PutRowParams = {
    tableName: schema.tableName,
    condition: rowCondition(schema, auto ? 'any' : 'notExist'),
    primaryKey,
    attributeColumns,
    ...(auto ? { returnContent: { returnType: 1 as const } } : {}),
    ...inTransaction(transactionId),
  };
  return { entity, params };
}
