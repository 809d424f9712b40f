/**
 * The example app's deployment, as far as it runs without the cloud: bundled with DEPLOY.md's esbuild command
 * (no decorator metadata, strict mode from the tsconfig), the bundles copied into a directory with no
 * node_modules (as FC unpacks the code package) and s.yaml's `index.*` and `events.*` exports called there in
 * the FC 3.0 shapes against an emulator. Needs `npm run build` (`tsorm` resolves to dist/ by self-reference).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Long from 'long';
import { createTables, startEmulator, triggerEvent, type TestEmulator } from '../../src/testing';
import { DEPLOY_ESBUILD } from '../support/consumer-install';
import { requireBuild, ROOT } from '../support/emulator-process';


let emu: TestEmulator;
let outDir: string;

beforeAll(async () => {
  requireBuild();
  emu = await startEmulator();
  outDir = mkdtempSync(join(tmpdir(), 'tsorm-example-code-')); // outside the repository: no node_modules above it
  const esbuild = (cwd: string, ...args: string[]) => spawnSync(join(ROOT, 'node_modules/.bin/esbuild'), [...args, ...DEPLOY_ESBUILD], { cwd, encoding: 'utf8' });
  const app = esbuild(join(ROOT, 'examples/app'), 'index.ts', 'events.ts', 'counts.ts', `--outdir=${outDir}`);
  expect(app.status, app.stderr).toBe(0);
  // The README's quickstarts, bundled the same way.
  const quickstart = esbuild(join(ROOT, 'examples'), 'fc-quickstart.ts', `--outfile=${join(outDir, 'quickstart.js')}`);
  expect(quickstart.status, quickstart.stderr).toBe(0);
  const ormQuickstart = esbuild(join(ROOT, 'examples'), 'orm-quickstart.ts', `--outfile=${join(outDir, 'orm-quickstart.js')}`);
  expect(ormQuickstart.status, ormQuickstart.stderr).toBe(0);
}, 120_000);
afterAll(async () => {
  rmSync(outDir, { recursive: true, force: true });
  await emu?.close();
});

/** Runs `script` with node in the bundles' directory, asynchronously (the emulator answers from this process). */
function runScript(script: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', script], { cwd: outDir, env: { ...process.env, TABLESTORE_ENDPOINT: emu.endpoint, TABLESTORE_INSTANCE: emu.instance } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('examples/app as deployed', () => {
  it('s.yaml names handlers the compiled code exports', () => {
    const yaml = readFileSync(join(ROOT, 'examples/app/s.yaml'), 'utf8');
    expect(yaml).toMatch(/^edition: 3\.0\.0$/m);
    expect(yaml.match(/component: fc3/g)).toHaveLength(3);
    expect(yaml.match(/runtime: nodejs20/g)).toHaveLength(3);
    // The counts function's TableStore trigger (streams spec §4): the notes table's ARN and the invocation role.
    expect(yaml).toMatch(/triggerType: tablestore\n\s+qualifier: LATEST\n\s+sourceArn: acs:ots:\$\{vars\.region\}:\$\{vars\.account\}:instance\/\$\{vars\.instance\}\/table\/tsorm_notes\n/);
    expect(yaml).toMatch(/invocationRole: acs:ram::\$\{vars\.account\}:role\/aliyuntablestorestreamnotificationrole\n\s+triggerConfig: \{\}/);
    const handlers = [...yaml.matchAll(/^\s+handler: (\w+)\.(\w+)\s*$/gm)].map((m) => [m[1], m[2]]);
    expect(handlers).toEqual([
      ['index', 'handler'],
      ['index', 'initializer'],
      ['index', 'preStop'],
      ['events', 'handler'],
      ['events', 'initializer'],
      ['events', 'preStop'],
      ['counts', 'handler'],
      ['counts', 'initializer'],
      ['counts', 'preStop'],
    ]);
    const script = `const out = {}; for (const [file, fn] of ${JSON.stringify(handlers)}) out[file + '.' + fn] = typeof require(${JSON.stringify(outDir)} + '/' + file + '.js')[fn]; console.log(JSON.stringify(out));`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: outDir, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(Object.values(JSON.parse(r.stdout))).toEqual(Array(9).fill('function'));
  });

  it('the bundles run under plain node in the FC 3.0 shapes (initializer, HTTP create + read, validation, event)', async () => {
    const db = emu.connect();
    const script = `
      const api = require('./index.js'), events = require('./events.js');
      const ctx = (id) => ({ requestId: id, credentials: { accessKeyId: '${emu.accessKeyId}', accessKeySecret: '${emu.accessKeySecret}' }, function: { timeout: 10 }, logger: { info: (l) => lines.push(l), warn() {}, error() {} } });
      const lines = [];
      const http = (method, path, body) => Buffer.from(JSON.stringify({ version: 'v1', rawPath: path, body: body ? JSON.stringify(body) : '', isBase64Encoded: false, headers: {}, queryParameters: {}, requestContext: { http: { method, path } } }));
      (async () => {
        await api.initializer(ctx('init'));
        const created = await api.handler(http('POST', '/boards/deployed/notes', { author: 'ada', title: 'bundled by esbuild' }), ctx('r1'));
        const id = JSON.parse(created.body).id;
        const got = await api.handler(http('GET', '/boards/deployed/notes/' + id), ctx('r2'));
        const invalid = await api.handler(http('POST', '/boards/deployed/notes', { author: 'ada', title: '' }), ctx('r4'));
        const searched = await api.handler(http('GET', '/stats/likes-by-author'), ctx('r5'));
        const counted = await events.handler(Buffer.from(JSON.stringify({ views: [{ board: 'deployed', id }] })), ctx('r3'));
        // The TableStore trigger's CBOR event for that note's PutRow, twice (a redelivery): counted once.
        const counts = require('./counts.js');
        const event = Buffer.from('__PUT_EVENT__', 'hex');
        const triggered = [await counts.handler(event, ctx('t1')), await counts.handler(event, ctx('t2'))];
        console.log(JSON.stringify({ created: created.statusCode, got: got.statusCode, invalid: invalid.statusCode, note: JSON.parse(got.body), searched: JSON.parse(searched.body), counted, triggered, lines }));
        process.exit(0);
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const { Note, AuthorCount, NoteAuthor } = await import('../../examples/app/entities');
    await createTables(db, Note, AuthorCount, NoteAuthor);
    const putEvent = triggerEvent(Note, [{ type: 'put', row: { board: 'deployed', id: Long.fromNumber(424242), author: 'bundle', title: 'x' } }]).toString('hex');
    const r = await runScript(script.replace('__PUT_EVENT__', putEvent));
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ created: 201, got: 200, invalid: 422, note: { title: 'bundled by esbuild', views: 0, likes: '0' }, searched: { authors: [{ author: 'ada', notes: 1, likes: 0 }] }, counted: { counted: 1, missing: 0 } });
    expect(out.triggered).toEqual([{ records: 1, applied: 1 }, { records: 1, applied: 0 }]);
    const counted = await db.repository(AuthorCount).get({ author: 'bundle' });
    expect(counted?.notes).toBe(1);
    db.close();
    expect(out.lines.filter((l: string) => l.startsWith('tsorm invocation'))).toHaveLength(7);
    // The code package is the two bundles: no node_modules (issue 8: a small deploy).
    expect(statSync(join(outDir, 'index.js')).size).toBeLessThan(2_000_000);
  });

  it("the README's FC quickstart, bundled with DEPLOY.md's command, answers a POST and a GET", async () => {
    const db = emu.connect();
    await createTables(db, (await import('../../examples/fc-quickstart')).Visit);
    db.close();
    const r = await runScript(`
      const fn = require('./quickstart.js');
      const ctx = { requestId: 'q', credentials: { accessKeyId: '${emu.accessKeyId}', accessKeySecret: '${emu.accessKeySecret}' }, function: { timeout: 10 }, logger: { info() {}, warn() {}, error() {} } };
      const http = (method, path) => Buffer.from(JSON.stringify({ version: 'v1', rawPath: path, body: '', isBase64Encoded: false, headers: { referer: 'https://example.com' }, queryParameters: {}, requestContext: { http: { method, path } } }));
      (async () => {
        await fn.initializer(ctx);
        const created = await fn.handler(http('POST', '/bundled'), ctx);
        const list = await fn.handler(http('GET', '/bundled'), ctx);
        console.log(JSON.stringify({ created: created.statusCode, visit: JSON.parse(created.body), items: JSON.parse(list.body).items.length }));
      })().catch((e) => { console.error(e); process.exit(1); });`);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ created: 201, visit: { page: 'bundled', referrer: 'https://example.com', id: expect.stringMatching(/^\d+$/) }, items: 1 });
  });

  it("the README's ORM quickstart (class-validator, tsorm/migrations), bundled with DEPLOY.md's command, runs", async () => {
    const r = await runScript(`
      Object.assign(process.env, { ALIBABA_CLOUD_ACCESS_KEY_ID: '${emu.accessKeyId}', ALIBABA_CLOUD_ACCESS_KEY_SECRET: '${emu.accessKeySecret}' });
      const { quickstart } = require('./orm-quickstart.js');
      quickstart().then((log) => console.log(JSON.stringify(log)), (e) => { console.error(e); process.exit(1); });`);
    expect(r.status, r.stderr).toBe(0);
    const log = JSON.parse(r.stdout) as string[];
    expect(log[0]).toMatch(/^inserted id \d+ version 1$/);
    expect(log.slice(1)).toEqual(['qty is now 3', 'total 15 tags paid version 3', expect.stringMatching(/^found \d+ with qty 3$/), 'page of 1', 'deleted: true']);
  });
});
