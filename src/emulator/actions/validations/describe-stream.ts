/** DescribeStream's validation (streams spec §2.2): the stream, and the shard paging fields. */
import type { TableMeta } from '../../engine/catalog';
import { OtsError } from '../../errors';
import type { StreamLog } from '../../stream/log';
import { own } from '../common';
import { checkShardId, streamTable } from './stream';

export function validateDescribeStream(req: any, streams: StreamLog): { table: TableMeta; startShard: string | undefined } {
  const table = streamTable(req.streamId, streams);
  const limit = own<number>(req, 'shardLimit');
  if (limit !== undefined && limit <= 0) throw OtsError.param(`DescribeStream.shard_limit must be positive, got ${limit}.`);
  const startShard = own<string>(req, 'inclusiveStartShardId');
  if (startShard !== undefined) checkShardId(startShard);
  return { table, startShard };
}
