/**
 * `tsorm studio` as a user starts it (the built binary, in a project folder) with no endpoint configured: it
 * serves the embedded emulator, read-write, and answers the API with the token only; `migrate:status`'s view
 * of the migrations; the page is the prebuilt one (esbuild is never loaded at run time).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { configFile, Project, type Running } from '../support/migrate-project';

const projects: Project[] = [];
const runs: Running[] = [];

async function start(p: Project, args: string[] = [], env: Record<string, string> = {}): Promise<{ run: Running; url: string; ms: number }> {
  const started = performance.now();
  const run = p.start(['studio', ...args], env);
  runs.push(run);
  for (;;) {
    const m = /tsorm studio: (http:\/\/\S+)\n.*Ctrl-C stops\./.exec(run.stdout()); // both lines: stdout may arrive in pieces
    if (m) return { run, url: m[1], ms: performance.now() - started };
    if (run.proc.exitCode !== null) throw new Error(`studio exited:\n${run.stdout()}\n${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function api(url: string, name: string, body: unknown = {}): Promise<{ status: number; json: any }> {
  const u = new URL(url);
  const res = await fetch(`${u.origin}/api/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-tsorm-studio-token': u.searchParams.get('token')! }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

afterAll(async () => {
  for (const r of runs) r.proc.kill('SIGTERM');
  await Promise.all(runs.map((r) => r.exited));
  for (const p of projects) p.remove();
});

describe('tsorm studio (CLI)', () => {
  it('serves the embedded emulator read-write, with migrations as migrate:status shows them', async () => {
    const p = new Project(undefined, {
      'tsorm.config.ts': configFile({ historyTable: 'studio_cli_history', entities: [], extra: "  emulator: { inMemory: true },\n" }),
      'migrations/20260101000000_init.ts': `export async function up(m: any) { await m.createTable({ name: 'cli_things', primaryKey: [{ name: 'id', type: 'STRING' }] }); }\nexport async function down(m: any) { await m.deleteTable('cli_things'); }\n`,
    });
    projects.push(p);
    const { run, url } = await start(p);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
    expect(run.stdout()).toMatch(/read-write/);
    expect(run.stderr()).toMatch(/using the local emulator in memory/);
    const info = await api(url, 'info');
    expect(info.json.data).toMatchObject({ emulator: true, writable: true });
    const migrations = await api(url, 'migrations');
    expect(migrations.json.data).toMatchObject({ applied: 0, pending: 1, migrations: [{ name: '20260101000000_init', state: 'pending' }] });
    const status = await p.run(['migrate:status']);
    expect(status.stdout).toMatch(/pending\s+20260101000000_init/);
    expect((await api(url, 'tables')).json).toMatchObject({ ok: true, data: [], cost: { calls: 1 } });
    // Ctrl-C stops it cleanly.
    run.proc.kill('SIGINT');
    expect((await run.exited).code).toBe(0);
  });

  it('starts without loading the page build tooling', async () => {
    const p = new Project(undefined, { 'tsorm.config.json': JSON.stringify({ emulator: { inMemory: true } }) });
    projects.push(p);
    // NODE_DEBUG=module logs every module Node loads: the studio's server is there, esbuild is not.
    const { run } = await start(p, ['--port', '0'], { NODE_DEBUG: 'module' });
    // stderr is a separate pipe: it may trail stdout's URL line.
    for (let i = 0; i < 100 && !/studio[/\\]server/.test(run.stderr()); i++) await new Promise((r) => setTimeout(r, 50));
    expect(run.stderr()).toMatch(/studio[/\\]server/);
    expect(run.stderr()).not.toMatch(/esbuild/);
  });
});
