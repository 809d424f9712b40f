/** GetStreamRecord's validation (streams spec §2.2, §2.4, §2.7): the iterator, its stream and shard, the limit. */
import type { TableMeta } from '../../engine/catalog';
import { OtsError } from '../../errors';
import { decodeIterator, type ShardPosition } from '../../stream/iterator';
import type { StreamLog } from '../../stream/log';
import { own } from '../common';
import { checkShardId, streamTable } from './stream';

/** Records per read when no limit is given, and the most one read returns [inferred, §7: ≥ 10 must fit]. */
export const MAX_STREAM_RECORDS = 1000;

export function validateGetStreamRecord(req: any, streams: StreamLog): { table: TableMeta; position: ShardPosition; limit: number } {
  if (typeof req.shardIterator !== 'string' || !req.shardIterator) throw OtsError.param('GetStreamRecord.shard_iterator is required.');
  const position = decodeIterator(req.shardIterator);
  const table = streamTable(position.streamId, streams);
  checkShardId(position.shardId);
  const limit = own<number>(req, 'limit');
  if (limit !== undefined && limit <= 0) throw OtsError.param(`GetStreamRecord.limit must be positive, got ${limit}.`);
  const tableName = own<string>(req, 'tableName');
  if (tableName !== undefined && tableName !== '' && tableName !== table.name) {
    throw OtsError.param(`GetStreamRecord.table_name '${tableName}' is not the iterator's table '${table.name}'.`);
  }
  return { table, position, limit: Math.min(limit ?? MAX_STREAM_RECORDS, MAX_STREAM_RECORDS) };
}
