/**
 * A CreateTable / UpdateTable `stream_spec` (streams spec §1.2, §1.3): what the table's stream becomes. The
 * sources leave the errors to the emulator (§1.3); each names the field and the rule.
 */
import type { StreamMeta } from '../../engine/catalog';
import { checkSchemaColumnName } from '../../engine/table-rules';
import { OtsError } from '../../errors';
import { streamIdFor } from '../../stream/log';
import { own } from '../common';

/** Retention bounds in hours: > 0 (Java, Go) and ≤ 168, seven days (docs, §1.2). */
export const MIN_STREAM_HOURS = 1;
export const MAX_STREAM_HOURS = 168;

/**
 * The stream a spec asks for, given the current one: `undefined` disables. Re-enabling an enabled stream keeps
 * it (same id and log) and takes the origin columns sent, in their order (Java UpdateTableTest); its
 * expiration may not change (docs: "not modifiable once set").
 */
export function streamFromSpec(spec: any, table: string, current: StreamMeta | undefined, nowMicros: bigint): StreamMeta | undefined {
  const enable = own<boolean>(spec, 'enableStream');
  if (enable === undefined) throw OtsError.param('StreamSpecification.enable_stream is required.');
  const hours = own<number>(spec, 'expirationTime');
  const columns: unknown[] = spec.columnsToGet ?? [];
  if (!enable) {
    if (hours !== undefined) throw OtsError.param('StreamSpecification.expiration_time must not be set when disabling the stream.');
    if (columns.length) throw OtsError.param('StreamSpecification.columns_to_get must not be set when disabling the stream.');
    return undefined;
  }
  if (hours === undefined) throw OtsError.param('StreamSpecification.expiration_time is required when enabling the stream.');
  if (!Number.isInteger(hours) || hours < MIN_STREAM_HOURS || hours > MAX_STREAM_HOURS) {
    throw OtsError.param(`StreamSpecification.expiration_time must be in range: [${MIN_STREAM_HOURS}, ${MAX_STREAM_HOURS}] hours, got ${hours}.`);
  }
  const originColumns: string[] = [];
  for (const c of columns) {
    checkSchemaColumnName(String(c));
    if (originColumns.includes(String(c))) throw OtsError.param(`StreamSpecification.columns_to_get repeats the column '${String(c)}'.`);
    originColumns.push(String(c));
  }
  if (current) {
    if (current.expirationHours !== hours) {
      throw OtsError.param(`StreamSpecification.expiration_time cannot be modified once set: the stream keeps ${current.expirationHours} hours.`);
    }
    return { ...current, originColumns };
  }
  const micros = Number(nowMicros);
  return { id: streamIdFor(table, micros), enabledMicros: micros, expirationHours: hours, originColumns };
}
