/**
 * `tsorm migrate*` run as a user runs it: the built binary in a child process, in a project folder with a
 * tsorm.config.ts, TypeScript entities and migrations, against an emulator this file starts (in memory, port 0)
 * and names through the ORM's environment variables. Each test uses its own tables and history table.
 * Needs `npm run build` (done by `npm test`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { sdkFor, type Client } from '../support/emulator-process';
import { configFile, Project, type Target } from '../support/migrate-project';
import { Int64LE } from '../../src/client/values';
import { IGNORE } from '../support/sdk';

/** A fresh int64 cell per value (the SDK's `Long.fromString` hands out one shared object). */
const Long = (v: number) => new Int64LE(String(v), 10);

let emu: RunningEmulator;
let target: Target;
let sdk: Client;
const projects: Project[] = [];

beforeAll(async () => {
  // Reserved-throughput adjustments 2.5 s apart (the service: 2 minutes), room for many tables.
  emu = await startEmulator({ port: 0, inMemory: true, engine: { reservedThroughputIntervalMs: 2500, maxTables: 1000 } });
  target = { endpoint: emu.endpoint, instance: emu.instance, accessKeyId: emu.accessKeyId, accessKeySecret: emu.accessKeySecret };
  sdk = sdkFor(emu.endpoint);
});
afterAll(async () => {
  for (const p of projects) p.remove();
  await emu?.close();
});

function project(files: Record<string, string>): Project {
  const p = new Project(target, files);
  projects.push(p);
  return p;
}

async function tables(): Promise<string[]> {
  return (await sdk.listTable()).tableNames;
}

const entity = (table: string, opts = '{}', extra = '') => `import Long from 'long';
import { AutoIncrement, Column, Index, PrimaryKey, Table } from 'tsorm';

@Table('${table}', ${opts})
${extra}export class Item {
  @PrimaryKey() shop!: string;
  @PrimaryKey() @AutoIncrement() id!: Long;
  @Column() owner!: string;
  @Column({ type: 'int64' }) views!: number;
  @Column() picture?: Buffer;
}
void Index;
`;

const handWritten = (table: string, extraUp = '') => `import type { MigrationContext } from 'tsorm/migrations';

export async function up(m: MigrationContext): Promise<void> {
  await m.createTable({ name: '${table}', primaryKey: [{ name: 'k', type: 'STRING' }] });
${extraUp}}

export async function down(m: MigrationContext): Promise<void> {
  await m.deleteTable('${table}');
}
`;

