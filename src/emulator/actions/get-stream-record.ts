import { capacityUnits } from '../model/row';
import { encodeIterator } from '../stream/iterator';
import { consumed, type Action } from './common';
import { validateGetStreamRecord } from './validations/get-stream-record';

/**
 * Up to `limit` records from the iterator's position, in shard order, and the iterator after the last one
 * (streams spec §2.3, §2.4): caught up, the same iterator comes back; the shard never closes, so
 * `next_shard_iterator` is always set. `may_more_record` is omitted (table-group clusters only). Read CU: the
 * records' bytes / 4 KB, rounded up (GetStreamRecord doc). `origin_record` only for streams with origin columns.
 */
export const getStreamRecord: Action = {
  name: 'GetStreamRecord',
  handle(req, { streams }) {
    const { table, position, limit } = validateGetStreamRecord(req, streams);
    const { entries, next } = streams.read(table, position.seq, limit);
    let bytes = 0;
    for (const e of entries) bytes += e.record.length;
    return {
      streamRecords: entries.map((e) => ({ actionType: e.action, record: e.record, ...(e.originRecord ? { originRecord: e.originRecord } : {}) })),
      nextShardIterator: encodeIterator({ ...position, seq: next }),
      consumed: consumed({ read: capacityUnits(bytes), write: 0 }),
    };
  },
};
