/**
 * The example app's deployment, as far as it runs without the cloud: DEPLOY.md compiles it with its own
 * tsconfig (tsc: CommonJS + decorator metadata) and s.yaml points FC at `index.*` and `events.*` exports. Here
 * the compiled files are loaded by plain `node` (no loader) and called in the FC 3.0 shapes against an
 * emulator, and every handler s.yaml names is checked to be an exported function. Needs `npm run build`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type TestEmulator } from '../../src/testing';
import { requireBuild, ROOT } from '../support/emulator-process';

let emu: TestEmulator;
let outDir: string;

beforeAll(async () => {
  requireBuild();
  emu = await startEmulator();
  mkdirSync(join(ROOT, '.tsorm'), { recursive: true });
  outDir = mkdtempSync(join(ROOT, '.tsorm', 'example-code-')); // inside the package: `tsorm` resolves to dist/
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'examples/app/tsconfig.json'), '--outDir', outDir], { encoding: 'utf8' });
  expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
}, 120_000);
afterAll(async () => {
  rmSync(outDir, { recursive: true, force: true });
  await emu?.close();
});

describe('examples/app as deployed', () => {
  it('s.yaml names handlers the compiled code exports', () => {
    const yaml = readFileSync(join(ROOT, 'examples/app/s.yaml'), 'utf8');
    expect(yaml).toMatch(/^edition: 3\.0\.0$/m);
    expect(yaml.match(/component: fc3/g)).toHaveLength(2);
    expect(yaml.match(/runtime: nodejs20/g)).toHaveLength(2);
    const handlers = [...yaml.matchAll(/^\s+handler: (\w+)\.(\w+)\s*$/gm)].map((m) => [m[1], m[2]]);
    expect(handlers).toEqual([
      ['index', 'handler'],
      ['index', 'initializer'],
      ['index', 'preStop'],
      ['events', 'handler'],
      ['events', 'initializer'],
      ['events', 'preStop'],
    ]);
    const script = `const out = {}; for (const [file, fn] of ${JSON.stringify(handlers)}) out[file + '.' + fn] = typeof require(${JSON.stringify(outDir)} + '/' + file + '.js')[fn]; console.log(JSON.stringify(out));`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: outDir, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(Object.values(JSON.parse(r.stdout))).toEqual(Array(6).fill('function'));
  });

  it('the tsc output runs under plain node in the FC 3.0 shapes (initializer, HTTP create + read, event)', async () => {
    const db = emu.connect();
    const { createTables } = await import('../../src/testing');
    const script = `
      const api = require('./index.js'), events = require('./events.js');
      const ctx = (id) => ({ requestId: id, credentials: { accessKeyId: '${emu.accessKeyId}', accessKeySecret: '${emu.accessKeySecret}' }, function: { timeout: 10 }, logger: { info: (l) => lines.push(l), warn() {}, error() {} } });
      const lines = [];
      const http = (method, path, body) => Buffer.from(JSON.stringify({ version: 'v1', rawPath: path, body: body ? JSON.stringify(body) : '', isBase64Encoded: false, headers: {}, queryParameters: {}, requestContext: { http: { method, path } } }));
      (async () => {
        await api.initializer(ctx('init'));
        const created = await api.handler(http('POST', '/boards/deployed/notes', { author: 'ada', title: 'compiled by tsc' }), ctx('r1'));
        const id = JSON.parse(created.body).id;
        const got = await api.handler(http('GET', '/boards/deployed/notes/' + id), ctx('r2'));
        const counted = await events.handler(Buffer.from(JSON.stringify({ views: [{ board: 'deployed', id }] })), ctx('r3'));
        console.log(JSON.stringify({ created: created.statusCode, got: got.statusCode, note: JSON.parse(got.body), counted, lines }));
        process.exit(0);
      })().catch((e) => { console.error(e); process.exit(1); });`;
    await createTables(db, (await import('../../examples/app/entities')).Note);
    db.close();
    // asynchronously: the emulator answers from this process
    const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['-e', script], { cwd: outDir, env: { ...process.env, TABLESTORE_ENDPOINT: emu.endpoint, TABLESTORE_INSTANCE: emu.instance } });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ created: 201, got: 200, note: { title: 'compiled by tsc', views: 0, likes: '0' }, counted: { counted: 1, missing: 0 } });
    expect(out.lines.filter((l: string) => l.startsWith('tsorm invocation'))).toHaveLength(3);
  });
});
