/**
 * `tsorm invoke` run as a user runs it: the built binary in a child process, in a project folder, loading
 * TypeScript handler modules (the example app's, and small ones written here) through the shared loader,
 * against an emulator this file starts (named through the ORM's environment variables) or the embedded one.
 * Also: the `tsorm/fc` entry loads neither the emulator, the CLI nor the migrations. Needs `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { encodeTriggerEvent } from '../../src/fc/trigger/cbor-encode';
import { ROOT, sdkFor } from '../support/emulator-process';
import { IGNORE, Long } from '../support/sdk';
import { Project, type Target } from '../support/migrate-project';

let emu: RunningEmulator;
let target: Target;
const projects: Project[] = [];

const config = (extra = '') => `import { defineConfig } from 'tsorm/migrations';
export default defineConfig({
  entities: [${JSON.stringify(join(ROOT, 'examples/app/entities.ts'))}],
  migrations: ${JSON.stringify(join(ROOT, 'migrations'))},
  historyTable: 'invoke_test_history',
${extra}});
`;

/** A handler that shows which client instance served it and what context it got. */
const probe = `import { defineFunction, HttpError } from 'tsorm/fc';
const clients = new Set<unknown>();
let initializations = 0;
export const { initializer, handler, preStop } = defineFunction({
  initialize: () => void initializations++,
  http: async (req, { client, ctx }) => {
    clients.add(client);
    if (req.path === '/teapot') throw new HttpError(418, 'short and stout');
    if (req.path === '/crash') throw new RangeError('crashed on purpose');
    return { body: { clients: clients.size, initializations, method: req.method, path: req.path, query: req.query, type: req.headers['content-type'] ?? null, body: req.text(), requestId: ctx.requestId, timeout: ctx.function?.timeout, key: ctx.credentials?.accessKeyId } };
  },
  event: async (event, { ctx }) => ({ got: event.toString(), requestId: ctx.requestId }),
});
`;

function project(withTarget = true, files: Record<string, string> = {}): Project {
  const p = new Project(withTarget ? target : undefined, { 'tsorm.config.ts': config(), 'probe.ts': probe, ...files });
  projects.push(p);
  return p;
}

beforeAll(async () => {
  emu = await startEmulator({ port: 0, inMemory: true });
  target = { endpoint: emu.endpoint, instance: emu.instance, accessKeyId: emu.accessKeyId, accessKeySecret: emu.accessKeySecret };
});
afterAll(async () => {
  for (const p of projects) p.remove();
  await emu?.close();
});

