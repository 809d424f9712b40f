import { decodeRow, isEmptyRow } from '../../../codec/row';
import type { KeyOf } from '../../../schema/entity-types';
import type { RowTarget } from '../target';
import { getParams, type GetOptions } from './get-params';

/** Sends `get()`'s GetRow: the row decoded, or `undefined` when there is none. */
export async function get<T extends object>(target: RowTarget<T>, key: KeyOf<T>, options: GetOptions<T> = {}): Promise<T | undefined> {
  const res = await target.client.call('getRow', getParams(target.schema, key, options, target.transactionId));
  return isEmptyRow(res.row) ? undefined : decodeRow(target.schema, res.row);
}
