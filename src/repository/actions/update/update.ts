import type { MaybeRow } from '../../../client/actions';
import { decodeFieldValue } from '../../../codec/value';
import type { KeyOf, UpdateChanges } from '../../../schema/entity-types';
import type { TableSchema } from '../../../schema/types';
import { lostRace, type WriteOptions } from '../conditions';
import { isObject } from '../entity';
import type { RowTarget } from '../target';
import { updateParams } from './update-params';

/** What `update()` returns: new values of incremented columns and the new version, when any. */
export type UpdateResult<T> = Partial<T>;

/** The properties of the columns an update asked back (incremented columns, the version). */
export function updatedValues<T>(schema: TableSchema<T>, row: MaybeRow | undefined): UpdateResult<T> {
  const out: Record<string, unknown> = {};
  for (const cell of row?.attributes ?? []) {
    const field = schema.byName[cell.columnName];
    if (field) out[field.property] = decodeFieldValue(schema, field, cell.columnValue);
  }
  return out as UpdateResult<T>;
}

/**
 * Sends `update()`'s UpdateRow. When `key` carried a version (an entity that was read), it leaves with the new
 * one.
 */
export async function update<T extends object>(target: RowTarget<T>, key: KeyOf<T> | T, changes: UpdateChanges<T>, options: WriteOptions<T> = {}): Promise<UpdateResult<T>> {
  const { schema } = target;
  const { params, current } = updateParams(schema, key, changes, options, target.transactionId);
  let res;
  try {
    res = await target.client.call('updateRow', params);
  } catch (e) {
    lostRace(schema, e, key as object, current);
  }
  const out = updatedValues(schema, res.row) as Record<string, unknown>;
  const version = schema.version;
  if (version && out[version.property] !== undefined && isObject(key) && current !== undefined) {
    (key as Record<string, unknown>)[version.property] = out[version.property];
  }
  return out as UpdateResult<T>;
}
