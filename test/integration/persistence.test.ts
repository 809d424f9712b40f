/**
 * Storage durability (issue 2, item 6): the built `tsorm emulator` in a child process on a temporary data dir.
 * Every write the emulator acknowledged is there after a `kill -9` and a restart on the same dir; tables,
 * their options and indexes, rows and auto-increment counters survive a clean restart too.
 *
 * Auto-increment values are timestamp-derived, so "greater after restart" would hold by the clock alone: the
 * restarted process runs with its clock set 10 minutes back (a preloaded Date.now shim; within the service's
 * 15-minute date skew), so only the persisted counter can keep the sequence increasing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IGNORE, Long, TableStore, EXPECT_NOT_EXIST } from '../support/sdk';
import { requireBuild, sdkFor, startEmulatorProcess, type Client, type EmulatorProcess } from '../support/emulator-process';
import { call } from '../support/raw';
import { readRecord, showRecord } from '../support/stream-records';

const tableArgs = (tableName: string, primaryKey: object[], extra: Record<string, unknown> = {}) => ({
  tableMeta: { tableName, primaryKey },
  reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
  tableOptions: { timeToLive: -1, maxVersions: 1 },
  ...extra,
});

/** Every row of a table, through GetRange pages. */
async function scanAll(sdk: Client, tableName: string, pkNames: string[]): Promise<any[]> {
  const rows: any[] = [];
  let start: any[] = pkNames.map((n) => ({ [n]: TableStore.INF_MIN }));
  for (;;) {
    const page = await sdk.getRange({
      tableName,
      direction: TableStore.Direction.FORWARD,
      inclusiveStartPrimaryKey: start,
      exclusiveEndPrimaryKey: pkNames.map((n) => ({ [n]: TableStore.INF_MAX })),
      limit: 5000,
      maxVersions: 1,
    });
    rows.push(...page.rows);
    if (!page.nextStartPrimaryKey) return rows;
    start = page.nextStartPrimaryKey.map((c: any) => ({ [c.name]: c.value }));
  }
}

/** Every record of a table's stream, read from the start with raw stream calls (the SDK has none). */
async function streamRecords(endpoint: string, tableName: string): Promise<any[]> {
  const target = { endpoint, instance: 'tsorm', accessKeyId: 'tsorm-emulator', accessKeySecret: 'tsorm-emulator-secret' };
  const rpc = async (action: string, msg: object) => {
    const r = await call(action, msg, undefined, target);
    if (r.error) throw new Error(`${action}: ${r.error.code} ${r.error.message}`);
    return r.body;
  };
  const streamId = (await rpc('ListStream', { tableName })).streams[0].streamId;
  let iterator = (await rpc('GetShardIterator', { streamId, shardId: (await rpc('DescribeStream', { streamId })).shards[0].shardId })).shardIterator;
  const records: any[] = [];
  for (;;) {
    const r = await rpc('GetStreamRecord', { shardIterator: iterator });
    records.push(...r.streamRecords);
    if (r.nextShardIterator === iterator) return records;
    iterator = r.nextShardIterator;
  }
}

const attr = (row: any, name: string) => row.attributes.find((a: any) => a.columnName === name)?.columnValue;

