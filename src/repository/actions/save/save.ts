import { lostRace, type WriteOptions } from '../conditions';
import { entityOf } from '../entity';
import type { RowTarget } from '../target';
import { saveParams } from './save-params';

/** Sends `save()`'s PutRow; on success the entity carries the version written. */
export async function save<T extends object>(target: RowTarget<T>, input: T, options: WriteOptions<T> = {}): Promise<T> {
  const { schema } = target;
  const entity = entityOf(schema, input);
  const { params, current, next } = saveParams(schema, entity, options, target.transactionId);
  try {
    await target.client.call('putRow', params);
  } catch (e) {
    lostRace(schema, e, entity, current);
  }
  if (schema.version) (entity as Record<string, unknown>)[schema.version.property] = next;
  return entity;
}
