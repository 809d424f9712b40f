/**
 * How search indexes follow the table (spec §8): every write path (PutRow, UpdateRow with increments,
 * DeleteRow, BatchWriteRow, transactions on commit only) is searchable when the write call returns; with a sync
 * delay writes become visible after it and sync_stat says how far the index has got; index TTL expires
 * documents; and after a clean restart or a kill -9 every acknowledged write is searchable again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { requireBuild, sdkFor, startEmulatorProcess, type Client } from '../support/emulator-process';
import { tableJanitor } from '../support/janitor';
import { connectSdk, createTable, IGNORE, Long, promisify, TableStore, uniqueTable, type Sdk } from '../support/sdk';
import { FT, QT, RT } from '../support/search';

const matchAll = { queryType: QT.MATCH_ALL_QUERY, query: {} };
const schema = { fieldSchemas: [{ fieldName: 'k', fieldType: FT.KEYWORD }, { fieldName: 'n', fieldType: FT.LONG }] };

async function hits(sdk: Sdk | Client, tableName: string, query: object = matchAll): Promise<number> {
  const r = await sdk.search({ tableName, indexName: 'i', searchQuery: { limit: 0, getTotalCount: true, query }, columnToGet: { returnType: RT.RETURN_NONE } });
  return Number(r.totalCounts);
}
const term = (fieldName: string, t: unknown) => ({ queryType: QT.TERM_QUERY, query: { fieldName, term: t } });

describe('search sync on every write path (default: visible when the write returns)', () => {
  const sdk = connectSdk();
  const janitor = tableJanitor(sdk);

  it('follows PutRow, UpdateRow (increment too), DeleteRow and BatchWriteRow', async () => {
    const t = janitor.add(uniqueTable('sync'));
    await createTable(sdk, t, [{ name: 'id', type: 'INTEGER' }]);
    await sdk.createSearchIndex({ tableName: t, indexName: 'i', schema });
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: [{ id: Long(1) }], attributeColumns: [{ k: 'a' }, { n: Long(1) }] });
    expect(await hits(sdk, t, term('k', 'a'))).toBe(1);
    await sdk.updateRow({ tableName: t, condition: IGNORE(), primaryKey: [{ id: Long(1) }], updateOfAttributeColumns: [{ PUT: [{ k: 'b' }] }, { INCREMENT: [{ n: Long(41) }] }] });
    expect([await hits(sdk, t, term('k', 'a')), await hits(sdk, t, term('k', 'b')), await hits(sdk, t, term('n', Long(42)))]).toEqual([0, 1, 1]);
    await sdk.updateRow({ tableName: t, condition: IGNORE(), primaryKey: [{ id: Long(1) }], updateOfAttributeColumns: [{ DELETE_ALL: ['k'] }] });
    expect([await hits(sdk, t, term('k', 'b')), await hits(sdk, t)]).toEqual([0, 1]);
    await sdk.batchWriteRow({
      tables: [{
        tableName: t,
        rows: [
          { type: 'PUT', condition: IGNORE(), primaryKey: [{ id: Long(2) }], attributeColumns: [{ k: 'c' }] },
          { type: 'PUT', condition: IGNORE(), primaryKey: [{ id: Long(3) }], attributeColumns: [{ k: 'c' }] },
          { type: 'DELETE', condition: IGNORE(), primaryKey: [{ id: Long(1) }] },
        ],
      }],
    });
    expect([await hits(sdk, t, term('k', 'c')), await hits(sdk, t)]).toEqual([2, 2]);
    await sdk.deleteRow({ tableName: t, condition: IGNORE(), primaryKey: [{ id: Long(2) }] });
    expect(await hits(sdk, t)).toBe(1);
    // metering: one row left, id=3 {k: 'c'}: 'id' + 8 bytes, 'k' + 1 byte (the rows' data size [decision]).
    const m = (await sdk.describeSearchIndex({ tableName: t, indexName: 'i' })).meteringInfo;
    expect([Number(m.rowCount), Number(m.storageSize)]).toEqual([1, 12]);
  });

  it('indexes a transaction\'s writes on commit only', async () => {
    const t = janitor.add(uniqueTable('txs'));
    await createTable(sdk, t, [{ name: 'p', type: 'STRING' }, { name: 'id', type: 'INTEGER' }]);
    await sdk.createSearchIndex({ tableName: t, indexName: 'i', schema });
    const put = (transactionId: string, id: number) =>
      sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: [{ p: 'x' }, { id: Long(id) }], attributeColumns: [{ k: 'tx' }], transactionId });
    const a = (await sdk.startLocalTransaction({ tableName: t, primaryKey: [{ p: 'x' }] })).transactionId;
    await put(a, 1);
    await put(a, 2);
    expect(await hits(sdk, t)).toBe(0);
    await sdk.commitTransaction({ transactionId: a });
    expect(await hits(sdk, t)).toBe(2);
    const b = (await sdk.startLocalTransaction({ tableName: t, primaryKey: [{ p: 'x' }] })).transactionId;
    await put(b, 3);
    await sdk.abortTransaction({ transactionId: b });
    expect(await hits(sdk, t)).toBe(2);
  });
});

describe('search sync delay, sync_stat and index TTL (injected clock)', () => {
  let now = Date.now();
  let emu: RunningEmulator;
  let sdk: Sdk;
  afterAll(() => emu?.close());

  async function start(): Promise<void> {
    emu = await startEmulator({ port: 0, inMemory: true, searchSyncDelayMs: 1000, search: { now: () => now } });
    sdk = promisify(new TableStore.Client({ endpoint: emu.endpoint, instancename: emu.instance, accessKeyId: emu.accessKeyId, secretAccessKey: emu.accessKeySecret, maxRetries: 0 }));
  }

  it('delays visibility by the sync delay and reports how far the index has synced', async () => {
    await start();
    await createTable(sdk, 'd', [{ name: 'id', type: 'INTEGER' }], { tableOptions: { timeToLive: -1, maxVersions: 1, allowUpdate: false } });
    await sdk.createSearchIndex({ tableName: 'd', indexName: 'i', schema, timeToLive: 86400 });
    const committedAt = now;
    await sdk.putRow({ tableName: 'd', condition: IGNORE(), primaryKey: [{ id: Long(1) }], attributeColumns: [{ k: 'a' }] });
    expect(await hits(sdk, 'd')).toBe(0);
    const stat = async () => {
      const s = (await sdk.describeSearchIndex({ tableName: 'd', indexName: 'i' })).syncStat;
      return { phase: s.syncPhase, ms: Number(BigInt(String(s.currentSyncTimestamp)) / 1_000_000n) };
    };
    expect(await stat()).toEqual({ phase: 2, ms: committedAt - 1 });
    now += 999;
    expect(await hits(sdk, 'd')).toBe(0);
    now += 1;
    expect(await hits(sdk, 'd')).toBe(1);
    expect(await stat()).toEqual({ phase: 2, ms: now });
    // Index TTL (one day) counts from the row's newest write.
    now += 86_400_000 + 1000;
    expect(await hits(sdk, 'd')).toBe(0);
  });
});

describe('search persistence (definitions stored, documents rebuilt from the table)', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'tsorm-search-'));
    dirs.push(d);
    return d;
  };
  // The table has a stream too: its records and the index definitions share the store without clashing.
  const fill = async (sdk: Sdk | Client, n: number) => {
    await sdk.createTable({ tableMeta: { tableName: 'p', primaryKey: [{ name: 'id', type: 'INTEGER' }] }, reservedThroughput: { capacityUnit: { read: 0, write: 0 } }, tableOptions: { timeToLive: -1, maxVersions: 1 }, streamSpecification: { enableStream: true, expirationTime: 24 } });
    await sdk.createSearchIndex({ tableName: 'p', indexName: 'i', schema });
    for (let i = 0; i < n; i++) await sdk.putRow({ tableName: 'p', condition: IGNORE(), primaryKey: [{ id: Long(i) }], attributeColumns: [{ k: `k${i % 2}` }] });
  };

  it('keeps indexes and their documents across a clean restart', async () => {
    const dataDir = tmp();
    const client = (e: RunningEmulator) => promisify(new TableStore.Client({ endpoint: e.endpoint, instancename: e.instance, accessKeyId: e.accessKeyId, secretAccessKey: e.accessKeySecret, maxRetries: 0 }));
    const first = await startEmulator({ port: 0, dataDir });
    await fill(client(first), 10);
    await first.close();
    const second = await startEmulator({ port: 0, dataDir });
    try {
      const sdk = client(second);
      expect((await sdk.listSearchIndex({ tableName: 'p' })).indices.map((i: any) => i.indexName)).toEqual(['i']);
      expect([await hits(sdk, 'p'), await hits(sdk, 'p', term('k', 'k1'))]).toEqual([10, 5]);
    } finally {
      await second.close();
    }
  });

  it('has every acknowledged write searchable after kill -9', async () => {
    requireBuild();
    const dataDir = tmp();
    const first = await startEmulatorProcess(['--port', '0', '--data-dir', dataDir]);
    await fill(sdkFor(first.endpoint), 20);
    expect((await first.stop('SIGKILL')).signal).toBe('SIGKILL');
    const second = await startEmulatorProcess(['--port', '0', '--data-dir', dataDir, '--search-sync-delay', '0']);
    try {
      const sdk = sdkFor(second.endpoint);
      expect([await hits(sdk, 'p'), await hits(sdk, 'p', term('k', 'k0'))]).toEqual([20, 10]);
    } finally {
      await second.stop('SIGKILL');
    }
  });
});
