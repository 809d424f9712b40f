/**
 * The engine's commit feed (engine/commit-feed.ts): every write path — PutRow, UpdateRow (increments
 * included), DeleteRow, BatchWriteRow, CommitTransaction — announces the rows it changed, with their content
 * after the commit, synchronously and in commit order; failed writes, aborted transactions and reads announce
 * nothing. Driven by the official SDK against a private in-process emulator (the feed is the emulator's
 * own interface, so the file is skipped against a real instance).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import type { CommittedChange } from '../../src/emulator/engine/commit-feed';
import type { RowData } from '../../src/emulator/model/row';
import { VT, type Value } from '../../src/emulator/model/value';
import { sdkFor, type Client } from '../support/emulator-process';
import { EXPECT_EXIST, IGNORE, Long, otsError, TableStore } from '../support/sdk';

function show(v: Value): string {
  return v.t === VT.STRING ? v.v.toString('utf8') : v.t === VT.INTEGER ? String(v.v) : JSON.stringify(v);
}

/** A row as `id {col=newest value,…}`, or `-` for none. */
function showRow(row: RowData | undefined): string {
  if (!row) return '-';
  const cols = [...row.cols].map(([name, versions]) => `${name}=${show(versions[0].value)}`).sort();
  return `{${cols.join(',')}}`;
}

/**
 * `table key: row after`. A deleted row's key is read from its store key: this file deletes only from tables
 * keyed by one STRING column, stored as the table prefix (5 bytes), a value marker, the bytes, 0x00 0x00 (keys.ts).
 */
function showChange(c: CommittedChange): string {
  const key = c.after ? c.after.pk.map((p) => show(p.value!)).join('/') : c.key.subarray(6, -2).toString('utf8');
  return `${c.table.name} ${key}: ${showRow(c.after)}`;
}

const tableArgs = (tableName: string, pk: Array<{ name: string; type: string; option?: string }> = [{ name: 'id', type: 'STRING' }]) => ({
  tableMeta: { tableName, primaryKey: pk },
  reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
  tableOptions: { timeToLive: -1, maxVersions: 1 },
});

