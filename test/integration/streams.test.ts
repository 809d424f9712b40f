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
import { EXPECT_EXIST, EXPECT_NOT_EXIST, IGNORE, Long, TableStore } from '../support/sdk';
import { readRecord, showRecord } from '../support/stream-records';

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

  it('always answers stream_details; enables, re-enables with new origin columns and disables (spec §1.2, Go TestListStream)', async () => {
    await sdk.createTable(tableArgs('plain'));
    const off = await ok('DescribeTable', { tableName: 'plain' });
    expect(off.streamDetails).toBeDefined();
    expect(off.streamDetails.enableStream).toBe(false);
    expect(Object.prototype.hasOwnProperty.call(off.streamDetails, 'streamId')).toBe(false);
    expect((await ok('ListStream', { tableName: 'plain' })).streams).toEqual([]);

    // The Node SDK's own call: an empty table_options beside the stream spec changes nothing.
    now = T + 10_000;
    const upd = await sdk.updateTable({ tableName: 'plain', tableOptions: {}, streamSpecification: { enableStream: true, expirationTime: 24 } });
    expect(upd.streamDetails.enableStream).toBe(true);
    expect(upd.streamDetails.expirationTime).toBe(24);
    const streamId = await streamOf('plain');
    expect(upd.streamDetails.streamId).toBe(streamId);
    const on = await ok('DescribeTable', { tableName: 'plain' });
    expect(on.streamDetails).toMatchObject({ enableStream: true, streamId, expirationTime: 24 });
    expect(Number(on.streamDetails.lastEnableTime)).toBe((T + 10_000) * 1000);
    expect(on.tableOptions.maxVersions).toBe(1);
    const d = await ok('DescribeStream', { streamId });
    expect(d).toMatchObject({ streamId, expirationTime: 24, tableName: 'plain', streamStatus: 2 });
    expect(Number(d.creationTime)).toBe((T + 10_000) * 1000);
    expect(d.shards).toHaveLength(1);
    expect(Object.prototype.hasOwnProperty.call(d, 'nextShardId')).toBe(false);

    // Same hours, more origin columns: the same stream, exactly the columns sent (Java UpdateTableTest).
    await ok('UpdateTable', { tableName: 'plain', streamSpec: { enableStream: true, expirationTime: 24, columnsToGet: ['col1', 'col2', 'col3'] } });
    const re = await ok('DescribeTable', { tableName: 'plain' });
    expect(re.streamDetails.columnsToGet).toEqual(['col1', 'col2', 'col3']);
    expect(re.streamDetails.streamId).toBe(streamId);

    const iter = await iteratorOf('plain');
    await ok('UpdateTable', { tableName: 'plain', streamSpec: { enableStream: false } });
    expect((await ok('DescribeTable', { tableName: 'plain' })).streamDetails).toEqual(expect.objectContaining({ enableStream: false }));
    expect((await ok('ListStream', {})).streams.map((x: any) => x.tableName)).not.toContain('plain');
    // The old stream is gone: its iterator and id answer 404.
    expect((await rpc('GetStreamRecord', { shardIterator: iter })).error?.code).toBe('OTSObjectNotExist');
    expect((await rpc('DescribeStream', { streamId })).error?.code).toBe('OTSObjectNotExist');
    // Re-enabling makes a new stream.
    now = T + 20_000;
    await ok('UpdateTable', { tableName: 'plain', streamSpec: { enableStream: true, expirationTime: 12 } });
    expect(await streamOf('plain')).not.toBe(streamId);
  });

  it('creates a table with a stream and origin columns; ListStream sees it at once; records carry origin_record (Go TestCreateTableWithStream)', async () => {
    await ok('CreateTable', {
      tableMeta: { tableName: 'withcols', primaryKey: [{ name: 'id', type: 2 }] },
      reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
      tableOptions: { timeToLive: -1, maxVersions: 1 },
      streamSpec: { enableStream: true, expirationTime: 168, columnsToGet: ['b', 'a'] },
    });
    expect((await ok('DescribeTable', { tableName: 'withcols' })).streamDetails).toMatchObject({ enableStream: true, expirationTime: 168, columnsToGet: ['b', 'a'] });
    expect((await ok('ListStream', {})).streams.map((x: any) => x.tableName)).toContain('withcols');

    // origin_record: the key and the origin columns' previous values, newest version, in the configured order.
    const pk = [{ id: 'r' }];
    await sdk.putRow({ tableName: 'withcols', condition: IGNORE(), primaryKey: pk, attributeColumns: [{ a: Long(1) }, { b: 'two' }, { c: 'three' }] });
    await sdk.batchWriteRow({ tables: [{ tableName: 'withcols', rows: [
      { type: 'UPDATE', condition: IGNORE(), primaryKey: pk, attributeColumns: [{ PUT: [{ b: 'twenty' }, { c: 'x' }] }] },
      { type: 'UPDATE', condition: IGNORE(), primaryKey: [{ id: 's' }], attributeColumns: [{ PUT: [{ a: Long(7) }] }] },
    ] }] });
    await sdk.deleteRow({ tableName: 'withcols', condition: IGNORE(), primaryKey: pk });
    const { records } = await exhaust(await iteratorOf('withcols'));
    const origin = (r: any) => { const o = readRecord(r.originRecord); return [o.pk, ...o.cells.map((c) => c.replace(/@\d+$/, ''))].join(' '); };
    expect(records.map((r) => `${showRecord(r)} <- ${origin(r)}`)).toEqual([
      'PUT id=r | a=1 b=two c=three <- id=r',
      'UPDATE id=r | b=twenty c=x <- id=r b=two a=1',
      'UPDATE id=s | a=7 <- id=s',
      'DELETE id=r <- id=r b=twenty a=1',
    ]);
    // Streams without origin columns send none.
    const plain = (await ok('GetStreamRecord', { shardIterator: await iteratorOf('vec') })).streamRecords;
    expect(plain.length).toBeGreaterThan(0);
    for (const r of plain) expect(Object.prototype.hasOwnProperty.call(r, 'originRecord')).toBe(false);
  });

  it('refuses bad stream specifications, naming the field and the rule (spec §1.3)', async () => {
    const create = (streamSpec: object) => rpc('CreateTable', {
      tableMeta: { tableName: 'badspec', primaryKey: [{ name: 'id', type: 2 }] },
      reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
      tableOptions: { timeToLive: -1, maxVersions: 1 },
      streamSpec,
    });
    for (const [spec, text] of [
      [{ enableStream: true }, 'expiration_time is required'],
      [{ enableStream: true, expirationTime: 0 }, 'expiration_time must be in range: [1, 168]'],
      [{ enableStream: true, expirationTime: 169 }, 'expiration_time must be in range: [1, 168]'],
      [{ enableStream: false, expirationTime: 24 }, 'must not be set when disabling'],
      [{ enableStream: true, expirationTime: 24, columnsToGet: ['a', 'a'] }, "repeats the column 'a'"],
    ] as const) {
      const r = await create(spec);
      expect(r.error?.code, JSON.stringify(spec)).toBe('OTSParameterInvalid');
      expect(r.error?.message).toContain(text);
    }
    expect((await ok('ListTable', {})).tableNames).not.toContain('badspec');
    await sdk.createTable(tableArgs('fixedhours', STREAM_24H));
    const r = await rpc('UpdateTable', { tableName: 'fixedhours', streamSpec: { enableStream: true, expirationTime: 48 } });
    expect(r.error?.message).toContain('cannot be modified once set');
  });

  it('logs every write path in commit order: increments as Put, auto-increment keys, batches, transactions; nothing for failures', async () => {
    await sdk.createTable(tableArgs('paths', STREAM_24H, [{ name: 'id', type: 'STRING' }]));
    await sdk.createTable(tableArgs('paths2', STREAM_24H, [{ name: 'id', type: 'STRING' }]));
    await sdk.createTable(tableArgs('auto', STREAM_24H, [{ name: 'p', type: 'STRING' }, { name: 'n', type: 'INTEGER', option: 'AUTO_INCREMENT' }]));
    await sdk.createTable(tableArgs('nostream', {}, [{ name: 'id', type: 'STRING' }]));
    now = T + 100_000;
    await sdk.putRow({ tableName: 'paths', condition: IGNORE(), primaryKey: [{ id: 'a' }], attributeColumns: [{ s: 'x' }, { n: Long(1) }] });
    await sdk.updateRow({ tableName: 'paths', condition: IGNORE(), primaryKey: [{ id: 'a' }], updateOfAttributeColumns: [{ INCREMENT: [{ n: Long(5) }] }, { PUT: [{ t: 'y' }] }] });
    // A failed condition writes nothing, so logs nothing.
    await expect(sdk.putRow({ tableName: 'paths', condition: EXPECT_NOT_EXIST(), primaryKey: [{ id: 'a' }], attributeColumns: [{ s: 'z' }] })).rejects.toThrow();
    // Deleting a missing row changes nothing and logs nothing [decision].
    await sdk.deleteRow({ tableName: 'paths', condition: IGNORE(), primaryKey: [{ id: 'missing' }] });
    await sdk.batchWriteRow({
      tables: [
        { tableName: 'paths', rows: [
          { type: 'PUT', condition: IGNORE(), primaryKey: [{ id: 'b' }], attributeColumns: [{ s: 'b1' }] },
          { type: 'DELETE', condition: IGNORE(), primaryKey: [{ id: 'a' }] },
          { type: 'UPDATE', condition: EXPECT_EXIST(), primaryKey: [{ id: 'nope' }], attributeColumns: [{ PUT: [{ s: 'fails' }] }] },
        ] },
        { tableName: 'paths2', rows: [{ type: 'PUT', condition: IGNORE(), primaryKey: [{ id: 'c' }], attributeColumns: [{ s: 'c1' }] }] },
        { tableName: 'nostream', rows: [{ type: 'PUT', condition: IGNORE(), primaryKey: [{ id: 'd' }], attributeColumns: [{ s: 'd1' }] }] },
      ],
    });
    const auto = await sdk.putRow({ tableName: 'auto', condition: IGNORE(), primaryKey: [{ p: 'x' }, { n: TableStore.PK_AUTO_INCR }], attributeColumns: [{ v: 'auto' }], returnContent: { returnType: 1 } });
    const generated = String(auto.row.primaryKey[1].value);
    expect(generated).toBe(String(BigInt(T + 100_000) * 1000n)); // auto-increment values come from the same clock (µs)

    // A transaction logs at its commit, and an aborted one never.
    const tx = await sdk.startLocalTransaction({ tableName: 'paths', primaryKey: [{ id: 'tx' }] });
    await sdk.putRow({ tableName: 'paths', condition: IGNORE(), primaryKey: [{ id: 'tx' }], attributeColumns: [{ s: 'in-tx' }], transactionId: tx.transactionId });
    await sdk.updateRow({ tableName: 'paths', condition: IGNORE(), primaryKey: [{ id: 'tx' }], updateOfAttributeColumns: [{ DELETE_ALL: ['s'] }, { PUT: [{ u: 'u' }] }], transactionId: tx.transactionId });
    const before = (await exhaust(await iteratorOf('paths'))).records.map((r) => showRecord(r));
    expect(before).not.toContain('PUT id=tx | s=in-tx');
    await sdk.commitTransaction({ transactionId: tx.transactionId });
    const aborted = await sdk.startLocalTransaction({ tableName: 'paths', primaryKey: [{ id: 'ab' }] });
    await sdk.putRow({ tableName: 'paths', condition: IGNORE(), primaryKey: [{ id: 'ab' }], attributeColumns: [{ s: 'never' }], transactionId: aborted.transactionId });
    await sdk.abortTransaction({ transactionId: aborted.transactionId });

    const { records } = await exhaust(await iteratorOf('paths'));
    expect(records.map((r) => showRecord(r))).toEqual([
      'PUT id=a | s=x n=1',
      'UPDATE id=a | n=6 t=y',
      'PUT id=b | s=b1',
      'DELETE id=a',
      'PUT id=tx | s=in-tx',
      'UPDATE id=tx | s delAll u=u',
    ]);
    // The batch's records share one log time and count rows in commit order; times grow between commits.
    const seqs = records.map((r) => readRecord(r.record).seq);
    expect(seqs[2].ts).toBe(seqs[3].ts);
    expect([seqs[2].rowIndex, seqs[3].rowIndex]).toEqual([0, 1]);
    for (let i = 1; i < seqs.length; i++) {
      const [a, b] = [seqs[i - 1], seqs[i]];
      expect(a.ts < b.ts || (a.ts === b.ts && a.rowIndex < b.rowIndex), `seq ${i}`).toBe(true);
    }
    // Put cells carry the version the server stamped: the injected clock's ms, the emulator's one clock.
    expect(readRecord(records[0].record).cells[0]).toBe(`s=x@${T + 100_000}`);
    expect(readRecord(records[3].record).deleteMarker).toBe(true);
    expect((await exhaust(await iteratorOf('paths2'))).records.map((r) => showRecord(r))).toEqual(['PUT id=c | s=c1']);
    expect((await exhaust(await iteratorOf('auto'))).records.map((r) => showRecord(r))).toEqual([`PUT p=x,n=${generated} | v=auto`]);
  });

  it('logs an atomic BatchWriteRow (raw request: the Node SDK cannot set is_atomic), and nothing when it fails', async () => {
    await sdk.createTable(tableArgs('atomic', STREAM_24H, [{ name: 'p', type: 'STRING' }, { name: 's', type: 'INTEGER' }]));
    const put = (s: number, v: string, rowExistence = 0) => ({
      type: 1,
      rowChange: Buffer.from(TableStore.PlainBufferBuilder.serializeForPutRow([{ p: 'a' }, { s: Long(s) }], [{ v }])),
      condition: { rowExistence },
    });
    const ok1 = await ok('BatchWriteRow', { isAtomic: true, tables: [{ tableName: 'atomic', rows: [put(1, 'one'), put(2, 'two')] }] });
    expect(ok1.tables[0].rows.map((r: any) => r.isOk)).toEqual([true, true]);
    // EXPECT_EXIST on a missing row fails the whole atomic group: no rows, no records.
    const failed = await ok('BatchWriteRow', { isAtomic: true, tables: [{ tableName: 'atomic', rows: [put(3, 'three'), put(4, 'four', 1)] }] });
    expect(failed.tables[0].rows.map((r: any) => r.isOk)).toEqual([false, false]);
    const { records } = await exhaust(await iteratorOf('atomic'));
    expect(records.map((r) => showRecord(r))).toEqual(['PUT p=a,s=1 | v=one', 'PUT p=a,s=2 | v=two']);
  });

  it('reads with limit, by default at least 10 at once, and from a timestamp (spec §2.3, §2.4, Java APITest)', async () => {
    await sdk.createTable(tableArgs('lim', STREAM_24H, [{ name: 'id', type: 'INTEGER' }]));
    for (let i = 0; i < 10; i++) {
      now = T + 200_000 + i;
      await sdk.putRow({ tableName: 'lim', condition: IGNORE(), primaryKey: [{ id: Long(i) }], attributeColumns: [{ v: Long(i) }] });
    }
    const start = await iteratorOf('lim');
    expect((await ok('GetStreamRecord', { shardIterator: start })).streamRecords).toHaveLength(10);
    let iter = start;
    for (let i = 0; i < 10; i++) {
      const r = await ok('GetStreamRecord', { shardIterator: iter, limit: 1 });
      expect(r.streamRecords.map((x: any) => showRecord(x))).toEqual([`PUT id=${i} | v=${i}`]);
      iter = r.nextShardIterator;
    }
    const end = await ok('GetStreamRecord', { shardIterator: iter, limit: 1 });
    expect(end.streamRecords).toEqual([]);
    expect(end.nextShardIterator).toBe(iter);
    // From a timestamp (μs): the first record logged at or after it.
    const from7 = await iteratorOf('lim', (T + 200_007) * 1000);
    expect((await exhaust(from7)).records.map((x) => showRecord(x))).toEqual(['PUT id=7 | v=7', 'PUT id=8 | v=8', 'PUT id=9 | v=9']);
    // Past the end: caught up, then sees what comes next.
    const future = await iteratorOf('lim', (T + 999_999) * 1000);
    expect((await ok('GetStreamRecord', { shardIterator: future })).streamRecords).toEqual([]);
    now = T + 1_000_000;
    await sdk.putRow({ tableName: 'lim', condition: IGNORE(), primaryKey: [{ id: Long(10) }], attributeColumns: [{ v: Long(10) }] });
    expect((await ok('GetStreamRecord', { shardIterator: future })).streamRecords.map((x: any) => showRecord(x))).toEqual(['PUT id=10 | v=10']);
  });

  it('trims records older than the expiration: OTSTrimmedDataAccess for an iterator before the trim point (spec §2.6, §2.7)', async () => {
    now = T + 2_000_000;
    await sdk.createTable(tableArgs('exp', { streamSpecification: { enableStream: true, expirationTime: 1 } }, [{ name: 'id', type: 'INTEGER' }]));
    await sdk.putRow({ tableName: 'exp', condition: IGNORE(), primaryKey: [{ id: Long(1) }], attributeColumns: [{ v: 'old' }] });
    const oldIter = await iteratorOf('exp');
    now += 30 * 60_000;
    await sdk.putRow({ tableName: 'exp', condition: IGNORE(), primaryKey: [{ id: Long(2) }], attributeColumns: [{ v: 'newer' }] });
    expect((await exhaust(oldIter)).records).toHaveLength(2);
    now += 31 * 60_000; // the first record is now 61 minutes old
    const r = await rpc('GetStreamRecord', { shardIterator: oldIter });
    expect(r.status).toBe(404);
    expect(r.error).toEqual({ code: 'OTSTrimmedDataAccess', message: 'Requested stream data is already trimmed or does not exist.' });
    expect((await exhaust(await iteratorOf('exp'))).records.map((x) => showRecord(x))).toEqual(['PUT id=2 | v=newer']);
    now += 60 * 60_000;
    const drained = await iteratorOf('exp');
    expect((await ok('GetStreamRecord', { shardIterator: drained })).streamRecords).toEqual([]);
    // A record written now is read with the iterator taken when the log was empty.
    await sdk.putRow({ tableName: 'exp', condition: IGNORE(), primaryKey: [{ id: Long(3) }], attributeColumns: [{ v: 'fresh' }] });
    expect((await exhaust(drained)).records.map((x) => showRecord(x))).toEqual(['PUT id=3 | v=fresh']);
  });

  it('answers malformed or stale stream ids, shard ids and iterators with the service errors (spec §2.7)', async () => {
    await sdk.createTable(tableArgs('errs', STREAM_24H));
    const streamId = await streamOf('errs');
    const iter = await iteratorOf('errs');
    const cases: Array<[string, object, string, string]> = [
      ['DescribeStream', { streamId: 'no id' }, 'OTSParameterInvalid', 'Invalid stream id'],
      ['DescribeStream', { streamId: `${'t'.repeat(240)}_1700000000000000` }, 'OTSParameterInvalid', 'Invalid stream id'],
      ['DescribeStream', { streamId: 'errs_123' }, 'OTSObjectNotExist', 'stream does not exist'],
      ['DescribeStream', { streamId: 'ghost_1700000000000000' }, 'OTSObjectNotExist', 'stream does not exist'],
      ['DescribeStream', { streamId, shardLimit: 0 }, 'OTSParameterInvalid', 'shard_limit must be positive'],
      ['GetShardIterator', { streamId, shardId: 'other' }, 'OTSParameterInvalid', 'Invalid shard id'],
      ['GetShardIterator', { streamId, shardId: 'shard-0', token: 'x' }, 'OTSParameterInvalid', 'token'],
      ['GetStreamRecord', { shardIterator: 'garbage' }, 'OTSParameterInvalid', 'Invalid shard iterator'],
      ['GetStreamRecord', { shardIterator: '' }, 'OTSParameterInvalid', 'shard_iterator is required'],
      ['GetStreamRecord', { shardIterator: iter, limit: 0 }, 'OTSParameterInvalid', 'limit must be positive'],
      ['GetStreamRecord', { shardIterator: iter, limit: -3 }, 'OTSParameterInvalid', 'limit must be positive'],
      ['GetStreamRecord', { shardIterator: Buffer.from(`v1\t${streamId}\tshard-0\t999`).toString('base64url') }, 'OTSParameterInvalid', 'past the end'],
      ['GetStreamRecord', { shardIterator: Buffer.from(`v1\t${streamId}\tshard-9\t0`).toString('base64url') }, 'OTSParameterInvalid', 'Invalid shard id'],
      ['ListStream', { tableName: 'ghost' }, 'OTSObjectNotExist', 'table does not exist'],
    ];
    for (const [action, msg, code, text] of cases) {
      const r = await rpc(action, msg);
      expect(r.error?.code, `${action} ${JSON.stringify(msg)}`).toBe(code);
      expect(r.error?.message.toLowerCase()).toContain(text.toLowerCase());
    }
    // A dropped table takes its stream with it.
    await sdk.deleteTable({ tableName: 'errs' });
    expect((await rpc('GetStreamRecord', { shardIterator: iter })).error?.code).toBe('OTSObjectNotExist');
  });
});
