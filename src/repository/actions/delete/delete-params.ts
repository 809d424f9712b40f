import type { DeleteRowParams } from '../../../client/actions';
import type { KeyOf } from '../../../schema/entity-types';
import type { TableSchema } from '../../../schema/types';
import { keyedWrite, type WriteOptions } from '../conditions';

/**
 * The DeleteRow request of `delete()`: no existence check unless `options.expect` asks one; a `key` carrying
 * a version (an entity that was read) must still match the stored one.
 */
export function deleteParams<T extends object>(schema: TableSchema<T>, key: KeyOf<T> | T, options: WriteOptions<T> = {}, transactionId?: string): { params: DeleteRowParams; current: unknown } {
  const { request, current } = keyedWrite(schema, key as object, options, 'any', transactionId, {});
  return { params: request, current };
}
