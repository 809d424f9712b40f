/**
 * The consumer matrix (issue 8): the package as users get it. `npm pack`, the tarball installed (offline, from
 * the npm cache: test/support/consumer-install.ts) into a throwaway directory outside the repository, and small
 * projects there (test/cli/consumer/src: an entity, an FC handler, a main that runs both against the emulator):
 *
 * - CommonJS + `moduleResolution: node10` (`module: commonjs`, FC templates' default), compiled with tsc and run;
 * - CommonJS + node16, compiled and run;
 * - ESM + nodenext (`"type": "module"`), compiled and run: named imports, one copy of tsorm for import and require;
 * - `moduleResolution: bundler`, type-checked, and run with tsx (no decorator metadata);
 * - the handler bundled with a plain `esbuild handler.ts --bundle --platform=node` and with DEPLOY.md's command,
 *   each run from a directory without node_modules, with a tsconfig `strict` (so the bundle is strict mode);
 * - the CLI: `tsorm migrate` with a tsorm.config.ts on the embedded emulator; `tsorm invoke` on a .ts handler with @swc/core, then with only the project's typescript, then
 *   with neither (the error names the package to install); the emulator without lmdb.
 *
 * Every tsc run type-checks tsorm's declarations too (skipLibCheck off), and handler.ts holds a
 * `@ts-expect-error` that only holds when the types resolved. Needs `npm run build`.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTables, startEmulator, type TestEmulator } from '../../src/testing';
import { DEPLOY_ESBUILD, installTarball, packTarball } from '../support/consumer-install';
import { requireBuild, ROOT } from '../support/emulator-process';


let dir: string;
let emu: TestEmulator;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command asynchronously (the emulator answers from this process), without the repository's env. */
function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TABLESTORE_') && !k.startsWith('TSORM_') && k !== 'NODE_OPTIONS'));
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: { ...clean, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const tsc = (project: string): Promise<Run> => run(process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-p', project], project);

/** A project directory with its package.json type, tsconfig compiler options, and the consumer sources. */
function project(name: string, type: 'commonjs' | 'module', compilerOptions: Record<string, unknown>): string {
  const p = join(dir, name);
  mkdirSync(p);
  cpSync(join(__dirname, 'consumer/src'), join(p, 'src'), { recursive: true });
  writeFileSync(join(p, 'package.json'), JSON.stringify({ name, private: true, type }));
  const options = { target: 'ES2022', strict: true, experimentalDecorators: true, types: ['node'], rootDir: 'src', outDir: 'out', ...compilerOptions };
  writeFileSync(join(p, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, include: ['src'] }));
  return p;
}

function expectMainOutput(r: Run): void {
  expect(r.status, r.stderr + r.stdout).toBe(0);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  expect(out.result).toMatchObject({ name: 'matrix', count: '42' });
  expect(typeof out.result.version).toBe('number');
  expect(out.row).toEqual(out.result);
  expect(out.missing).toBeNull();
  expect(out.sameErrorClass).toBe(true);
  expect(out.sameRegistry).toBe(true);
  expect(out.otherEntries).toEqual(['function', true]); // tsorm/migrations and tsorm/emulator
}

beforeAll(async () => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'tsorm-consumer-'));
  installTarball(dir, packTarball(dir), ['typescript', '@types/node', 'esbuild', 'tsx']);
  emu = await startEmulator();
  const db = emu.connect();
  await createTables(db, (await import('./consumer/src/entity')).Item);
  db.close();
}, 240_000);