describe('persistence of the on-disk store (child process, kill -9 and clean restarts)', () => {
  let dir: string;
  let clockShim: string;
  const running: EmulatorProcess[] = [];

  beforeAll(() => {
    requireBuild();
    dir = mkdtempSync(join(tmpdir(), 'tsorm-persist-'));
    clockShim = join(dir, 'clock-back.js');
    writeFileSync(clockShim, 'const off = Number(process.env.TSORM_CLOCK_BACK_MS || 0);\nconst real = Date.now;\nDate.now = () => real() - off;\n');
  });
  afterAll(async () => {
    for (const p of running) await p.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(dataDir: string, clockBackMs = 0): Promise<{ emu: EmulatorProcess; sdk: Client }> {
    const emu = await startEmulatorProcess(['--port', '0', '--data-dir', dataDir], {
      nodeArgs: clockBackMs ? ['--require', clockShim] : [],
      env: { TSORM_CLOCK_BACK_MS: String(clockBackMs) },
    });
    running.push(emu);
    return { emu, sdk: sdkFor(emu.endpoint) };
  }

  it('keeps every acknowledged write after kill -9, with writes in flight when it dies', async () => {
    const dataDir = join(dir, 'crash');
    const first = await start(dataDir);
    // kv has a stream: each row and its record are written in one store transaction, so the crash keeps both or neither.
    await first.sdk.createTable(tableArgs('kv', [{ name: 'id', type: 'INTEGER' }], { streamSpecification: { enableStream: true, expirationTime: 24 } }));
    await first.sdk.createTable(tableArgs('seq', [{ name: 'part', type: 'STRING' }, { name: 'n', type: 'INTEGER', option: 'AUTO_INCREMENT' }]));

    const acked = new Map<number, string>();
    const attempted = new Set<number>();
    let maxAuto = 0n;
    let next = 0;
    let stop = false;
    let failures = 0;
    const worker = async (w: number) => {
      while (!stop) {
        const id = next++;
        attempted.add(id);
        const value = `v${id}-${'x'.repeat(id % 50)}`;
        try {
          if (w === 0) {
            // auto-increment rows, acknowledged with the generated key
            const r = await first.sdk.putRow({
              tableName: 'seq', condition: IGNORE(), primaryKey: [{ part: 'p' }, { n: TableStore.PK_AUTO_INCR }],
              attributeColumns: [{ id: Long(id) }], returnContent: { returnType: TableStore.ReturnType.Primarykey },
            });
            const n = BigInt(r.row.primaryKey[1].value.toString());
            if (n > maxAuto) maxAuto = n;
          } else if (w === 1) {
            // batches: the whole batch is acknowledged together (each row reports isOk)
            const ids = [id, ...Array.from({ length: 9 }, () => next++)];
            ids.forEach((i) => attempted.add(i));
            const r = await first.sdk.batchWriteRow({
              tables: [{ tableName: 'kv', rows: ids.map((i) => ({ type: 'PUT', condition: IGNORE(), primaryKey: [{ id: Long(i) }], attributeColumns: [{ v: `v${i}-${'x'.repeat(i % 50)}` }] })) }],
            });
            r.tables.forEach((row: any, k: number) => row.isOk && acked.set(ids[k], `v${ids[k]}-${'x'.repeat(ids[k] % 50)}`));
          } else {
            await first.sdk.putRow({ tableName: 'kv', condition: IGNORE(), primaryKey: [{ id: Long(id) }], attributeColumns: [{ v: value }] });
            acked.set(id, value);
          }
        } catch {
          failures++; // in flight when the process died
          if (!stop) await new Promise((r) => setTimeout(r, 5));
        }
      }
    };
    const workers = Array.from({ length: 8 }, (_, w) => worker(w));
    while (acked.size < 1500) await new Promise((r) => setTimeout(r, 10));
    const exit = await first.emu.stop('SIGKILL'); // writes are still being sent
    stop = true;
    await Promise.all(workers);
    expect(exit.signal).toBe('SIGKILL');
    expect(failures).toBeGreaterThan(0); // some requests really were cut off mid-flight

    // Restart on the same dir with the clock 10 minutes back.
    const second = await start(dataDir, 10 * 60 * 1000);
    const rows = await scanAll(second.sdk, 'kv', ['id']);
    const found = new Map<number, string>(rows.map((r) => [Number(r.primaryKey[0].value.toString()), attr(r, 'v')]));
    for (const [id, value] of acked) expect(found.get(id), `acknowledged row ${id}`).toBe(value);
    for (const id of found.keys()) expect(attempted.has(id)).toBe(true);

    // The stream holds exactly one PUT record per stored row (acknowledged or not), in increasing sequence.
    const records = await streamRecords(second.emu.endpoint, 'kv');
    const logged = records.map((x) => showRecord(x));
    expect(logged.length).toBe(found.size);
    expect(new Set(logged)).toEqual(new Set([...found].map(([id, v]) => `PUT id=${id} | v=${v}`)));
    const seqs = records.map((x) => readRecord(x.record).seq);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i].ts > seqs[i - 1].ts || (seqs[i].ts === seqs[i - 1].ts && seqs[i].rowIndex > seqs[i - 1].rowIndex), `record ${i}`).toBe(true);
    // With the clock 10 minutes back, a new record still sorts after every record from before the crash.
    await second.sdk.putRow({ tableName: 'kv', condition: IGNORE(), primaryKey: [{ id: Long(-1) }], attributeColumns: [{ v: 'after' }] });
    const after = await streamRecords(second.emu.endpoint, 'kv');
    expect(after).toHaveLength(records.length + 1);
    expect(showRecord(after[after.length - 1])).toBe('PUT id=-1 | v=after');
    expect(readRecord(after[after.length - 1].record).seq.ts > seqs[seqs.length - 1].ts).toBe(true);

    const seqRows = await scanAll(second.sdk, 'seq', ['part', 'n']);
    expect(seqRows.length).toBeGreaterThan(0);
    const storedMax = seqRows.map((r) => BigInt(r.primaryKey[1].value.toString())).reduce((a, b) => (a > b ? a : b));
    expect(storedMax >= maxAuto).toBe(true);
    const r = await second.sdk.putRow({
      tableName: 'seq', condition: IGNORE(), primaryKey: [{ part: 'p' }, { n: TableStore.PK_AUTO_INCR }],
      attributeColumns: [{ after: 'restart' }], returnContent: { returnType: TableStore.ReturnType.Primarykey },
    });
    expect(BigInt(r.row.primaryKey[1].value.toString()) > storedMax).toBe(true);
    expect((await second.emu.stop('SIGTERM')).code).toBe(0);
  });

  it('keeps tables, options, indexes, rows and auto-increment counters across a clean restart', async () => {
    const dataDir = join(dir, 'clean');
    const first = await start(dataDir);
    const sdk = first.sdk;
    await sdk.createTable(
      tableArgs('users', [{ name: 'uid', type: 'STRING' }], {
        tableMeta: {
          tableName: 'users',
          primaryKey: [{ name: 'uid', type: 'STRING' }],
          definedColumn: [{ name: 'email', type: TableStore.DefinedColumnType.DCT_STRING }],
        },
        tableOptions: { timeToLive: -1, maxVersions: 1, maxTimeDeviation: 86400 },
        indexMetas: [{ name: 'users_by_email', primaryKey: ['email'], definedColumn: [] }],
      }),
    );
    await sdk.createTable(tableArgs('ids', [{ name: 'part', type: 'INTEGER' }, { name: 'n', type: 'INTEGER', option: 'AUTO_INCREMENT' }]));
    await sdk.updateTable({ tableName: 'ids', tableOptions: { timeToLive: 86400 * 30, maxVersions: 2 } });
    for (let i = 0; i < 20; i++) {
      await sdk.putRow({ tableName: 'users', condition: EXPECT_NOT_EXIST(), primaryKey: [{ uid: `u${i}` }], attributeColumns: [{ email: `u${i}@example.com` }, { blob: Buffer.from([i, 0, 255]) }, { big: Long('9007199254740993') }] });
    }
    let lastAuto = 0n;
    for (let i = 0; i < 5; i++) {
      const r = await sdk.putRow({ tableName: 'ids', condition: IGNORE(), primaryKey: [{ part: Long(1) }, { n: TableStore.PK_AUTO_INCR }], attributeColumns: [{ i: Long(i) }], returnContent: { returnType: TableStore.ReturnType.Primarykey } });
      lastAuto = BigInt(r.row.primaryKey[1].value.toString());
    }
    const describe = async (s: Client, t: string) => {
      const d = await s.describeTable({ tableName: t });
      return JSON.parse(JSON.stringify({ tableMeta: d.tableMeta, tableOptions: d.tableOptions, indexMetas: d.indexMetas, status: d.tableStatus }));
    };
    const before = { list: (await sdk.listTable()).tableNames.sort(), users: await describe(sdk, 'users'), ids: await describe(sdk, 'ids') };
    expect(before.ids.tableOptions.timeToLive).toBe(86400 * 30);
    const cellTime = async (s: Client, uid: string) => {
      await s.putRow({ tableName: 'users', condition: IGNORE(), primaryKey: [{ uid }], attributeColumns: [{ email: `${uid}@x` }] });
      const got = await s.getRow({ tableName: 'users', primaryKey: [{ uid }], maxVersions: 1 });
      return Number(got.row.attributes[0].timestamp.toString());
    };
    const timeBefore = await cellTime(sdk, 'clock');
    expect((await first.emu.stop('SIGTERM')).code).toBe(0);

    const second = await start(dataDir, 10 * 60 * 1000);
    const sdk2 = second.sdk;
    expect({ list: (await sdk2.listTable()).tableNames.sort(), users: await describe(sdk2, 'users'), ids: await describe(sdk2, 'ids') }).toEqual(before);
    // the shim works: server timestamps after the restart are ~10 minutes earlier than before it
    expect(await cellTime(sdk2, 'clock2')).toBeLessThan(timeBefore - 9 * 60 * 1000);
    for (const uid of ['clock', 'clock2']) await sdk2.deleteRow({ tableName: 'users', condition: IGNORE(), primaryKey: [{ uid }] });
    const users = await scanAll(sdk2, 'users', ['uid']);
    expect(users).toHaveLength(20);
    const u7 = users.find((r) => r.primaryKey[0].value === 'u7');
    expect(attr(u7, 'email')).toBe('u7@example.com');
    expect(Buffer.compare(attr(u7, 'blob'), Buffer.from([7, 0, 255]))).toBe(0);
    expect(attr(u7, 'big').toString()).toBe('9007199254740993');
    // the index table survived and still answers reads
    const byEmail = await scanAll(sdk2, 'users_by_email', ['email', 'uid']);
    expect(byEmail.map((r) => r.primaryKey[0].value)).toContain('u7@example.com');
    expect(byEmail).toHaveLength(20);
    // auto-increment continues above the last value, although the clock is now 10 minutes behind
    const r = await sdk2.putRow({ tableName: 'ids', condition: IGNORE(), primaryKey: [{ part: Long(1) }, { n: TableStore.PK_AUTO_INCR }], attributeColumns: [{ i: Long(99) }], returnContent: { returnType: TableStore.ReturnType.Primarykey } });
    expect(BigInt(r.row.primaryKey[1].value.toString()) > lastAuto).toBe(true);
    expect((await second.emu.stop('SIGTERM')).code).toBe(0);
  });
});
