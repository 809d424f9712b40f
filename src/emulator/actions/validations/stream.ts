/**
 * What the four stream actions share in their requests (streams spec §2.2, §2.7): a stream id, resolved to its
 * table; a shard id of that stream.
 */
import type { TableMeta } from '../../engine/catalog';
import { OtsError } from '../../errors';
import { SHARD_ID, type StreamLog } from '../../stream/log';

/** Longest stream id: a table name (≤ 255 bytes) is refused past 238 characters, `<table>_<16-digit μs>` (§2.6). */
const MAX_STREAM_ID_LENGTH = 255;
const STREAM_ID_RE = /^[A-Za-z_][A-Za-z0-9_]*_\d+$/;

/** The table whose stream `id` names: a malformed id is 400 "Invalid stream id…" (Java APITest), an unknown one 404. */
export function streamTable(id: unknown, streams: StreamLog): TableMeta {
  if (typeof id !== 'string' || id.length > MAX_STREAM_ID_LENGTH || !STREAM_ID_RE.test(id)) {
    throw OtsError.param(`Invalid stream id: '${String(id ?? '')}'.`);
  }
  return streams.tableOf(id);
}

/** Every stream has one shard (§2.6); another id is 400 OTSParameterInvalid (§2.7: the emulator's choice). */
export function checkShardId(id: unknown): void {
  if (id !== SHARD_ID) throw OtsError.param(`Invalid shard id: '${String(id ?? '')}', the stream has one shard, '${SHARD_ID}'.`);
}
