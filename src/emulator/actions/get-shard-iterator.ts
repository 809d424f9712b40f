import { encodeIterator } from '../stream/iterator';
import { SHARD_ID } from '../stream/log';
import type { Action } from './common';
import { validateGetShardIterator } from './validations/get-shard-iterator';

/**
 * An iterator on the stream's shard (streams spec §2.3, §7): without a timestamp at the oldest retained record
 * (TRIM_HORIZON), with one at the first record logged at or after it; never a next_token.
 */
export const getShardIterator: Action = {
  name: 'GetShardIterator',
  handle(req, { streams }) {
    const { table, timestampMicros } = validateGetShardIterator(req, streams);
    const seq = timestampMicros === undefined ? streams.oldestSeq(table) : streams.seqAt(table, timestampMicros);
    return { shardIterator: encodeIterator({ streamId: table.stream!.id, shardId: SHARD_ID, seq }) };
  },
};