afterAll(async () => {
  await emu?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Each case compiles and runs several processes; on a shared two-core machine that can take a while.
describe('consumer matrix: the packed tarball in throwaway projects', { timeout: 180_000 }, () => {
  it('CommonJS + moduleResolution node10 (module commonjs): compiles with the subpath types and runs', async () => {
    const p = project('cjs-node10', 'commonjs', { module: 'commonjs', moduleResolution: 'node10', emitDecoratorMetadata: true, esModuleInterop: true });
    const built = await tsc(p);
    expect(built.status, built.stdout).toBe(0);
    expectMainOutput(await run(process.execPath, ['out/main.js'], p));
  });

  it('CommonJS + node16: compiles and runs', async () => {
    const p = project('cjs-node16', 'commonjs', { module: 'node16', moduleResolution: 'node16', emitDecoratorMetadata: true });
    const built = await tsc(p);
    expect(built.status, built.stdout).toBe(0);
    expectMainOutput(await run(process.execPath, ['out/main.js'], p));
  });

  it('ESM + nodenext: named imports at run time, one copy of tsorm for import and require', async () => {
    const p = project('esm-nodenext', 'module', { module: 'nodenext', moduleResolution: 'nodenext', emitDecoratorMetadata: true });
    const built = await tsc(p);
    expect(built.status, built.stdout).toBe(0);
    expect(readFileSync(join(p, 'out/main.js'), 'utf8')).toMatch(/^import \{ getTableSchema, TableStoreError \} from 'tsorm';$/m);
    expectMainOutput(await run(process.execPath, ['out/main.js'], p));
  });

  it('moduleResolution bundler type-checks; tsx (no decorator metadata) runs it; a missing type names the cause', async () => {
    const p = project('tsx-bundler', 'module', { module: 'esnext', moduleResolution: 'bundler', noEmit: true });
    const checked = await tsc(p);
    expect(checked.status, checked.stdout).toBe(0);
    const tsx = join(dir, 'node_modules/tsx/dist/cli.mjs');
    expectMainOutput(await run(process.execPath, [tsx, 'src/main.ts'], p));
    writeFileSync(join(p, 'src/untyped.ts'), "import { Column, PrimaryKey, Table } from 'tsorm';\n@Table('t') export class Order { @PrimaryKey('string') id!: string; @Column() shop!: string; }\n");
    const r = await run(process.execPath, [tsx, 'src/untyped.ts'], p);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Order\.shop: no type is stated, and the compiler emitted no decorator metadata/);
    expect(r.stderr).toMatch(/State it: @Column\('string'\) shop/);
  });

  it.each([
    ['plain esbuild --bundle --platform=node', ['--bundle', '--platform=node']],
    ["DEPLOY.md's esbuild command", DEPLOY_ESBUILD],
  ])('the handler bundled with %s runs without node_modules, in strict mode, without CLI/emulator dependencies', async (_name, flags) => {
    const p = project(`esbuild-${flags.length}`, 'commonjs', { module: 'commonjs', moduleResolution: 'node10', noEmit: true });
    const checked = await tsc(p);
    expect(checked.status, checked.stdout).toBe(0);
    const deploy = mkdtempSync(join(tmpdir(), 'tsorm-deploy-'));
    try {
      const esbuild = join(dir, 'node_modules/esbuild/bin/esbuild');
      const built = await run(esbuild, ['src/handler.ts', ...flags, `--outfile=${join(deploy, 'index.js')}`, `--metafile=${join(p, 'meta.json')}`], p);
      expect(built.status, built.stderr).toBe(0);
      // tsconfig strict → esbuild starts the bundle with "use strict": the SDK's undeclared globals must not throw.
      expect(readFileSync(join(deploy, 'index.js'), 'utf8')).toMatch(/^"use strict";/);
      const inputs = Object.keys((JSON.parse(readFileSync(join(p, 'meta.json'), 'utf8')) as { inputs: object }).inputs);
      // Issue 15: the SDK is not bundled (the wire transport serves the handler; client/sdk.ts requires it out of bundlers' sight).
      expect(inputs.filter((i) => i.includes('node_modules/tablestore/'))).toEqual([]);
      expect(inputs.filter((i) => /node_modules\/(lmdb|msgpackr|@swc|class-validator|commander)\/|tsorm\/dist\/(cli|src\/(emulator|migrations|testing))\//.test(i))).toEqual([]);
      writeFileSync(
        join(deploy, 'run.js'),
        `const mod = require('./index.js');
         const context = { requestId: 'b1', credentials: { accessKeyId: '${emu.accessKeyId}', accessKeySecret: '${emu.accessKeySecret}', securityToken: '' }, function: { timeout: 10 }, logger: { info() {}, warn() {}, error() {} } };
         (async () => {
           await mod.initializer(context);
           console.log(JSON.stringify(await mod.handler(Buffer.from(JSON.stringify({ id: 'b-${flags.length}', name: 'matrix' })), context)));
         })().catch((e) => { console.error(e); process.exit(1); });`,
      );
      const r = await run(process.execPath, ['run.js'], deploy, { TABLESTORE_ENDPOINT: emu.endpoint, TABLESTORE_INSTANCE: emu.instance });
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ name: 'matrix', count: '42' });
    } finally {
      rmSync(deploy, { recursive: true, force: true });
    }
  });

  it("DEPLOY.md's build command is the one tested here", () => {
    const deployMd = readFileSync(join(ROOT, 'examples/app/DEPLOY.md'), 'utf8');
    expect(deployMd).toContain(`npx esbuild index.ts events.ts counts.ts ${DEPLOY_ESBUILD.join(' ')} --outdir=code`);
  });

  it('tsorm migrate runs from a tsorm.config.ts; tsorm invoke loads a .ts handler with @swc/core, with only the project typescript, and names the package with neither', async () => {
    const p = project('cli', 'commonjs', { module: 'commonjs', moduleResolution: 'node10', emitDecoratorMetadata: true });
    const cli = join(dir, 'node_modules/tsorm/dist/cli/tsorm.js');
    // Connected to this test's emulator through the environment, as `tsorm invoke` users connect to theirs.
    const env = { TABLESTORE_ENDPOINT: emu.endpoint, TABLESTORE_INSTANCE: emu.instance, ALIBABA_CLOUD_ACCESS_KEY_ID: emu.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: emu.accessKeySecret };
    const invoke = (id: string) => run(process.execPath, [cli, 'invoke', 'src/handler.ts', '--event', JSON.stringify({ id, name: 'matrix' }), '--json'], p, env);
    const lastJson = (r: Run) => JSON.parse(r.stdout.trim().split('\n').pop()!) as { result?: unknown };

    const withSwc = await invoke('c1');
    expect(withSwc.status, withSwc.stderr).toBe(0);
    expect(lastJson(withSwc).result).toMatchObject({ name: 'matrix', count: '42' });

    // `tsorm migrate` with a tsorm.config.ts, on the embedded emulator (no connection configured): no extra step.
    writeFileSync(join(p, 'tsorm.config.ts'), "import { defineConfig } from 'tsorm/migrations';\nexport default defineConfig({ entities: ['src/entity.ts'], migrations: 'migrations' });\n");
    const generated = await run(process.execPath, [cli, 'migrate:generate', 'init'], p);
    expect(generated.status, generated.stderr).toBe(0);
    const migrated = await run(process.execPath, [cli, 'migrate'], p);
    expect(migrated.status, migrated.stderr).toBe(0);
    expect(migrated.stdout).toMatch(/^Applied 1 migration on /m);
    // A new process, a new embedded emulator on the same data dir: the migration is recorded there.
    const status = await run(process.execPath, [cli, 'migrate:status'], p);
    expect(status.status, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^ {2}applied +\d{14}_init\b/m);
    expect(status.stdout).toMatch(/^1 applied, 0 pending\.$/m);

    const swc = join(dir, 'node_modules/@swc');
    const typescript = join(dir, 'node_modules/typescript');
    expect(existsSync(swc)).toBe(true);
    renameSync(swc, `${swc}-hidden`);
    try {
      const withTypescript = await invoke('c2');
      expect(withTypescript.status, withTypescript.stderr).toBe(0);
      expect(lastJson(withTypescript).result).toMatchObject({ name: 'matrix', count: '42' });
      // typescript emits decorator metadata too: an entity that relies on it loads.
      writeFileSync(
        join(p, 'src/inferred.ts'),
        "import { Column, PrimaryKey, Table } from 'tsorm';\nimport { defineFunction } from 'tsorm/fc';\n" +
          "@Table('matrix_items') class Inferred { @PrimaryKey() id!: string; @Column() name!: string; }\n" +
          "export const { handler } = defineFunction({ entities: [Inferred], event: async (_e, { repo }) => (await repo(Inferred).get({ id: 'c2' }))?.name });\n",
      );
      const inferred = await run(process.execPath, [cli, 'invoke', 'src/inferred.ts', '--event', '{}', '--json'], p, env);
      expect(inferred.status, inferred.stderr).toBe(0);
      expect(lastJson(inferred).result).toBe('matrix');

      renameSync(typescript, `${typescript}-hidden`);
      try {
        const neither = await invoke('c3');
        expect(neither.status).not.toBe(0);
        expect(neither.stderr).toMatch(/neither @swc\/core nor typescript is installed: run `npm install --save-dev @swc\/core` \(or `typescript`\)/);
      } finally {
        renameSync(`${typescript}-hidden`, typescript);
      }
    } finally {
      renameSync(`${swc}-hidden`, swc);
    }
  });

  it('without the optional lmdb, an emulator with a data dir names the package to install; in memory it runs', async () => {
    const p = dir;
    const cli = join(dir, 'node_modules/tsorm/dist/cli/tsorm.js');
    const lmdb = join(dir, 'node_modules/lmdb');
    renameSync(lmdb, `${lmdb}-hidden`);
    try {
      const onDisk = await run(process.execPath, [cli, 'emulator', '--port', '0', '--data-dir', join(p, 'data')], p);
      expect(onDisk.status).not.toBe(0);
      expect(onDisk.stderr).toMatch(/needs the optional package lmdb, which is not installed: run `npm install lmdb`/);
      // tsorm/testing's emulator is in memory: no lmdb needed.
      const inMemory = await run(process.execPath, ['-e', "require('tsorm/testing').startEmulator().then((e) => e.close()).then(() => console.log('ok'))"], p);
      expect(inMemory.status, inMemory.stderr).toBe(0);
      expect(inMemory.stdout.trim()).toBe('ok');
    } finally {
      renameSync(`${lmdb}-hidden`, lmdb);
    }
  });
});
