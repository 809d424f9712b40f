import { SHARD_ID, STREAM_STATUS_ACTIVE } from '../stream/log';
import type { Action } from './common';
import { validateDescribeStream } from './validations/describe-stream';

/**
 * A stream and its shards (streams spec §2.3): ACTIVE at once, one shard, never split, so never a next page
 * (`next_shard_id` absent) and no parents.
 */
export const describeStream: Action = {
  name: 'DescribeStream',
  handle(req, { streams }) {
    const { table } = validateDescribeStream(req, streams);
    const s = table.stream!;
    return {
      streamId: s.id,
      expirationTime: s.expirationHours,
      tableName: table.name,
      creationTime: s.enabledMicros,
      streamStatus: STREAM_STATUS_ACTIVE,
      shards: [{ shardId: SHARD_ID }],
    };
  },
};
