/** GetShardIterator's validation (streams spec §2.2): stream, shard, optional start time (μs) and token. */
import type { TableMeta } from '../../engine/catalog';
import { OtsError } from '../../errors';
import type { StreamLog } from '../../stream/log';
import { own } from '../common';
import { checkShardId, streamTable } from './stream';

export function validateGetShardIterator(req: any, streams: StreamLog): { table: TableMeta; timestampMicros: bigint | undefined } {
  const table = streamTable(req.streamId, streams);
  checkShardId(req.shardId);
  // The emulator never hands out a next_token (§7), so a client has none to send back.
  if (own(req, 'token') !== undefined) throw OtsError.param('GetShardIterator.token is invalid: this stream never returned a next_token.');
  const ts = own(req, 'timestamp');
  if (ts === undefined) return { table, timestampMicros: undefined };
  const micros = BigInt(ts.toString());
  if (micros < 0n) throw OtsError.param(`GetShardIterator.timestamp must not be negative, got ${micros}.`);
  return { table, timestampMicros: micros };
}
