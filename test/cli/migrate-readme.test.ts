/**
 * The README's migration walkthrough, run as written (both languages show the same files and commands), with
 * the embedded emulator a fresh clone gets; and the repository's own migrations (root tsorm.config.ts) applied
 * and reverted. `npx tsorm` is the built binary (`node dist/cli/tsorm.js`).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { BIN, ROOT, sdkFor, type Exit } from '../support/emulator-process';
import { Project } from '../support/migrate-project';

function section(file: string): string {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const start = text.search(/^## (Migrations|迁移)/m);
  const end = text.indexOf('\n## ', start + 3);
  return text.slice(start, end);
}

/** The ts code blocks whose first line is `// demo/<file>`. */
function demoFiles(md: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of md.matchAll(/```ts\n\/\/ demo\/(\S+)\n([\s\S]*?)```/g)) out[m[1]] = m[2];
  return out;
}

/** `npx tsorm …` lines of the sh blocks, with their trailing comments. */
function commands(md: string): Array<{ args: string[]; comment: string }> {
  const out: Array<{ args: string[]; comment: string }> = [];
  for (const block of md.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of block[1].split('\n')) {
      const m = /^npx tsorm ([^#]+?)\s*(?:#\s*(.*))?$/.exec(line.trim());
      if (m) out.push({ args: m[1].split(/\s+/), comment: m[2] ?? '' });
    }
  }
  return out;
}

const projects: Project[] = [];
afterAll(() => projects.forEach((p) => p.remove()));

describe('README: migrations walkthrough', () => {
  const en = section('README.md');
  const zh = section('README.zh-CN.md');

  it('both languages show the same files and commands', () => {
    expect(demoFiles(zh)).toEqual(demoFiles(en));
    expect(commands(zh).map((c) => c.args)).toEqual(commands(en).map((c) => c.args));
    expect(Object.keys(demoFiles(en)).sort()).toEqual(['entities.ts', 'tsorm.config.ts']);
  });

  it('works as written on a fresh clone (embedded emulator)', async () => {
    const p = new Project(undefined, demoFiles(en));
    projects.push(p);
    const cmds = commands(en);
    expect(cmds.map((c) => c.args.join(' '))).toEqual([
      'migrate:generate init',
      'migrate',
      'migrate:status',
      'migrate:generate ttl_30_days',
      'migrate',
      'migrate:revert',
      'migrate:status',
    ]);
    const results: Exit[] = [];
    for (const [i, c] of cmds.entries()) {
      if (i === 3) {
        // "Now change the TTL in demo/entities.ts to `timeToLive: 86400 * 30`"
        expect(en).toContain('`timeToLive: 86400 * 30`');
        p.write('entities.ts', p.read('entities.ts').replace('timeToLive: -1', 'timeToLive: 86400 * 30'));
      }
      const r = await p.run(c.args);
      expect(r.code, `${c.args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
      results.push(r);
    }
    const [init, migrate1, status1, ttl, migrate2, revert, status2] = results;
    expect(init.stdout).toMatch(/^Created migrations\/\d{14}_init\.ts and updated migrations\/tsorm-snapshot\.json:/);
    expect(migrate1.stderr).toBe(
      'tsorm: no endpoint configured (connection.endpoint in the config, or TABLESTORE_ENDPOINT): using the local emulator with data dir .tsorm/data, started in process\n',
    );
    expect(migrate1.stdout).toContain('createTable demo_events: created');
    expect(status1.stdout).toMatch(/applied {6}\d{14}_init /);
    const [, ttlName] = p.migrations();
    expect(ttl.stdout).toContain(`Created migrations/${ttlName}.ts`);
    expect(p.read(`migrations/${ttlName}.ts`)).toContain("m.updateTable('demo_events', { timeToLive: 2592000 })");
    expect(migrate2.stdout).toContain(cmds[4].comment); // updateTable demo_events: changed timeToLive -1 → 2592000
    expect(revert.stdout).toContain('updateTable demo_events: changed timeToLive 2592000 → -1');
    expect(status2.stdout).toMatch(new RegExp(`pending {6}${ttlName}`));
    expect(status2.stdout).toContain('1 applied, 1 pending.');
  });
});

describe('the repository root', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ port: 0, inMemory: true });
  });
  afterAll(() => emu?.close());

  function run(args: string[]): Promise<Exit> {
    const env = {
      ...process.env,
      TABLESTORE_ENDPOINT: emu.endpoint,
      TABLESTORE_INSTANCE: emu.instance,
      ALIBABA_CLOUD_ACCESS_KEY_ID: emu.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: emu.accessKeySecret,
    };
    const proc = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    return new Promise((resolve) => proc.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  }

  it('the example app entities match the committed snapshot, and its migrations apply and revert', async () => {
    const check = await run(['migrate:check']);
    expect([check.code, check.stdout], check.stderr).toEqual([0, 'The entities match migrations/tsorm-snapshot.json.\n']);
    const up = await run(['migrate']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain('createTable tsorm_notes: created');
    const d = await sdkFor(emu.endpoint).describeTable({ tableName: 'tsorm_notes' });
    expect(d.indexMetas.map((i: { name: string }) => i.name)).toEqual(['tsorm_notes_by_author']);
    // the search index of entities.ts (@SearchIndex), which the app's search routes query
    expect(up.stdout).toContain('createSearchIndex tsorm_notes.tsorm_notes_search: created and caught up');
    const ix = await sdkFor(emu.endpoint).listSearchIndex({ tableName: 'tsorm_notes' });
    expect(ix.indices.map((i: { indexName: string }) => i.indexName)).toEqual(['tsorm_notes_search']);
    const all = JSON.parse((await run(['migrate:status', '--json'])).stdout);
    expect(all.pending).toBe(0);
    const down = await run(['migrate:revert', '--steps', String(all.applied)]);
    expect(down.code, down.stderr).toBe(0);
    expect((await sdkFor(emu.endpoint).listTable()).tableNames).not.toContain('tsorm_notes');
  });
});
