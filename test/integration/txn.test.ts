/**
 * Local transactions (spec §9, §6.5): one partition-key value of one table, read-committed isolation,
 * pessimistic locks, commit/abort, and their errors.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startEmulator } from '../../src/emulator';
import { call } from '../support/raw';
import { columns, connectSdk, createTable, EXPECT_EXIST, IGNORE, Long, otsError, TableStore, uniqueTable, type Sdk } from '../support/sdk';
import { tableJanitor } from '../support/janitor';

const sdk = connectSdk();
const emulator = inject('backend').emulator;
const { INF_MIN, INF_MAX } = TableStore;
const janitor = tableJanitor(sdk);

function expectErr(e: { status: number; otsCode: string; otsMessage: string }, status: number | undefined, code: string, message?: string): void {
  expect(e.otsCode).toBe(code);
  if (status !== undefined) expect(e.status).toBe(status);
  if (message !== undefined) expect(e.otsMessage).toBe(message);
}

/** A table (p STRING, s INTEGER) with local transactions enabled (raw request: the Node SDK cannot set the flag). */
async function makeTxnTable(pkType = 2): Promise<string> {
  const t = uniqueTable('txn');
  const res = await call('CreateTable', {
    tableMeta: { tableName: t, primaryKey: [{ name: 'p', type: pkType }, { name: 's', type: 1 }] },
    reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
    tableOptions: { timeToLive: -1, maxVersions: 1 },
    enableLocalTxn: true,
  });
  expect(res.status).toBe(200);
  janitor.add(t);
  return t;
}

const key = (p: string, s: number) => [{ p }, { s: Long(s) }];

async function start(t: string, p: unknown): Promise<string> {
  const r = await sdk.startLocalTransaction({ tableName: t, primaryKey: [{ p }] });
  expect(typeof r.transactionId).toBe('string');
  expect(r.transactionId.length).toBeGreaterThan(0);
  return r.transactionId;
}

async function read(t: string, pk: any[], transactionId?: string): Promise<Record<string, string[]> | undefined> {
  const r = await sdk.getRow({ tableName: t, primaryKey: pk, ...(transactionId ? { transactionId } : {}) });
  return r.row?.primaryKey ? columns(r.row) : undefined;
}

async function scan(t: string, p: string, transactionId?: string): Promise<string[]> {
  const r = await sdk.getRange({
    tableName: t,
    direction: TableStore.Direction.FORWARD,
    inclusiveStartPrimaryKey: [{ p }, { s: INF_MIN }],
    exclusiveEndPrimaryKey: [{ p }, { s: INF_MAX }],
    ...(transactionId ? { transactionId } : {}),
  });
  return r.rows.map((row: any) => `${row.primaryKey[1].value}:${columns(row).v?.[0]}`);
}

describe('StartLocalTransaction', () => {
  it('takes only the partition key', async () => {
    const t = await makeTxnTable();
    const e = await otsError(sdk.startLocalTransaction({ tableName: t, primaryKey: key('a', 1) }));
    expectErr(e, 400, 'OTSParameterInvalid', 'StartLocalTransaction support only one primary key.');
    const id = await start(t, 'a');
    await sdk.abortTransaction({ transactionId: id });
  });

  it('checks the partition key against the schema and the table', async () => {
    const t = await makeTxnTable();
    expectErr(await otsError(sdk.startLocalTransaction({ tableName: t, primaryKey: [{ p: Long(1) }] })), 400, 'OTSInvalidPK');
    expectErr(await otsError(sdk.startLocalTransaction({ tableName: t, primaryKey: [{ s: 'a' }] })), 400, 'OTSInvalidPK');
    expectErr(await otsError(sdk.startLocalTransaction({ tableName: uniqueTable('missing'), primaryKey: [{ p: 'a' }] })), 404, 'OTSObjectNotExist', 'Requested table does not exist.');
  });

  it('refuses a second transaction on a locked key with 409, and allows other keys', async () => {
    const t = await makeTxnTable();
    const id = await start(t, 'a');
    const e = await otsError(sdk.startLocalTransaction({ tableName: t, primaryKey: [{ p: 'a' }] }));
    expectErr(e, 409, 'OTSRowOperationConflict');
    expect(e.otsMessage).toMatch(/^Failed to lock txn key: a$|^Data is being modified by the other request\.$/);
    const other = await start(t, 'b');
    await sdk.abortTransaction({ transactionId: other });
    await sdk.commitTransaction({ transactionId: id });
    // The lock is gone with the transaction.
    await sdk.abortTransaction({ transactionId: await start(t, 'a') });
  });

  it('is refused on a table with an auto-increment column', async () => {
    const t = uniqueTable('txn');
    await createTable(sdk, t, [{ name: 'p', type: 'STRING' }, { name: 'id', type: 'INTEGER', option: 'AUTO_INCREMENT' }]);
    janitor.add(t);
    expectErr(await otsError(sdk.startLocalTransaction({ tableName: t, primaryKey: [{ p: 'a' }] })), 400, 'OTSParameterInvalid');
    const res = await call('CreateTable', {
      tableMeta: { tableName: uniqueTable('txn'), primaryKey: [{ name: 'p', type: 2 }, { name: 'id', type: 1, option: 1 }] },
      reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
      tableOptions: { timeToLive: -1, maxVersions: 1 },
      enableLocalTxn: true,
    });
    expect([res.status, res.error?.code]).toEqual([400, 'OTSParameterInvalid']);
  });
});

