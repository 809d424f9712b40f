import type { DeleteRowParams } from '../../../client/actions';
import { encodeKey } from '../../../codec/row';
import type { KeyOf } from '../../../schema/entity-types';
import type { TableSchema } from '../../../schema/types';
import { rowCondition, versionGuard, type WriteOptions } from '../conditions';
import { inTransaction } from '../target';

/**
 * The DeleteRow request of `delete()`: no existence check unless `options.expect` asks one; a `key` carrying
 * a version (an entity that was read) must still match the stored one.
 */
export function deleteParams<T extends object>(schema: TableSchema<T>, key: KeyOf<T> | T, options: WriteOptions<T> = {}, transactionId?: string): { params: DeleteRowParams; current: unknown } {
  const { current, check } = versionGuard(schema, key as object);
  return {
    params: {
      tableName: schema.tableName,
      condition: rowCondition(schema, options.expect ?? 'any', options.where, check),
      primaryKey: encodeKey(schema, key as object),
      ...inTransaction(transactionId),
    },
    current,
  };
}
