/**
 * tsorm's own stream reading (issue 12): the four stream APIs through TableStoreClient (the official SDK has no
 * calls for them, streams spec §2.1) and StreamReader's iterator rules (§2.4), checkpoints and expiry, against a
 * private in-process emulator with an injected clock. Rows are written with the official SDK.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { connect, StreamReader, StreamTrimmedError, StreamUnavailableError, TableStoreError, type TableStoreClient } from '../../src/client';
import { sdkFor, type Client } from '../support/emulator-process';
import { IGNORE, Long } from '../support/sdk';

const T = 1_700_000_000_000;

describe.skipIf(!!process.env.TSORM_TEST_ENDPOINT)('reading streams through the client', () => {
  let emu: RunningEmulator;
  let sdk: Client;
  let client: TableStoreClient;
  let now = T;

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, inMemory: true, clock: () => now });
    sdk = sdkFor(emu.endpoint);
    client = connect({ endpoint: emu.endpoint, instance: emu.instance, accessKeyId: emu.accessKeyId, accessKeySecret: emu.accessKeySecret });
  });
  afterAll(async () => {
    client?.close();
    await emu?.close();
  });

  const create = (tableName: string, stream = true, hours = 24) =>
    sdk.createTable({
      tableMeta: { tableName, primaryKey: [{ name: 'id', type: 'STRING' }] },
      reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
      tableOptions: { timeToLive: -1, maxVersions: 1, maxTimeDeviation: 2_000_000_000 },
      ...(stream ? { streamSpecification: { enableStream: true, expirationTime: hours } } : {}),
    });
  const put = (tableName: string, id: string, n: number) =>
    sdk.putRow({ tableName, condition: IGNORE(), primaryKey: [{ id }], attributeColumns: [{ n: Long(n) }, { d: 1.0 }] });

  it('sends ListStream, DescribeStream, GetShardIterator and GetStreamRecord, decoding records losslessly', async () => {
    await create('rd_ops');
    const { streams } = await client.call('listStream', { tableName: 'rd_ops' });
    expect(streams).toHaveLength(1);
    expect(streams[0]).toMatchObject({ tableName: 'rd_ops', creationTimeMicros: BigInt(T) * 1000n });
    const d = await client.call('describeStream', { streamId: streams[0].streamId });
    expect(d).toMatchObject({ streamId: streams[0].streamId, tableName: 'rd_ops', expirationTime: 24, status: 'ACTIVE' });
    expect(d.shards).toHaveLength(1);
    const { shardIterator } = await client.call('getShardIterator', { streamId: d.streamId, shardId: d.shards[0].shardId });
    // Caught up: no records, the same iterator (§2.4).
    expect(await client.call('getStreamRecord', { shardIterator })).toEqual({ records: [], nextShardIterator: shardIterator });

    now = T + 5;
    await sdk.putRow({ tableName: 'rd_ops', condition: IGNORE(), primaryKey: [{ id: 'a' }], attributeColumns: [{ big: Long('9007199254740993') }, { neg: Long(-5) }, { d: 2.0 }, { b: Buffer.from([1, 2]) }, { s: '' }] });
    await sdk.updateRow({ tableName: 'rd_ops', condition: IGNORE(), primaryKey: [{ id: 'a' }], updateOfAttributeColumns: [{ DELETE_ALL: ['s'] }, { INCREMENT: [{ neg: Long(1) }] }] });
    await sdk.deleteRow({ tableName: 'rd_ops', condition: IGNORE(), primaryKey: [{ id: 'a' }] });
    const r = await client.call('getStreamRecord', { shardIterator, limit: 2 });
    expect(r.records.map((x) => x.type)).toEqual(['PutRow', 'UpdateRow']);
    expect(r.records[0].columns.map((c) => (c.op === 'Put' ? [c.name, c.value] : c.name))).toEqual([
      ['big', { type: 'INTEGER', value: 9007199254740993n }],
      ['neg', { type: 'INTEGER', value: -5n }],
      ['d', { type: 'DOUBLE', value: 2 }],
      ['b', { type: 'BINARY', value: Buffer.from([1, 2]) }],
      ['s', { type: 'STRING', value: '' }],
    ]);
    expect(r.records[0].timestampMicros).toBe(BigInt(T + 5) * 1000n);
    // An increment is recorded as a Put of its result (§2.5).
    expect(r.records[1].columns).toEqual([
      { op: 'DeleteAllVersions', name: 's' },
      { op: 'Put', name: 'neg', value: { type: 'INTEGER', value: -4n }, timestampMillis: expect.any(BigInt) },
    ]);
    const rest = await client.call('getStreamRecord', { shardIterator: r.nextShardIterator as string });
    expect(rest.records.map((x) => [x.type, x.columns.length, x.primaryKey])).toEqual([['DeleteRow', 0, [{ name: 'id', value: { type: 'STRING', value: 'a' } }]]]);
    // A timestamp start (the field the Node SDK's proto lacks, sent by hand): only what came at or after it.
    const late = await client.call('getShardIterator', { streamId: d.streamId, shardId: d.shards[0].shardId, timestampMicros: BigInt(T + 6) * 1000n });
    expect((await client.call('getStreamRecord', { shardIterator: late.shardIterator })).records).toEqual([]);
  });

  it("surfaces the service's errors with its code: a malformed iterator, a malformed stream id", async () => {
    const bad = await client.call('getStreamRecord', { shardIterator: 'garbage' }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(TableStoreError);
    expect(bad).toMatchObject({ code: 'OTSParameterInvalid', status: 400, action: 'getStreamRecord', attempts: 1 });
    await expect(client.call('describeStream', { streamId: 'nope' })).rejects.toMatchObject({ code: 'OTSParameterInvalid', message: expect.stringMatching(/Invalid stream id/) });
  });

  it('reads in batches, re-reads an unacknowledged batch, resumes from a checkpoint after any record', async () => {
    await create('rd_batches');
    for (let i = 0; i < 7; i++) await put('rd_batches', `r${i}`, i);
    const reader = new StreamReader(client, 'rd_batches', { batchSize: 3 });
    const b1 = await reader.read();
    expect(b1?.records.map((r) => r.primaryKey[0].value.value)).toEqual(['r0', 'r1', 'r2']);
    // Not acknowledged: the same records again (a retried trigger batch).
    expect((await reader.read())?.records.map((r) => r.primaryKey[0].value.value)).toEqual(['r0', 'r1', 'r2']);
    reader.advance(b1!);
    const b2 = await reader.read();
    expect(b2?.records.map((r) => r.primaryKey[0].value.value)).toEqual(['r3', 'r4', 'r5']);
    // A checkpoint in the middle of a batch: after r3.
    const mid = b2!.checkpointAfter(0);
    reader.advance(b2!, 2);
    const saved = reader.checkpoint();
    expect((await reader.read())?.records.map((r) => r.primaryKey[0].value.value)).toEqual(['r5', 'r6']);

    const fromMid = new StreamReader(client, 'rd_batches', { checkpoint: mid, batchSize: 10 });
    expect((await fromMid.read())?.records.map((r) => r.primaryKey[0].value.value)).toEqual(['r4', 'r5', 'r6']);
    const fromSaved = new StreamReader(client, 'rd_batches', { checkpoint: saved });
    const last = await fromSaved.read();
    expect(last?.records.map((r) => r.primaryKey[0].value.value)).toEqual(['r5', 'r6']);
    fromSaved.advance(last!);
    expect(await fromSaved.read()).toBeUndefined();
    // New writes are seen by the caught-up reader (the same position keeps yielding, §2.4).
    await put('rd_batches', 'r7', 7);
    expect((await fromSaved.read())?.records.map((r) => r.primaryKey[0].value.value)).toEqual(['r7']);

    // start: 'latest' skips what is already there.
    const latest = new StreamReader(client, 'rd_batches', { start: 'latest' });
    expect(await latest.read()).toBeUndefined();
    await put('rd_batches', 'r8', 8);
    expect((await latest.read())?.records.map((r) => r.primaryKey[0].value.value)).toEqual(['r8']);
  });

  it('refuses what cannot be read: no stream, a checkpoint of another table, a bad option, an expired position', async () => {
    await create('rd_nostream', false);
    await expect(new StreamReader(client, 'rd_nostream').read()).rejects.toThrow(StreamUnavailableError);
    await expect(new StreamReader(client, 'rd_nostream').read()).rejects.toThrow(/table rd_nostream has no stream/);
    expect(() => new StreamReader(client, 'x', { batchSize: 0 })).toThrow(/batchSize must be an integer from 1 to 1000/);
    expect(() => new StreamReader(client, 'x', { checkpoint: 'nonsense' })).toThrow(/checkpoint is not a checkpoint/);

    await create('rd_expiry', true, 1);
    await put('rd_expiry', 'old', 1);
    const reader = new StreamReader(client, 'rd_expiry');
    const b = await reader.read();
    expect(b?.records).toHaveLength(1);
    expect(() => new StreamReader(client, 'rd_batches', { checkpoint: reader.checkpoint() })).toThrow(/is for table rd_expiry, not rd_batches/);
    // Two hours later the record is gone: the unacknowledged position is trimmed (§2.6–2.7).
    now += 2 * 3600_000;
    await put('rd_expiry', 'new', 2);
    const err = await reader.read().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamTrimmedError);
    expect(err).toMatchObject({ code: 'OTSTrimmedDataAccess' });
    expect((err as Error).message).toMatch(/records expired/);
    reader.restartShard(b!.shardId);
    expect((await reader.read())?.records.map((r) => r.primaryKey[0].value.value)).toEqual(['new']);
  });
});