describe('isolation and outcome', () => {
  it('shows the transaction its own writes, others only after commit', async () => {
    const t = await makeTxnTable();
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('a', 1), attributeColumns: [{ v: 'committed' }] });
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('a', 3), attributeColumns: [{ v: 'doomed' }] });
    const id = await start(t, 'a');
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('a', 2), attributeColumns: [{ v: 'new' }], transactionId: id });
    await sdk.updateRow({ tableName: t, condition: EXPECT_EXIST(), primaryKey: key('a', 1), updateOfAttributeColumns: [{ PUT: [{ v: 'changed' }] }], transactionId: id });
    await sdk.deleteRow({ tableName: t, condition: EXPECT_EXIST(), primaryKey: key('a', 3), transactionId: id });

    expect(await read(t, key('a', 2), id)).toEqual({ v: ['new'] });
    expect(await read(t, key('a', 1), id)).toEqual({ v: ['changed'] });
    expect(await read(t, key('a', 3), id)).toBeUndefined();
    expect(await scan(t, 'a', id)).toEqual(['1:changed', '2:new']);

    expect(await read(t, key('a', 2))).toBeUndefined();
    expect(await read(t, key('a', 1))).toEqual({ v: ['committed'] });
    expect(await scan(t, 'a')).toEqual(['1:committed', '3:doomed']);

    await sdk.commitTransaction({ transactionId: id });
    expect(await scan(t, 'a')).toEqual(['1:changed', '2:new']);
  });

  it('discards the writes on abort', async () => {
    const t = await makeTxnTable();
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('a', 1), attributeColumns: [{ v: 'kept' }] });
    const id = await start(t, 'a');
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('a', 1), attributeColumns: [{ v: 'lost' }], transactionId: id });
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('a', 2), attributeColumns: [{ v: 'lost' }], transactionId: id });
    expect(await scan(t, 'a', id)).toEqual(['1:lost', '2:lost']);
    await sdk.abortTransaction({ transactionId: id });
    expect(await scan(t, 'a')).toEqual(['1:kept']);
    // The transaction is over.
    expectErr(await otsError(read(t, key('a', 1), id)), undefined, 'OTSSessionNotExist', 'Session not exist or may be timeout.');
  });

  it('checks conditions against the transaction\'s view', async () => {
    const t = await makeTxnTable();
    const id = await start(t, 'a');
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('a', 1), attributeColumns: [{ v: 'x' }], transactionId: id });
    await sdk.updateRow({ tableName: t, condition: EXPECT_EXIST(), primaryKey: key('a', 1), updateOfAttributeColumns: [{ PUT: [{ w: 'y' }] }], transactionId: id });
    expectErr(await otsError(sdk.updateRow({ tableName: t, condition: EXPECT_EXIST(), primaryKey: key('a', 9), updateOfAttributeColumns: [{ PUT: [{ w: 'y' }] }], transactionId: id })), 403, 'OTSConditionCheckFail', 'Condition check failed.');
    await sdk.commitTransaction({ transactionId: id });
    expect(await read(t, key('a', 1))).toEqual({ v: ['x'], w: ['y'] });
  });

  it('applies a BatchWriteRow inside the transaction', async () => {
    const t = await makeTxnTable();
    const id = await start(t, 'a');
    const res = await sdk.batchWriteRow({
      transactionId: id,
      tables: [{
        tableName: t,
        rows: [
          { type: 'PUT', condition: IGNORE(), primaryKey: key('a', 1), attributeColumns: [{ v: 'b1' }] },
          { type: 'UPDATE', condition: IGNORE(), primaryKey: key('a', 2), attributeColumns: [{ PUT: [{ v: 'b2' }] }] },
        ],
      }],
    });
    expect(res.tables.map((r: any) => r.isOk)).toEqual([true, true]);
    expect(await scan(t, 'a', id)).toEqual(['1:b1', '2:b2']);
    expect(await scan(t, 'a')).toEqual([]);
    await sdk.commitTransaction({ transactionId: id });
    expect(await scan(t, 'a')).toEqual(['1:b1', '2:b2']);
  });

  it('pages a GetRange inside the transaction over committed and pending rows', async () => {
    const t = await makeTxnTable();
    for (const s of [1, 3, 5]) await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('a', s), attributeColumns: [{ v: `c${s}` }] });
    const id = await start(t, 'a');
    for (const s of [2, 4]) await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('a', s), attributeColumns: [{ v: `t${s}` }], transactionId: id });
    await sdk.deleteRow({ tableName: t, condition: IGNORE(), primaryKey: key('a', 3), transactionId: id });
    const seen: string[] = [];
    let from: any[] = [{ p: 'a' }, { s: INF_MIN }];
    for (let page = 0; page < 10; page++) {
      const r = await sdk.getRange({
        tableName: t, direction: TableStore.Direction.FORWARD, limit: 2, transactionId: id,
        inclusiveStartPrimaryKey: from, exclusiveEndPrimaryKey: [{ p: 'a' }, { s: INF_MAX }],
      });
      seen.push(...r.rows.map((row: any) => columns(row).v[0]));
      if (!r.nextStartPrimaryKey) break;
      from = r.nextStartPrimaryKey.map((c: any) => ({ [c.name]: c.value }));
    }
    expect(seen).toEqual(['c1', 't2', 't4', 'c5']);
    await sdk.abortTransaction({ transactionId: id });
  });

  it('updates secondary indexes on commit, not before, and not on abort', async () => {
    const t = uniqueTable('txn');
    const res = await call('CreateTable', {
      tableMeta: { tableName: t, primaryKey: [{ name: 'p', type: 2 }, { name: 's', type: 1 }], definedColumn: [{ name: 'v', type: 4 }] },
      reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
      tableOptions: { timeToLive: -1, maxVersions: 1 },
      indexMetas: [{ name: `${t}_v`, primaryKey: ['v'], definedColumn: [], indexUpdateMode: 0, indexType: 0 }],
      enableLocalTxn: true,
    });
    expect(res.status).toBe(200);
    janitor.add(t);
    const indexKeys = async () => {
      const r = await sdk.getRange({
        tableName: `${t}_v`,
        direction: TableStore.Direction.FORWARD,
        inclusiveStartPrimaryKey: [{ v: INF_MIN }, { p: INF_MIN }, { s: INF_MIN }],
        exclusiveEndPrimaryKey: [{ v: INF_MAX }, { p: INF_MAX }, { s: INF_MAX }],
      });
      return r.rows.map((row: any) => row.primaryKey.map((c: any) => String(c.value)).join('|'));
    };
    const aborted = await start(t, 'a');
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('a', 1), attributeColumns: [{ v: 'gone' }], transactionId: aborted });
    await sdk.abortTransaction({ transactionId: aborted });
    const id = await start(t, 'a');
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('a', 2), attributeColumns: [{ v: 'kept' }], transactionId: id });
    expect(await indexKeys()).toEqual([]);
    await sdk.commitTransaction({ transactionId: id });
    const deadline = Date.now() + (emulator ? 0 : 10_000);
    let keys = await indexKeys();
    while (keys.length === 0 && Date.now() < deadline) keys = await indexKeys();
    expect(keys).toEqual(['kept|a|2']);
  });

  it('treats a commit without writes as an abort and releases the lock', async () => {
    const t = await makeTxnTable();
    const id = await start(t, 'a');
    await sdk.commitTransaction({ transactionId: id });
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('a', 1), attributeColumns: [{ v: 'free' }] });
    expect(await read(t, key('a', 1))).toEqual({ v: ['free'] });
  });
});