describe('tsorm invoke', () => {
  it('runs the example app over HTTP after `tsorm migrate`: response on stdout, cost lines on stderr', async () => {
    const p = project();
    const migrated = await p.run(['migrate']);
    expect(migrated.code, migrated.stderr).toBe(0);
    const app = join(ROOT, 'examples/app/index.ts');
    const created = await p.run(['invoke', app, '--http', 'POST /boards/cli/notes', '--body', '{"author":"ada","title":"from the CLI"}']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^HTTP 201\nlocation: \/boards\/cli\/notes\/\d+\ncontent-type: application\/json; charset=utf-8\n\n\{\n {2}"board": "cli",/);
    expect(created.stderr).toMatch(/\[INFO\] tsorm initializer requestId=\S+ durationMs=/);
    expect(created.stderr).toMatch(/\[INFO\] tsorm invocation requestId=\S+ trigger=http method=POST path=\/boards\/cli\/notes status=201 durationMs=\S+ calls=1 requests=1 failures=0 readCU=0 writeCU=1/);
    const id = /"id": "(\d+)"/.exec(created.stdout)![1];

    // --repeat closes with a cost estimate: the CU the handler's calls took, the memory from the app's s.yaml.
    const repeated = await p.run(['invoke', app, '--http', 'POST /boards/cost/notes', '--body', '{"author":"ada","title":"costed"}', '--repeat', '2']);
    expect(repeated.code, repeated.stderr).toBe(0);
    expect(repeated.stderr).toContain('tsorm: memory 512 MB from ');
    expect(repeated.stderr).toMatch(/tsorm: Cost estimate over 2 invocations \(512 MB\): [\d.]+ ms, [\d.e-]+ GB-s, 0\.00 read CU, 1\.00 write CU per invocation/);
    expect(repeated.stderr).toMatch(/FC free tier: 1,000,000 invocations a month/);
    expect(repeated.stderr).toMatch(/local durations are estimates of the cloud's/);
    const single = await p.run(['invoke', app, '--http', `GET /boards/cli/notes/${id}`, '--memory', '1024', '--repeat', '2']);
    expect(single.stderr).toMatch(/memory 1024 MB from --memory[\s\S]*1\.00 read CU, 0\.00 write CU per invocation/);

    const got = await p.run(['invoke', `${app}#handler`, '--http', `GET /boards/cli/notes/${id}`, '--fc2']);
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout).toMatch(/^HTTP 200\n/);
    expect(got.stdout).toContain('"title": "from the CLI"');
    expect(got.stderr).toMatch(/status=200 .*readCU=1 writeCU=0/);

    p.write('views.json', JSON.stringify({ views: [{ board: 'cli', id }] }));
    const events = await p.run(['invoke', join(ROOT, 'examples/app/events.ts'), '--event', '@views.json']);
    expect(events.code, events.stderr).toBe(0);
    expect(JSON.parse(events.stdout)).toEqual({ counted: 1, missing: 0 });
  });

  it('runs a TableStore-trigger handler on a CBOR event file or a JSON test event; the cost line counts the records', async () => {
    const trigger = `import { Column, PrimaryKey, PrimaryKeys, Table } from 'tsorm';
import { defineFunction } from 'tsorm/fc';
@Table('invoke_orders')
export class Order {
  declare readonly [PrimaryKeys]?: 'id';
  @PrimaryKey('string') id!: string;
  @Column({ type: 'int64', mode: 'bigint' }) cents?: bigint;
}
export const { initializer, handler } = defineFunction({
  tablestore: { entity: Order, handler: (changes) => changes.map((c) => (c.type === 'put' ? \`\${c.key.id}:\${String(c.row.cents)}\` : c.type)) },
});
`;
    const p = project(true, { 'trigger.ts': trigger });
    writeFileSync(
      join(p.dir, 'event.cbor'),
      encodeTriggerEvent({
        version: 'Sync-v1',
        records: [
          { type: 'PutRow', timestampMicros: 1n, primaryKey: [{ name: 'id', value: { type: 'STRING', value: 'o1' } }], columns: [{ op: 'Put', name: 'cents', value: { type: 'INTEGER', value: 2n ** 60n }, timestampMillis: 1n }] },
          { type: 'DeleteRow', timestampMicros: 2n, primaryKey: [{ name: 'id', value: { type: 'STRING', value: 'o1' } }], columns: [] },
        ],
      }),
    );
    const cbor = await p.run(['invoke', 'trigger.ts', '--event', '@event.cbor']);
    expect(cbor.code, cbor.stderr).toBe(0);
    expect(JSON.parse(cbor.stdout)).toEqual([`o1:${2n ** 60n}`, 'delete']);
    expect(cbor.stderr).toMatch(/tsorm invocation requestId=\S+ trigger=tablestore records=2 /);
    const json = '{"Version":"Sync-v1","Records":[{"Type":"PutRow","Info":{"Timestamp":1},"PrimaryKey":[{"ColumnName":"id","Value":"o2"}],"Columns":[{"Type":"Put","ColumnName":"cents","Value":1152921504606846977}]}]}';
    const test = await p.run(['invoke', 'trigger.ts', '--event', json, '--fc2']);
    expect(JSON.parse(test.stdout)).toEqual(['o2:1152921504606846977']);
    const bad = await p.run(['invoke', 'trigger.ts', '--event', '{"Version":"Sync-v1","Records":[{"Type":"Nope"}]}']);
    expect(bad.code).toBe(1);
    expect(bad.stdout + bad.stderr).toMatch(/"errorType": "TriggerEventError"/);
    expect(bad.stdout + bad.stderr).toMatch(/at Records\[0\]\.Type: \\"Nope\\" is not PutRow, UpdateRow or DeleteRow/);
  });

  it('--repeat: one initializer, then warm invocations on the one client', async () => {
    const p = project();
    const r = await p.run(['invoke', 'probe.ts', '--http', 'GET /things?x=1&x=2', '--repeat', '3', '--request-id', 'rq', '--timeout', '5']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/tsorm initializer/g)).toHaveLength(1);
    expect(r.stderr.match(/tsorm invocation/g)).toHaveLength(3);
    expect(r.stdout).toContain('# invocation 1 of 3 (first), request rq-1');
    expect(r.stdout).toContain('# invocation 3 of 3 (warm), request rq-3');
    const bodies = r.stdout.split(/# invocation \d of 3.*\n/).filter(Boolean).map((chunk) => JSON.parse(chunk.slice(chunk.indexOf('{'))));
    expect(bodies.map((b) => b.clients)).toEqual([1, 1, 1]);
    expect(bodies.map((b) => b.initializations)).toEqual([1, 1, 1]);
    expect(bodies[2]).toMatchObject({ method: 'GET', path: '/things', query: { x: '1,2' }, requestId: 'rq-3', timeout: 5, key: emu.accessKeyId });
  });

  it('sends headers and a body, and --json prints one object per invocation', async () => {
    const p = project();
    const r = await p.run(['invoke', 'probe.ts', '--http', 'PUT /x', '--header', 'Content-Type: text/plain', '--body', 'hello', '--json', '--repeat', '2']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ statusCode: 200, headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(JSON.parse(lines[1].body)).toMatchObject({ method: 'PUT', type: 'text/plain', body: 'hello', clients: 1 });
    const ev = await p.run(['invoke', 'probe.ts', '--event', '{"a":1}', '--fc2', '--json', '--request-id', 'e1']);
    expect(JSON.parse(ev.stdout)).toMatchObject({ requestId: 'e1', result: { got: '{"a":1}', requestId: 'e1' } });
  });

  it('an HttpError is a response (exit 0); a thrown error fails the invocation (exit 1) the way FC reports it', async () => {
    const p = project();
    const tea = await p.run(['invoke', 'probe.ts', '--http', 'GET /teapot']);
    expect(tea.code).toBe(0);
    expect(tea.stdout).toBe('HTTP 418\ncontent-type: text/plain; charset=utf-8\n\nshort and stout\n');
    const crash = await p.run(['invoke', 'probe.ts', '--http', 'GET /crash']);
    expect(crash.code).toBe(1);
    expect(crash.stdout).toMatch(/failed \(FC: UnhandledInvocationError\):\n\{\n {2}"errorMessage": "crashed on purpose",\n {2}"errorType": "RangeError"/);
    expect(crash.stderr).toMatch(/error=RangeError/);
  });

  it('uses the embedded emulator when no endpoint is configured', async () => {
    const p = project(false);
    const r = await p.run(['invoke', 'probe.ts', '--event', 'ping']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/no endpoint configured .*using the local emulator with data dir \.tsorm\/data/);
    expect(JSON.parse(r.stdout)).toMatchObject({ got: 'ping' });
  });

  it('reports usage errors (exit 2) and load errors (exit 1) clearly', async () => {
    const p = project();
    const both = await p.run(['invoke', 'probe.ts', '--event', '{}', '--http', 'GET /']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--event and --http cannot be used together/);
    const badHttp = await p.run(['invoke', 'probe.ts', '--http', 'nonsense']);
    expect(badHttp.code).toBe(2);
    expect(badHttp.stderr).toMatch(/--http expects "METHOD \/path\[\?query\]"/);
    const noExport = await p.run(['invoke', 'probe.ts#nope', '--event', '{}']);
    expect(noExport.code).toBe(1);
    expect(noExport.stderr).toMatch(/probe\.ts: the module has no function export "nope" \(its function exports: .*handler/);
    const missing = await p.run(['invoke', 'missing.ts', '--event', '{}']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot load .*missing\.ts/);
    p.write('broken.ts', 'export const handler = (: number) => 1;\n');
    const broken = await p.run(['invoke', 'broken.ts', '--event', '{}']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/cannot load .*broken\.ts/);
  });
});

describe('tsorm invoke --stream', () => {
  /** A plain trigger handler: appends what it got to seen.txt; fails its first call when FAIL_ONCE is set. */
  const trigger = `import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { decodeTriggerEvent } from 'tsorm/fc';
export async function handler(event: Buffer) {
  const ev = decodeTriggerEvent(event);
  if (process.env.FAIL_ONCE && !existsSync('failed.flag')) { writeFileSync('failed.flag', '1'); throw new Error('first call fails'); }
  appendFileSync('seen.txt', ev.records.map((r) => r.type + ' ' + String(r.primaryKey[0].value.value)).join(',') + '\\n');
  return 'ok';
}
`;

  it('delivers the pending changes of a table (--once): CBOR events in batches, a cost line each, a failed batch retried', async () => {
    const sdk = sdkFor(emu.endpoint);
    await sdk.createTable({
      tableMeta: { tableName: 'invoke_stream', primaryKey: [{ name: 'id', type: 'STRING' }] },
      reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
      tableOptions: { timeToLive: -1, maxVersions: 1 },
      streamSpecification: { enableStream: true, expirationTime: 24 },
    });
    for (const id of ['a', 'b', 'c']) await sdk.putRow({ tableName: 'invoke_stream', condition: IGNORE(), primaryKey: [{ id }], attributeColumns: [{ n: Long(1) }] });
    await sdk.deleteRow({ tableName: 'invoke_stream', condition: IGNORE(), primaryKey: [{ id: 'a' }] });
    const p = project(true, { 'trigger.ts': trigger });
    const r = await p.run(['invoke', 'trigger.ts', '--stream', 'invoke_stream', '--once', '--batch-size', '2'], { FAIL_ONCE: '1' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('tsorm trigger ');
    expect(p.read('seen.txt')).toBe('PutRow a,PutRow b\nPutRow c,DeleteRow a\n');
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('tsorm trigger '));
    expect(lines.map((l) => /records=(\d+) attempt=(\d+) status=(\w+)/.exec(l)!.slice(1).join(' '))).toEqual(['2 1 failed', '2 2 ok', '2 1 ok']);
    expect(r.stderr).toMatch(/first call fails/);
    expect(r.stderr).toMatch(/tsorm: invoke_stream: 3 invocation\(s\), 4 record\(s\) delivered, 1 failed invocation\(s\), 0 expired record\(s\)/);
    expect(r.stderr).toMatch(/Cost estimate over 3 invocations/);

    const usage = await p.run(['invoke', 'trigger.ts', '--once']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--from, --once and --batch-size need --stream/);
    const none = await p.run(['invoke', 'trigger.ts', '--stream', 'no_such_table', '--once']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/cannot read the stream of table no_such_table: Requested table does not exist/);
  });
});

describe('the tsorm/fc entry', () => {
  it('loads neither the emulator, the CLI, the migrations nor the testing helpers', () => {
    const script = `require('tsorm/fc'); require('tsorm');
      const loaded = Object.keys(require.cache).filter((f) => f.includes('/dist/'));
      const bad = loaded.filter((f) => /\\/dist\\/(cli|src\\/(emulator|migrations|testing))\\//.test(f));
      console.log(JSON.stringify({ count: loaded.length, bad, runtime: loaded.some((f) => f.endsWith('/dist/src/_runtime.js')), swc: Object.keys(require.cache).some((f) => f.includes('@swc')), validator: Object.keys(require.cache).some((f) => f.includes('class-validator')) }));`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.bad).toEqual([]);
    expect(out.runtime).toBe(true);
    expect(out.swc).toBe(false);
    expect(out.validator).toBe(false);
    expect(out.count).toBeGreaterThanOrEqual(3); // two entry stubs and the bundled runtime (scripts/bundle-runtime.js)
  });
});
