/**
 * Trigger events for unit tests of TableStore-trigger handlers: typed changes of an entity → the CBOR bytes FC
 * would pass the handler (streams spec §3.2), through the entity's codec and the adapter's own encoder.
 */
import type { RawChangeEvent } from '../client/changes';
import { encodeChange, type ChangeInput } from '../codec/change';
import { encodeTriggerEvent } from '../fc/trigger/cbor-encode';
import { getTableSchema } from '../schema/decorators';
import type { EntityClass } from '../schema/types';

/**
 * The event a TableStore trigger sends for these changes of `entity`'s table, in order:
 *
 * ```ts
 * const event = triggerEvent(Note, [
 *   { type: 'put', row: { id: 'n1', author: 'ann', text: 'hi' } },
 *   { type: 'update', key: { id: 'n1' }, set: { text: 'hello' }, deleted: ['tags'] },
 *   { type: 'delete', key: { id: 'n1' } },
 * ]);
 * await invoke(fn, { event });
 * ```
 *
 * Without timestamps, each change is stamped now, one μs after the one before it (a stream's order).
 */
export function triggerEvent<T extends object>(entity: EntityClass<T>, changes: ReadonlyArray<ChangeInput<T>>): Buffer {
  const schema = getTableSchema(entity);
  const now = BigInt(Date.now()) * 1000n;
  const event: RawChangeEvent = {
    version: 'Sync-v1',
    records: changes.map((change, i) => encodeChange(schema, change.timestampMicros === undefined && change.timestamp === undefined ? { ...change, timestampMicros: now + BigInt(i) } : change)),
  };
  return encodeTriggerEvent(event);
}
