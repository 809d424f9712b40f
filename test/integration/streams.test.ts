/**
 * Streams in the emulator (issue 12; streams spec §1–2): enabling through CreateTable/UpdateTable, the four
 * stream APIs over HTTP with raw signed requests (the Node SDK has no stream calls, spec §2.1), record bytes
 * against the spec's vectors (§2.5), iterator rules (§2.4), expiry with an injected clock, and every write path.
 * Rows are written with the official SDK. A private in-process emulator (its clock is injected), so the file is
 * skipped against a real instance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { sdkFor, type Client } from '../support/emulator-process';
import { call, type RawTarget } from '../support/raw';
import { IGNORE, Long } from '../support/sdk';

/** The spec's vectors (§2.5), lines joined. */
const PUT_VECTOR =
  '7500000001030403000000706b31050b0000000306000000726f776b65790a8a02030408000000636f6c546f44656c05080000000303000000616263' +
  '070068e5cf8b0100000ae103040b000000636f6c546f44656c416c6c05020000000201070068e5cf8b0100000a1803040b000000636f6c546f557064' +
  '6174650509000000007b00000000000000070068e5cf8b0100000a5e0b180000000c130000000d000000000e7b401e18240a06000f000000000911';
const UPDATE_VECTOR =
  '7500000001030403000000706b31050b0000000306000000726f776b65790a8a02030408000000636f6c546f44656c0603070068e5cf8b0100000aaf' +
  '03040b000000636f6c546f44656c416c6c06010a1803040b000000636f6c546f5570646174650509000000011f85eb51b81e0940070168e5cf8b0100' +
  '000aa20b180000000c130000000d000000000eb0451e18240a06000f0000000009a6';
const DELETE_VECTOR =
  '7500000001030403000000706b31050b0000000306000000726f776b65790a8a080b180000000c130000000d000000000ee54a1e18240a06000f000000000933';

const T = 1700000000000;

const tableArgs = (tableName: string, extra: Record<string, unknown> = {}, pk: object[] = [{ name: 'pk1', type: 'STRING' }]) => ({
  tableMeta: { tableName, primaryKey: pk },
  reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
  // Cell versions of 2023 (the vectors' T) must be accepted: a wide deviation.
  tableOptions: { timeToLive: -1, maxVersions: 1, maxTimeDeviation: 2_000_000_000 },
  ...extra,
});
const STREAM_24H = { streamSpecification: { enableStream: true, expirationTime: 24 } };

describe.skipIf(!!process.env.TSORM_TEST_ENDPOINT)('streams in the emulator', () => {
  let emu: RunningEmulator;
  let sdk: Client;
  let target: RawTarget;
  /** The injected clock (ms, fractions allowed). */
  let now = T;

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, inMemory: true, clock: () => now });
    sdk = sdkFor(emu.endpoint);
    target = { endpoint: emu.endpoint, instance: emu.instance, accessKeyId: emu.accessKeyId, accessKeySecret: emu.accessKeySecret };
  });
  afterAll(async () => {
    await emu?.close();
  });

  const rpc = (action: string, message: object) => call(action, message, undefined, target);

  async function ok(action: string, message: object): Promise<any> {
    const r = await rpc(action, message);
    expect(r.error, `${action} ${JSON.stringify(r.error)}`).toBeUndefined();
    return r.body;
  }

  async function streamOf(table: string): Promise<string> {
    const { streams } = await ok('ListStream', { tableName: table });
    expect(streams).toHaveLength(1);
    return streams[0].streamId;
  }

  async function iteratorOf(table: string, timestamp?: number): Promise<string> {
    const streamId = await streamOf(table);
    const { shards } = await ok('DescribeStream', { streamId });
    return (await ok('GetShardIterator', { streamId, shardId: shards[0].shardId, ...(timestamp === undefined ? {} : { timestamp }) })).shardIterator;
  }

  /** Reads until caught up (the same iterator comes back with no records, §2.4). */
  async function exhaust(iterator: string): Promise<{ records: any[]; iterator: string }> {
    const records: any[] = [];
    for (;;) {
      const r = await ok('GetStreamRecord', { shardIterator: iterator });
      records.push(...r.streamRecords);
      if (r.nextShardIterator === iterator) return { records, iterator };
      expect(r.nextShardIterator).toBeTruthy();
      iterator = r.nextShardIterator;
    }
  }

  const hex = (r: any) => Buffer.from(r.record).toString('hex');

  it('produces the spec vectors byte for byte for PutRow, UpdateRow and DeleteRow (Go TestStream)', async () => {
    await sdk.createTable(tableArgs('vec', STREAM_24H));
    let iter = await iteratorOf('vec');
    const empty = await exhaust(iter);
    expect(empty.records).toEqual([]);
    iter = empty.iterator;

    now = T + 0.123;
    await sdk.putRow({
      tableName: 'vec', condition: IGNORE(), primaryKey: [{ pk1: 'rowkey' }],
      attributeColumns: [{ colToDel: 'abc', timestamp: T }, { colToDelAll: true, timestamp: T }, { colToUpdate: Long(123), timestamp: T }],
    });
    // Visible at once, read with the iterator the empty read returned (§2.4).
    let r = await ok('GetStreamRecord', { shardIterator: iter });
    expect(r.streamRecords.map((x: any) => x.actionType)).toEqual([1]);
    expect(hex(r.streamRecords[0])).toBe(PUT_VECTOR);
    iter = r.nextShardIterator;

    now = T + 1.456;
    await sdk.updateRow({
      tableName: 'vec', condition: IGNORE(), primaryKey: [{ pk1: 'rowkey' }],
      updateOfAttributeColumns: [{ DELETE: [{ colToDel: Long(T) }] }, { DELETE_ALL: ['colToDelAll'] }, { PUT: [{ colToUpdate: 3.14, timestamp: T + 1 }] }],
    });
    r = await ok('GetStreamRecord', { shardIterator: iter });
    expect(r.streamRecords.map((x: any) => x.actionType)).toEqual([2]);
    expect(hex(r.streamRecords[0])).toBe(UPDATE_VECTOR);
    iter = r.nextShardIterator;

    now = T + 2.789;
    await sdk.deleteRow({ tableName: 'vec', condition: IGNORE(), primaryKey: [{ pk1: 'rowkey' }] });
    r = await ok('GetStreamRecord', { shardIterator: iter });
    expect(r.streamRecords.map((x: any) => x.actionType)).toEqual([3]);
    expect(hex(r.streamRecords[0])).toBe(DELETE_VECTOR);
    // Caught up: the same iterator, no records.
    const again = await ok('GetStreamRecord', { shardIterator: r.nextShardIterator });
    expect(again.streamRecords).toEqual([]);
    expect(again.nextShardIterator).toBe(r.nextShardIterator);
    // From the start: all three, in order.
    expect((await exhaust(await iteratorOf('vec'))).records.map(hex)).toEqual([PUT_VECTOR, UPDATE_VECTOR, DELETE_VECTOR]);
  });
});
