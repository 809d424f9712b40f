/**
 * Issue 15: the four stream APIs (streams spec §2), which the official Node SDK has no calls for, go through
 * tsorm's wire transport on either transport. Their bodies are what the SDK's own compiled protobuf messages
 * encode for the same fields (plus GetShardIterator's `timestamp = 3`, which only the Java/Go protos have),
 * their headers are the SDK's (same names in the same order as any SDK request), and responses encoded by
 * the SDK's messages decode to tsorm's stream shapes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type TableStoreClient } from '../../src/client';
import { putRowBuffer } from '../../src/client/wire/row-codec';
import type { FakeServer } from './client-fake-server';
import { sdkEncode, startComparison, type Comparison } from './wire-compare';

const enc = (type: string, m: object) => sdkEncode('main', type, m);
const BIG = '9007199254740993';
const RECORD = putRowBuffer([{ id: 'k' }], [{ a: 'x', timestamp: 1700000000000 }]);

const replies: Record<string, () => Uint8Array> = {
  ListStream: () => enc('ListStreamResponse', { streams: [{ streamId: 's1', tableName: 't', creationTime: BIG }, { streamId: 's2', tableName: 'ü', creationTime: 0 }] }),
  DescribeStream: () =>
    enc('DescribeStreamResponse', {
      streamId: 's1',
      expirationTime: 24,
      tableName: 't',
      creationTime: 1700000000000000,
      streamStatus: 2,
      shards: [{ shardId: 'a' }, { shardId: 'b', parentId: 'a', parentSiblingId: '' }],
      nextShardId: 'c',
    }),
  GetShardIterator: () => enc('GetShardIteratorResponse', { shardIterator: 'it-1' }),
  GetStreamRecord: () => enc('GetStreamRecordResponse', { streamRecords: [{ actionType: 1, record: RECORD }], nextShardIterator: 'it-2' }),
  GetRow: () => enc('GetRowResponse', { consumed: { capacityUnit: { read: 1, write: 0 } }, row: Buffer.alloc(0) }),
};

let cmp: Comparison;
let server: FakeServer;
let sdkTransport: TableStoreClient;
beforeAll(async () => {
  cmp = await startComparison(replies);
  server = cmp.server;
  sdkTransport = connect({ endpoint: server.endpoint, instance: 'inst', accessKeyId: 'ak-id', accessKeySecret: 'secret', securityToken: 'sts-token', retry: false });
});
afterAll(async () => {
  sdkTransport.close();
  await cmp.close();
});

const last = () => server.requests[server.requests.length - 1];

describe('wire transport, streams: the SDK proto bytes, on either transport', () => {
  const cases: Array<[string, string, object, () => Buffer]> = [
    ['listStream', 'every stream', {}, () => Buffer.from(enc('ListStreamRequest', {}))],
    ['listStream', 'one table', { tableName: 't' }, () => Buffer.from(enc('ListStreamRequest', { tableName: 't' }))],
    ['describeStream', 'paged', { streamId: 's1', inclusiveStartShardId: 'b', shardLimit: 2 }, () => Buffer.from(enc('DescribeStreamRequest', { streamId: 's1', inclusiveStartShardId: 'b', shardLimit: 2 }))],
    ['getShardIterator', 'from the oldest record', { streamId: 's1', shardId: 'a' }, () => Buffer.from(enc('GetShardIteratorRequest', { streamId: 's1', shardId: 'a' }))],
    [
      'getShardIterator',
      'from a time (field 3, int64 max μs)',
      { streamId: 's1', shardId: 'a', timestampMicros: 9223372036854775807n },
      // tag 0x18 (field 3, varint) + the 9-byte varint of 2^63 − 1.
      () => Buffer.concat([enc('GetShardIteratorRequest', { streamId: 's1', shardId: 'a' }), Buffer.from([0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])]),
    ],
    ['getStreamRecord', 'with a limit', { shardIterator: 'it-1', limit: 100 }, () => Buffer.from(enc('GetStreamRecordRequest', { shardIterator: 'it-1', limit: 100 }))],
  ];
  for (const [action, what, params, expected] of cases) {
    it(`${action}: ${what}`, async () => {
      for (const client of [cmp.wire, sdkTransport]) {
        await client.call(action as 'listStream', params as never);
        expect(last().action.toLowerCase()).toBe(action.toLowerCase());
        expect(last().body.toString('hex')).toBe(expected().toString('hex'));
      }
    });
  }

  it('sends the header names of an SDK request, in its order (the SDK transport sends the stream APIs by wire)', async () => {
    await new Promise((resolve, reject) => cmp.sdk.getRow({ tableName: 't', primaryKey: [{ id: 'a' }] }, (e, d) => (e ? reject(e as Error) : resolve(d))));
    const sdkHeaders = last().headerNames;
    await sdkTransport.call('listStream', {});
    expect(last().headerNames).toEqual(sdkHeaders);
    expect(last().headers['x-ots-ststoken']).toBe('sts-token');
  });

  it('decodes the responses into tsorm stream shapes (int64 μs exact beyond 2^53)', async () => {
    expect(await cmp.wire.call('listStream', {})).toEqual({
      streams: [
        { streamId: 's1', tableName: 't', creationTimeMicros: BigInt(BIG) },
        { streamId: 's2', tableName: 'ü', creationTimeMicros: 0n },
      ],
    });
    expect(await cmp.wire.call('describeStream', { streamId: 's1' })).toEqual({
      streamId: 's1',
      expirationTime: 24,
      tableName: 't',
      creationTimeMicros: 1700000000000000n,
      status: 'ACTIVE',
      shards: [{ shardId: 'a' }, { shardId: 'b', parentId: 'a' }],
      nextShardId: 'c',
    });
    expect(await sdkTransport.call('getShardIterator', { streamId: 's1', shardId: 'a' })).toEqual({ shardIterator: 'it-1' });
    const records = await cmp.wire.call('getStreamRecord', { shardIterator: 'it-1' });
    expect(records.nextShardIterator).toBe('it-2');
    expect(records.records).toHaveLength(1);
    expect(records.records[0]).toMatchObject({ type: 'PutRow', primaryKey: [{ name: 'id', value: { type: 'STRING', value: 'k' } }] });
    expect(records.records[0].columns).toMatchObject([{ op: 'Put', name: 'a', timestampMillis: 1700000000000n }]);
  });
});