describe.skipIf(!!process.env.TSORM_TEST_ENDPOINT)('commit feed', () => {
  let emu: RunningEmulator;
  let sdk: Client;
  /** Each commit's changes, shown, in the order the feed delivered them. */
  const commits: string[][] = [];
  let stop: () => void;
  const internalErrors: unknown[] = [];

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, inMemory: true, onInternalError: (e) => internalErrors.push(e) });
    sdk = sdkFor(emu.endpoint);
    await sdk.createTable(tableArgs('a'));
    await sdk.createTable(tableArgs('b'));
    await sdk.createTable(tableArgs('auto', [{ name: 'p', type: 'STRING' }, { name: 'n', type: 'INTEGER', option: 'AUTO_INCREMENT' }]));
    stop = emu.engine.onCommit((changes) => commits.push(changes.map(showChange)));
  });
  afterAll(async () => {
    stop?.();
    await emu?.close();
  });

  /** The commits a step made. */
  async function during(step: () => Promise<unknown>): Promise<string[][]> {
    const from = commits.length;
    await step();
    return commits.slice(from);
  }

  it('announces PutRow, UpdateRow (increments included) and DeleteRow with the row after the commit', async () => {
    expect(await during(() => sdk.putRow({ tableName: 'a', condition: IGNORE(), primaryKey: [{ id: 'r' }], attributeColumns: [{ s: 'x' }, { n: Long(1) }] })))
      .toEqual([['a r: {n=1,s=x}']]);
    expect(await during(() => sdk.updateRow({ tableName: 'a', condition: IGNORE(), primaryKey: [{ id: 'r' }], updateOfAttributeColumns: [{ INCREMENT: [{ n: Long(5) }] }, { PUT: [{ t: 'y' }] }] })))
      .toEqual([['a r: {n=6,s=x,t=y}']]);
    expect(await during(() => sdk.deleteRow({ tableName: 'a', condition: IGNORE(), primaryKey: [{ id: 'r' }] })))
      .toEqual([['a r: -']]);
  });

  it('gives the store key and the current table metadata', async () => {
    let seen: CommittedChange[] = [];
    const off = emu.engine.onCommit((changes) => (seen = [...changes]));
    await sdk.putRow({ tableName: 'b', condition: IGNORE(), primaryKey: [{ id: 'k' }], attributeColumns: [{ v: 'z' }] });
    off();
    expect(seen).toHaveLength(1);
    expect(seen[0].table).toBe(emu.engine.table('b'));
    expect(seen[0].key.equals(emu.engine.rowKey(emu.engine.table('b'), seen[0].after!.pk))).toBe(true);
  });

  it('announces nothing for reads, failed conditions, deletes of missing rows and refused requests', async () => {
    expect(await during(async () => {
      await sdk.getRow({ tableName: 'a', primaryKey: [{ id: 'r' }], maxVersions: 1 });
      await otsError(sdk.putRow({ tableName: 'a', condition: EXPECT_EXIST(), primaryKey: [{ id: 'nope' }], attributeColumns: [{ s: 'x' }] }));
      await sdk.deleteRow({ tableName: 'a', condition: IGNORE(), primaryKey: [{ id: 'never-there' }] });
      await otsError(sdk.putRow({ tableName: 'a', condition: IGNORE(), primaryKey: [{ id: 'r' }], attributeColumns: [{ '#bad': 'x' }] }));
    })).toEqual([]);
  });

  it('announces a BatchWriteRow as one commit, rows in request order, failed rows left out', async () => {
    const res = await during(() => sdk.batchWriteRow({
      tables: [
        { tableName: 'b', rows: [
          { type: 'PUT', condition: IGNORE(), primaryKey: [{ id: '2' }], attributeColumns: [{ v: 'two' }] },
          { type: 'PUT', condition: EXPECT_EXIST(), primaryKey: [{ id: 'missing' }], attributeColumns: [{ v: 'no' }] },
        ] },
        { tableName: 'a', rows: [
          { type: 'PUT', condition: IGNORE(), primaryKey: [{ id: '1' }], attributeColumns: [{ s: 'one' }] },
          { type: 'UPDATE', condition: IGNORE(), primaryKey: [{ id: '1' }], attributeColumns: [{ PUT: [{ s: 'uno' }] }] },
        ] },
      ],
    }));
    // The row written twice is one change: its state after the batch.
    expect(res).toEqual([['b 2: {v=two}', 'a 1: {s=uno}']]);
  });

  it('announces auto-increment rows with the key the service assigned', async () => {
    const res = await during(() => sdk.putRow({
      tableName: 'auto', condition: IGNORE(), primaryKey: [{ p: 'x' }, { n: TableStore.PK_AUTO_INCR }], attributeColumns: [{ v: 'a' }],
      returnContent: { returnType: TableStore.ReturnType.Primarykey },
    }));
    expect(res).toHaveLength(1);
    expect(res[0][0]).toMatch(/^auto x\/\d{16}: \{v=a\}$/);
  });

  it('announces a local transaction at its commit only, and an aborted one never', async () => {
    const { transactionId } = await sdk.startLocalTransaction({ tableName: 'a', primaryKey: [{ id: 't1' }] });
    const pending = await during(async () => {
      await sdk.putRow({ tableName: 'a', condition: IGNORE(), primaryKey: [{ id: 't1' }], attributeColumns: [{ s: 'in-txn' }], transactionId });
      await sdk.updateRow({ tableName: 'a', condition: IGNORE(), primaryKey: [{ id: 't1' }], updateOfAttributeColumns: [{ PUT: [{ t: 'more' }] }], transactionId });
    });
    expect(pending).toEqual([]);
    expect(await during(() => sdk.commitTransaction({ transactionId }))).toEqual([['a t1: {s=in-txn,t=more}']]);

    const aborted = await sdk.startLocalTransaction({ tableName: 'a', primaryKey: [{ id: 't2' }] });
    expect(await during(async () => {
      await sdk.putRow({ tableName: 'a', condition: IGNORE(), primaryKey: [{ id: 't2' }], attributeColumns: [{ s: 'gone' }], transactionId: aborted.transactionId });
      await sdk.abortTransaction({ transactionId: aborted.transactionId });
    })).toEqual([]);
  });

  it('keeps commit order across concurrent requests, and stops calling a removed listener', async () => {
    const res = await during(() => Promise.all(Array.from({ length: 20 }, (_, i) => sdk.putRow({ tableName: 'b', condition: IGNORE(), primaryKey: [{ id: `c${i}` }], attributeColumns: [{ v: `${i}` }] }))));
    expect(res).toHaveLength(20);
    // Each request is one commit, announced before it is answered: all 20 are there, each once.
    expect(res.map((c) => c[0]).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `b c${i}: {v=${i}}`).sort());
    const calls: number[] = [];
    const off = emu.engine.onCommit(() => calls.push(1));
    await sdk.putRow({ tableName: 'b', condition: IGNORE(), primaryKey: [{ id: 'x' }], attributeColumns: [{ v: '1' }] });
    off();
    await sdk.putRow({ tableName: 'b', condition: IGNORE(), primaryKey: [{ id: 'x' }], attributeColumns: [{ v: '2' }] });
    expect(calls).toHaveLength(1);
  });

  it('still commits and tells the other listeners when one listener throws; the request answers 500', async () => {
    const other: string[][] = [];
    const offBad = emu.engine.onCommit(() => {
      throw new Error('listener bug');
    });
    const offOther = emu.engine.onCommit((changes) => other.push(changes.map(showChange)));
    try {
      const e = await otsError(sdk.putRow({ tableName: 'b', condition: IGNORE(), primaryKey: [{ id: 'boom' }], attributeColumns: [{ v: 'kept' }] }));
      expect([e.status, e.otsCode]).toEqual([500, 'OTSInternalServerError']);
    } finally {
      offBad();
      offOther();
    }
    expect(other).toEqual([['b boom: {v=kept}']]);
    expect(internalErrors.map((e) => (e as Error).message)).toEqual(['listener bug']);
    const row = await sdk.getRow({ tableName: 'b', primaryKey: [{ id: 'boom' }], maxVersions: 1 });
    expect(row.row.attributes[0].columnValue).toBe('kept');
  });
});