describe('tsorm migrate (built binary)', () => {
  it('create → status → migrate → status → revert', async () => {
    const p = project({ 'tsorm.config.ts': configFile({ historyTable: 'h_basic' }) });
    const created = await p.run(['migrate:create', 'add_basic']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^Created migrations\/\d{14}_add_basic\.ts\n$/);
    const [name] = p.migrations();
    p.write(`migrations/${name}.ts`, handWritten('basic_t'));

    const before = await p.run(['migrate:status']);
    expect(before.code, before.stderr).toBe(0);
    expect(before.stdout).toContain(`pending      ${name}`);
    expect(before.stdout).toContain('0 applied, 1 pending.');

    const up = await p.run(['migrate']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain(`Applying ${name}\n  createTable basic_t: created\nApplied ${name} in `);
    expect(up.stdout).toMatch(/Applied 1 migration on http:\/\/127\.0\.0\.1:\d+ \(instance tsorm\)\.\n$/);
    expect(up.stderr).toBe('');
    expect(await tables()).toContain('basic_t');

    const after = await p.run(['migrate:status', '--json']);
    expect(after.code).toBe(0);
    const status = JSON.parse(after.stdout);
    expect(status).toMatchObject({ ok: true, applied: 1, pending: 0 });
    expect(status.migrations[0]).toMatchObject({ name, state: 'applied', changed: false, missing: false });
    expect(typeof status.migrations[0].durationMs).toBe('number');

    const again = await p.run(['migrate']);
    expect(again.stdout).toContain('Nothing to migrate: 1 applied, 0 pending');

    const down = await p.run(['migrate:revert']);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toContain(`Reverting ${name}\n  deleteTable basic_t: deleted\nReverted ${name} in `);
    expect(await tables()).not.toContain('basic_t');
    expect((await p.run(['migrate:status'])).stdout).toContain('0 applied, 1 pending.');
    expect((await p.run(['migrate:revert'])).stdout).toContain('Nothing to revert');
  });

  it('--to stops after a migration; an edited applied file shows as changed; a JavaScript migration runs; entities are one class for config and migrations', async () => {
    const p = project({
      'tsorm.config.ts': `import { defineConfig } from 'tsorm/migrations';
import { Item } from './entities';
export default defineConfig({ entities: [Item], historyTable: 'h_to' });
`,
      'entities.ts': entity('to_items'),
    });
    p.write(
      'migrations/20250101000000_first.ts',
      `import type { MigrationContext } from 'tsorm/migrations';
import config from '../tsorm.config';
import { Item } from '../entities';
export async function up(m: MigrationContext) {
  if (!config.entities!.includes(Item)) throw new Error('the config and the migration loaded two copies of Item');
  await m.createTable(Item);
  await m.db.repository(Item).insert({ shop: 's', owner: 'o', views: 1 } as never);
}
export async function down(m: MigrationContext) { await m.deleteTable('to_items'); }
`,
    );
    p.write('migrations/20250102000000_second.ts', handWritten('to_second'));
    const to = await p.run(['migrate', '--to', 'first']);
    expect(to.code, to.stderr).toBe(0);
    expect(to.stdout).toContain('createTable to_items: created');
    expect(to.stdout).not.toContain('20250102000000_second');
    expect((await p.run(['migrate:status'])).stdout).toMatch(/applied {6}20250101000000_first[\s\S]*pending {6}20250102000000_second/);
    expect((await p.run(['migrate', '--to', 'nope'])).stderr).toContain('--to nope: no such migration');

    p.write('migrations/20250101000000_first.ts', `${p.read('migrations/20250101000000_first.ts')}// edited\n`);
    const changed = await p.run(['migrate:status']);
    expect(changed.stdout).toMatch(/changed {6}20250101000000_first .*\(applied; the file changed since\)/);

    const js = await p.run(['migrate:create', 'in_js', '--js']);
    expect(js.stdout).toMatch(/^Created migrations\/\d{14}_in_js\.js\n$/);
    const all = await p.run(['migrate']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain('Warning: 20250101000000_first was applied and its file has changed since (it is not run again).');
    expect(all.stdout).toMatch(/Applied \d{14}_in_js in \d+ ms/);
    expect(all.stdout).toContain('Applied 2 migrations');
  });

  it('generate twice writes the second time nothing; check passes; a TTL change generates an updateTable with its down', async () => {
    const p = project({ 'tsorm.config.ts': configFile({ historyTable: 'h_gen' }), 'entities.ts': entity('gen_items') });
    const check0 = await p.run(['migrate:check']);
    expect(check0.code).toBe(1);
    expect(check0.stderr).toContain('create table gen_items (shop STRING, id INTEGER auto-increment)');

    const g1 = await p.run(['migrate:generate', 'init']);
    expect(g1.code, g1.stderr).toBe(0);
    expect(g1.stdout).toMatch(/^Created migrations\/\d{14}_init\.ts and updated migrations\/tsorm-snapshot\.json:\n {2}create table gen_items/);
    const snapshot = p.read('migrations/tsorm-snapshot.json');
    const files = p.migrations();
    expect(files).toHaveLength(1);

    const g2 = await p.run(['migrate:generate', 'again']);
    expect(g2.code).toBe(0);
    expect(g2.stdout).toBe('No changes: the entities match migrations/tsorm-snapshot.json. Nothing written.\n');
    expect(p.migrations()).toEqual(files);
    expect(p.read('migrations/tsorm-snapshot.json')).toBe(snapshot);
    expect((await p.run(['migrate:check'])).code).toBe(0);
    expect(JSON.parse((await p.run(['migrate:generate', 'again', '--json'])).stdout)).toMatchObject({ ok: true, written: false, operations: [] });

    expect((await p.run(['migrate'])).code).toBe(0);
    p.write('entities.ts', entity('gen_items', '{ timeToLive: 86400 * 30 }'));
    const check1 = await p.run(['migrate:check', '--json']);
    expect(check1.code).toBe(1);
    expect(JSON.parse(check1.stdout)).toMatchObject({ ok: false, inSync: false, operations: ['update table gen_items: timeToLive 2592000'] });
    const g3 = await p.run(['migrate:generate', 'ttl']);
    expect(g3.code).toBe(0);
    const ttl = p.migrations()[1];
    expect(p.read(`migrations/${ttl}.ts`)).toContain("await m.updateTable('gen_items', { timeToLive: 2592000 });");
    expect(p.read(`migrations/${ttl}.ts`)).toContain("await m.updateTable('gen_items', { timeToLive: -1 });");
    const m2 = await p.run(['migrate']);
    expect(m2.stdout).toContain('updateTable gen_items: changed timeToLive -1 → 2592000');
    expect((await sdk.describeTable({ tableName: 'gen_items' })).tableOptions.timeToLive).toBe(2592000);
    const r = await p.run(['migrate:revert']);
    expect(r.stdout).toContain('updateTable gen_items: changed timeToLive 2592000 → -1');
    expect((await sdk.describeTable({ tableName: 'gen_items' })).tableOptions.timeToLive).toBe(-1);
  });

  it('a stream option: generated into createTable / updateTable, applied, and shown by migrate:status', async () => {
    const p = project({ 'tsorm.config.ts': configFile({ historyTable: 'h_stream' }), 'entities.ts': entity('stream_items', "{ stream: { expirationHours: 24, columns: ['owner'] } }") });
    const g1 = await p.run(['migrate:generate', 'init']);
    expect(g1.code, g1.stderr).toBe(0);
    expect(g1.stdout).toContain('create table stream_items (shop STRING, id INTEGER auto-increment; stream 24 h, origin columns owner)');
    expect(p.read(`migrations/${p.migrations()[0]}.ts`)).toContain("stream: { expirationHours: 24, columns: ['owner'] }");
    expect((await p.run(['migrate'])).code).toBe(0);
    expect((await sdk.describeTable({ tableName: 'stream_items' })).streamDetails).toMatchObject({ enableStream: true, expirationTime: 24 });
    const s1 = await p.run(['migrate:status']);
    expect(s1.stdout).toMatch(/Streams \(migrations → service\):\n {2}stream_items {2}24 h, origin columns owner\n/);

    p.write('entities.ts', entity('stream_items'));
    const check = await p.run(['migrate:check', '--json']);
    expect(JSON.parse(check.stdout)).toMatchObject({ inSync: false, operations: ['update table stream_items: stream off'] });
    expect((await p.run(['migrate:generate', 'no_stream'])).code).toBe(0);
    const off = p.read(`migrations/${p.migrations()[1]}.ts`);
    expect(off).toContain("await m.updateTable('stream_items', { stream: null });");
    expect(off).toContain("await m.updateTable('stream_items', { stream: { expirationHours: 24, columns: ['owner'] } });");
    const status = await p.run(['migrate:status']);
    expect(status.stdout).toMatch(/ {2}stream_items {2}off {2}\(service: 24 h, origin columns owner\)/);
    expect((await p.run(['migrate'])).stdout).toContain('updateTable stream_items: changed stream 24 h, origin columns owner → off');
    expect((await sdk.describeTable({ tableName: 'stream_items' })).streamDetails).toMatchObject({ enableStream: false });
    expect((await p.run(['migrate:status'])).stdout).not.toContain('Streams');
  });

  it('an index added to an entity: createIndex (with the existing rows), down drops it', async () => {
    const defined = (table: string, index = '') =>
      entity(table, '{}', index).replace('@Column() owner!: string;', '@Column({ defined: true }) owner!: string;');
    const p = project({ 'tsorm.config.ts': configFile({ historyTable: 'h_index' }), 'entities.ts': defined('ix_items') });
    expect((await p.run(['migrate:generate', 'init'])).code).toBe(0);
    expect((await p.run(['migrate'])).code).toBe(0);
    await sdk.putRow({ tableName: 'ix_items', condition: IGNORE(), primaryKey: [{ shop: 's' }, { id: require('tablestore').PK_AUTO_INCR }], attributeColumns: [{ owner: 'ada' }] });
    p.write('entities.ts', defined('ix_items', "@Index('ix_items_by_owner', { primaryKey: ['owner'] })\n"));
    const g = await p.run(['migrate:generate', 'owner_index']);
    expect(g.stdout).toContain('create index ix_items_by_owner on ix_items (owner)');
    const up = await p.run(['migrate']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain('createIndex ix_items.ix_items_by_owner: created');
    const viaIndex = await sdk.getRange({ tableName: 'ix_items_by_owner', direction: 'FORWARD', inclusiveStartPrimaryKey: [{ owner: require('tablestore').INF_MIN }, { shop: require('tablestore').INF_MIN }, { id: require('tablestore').INF_MIN }], exclusiveEndPrimaryKey: [{ owner: require('tablestore').INF_MAX }, { shop: require('tablestore').INF_MAX }, { id: require('tablestore').INF_MAX }] });
    expect(viaIndex.rows).toHaveLength(1); // the row written before the index exists in it
    const down = await p.run(['migrate:revert']);
    expect(down.stdout).toContain('dropIndex ix_items.ix_items_by_owner: dropped');
    expect((await sdk.describeTable({ tableName: 'ix_items' })).indexMetas).toEqual([]);
  });

  it('a search index added to an entity: generate, dry run and status show it, migrate creates it; a changed schema is refused until renamed, then the new one replaces the old', async () => {
    const searched = (index: string) =>
      entity('sx_items', '{}', `@SearchIndex('${index}', { fields: { owner: ${index.endsWith('v2') ? "'text'" : "'keyword'"}, views: 'long' } })\n`).replace(
        "import { AutoIncrement, Column, Index, PrimaryKey, Table } from 'tsorm';",
        "import { AutoIncrement, Column, Index, PrimaryKey, SearchIndex, Table } from 'tsorm';",
      );
    const p = project({ 'tsorm.config.ts': configFile({ historyTable: 'h_search' }), 'entities.ts': entity('sx_items') });
    expect((await p.run(['migrate:generate', 'init'])).code).toBe(0);
    expect((await p.run(['migrate'])).code).toBe(0);
    p.write('entities.ts', searched('sx_search'));
    const g = await p.run(['migrate:generate', 'search']);
    expect(g.code, g.stderr).toBe(0);
    expect(g.stdout).toContain('create search index sx_search on sx_items (owner keyword, views long)');
    const dry = await p.run(['migrate', '--dry-run']);
    expect(dry.stdout).toContain('createSearchIndex sx_items.sx_search: would create');
    const status = await p.run(['migrate:status']);
    expect(status.stdout).toMatch(/Search indexes:\n {2}not created {2}sx_items\.sx_search\n/);
    const up = await p.run(['migrate']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain('createSearchIndex sx_items.sx_search: created and caught up');
    expect((await p.run(['migrate:status'])).stdout).toMatch(/ {2}on service {3}sx_items\.sx_search\n/);
    expect((await p.run(['migrate:check'])).code).toBe(0);

    // The same name with another schema: refused, naming the route.
    p.write('entities.ts', searched('sx_search').replace("owner: 'keyword'", "owner: 'text'"));
    const refused = await p.run(['migrate:generate', 'retype']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/search index sx_search.*new index name \(e\.g\. sx_search_v2\)/s);
    expect((await p.run(['migrate:check'])).code).toBe(1);
    // Renamed: the new index is created (and caught up) before the old one is deleted.
    p.write('entities.ts', searched('sx_search_v2'));
    expect((await p.run(['migrate:generate', 'retype'])).code).toBe(0);
    const swap = await p.run(['migrate']);
    expect(swap.code, swap.stderr).toBe(0);
    expect(swap.stdout).toMatch(/createSearchIndex sx_items\.sx_search_v2: created and caught up\n {2}deleteSearchIndex sx_items\.sx_search: deleted/);
    expect((await sdk.listSearchIndex({ tableName: 'sx_items' })).indices.map((i: { indexName: string }) => i.indexName)).toEqual(['sx_search_v2']);
  });

  it('--dry-run prints the plan, checked against the live tables, and changes nothing', async () => {
    const p = project({ 'tsorm.config.ts': configFile({ historyTable: 'h_dry' }), 'entities.ts': entity('dry_items') });
    expect((await p.run(['migrate:generate', 'init'])).code).toBe(0);
    const before = await tables();
    const dry = await p.run(['migrate', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/Dry run: nothing will be changed\. 1 pending migration:\nWould apply \d{14}_init\n {2}createTable dry_items: would create\n/);
    expect(dry.stdout).toContain('nothing was changed');
    expect(await tables()).toEqual(before); // neither dry_items nor the history table
    const json = JSON.parse((await p.run(['migrate', '--dry-run', '--json'])).stdout);
    expect(json).toMatchObject({ ok: true, dryRun: true, pending: [p.migrations()[0]] });
    expect(json.applied[0].steps).toEqual([{ step: 1, operation: 'createTable', table: 'dry_items', outcome: 'would create' }]);
  });

  it('two concurrent migrate runs: exactly one applies, the other waits for the lock and finds nothing to do', async () => {
    const p = project({ 'tsorm.config.ts': configFile({ historyTable: 'h_lock' }) });
    p.write(
      'migrations/20250101000000_slow.ts',
      handWritten(
        'lock_t',
        `  await new Promise((r) => setTimeout(r, 1500));
  await m.client.call('updateRow', { tableName: 'lock_t', condition: new (require('tablestore').Condition)(0, null), primaryKey: [{ k: 'runs' }], updateOfAttributeColumns: [{ INCREMENT: [{ n: require('tablestore').Long.fromNumber(1) }] }] });
`,
      ),
    );
    const a = p.start(['migrate']);
    const b = p.start(['migrate']);
    const [ra, rb] = await Promise.all([a.exited, b.exited]);
    expect([ra.code, rb.code], ra.stderr + rb.stderr).toEqual([0, 0]);
    const outs = [ra.stdout, rb.stdout];
    expect(outs.filter((o) => o.includes('Applied 20250101000000_slow'))).toHaveLength(1);
    const waiter = outs.find((o) => !o.includes('Applied 20250101000000_slow'))!;
    expect(waiter).toMatch(/Waiting for the migration lock: `tsorm migrate` on host .* \(pid \d+\) holds it since /);
    expect(waiter).toContain('Nothing to migrate: 1 applied, 0 pending');
    const row = await sdk.getRow({ tableName: 'lock_t', primaryKey: [{ k: 'runs' }], maxVersions: 1 });
    expect(row.row.attributes[0].columnValue.toNumber()).toBe(1); // the up() ran once

    // --no-wait: a run that finds the lock held exits 1 with a clear message.
    p.write('migrations/20250102000000_slow2.ts', handWritten('lock_t2', '  await new Promise((r) => setTimeout(r, 2000));\n'));
    const c = p.start(['migrate']);
    await waitFor(() => {
      if (c.proc.exitCode !== null) throw new Error(`the first run ended early: ${c.stdout()} ${c.stderr()}`);
      return c.stdout().includes('Applying 20250102000000_slow2');
    });
    const d = await p.run(['migrate', '--no-wait']);
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(/^tsorm: error: another migration run holds the lock \(`tsorm migrate` on host .*, pid \d+, since .*\)\. Wait for it to finish; a crashed run's lock expires when its lease ends\.\n$/);
    expect((await c.exited).code).toBe(0);
  });

  it('Ctrl-C / SIGTERM releases the lock: the next run starts at once and resumes the interrupted migration', async () => {
    const p = project({ 'tsorm.config.ts': configFile({ historyTable: 'h_sigterm' }) });
    p.write('migrations/20250101000000_long.ts', handWritten('sig_t', '  if (!process.env.SIG_FAST) await new Promise((r) => setTimeout(r, 10_000));\n'));
    const a = p.start(['migrate']);
    await waitFor(() => a.stdout().includes('createTable sig_t: created'));
    a.proc.kill('SIGTERM');
    const exit = await a.exited;
    expect(exit.code).toBe(130);
    expect(exit.stderr).toContain('tsorm: SIGTERM: stopping; an interrupted migration resumes on the next run');
    expect((await p.run(['migrate:status'])).stdout).toMatch(/interrupted {2}20250101000000_long/);
    const b = await p.run(['migrate', '--no-wait'], { SIG_FAST: '1' });
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toContain('Resuming 20250101000000_long (interrupted earlier; 1 step already done)');
  });

  it('a migration that throws halfway: status shows it failed, a re-run resumes after the finished steps', async () => {
    const p = project({ 'tsorm.config.ts': configFile({ historyTable: 'h_fail' }) });
    p.write(
      'migrations/20250101000000_halfway.ts',
      `import type { MigrationContext } from 'tsorm/migrations';
export async function up(m: MigrationContext): Promise<void> {
  await m.createTable({ name: 'half_a', primaryKey: [{ name: 'k', type: 'STRING' }] });
  if (!process.env.HALFWAY_FIXED) throw new Error('boom halfway');
  await m.createTable({ name: 'half_b', primaryKey: [{ name: 'k', type: 'INTEGER' }] });
}
export async function down(m: MigrationContext): Promise<void> {
  await m.deleteTable('half_b');
  await m.deleteTable('half_a');
}
`,
    );
    const first = await p.run(['migrate']);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('createTable half_a: created');
    expect(first.stderr).toBe('tsorm: error: migration 20250101000000_halfway failed in up(): boom halfway\n');
    expect(await tables()).toContain('half_a');
    expect(await tables()).not.toContain('half_b');

    const status = await p.run(['migrate:status']);
    expect(status.stdout).toMatch(/failed {7}20250101000000_halfway {2}error: boom halfway/);
    expect(status.stdout).toContain('0 applied, 1 pending.');

    // An edited file (new checksum) re-checks every step instead of skipping: each is idempotent.
    p.write('migrations/20250101000000_halfway.ts', `${p.read('migrations/20250101000000_halfway.ts')}// edited\n`);
    const edited = await p.run(['migrate']);
    expect(edited.code).toBe(1);
    expect(edited.stdout).toContain('Resuming 20250101000000_halfway (failed earlier)\n  createTable half_a: exists with the same schema: nothing to do\n');

    const again = await p.run(['migrate'], { HALFWAY_FIXED: '1' });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('Resuming 20250101000000_halfway (failed earlier; 1 step already done)');
    expect(again.stdout).toContain('createTable half_a: skipped: done by an earlier run');
    expect(again.stdout).toContain('createTable half_b: created');
    expect((await p.run(['migrate:status'])).stdout).toContain('1 applied, 0 pending.');
    expect((await p.run(['migrate:revert'])).code).toBe(0);
    expect(await tables()).not.toContain('half_a');
  });

  it('createTable of an existing table with another schema fails naming the difference', async () => {
    await sdk.createTable({
      tableMeta: { tableName: 'conflict_t', primaryKey: [{ name: 'k', type: 'STRING' }] },
      reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
      tableOptions: { timeToLive: 86400, maxVersions: 2 },
    });
    const p = project({ 'tsorm.config.ts': configFile({ historyTable: 'h_conflict' }) });
    p.write('migrations/20250101000000_c.ts', handWritten('conflict_t'));
    const r = await p.run(['migrate']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("table 'conflict_t' already exists with a different schema (timeToLive is 86400 on the service, -1 in the migration; maxVersions is 2 on the service, 1 in the migration)");
  });

  it('refuses changes TableStore cannot make, explains the way to do them, and writes nothing', async () => {
    const p = project({ 'tsorm.config.ts': configFile({ historyTable: 'h_refuse' }), 'entities.ts': entity('refuse_items') });
    expect((await p.run(['migrate:generate', 'init'])).code).toBe(0);
    const snapshot = p.read('migrations/tsorm-snapshot.json');
    p.write('entities.ts', entity('refuse_items').replace('@PrimaryKey() @AutoIncrement() id!: Long;', '@PrimaryKey() id!: string;'));
    const r = await p.run(['migrate:generate', 'change_key']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("a change TableStore cannot make; nothing was written:\n  - table 'refuse_items', primary key: (shop STRING, id INTEGER) → (shop STRING, id STRING). TableStore fixes the primary key");
    expect(r.stderr).toContain('Instead: create a new table (a new @Table name) with the new definition, copy the rows into it with m.backfill');
    expect(p.migrations()).toHaveLength(1);
    expect(p.read('migrations/tsorm-snapshot.json')).toBe(snapshot);

    p.write('entities.ts', entity('refuse_items').replace('@PrimaryKey() @AutoIncrement() id!: Long;', '@PrimaryKey() id!: Long;'));
    const auto = await p.run(['migrate:generate', 'no_auto']);
    expect(auto.code).toBe(1);
    expect(auto.stderr).toContain("table 'refuse_items', auto-increment of primary key id: removed. an auto-increment key can only be declared when the table is created");
    const check = await p.run(['migrate:check']);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('auto-increment of primary key id: removed');
  });

  it('migrate:check exit codes: 0 in sync, 1 different, 2 usage; --help on every command', async () => {
    const p = project({ 'tsorm.config.ts': configFile({ historyTable: 'h_check' }), 'entities.ts': entity('check_items') });
    expect((await p.run(['migrate:check'])).code).toBe(1);
    expect((await p.run(['migrate:generate', 'init'])).code).toBe(0);
    const ok = await p.run(['migrate:check']);
    expect([ok.code, ok.stdout]).toEqual([0, 'The entities match migrations/tsorm-snapshot.json.\n']);
    expect(JSON.parse((await p.run(['migrate:check', '--json'])).stdout)).toEqual({ ok: true, inSync: true, snapshot: 'migrations/tsorm-snapshot.json', operations: [], refused: [] });
    for (const args of [['migrate:check', '--bogus'], ['migrate:generate'], ['migrate:revert', '--steps', 'zero'], ['migrate:create']]) {
      const r = await p.run(args);
      expect(r.code, args.join(' ')).toBe(2);
    }
    for (const cmd of ['migrate', 'migrate:status', 'migrate:revert', 'migrate:create', 'migrate:generate', 'migrate:check']) {
      const h = await p.run([cmd, '--help']);
      expect([h.code, h.stdout.includes(`Usage: tsorm ${cmd}`), h.stdout.includes('--json'), h.stdout.includes('--config')], cmd).toEqual([0, true, true, true]);
    }
    p.write('other.config.ts', "export default { entitiez: ['entities.ts'] };\n");
    const unknown = await p.run(['migrate:check', '-c', 'other.config.ts']);
    expect([unknown.code, unknown.stderr]).toEqual([1, `tsorm: error: ${p.dir}/other.config.ts: unknown setting entitiez (known: entities, migrations, connection, emulator, historyTable, lock, throughputWaitMs)\n`]);
    p.write('empty.config.ts', 'export default {};\n');
    const none = await p.run(['migrate:generate', 'x', '-c', 'empty.config.ts']);
    expect(none.stderr).toContain("no entities configured: add `entities: ['path/to/entities.ts']`");
    p.write('broken.ts', 'export const = 1;\n');
    p.write('broken.config.ts', "export default { entities: ['broken.ts'] };\n");
    const broken = await p.run(['migrate:check', '-c', 'broken.config.ts']);
    expect([broken.code, broken.stderr.startsWith(`tsorm: error: cannot load ${p.dir}/broken.ts: TypeScript syntax error:\n`)]).toEqual([1, true]);
    expect(broken.stderr).toContain('export const = 1;');
    expect(broken.stderr).not.toContain('backtrace');
    p.write('plain.config.json', '{ "entities": ["entities.ts"], "historyTable": "h_check" }\n');
    expect((await p.run(['migrate:check', '-c', 'plain.config.json'])).code).toBe(0);
    const bad = await p.run(['migrate:check', '--config', 'nope.ts']);
    expect([bad.code, bad.stderr]).toEqual([1, `tsorm: error: ${p.dir}/nope.ts: config file not found\n`]);
  });

  it('waits out the 2-minute reserved-throughput rule, or says clearly why it stopped', async () => {
    const files = (wait: number) => ({ 'tsorm.config.ts': configFile({ historyTable: `h_cu${wait}`, throughputWaitMs: wait }) });
    const mig = (table: string, cu: number) => `import type { MigrationContext } from 'tsorm/migrations';
export async function up(m: MigrationContext) { await m.updateTable('${table}', { reservedThroughput: { read: ${cu} } }); }
export async function down(m: MigrationContext) { await m.updateTable('${table}', { reservedThroughput: { read: 0 } }); }
`;
    const p = project(files(300));
    p.write('migrations/20250101000000_t.ts', handWritten('cu_t'));
    p.write('migrations/20250101000001_a.ts', mig('cu_t', 1));
    p.write('migrations/20250101000002_b.ts', mig('cu_t', 2));
    const r = await p.run(['migrate']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('updateTable cu_t: changed reserved read 0 → 1');
    expect(r.stderr).toContain("the reserved throughput of table 'cu_t' was not changed: TableStore allows one reserved-throughput adjustment per table every 2 minutes (OTSTooFrequentReservedThroughputAdjustment)");
    expect(r.stderr).toContain('Run the command again in 2 minutes: the steps already done are not repeated.');

    p.write('tsorm.config.ts', configFile({ historyTable: 'h_cu300', throughputWaitMs: 10_000 }));
    const ok = await p.run(['migrate']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/TableStore allows one reserved-throughput adjustment per table every 2 minutes; waiting \(up to 10 s\)…\n {2}updateTable cu_t: changed reserved read 1 → 2/);
  });

  it('with no endpoint configured, starts the emulator in process on the data dir (one line says so); shares a dir another emulator serves', async () => {
    const p = new Project(undefined, { 'tsorm.config.ts': configFile({ historyTable: 'h_embedded', extra: "  emulator: { dataDir: 'data' },\n" }) });
    projects.push(p);
    p.write('migrations/20250101000000_e.ts', handWritten('embedded_t'));
    const up = await p.run(['migrate']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toBe('tsorm: no endpoint configured (connection.endpoint in the config, or TABLESTORE_ENDPOINT): using the local emulator with data dir data, started in process\n');
    expect(up.stdout).toContain('Applied 1 migration on the local emulator (data dir data).');
    const status = await p.run(['migrate:status']);
    expect(status.stdout).toContain('1 applied, 0 pending.'); // kept on disk between runs

    // Two embedded runs at once: the second waits for the first to release the data dir.
    p.write('migrations/20250102000000_slow.ts', handWritten('embedded_t2', '  await new Promise((r) => setTimeout(r, 800));\n'));
    const [a, b] = await Promise.all([p.run(['migrate']), p.run(['migrate'])]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    expect([a.stdout, b.stdout].filter((o) => o.includes('Applied 20250102000000_slow'))).toHaveLength(1);
    expect(a.stderr + b.stderr).toMatch(/tsorm: waiting for tsorm migrate \(embedded\) \(pid \d+\), which is using the data dir data…/);

    // A `tsorm emulator` serving the same dir: the CLI talks to it instead of opening the dir twice.
    const { startEmulatorProcess } = await import('../support/emulator-process');
    const server = await startEmulatorProcess(['--port', '0', '--data-dir', `${p.dir}/data`]);
    try {
      const s = await p.run(['migrate:status']);
      expect(s.code, s.stderr).toBe(0);
      expect(s.stderr).toContain(`using the emulator already running with data dir data at ${server.endpoint} (pid ${server.proc.pid})`);
      expect(s.stdout).toContain('2 applied, 0 pending.');
      const second = await p.run(['emulator', '--port', '0', '--data-dir', `${p.dir}/data`]);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`the data dir ${p.dir}/data is in use by tsorm emulator (pid ${server.proc.pid}, listening on ${server.endpoint})`);
    } finally {
      await server.stop();
    }
  });

  it('a 10,000-row backfill killed mid-run resumes and changes every row exactly once', async () => {
    const p = project({ 'tsorm.config.ts': configFile({ historyTable: 'h_backfill', lock: { leaseMs: 3000 } }) });
    p.write(
      'migrations/20250101000000_table.ts',
      `import type { MigrationContext } from 'tsorm/migrations';
export async function up(m: MigrationContext) { await m.createTable({ name: 'bf_rows', primaryKey: [{ name: 'p', type: 'STRING' }, { name: 'i', type: 'INTEGER' }] }); }
export async function down(m: MigrationContext) { await m.deleteTable('bf_rows'); }
`,
    );
    expect((await p.run(['migrate'])).code).toBe(0);
    const N = 10_000;
    for (let start = 0; start < N; start += 200) {
      const rows = Array.from({ length: 200 }, (_, j) => ({
        type: 'PUT',
        condition: IGNORE(),
        primaryKey: [{ p: `p${(start + j) % 7}` }, { i: Long(start + j) }],
        attributeColumns: [{ counter: Long(0) }],
      }));
      await sdk.batchWriteRow({ tables: [{ tableName: 'bf_rows', rows }] });
    }
    p.write(
      'migrations/20250102000000_count.ts',
      `import type { MigrationContext } from 'tsorm/migrations';
export async function up(m: MigrationContext) {
  await m.backfill('bf_rows', async (row) => {
    if (row.key.i % 50n === 0n) await new Promise((r) => setTimeout(r, 4));
    return { increment: { counter: 1n } };
  }, { pageSize: 100 });
}
export async function down() {}
`,
    );
    const first = p.start(['migrate']);
    // Kill it once it has checkpointed at least 3,000 rows (a page may also be half written: the marker covers that).
    await waitFor(async () => {
      if (first.proc.exitCode !== null) throw new Error(`the backfill run ended early (code ${first.proc.exitCode}): ${first.stdout()} ${first.stderr()}`);
      const cp = await sdk.getRow({ tableName: 'h_backfill', primaryKey: [{ kind: 'backfill' }, { name: '20250102000000_count#0' }], maxVersions: 1 });
      const rows = cp.row.attributes?.find((a: any) => a.columnName === 'rows');
      return !!rows && rows.columnValue.toNumber() >= 3000;
    }, 30_000);
    first.proc.kill('SIGKILL');
    const killed = await first.exited;
    expect(killed.signal).toBe('SIGKILL');
    const done = await sumCounters();
    expect(done.ones).toBeGreaterThanOrEqual(3000);
    expect(done.ones).toBeLessThan(N);

    const second = await p.run(['migrate']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('Resuming 20250102000000_count (interrupted earlier)');
    expect(second.stderr).toMatch(/backfill bf_rows: resuming after [\d,]+ rows of 10,000/);
    expect(second.stderr).toMatch(/backfill bf_rows: 10,000 rows, [\d,]+ changed/);
    const final = await sumCounters();
    expect(final).toEqual({ rows: N, ones: N, other: 0 });
    expect((await p.run(['migrate:status'])).stdout).toContain('2 applied, 0 pending.');
  }, 90_000);
});

async function sumCounters(): Promise<{ rows: number; ones: number; other: number }> {
  const out = { rows: 0, ones: 0, other: 0 };
  let start: unknown = [{ p: require('tablestore').INF_MIN }, { i: require('tablestore').INF_MIN }];
  for (;;) {
    const res = await sdk.getRange({
      tableName: 'bf_rows',
      direction: 'FORWARD',
      inclusiveStartPrimaryKey: start,
      exclusiveEndPrimaryKey: [{ p: require('tablestore').INF_MAX }, { i: require('tablestore').INF_MAX }],
      maxVersions: 1,
      columnsToGet: ['counter'],
    });
    for (const row of res.rows) {
      out.rows++;
      const c = row.attributes.find((a: any) => a.columnName === 'counter').columnValue.toNumber();
      if (c === 1) out.ones++;
      else if (c !== 0) out.other++;
    }
    if (!res.nextStartPrimaryKey) return out;
    start = res.nextStartPrimaryKey.map((c: any) => ({ [c.name]: c.value }));
  }
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
