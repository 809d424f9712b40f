import { decodeKey } from '../../../codec/row';
import type { InsertOf } from '../../../schema/entity-types';
import type { RowTarget } from '../target';
import { insertParams } from './insert-params';

/** Sends `insert()`'s PutRow; the generated key is written back onto the entity it returns. */
export async function insert<T extends object>(target: RowTarget<T>, input: InsertOf<T> | T): Promise<T> {
  const { schema } = target;
  const { entity, params } = insertParams(schema, input, target.transactionId);
  const res = await target.client.call('putRow', params);
  if (schema.autoIncrement) Object.assign(entity, decodeKey(schema, res.row.primaryKey ?? []));
  return entity;
}
