import type { PutRowParams } from '../../../client/actions';
import { encodeRow } from '../../../codec/row';
import type { InsertOf } from '../../../schema/entity-types';
import type { TableSchema } from '../../../schema/types';
import { validateEntity } from '../../validate';
import { rowCondition } from '../conditions';
import { entityOf, generatesKey, refuseGivenAutoIncrement, startVersion } from '../entity';
import { inTransaction } from '../target';

/** What a new row's write sends, in `insert()` and `batchInsert()` alike. */
export interface NewRow {
  condition: PutRowParams['condition'];
  primaryKey: PutRowParams['primaryKey'];
  attributeColumns: PutRowParams['attributeColumns'];
  returnContent?: { returnType: 1 };
}

/**
 * A new row for `entity` (an entity instance): its `@Version` starts at 1, the entity is validated, and the
 * row must not exist (`notExist`); on a table with an auto-increment key the condition is IGNORE (a generated
 * key is always new), and a key left to the service is asked back. Shared with `batchInsert()`.
 */
export function newRow<T extends object>(schema: TableSchema<T>, entity: T): NewRow {
  startVersion(schema, entity);
  validateEntity(schema, entity);
  const { primaryKey, attributeColumns } = encodeRow(schema, entity, { autoIncrement: true });
  const condition = rowCondition(schema, schema.autoIncrement ? 'any' : 'notExist');
  return generatesKey(schema, entity) ? { condition, primaryKey, attributeColumns, returnContent: { returnType: 1 } } : { condition, primaryKey, attributeColumns };
}

/**
 * The PutRow request of `insert()` for `input`, and the entity instance it writes (`input` itself when it is
 * one): the auto-increment key must be unset (the service generates it), then as {@link newRow}.
 */
export function insertParams<T extends object>(schema: TableSchema<T>, input: InsertOf<T> | T, transactionId?: string): { entity: T; params: PutRowParams } {
  const entity = entityOf(schema, input as object);
  refuseGivenAutoIncrement(schema, entity);
  // [performance] The fields by name, not `...newRow()`: spreading it cost insert() 7-13% of its CPU (bench/orm-ab.js).
  const { condition, primaryKey, attributeColumns, returnContent } = newRow(schema, entity);
  const params: PutRowParams = { tableName: schema.tableName, condition, primaryKey, attributeColumns, ...inTransaction(transactionId) };
  if (returnContent) params.returnContent = returnContent;
  return { entity, params };
}