describe('locks and scope', () => {
  it('refuses non-transactional writes to a locked partition key with 409, allows reads', async () => {
    const t = await makeTxnTable();
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('a', 1), attributeColumns: [{ v: 'before' }] });
    const id = await start(t, 'a');
    const conflict = (p: Promise<unknown>) => otsError(p).then((e) => expectErr(e, 409, 'OTSRowOperationConflict', 'Data is being modified by the other request.'));
    await conflict(sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('a', 5), attributeColumns: [{ v: 'x' }] }));
    await conflict(sdk.updateRow({ tableName: t, condition: IGNORE(), primaryKey: key('a', 1), updateOfAttributeColumns: [{ PUT: [{ v: 'x' }] }] }));
    await conflict(sdk.deleteRow({ tableName: t, condition: IGNORE(), primaryKey: key('a', 1) }));
    const batch = await sdk.batchWriteRow({
      tables: [{
        tableName: t,
        rows: [
          { type: 'PUT', condition: IGNORE(), primaryKey: key('a', 6), attributeColumns: [{ v: 'x' }] },
          { type: 'PUT', condition: IGNORE(), primaryKey: key('b', 6), attributeColumns: [{ v: 'x' }] },
        ],
      }],
    });
    expect(batch.tables.map((r: any) => [r.isOk, r.errorCode])).toEqual([[false, 'OTSRowOperationConflict'], [true, null]]);
    // Reads are not blocked, and other partition keys stay writable.
    expect(await read(t, key('a', 1))).toEqual({ v: ['before'] });
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('b', 1), attributeColumns: [{ v: 'other' }] });
    await sdk.abortTransaction({ transactionId: id });
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('a', 5), attributeColumns: [{ v: 'now' }] });
    expect(await read(t, key('a', 5))).toEqual({ v: ['now'] });
  });

  it('refuses rows of another partition key inside the transaction (OTSDataOutOfRange)', async () => {
    const t = await makeTxnTable();
    const id = await start(t, 'key1');
    const msg = 'Data out of scope of transaction. Transaction PartKey:key1. Data PartKey:key2';
    const e = await otsError(sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('key2', 1), attributeColumns: [{ v: 'x' }], transactionId: id }));
    expectErr(e, undefined, 'OTSDataOutOfRange', msg);
    expectErr(await otsError(sdk.getRow({ tableName: t, primaryKey: key('key2', 1), transactionId: id })), undefined, 'OTSDataOutOfRange', msg);
    expectErr(await otsError(sdk.deleteRow({ tableName: t, condition: IGNORE(), primaryKey: key('key2', 1), transactionId: id })), undefined, 'OTSDataOutOfRange', msg);
    const res = await sdk.batchWriteRow({ transactionId: id, tables: [{ tableName: t, rows: [{ type: 'PUT', condition: IGNORE(), primaryKey: key('key2', 1), attributeColumns: [{ v: 'x' }] }] }] });
    expect(res.tables.map((r: any) => [r.isOk, r.errorCode, r.errorMessage])).toEqual([[false, 'OTSDataOutOfRange', msg]]);
    // A range read inside the transaction must stay in its partition.
    const outside = (p: Promise<unknown>, data: string) => otsError(p).then((err) => expectErr(err, undefined, 'OTSDataOutOfRange', `Data out of scope of transaction. Transaction PartKey:key1. Data PartKey:${data}`));
    const rangeIn = (start: any[], end: any[]) => sdk.getRange({ tableName: t, direction: TableStore.Direction.FORWARD, transactionId: id, inclusiveStartPrimaryKey: start, exclusiveEndPrimaryKey: end });
    await outside(rangeIn([{ p: 'key1' }, { s: INF_MIN }], [{ p: 'key2' }, { s: INF_MIN }]), 'key2');
    expectErr(await otsError(rangeIn([{ p: INF_MIN }, { s: INF_MIN }], [{ p: INF_MAX }, { s: INF_MAX }])), undefined, 'OTSDataOutOfRange');
    expect(await scan(t, 'key1', id)).toEqual([]);
    // Another table is out of scope too.
    const u = await makeTxnTable();
    expectErr(await otsError(sdk.putRow({ tableName: u, condition: IGNORE(), primaryKey: key('key1', 1), attributeColumns: [{ v: 'x' }], transactionId: id })), undefined, 'OTSDataOutOfRange');
    await sdk.abortTransaction({ transactionId: id });
    expect(await read(t, key('key2', 1))).toBeUndefined();
  });

  it('names integer partition keys by value in OTSDataOutOfRange', async () => {
    const t = await makeTxnTable(1);
    const id = (await sdk.startLocalTransaction({ tableName: t, primaryKey: [{ p: Long(-7) }] })).transactionId;
    const e = await otsError(sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: [{ p: Long(42) }, { s: Long(1) }], attributeColumns: [{ v: 'x' }], transactionId: id }));
    expectErr(e, undefined, 'OTSDataOutOfRange', 'Data out of scope of transaction. Transaction PartKey:-7. Data PartKey:42');
    await sdk.abortTransaction({ transactionId: id });
  });
});

