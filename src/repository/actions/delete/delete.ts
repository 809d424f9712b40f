import type { KeyOf } from '../../../schema/entity-types';
import { lostRace, type WriteOptions } from '../conditions';
import type { RowTarget } from '../target';
import { deleteParams } from './delete-params';

/** Sends `delete()`'s DeleteRow. */
export async function deleteRow<T extends object>(target: RowTarget<T>, key: KeyOf<T> | T, options: WriteOptions<T> = {}): Promise<void> {
  const { params, current } = deleteParams(target.schema, key, options, target.transactionId);
  try {
    await target.client.call('deleteRow', params);
  } catch (e) {
    lostRace(target.schema, e, key as object, current);
  }
}