describe('transaction ids', () => {
  it('answers OTSSessionNotExist for an unknown or finished transaction', async () => {
    const t = await makeTxnTable();
    const id = await start(t, 'a');
    await sdk.commitTransaction({ transactionId: id });
    const msg = 'Session not exist or may be timeout.';
    expectErr(await otsError(sdk.commitTransaction({ transactionId: id })), undefined, 'OTSSessionNotExist', msg);
    expectErr(await otsError(sdk.abortTransaction({ transactionId: id })), undefined, 'OTSSessionNotExist', msg);
    expectErr(await otsError(sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('a', 1), attributeColumns: [{ v: 'x' }], transactionId: id })), undefined, 'OTSSessionNotExist', msg);
  });

  it.skipIf(!emulator)('answers OTSSessionNotExist with HTTP 404 (emulator decision, spec §14.8)', async () => {
    const t = await makeTxnTable();
    const id = await start(t, 'a');
    await sdk.abortTransaction({ transactionId: id });
    expectErr(await otsError(sdk.commitTransaction({ transactionId: id })), 404, 'OTSSessionNotExist');
  });

  it('answers 400 "TransactionID is invalid." for a garbage id', async () => {
    const t = await makeTxnTable();
    const invalid = (p: Promise<unknown>) => otsError(p).then((e) => expectErr(e, 400, 'OTSParameterInvalid', 'TransactionID is invalid.'));
    await invalid(sdk.commitTransaction({ transactionId: 'garbage' }));
    await invalid(sdk.abortTransaction({ transactionId: 'not-a-transaction-id' }));
    await invalid(sdk.getRow({ tableName: t, primaryKey: key('a', 1), transactionId: 'garbage' }));
    await invalid(sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('a', 1), attributeColumns: [{ v: 'x' }], transactionId: 'garbage' }));
    const res = await call('CommitTransaction', { transactionId: '' });
    expect([res.status, res.error?.code, res.error?.message]).toEqual([400, 'OTSParameterInvalid', 'TransactionID is invalid.']);
  });
});

describe.skipIf(!emulator)('emulator options for transactions', () => {
  let emu: Awaited<ReturnType<typeof startEmulator>> | undefined;
  afterAll(async () => {
    await emu?.close();
  });
  const connect = (e: NonNullable<typeof emu>): Sdk => connectSdk({ endpoint: e.endpoint, instancename: e.instance, accessKeyId: e.accessKeyId, secretAccessKey: e.accessKeySecret });

  it('expires a transaction after its lifetime, releasing the lock (injected clock)', async () => {
    let now = Date.now();
    emu = await startEmulator({ port: 0, inMemory: true, clock: () => now, engine: { transactionTimeoutMs: 300, enforceLocalTxnFlag: true } });
    const own = connect(emu);
    // enforceLocalTxnFlag: a table without enable_local_txn refuses transactions.
    await createTable(own, 'plain', [{ name: 'p', type: 'STRING' }]);
    const e = await otsError(own.startLocalTransaction({ tableName: 'plain', primaryKey: [{ p: 'a' }] }));
    expectErr(e, 400, 'OTSParameterInvalid', 'Try to call method using explicit transaction on explicit-transaction-disabled table.');
    const res = await call('CreateTable', {
      tableMeta: { tableName: 'flagged', primaryKey: [{ name: 'p', type: 2 }] },
      reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
      tableOptions: { timeToLive: -1, maxVersions: 1 },
      enableLocalTxn: true,
    }, undefined, emu);
    expect(res.status).toBe(200);
    const id = (await own.startLocalTransaction({ tableName: 'flagged', primaryKey: [{ p: 'a' }] })).transactionId;
    await own.putRow({ tableName: 'flagged', condition: IGNORE(), primaryKey: [{ p: 'a' }], attributeColumns: [{ v: 'x' }], transactionId: id });
    now += 299; // 1 ms before its lifetime ends the transaction still holds the lock
    expectErr(
      await otsError(own.putRow({ tableName: 'flagged', condition: IGNORE(), primaryKey: [{ p: 'a' }], attributeColumns: [{ v: 'early' }] })),
      409, 'OTSRowOperationConflict', 'Data is being modified by the other request.',
    );
    now += 1;
    // A plain write is the first request after the timeout: the expired transaction no longer locks the row.
    await own.putRow({ tableName: 'flagged', condition: IGNORE(), primaryKey: [{ p: 'a' }], attributeColumns: [{ v: 'after' }] });
    expectErr(await otsError(own.commitTransaction({ transactionId: id })), 404, 'OTSSessionNotExist', 'Session not exist or may be timeout.');
    const got = await own.getRow({ tableName: 'flagged', primaryKey: [{ p: 'a' }] });
    expect(columns(got.row)).toEqual({ v: ['after'] });
  });
});
