/**
 * `tsorm emulator` run as a user runs it: the built binary in a child process, the official SDK against the
 * endpoint it prints, signals and exit codes. Needs `npm run build` (done by `npm test`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IGNORE, Long, decodeSdkError } from '../support/sdk';
import { requireBuild, runCli, sdkFor, startEmulatorProcess } from '../support/emulator-process';

const createArgs = (tableName: string) => ({
  tableMeta: { tableName, primaryKey: [{ name: 'id', type: 'INTEGER' }] },
  reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
  tableOptions: { timeToLive: -1, maxVersions: 1 },
});

describe('tsorm emulator (built binary)', () => {
  let dir: string;
  beforeAll(() => {
    requireBuild();
    dir = mkdtempSync(join(tmpdir(), 'tsorm-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints one ready line, serves the official SDK, and exits 0 on SIGTERM', async () => {
    const emu = await startEmulatorProcess(['--port', '0', '--data-dir', join(dir, 'a')]);
    try {
      expect(emu.readyLine).toMatch(/^TableStore emulator listening on http:\/\/127\.0\.0\.1:\d+ \(instance tsorm, data dir .*[/\\]a, access key tsorm-emulator\)$/);
      expect(emu.stdout().trim().split('\n')).toHaveLength(1);
      const sdk = sdkFor(emu.endpoint);
      await sdk.createTable(createArgs('cli_t'));
      await sdk.putRow({ tableName: 'cli_t', condition: IGNORE(), primaryKey: [{ id: Long(1) }], attributeColumns: [{ v: 'hello' }] });
      const got = await sdk.getRow({ tableName: 'cli_t', primaryKey: [{ id: Long(1) }], maxVersions: 1 });
      expect(got.row.attributes[0].columnValue).toBe('hello');
    } finally {
      const exit = await emu.stop('SIGTERM');
      expect(exit.code).toBe(0);
      expect(exit.stderr).toBe('');
    }
  });

  it('exits 0 on SIGINT too, in memory, with a custom instance and key pair', async () => {
    const emu = await startEmulatorProcess(['--port', '0', '--in-memory', '--instance', 'inst1', '--access-key-id', 'AK', '--access-key-secret', 'SK']);
    expect(emu.readyLine).toContain('(instance inst1, in memory, access key AK)');
    const ok = sdkFor(emu.endpoint, { instance: 'inst1', accessKeyId: 'AK', accessKeySecret: 'SK' });
    expect((await ok.listTable()).tableNames).toEqual([]);
    const badKey = decodeSdkError(await sdkFor(emu.endpoint, { instance: 'inst1' }).listTable().catch((e) => e));
    expect([badKey.status, badKey.otsCode]).toEqual([403, 'OTSAuthFailed']);
    const badInstance = decodeSdkError(await sdkFor(emu.endpoint, { instance: 'other', accessKeyId: 'AK', accessKeySecret: 'SK' }).listTable().catch((e) => e));
    expect([badInstance.status, badInstance.otsCode, badInstance.otsMessage]).toEqual([403, 'OTSAuthFailed', 'The instance is not found.']);
    const exit = await emu.stop('SIGINT');
    expect(exit.code).toBe(0);
  });

  it('accepts any key with --lenient-auth and reports faults in the ready line', async () => {
    const emu = await startEmulatorProcess(['--port', '0', '--in-memory', '--lenient-auth', '--faults', 'latency=1,seed=3']);
    expect(emu.readyLine).toContain('lenient auth');
    expect(emu.readyLine).toContain('faults latency=1,seed=3');
    const any = sdkFor(emu.endpoint, { accessKeyId: 'whoever', accessKeySecret: 'whatever' });
    expect((await any.listTable()).tableNames).toEqual([]);
    expect((await emu.stop()).code).toBe(0);
  });

  it('reports a search sync delay in the ready line', async () => {
    const emu = await startEmulatorProcess(['--port', '0', '--in-memory', '--search-sync-delay', '250']);
    expect(emu.readyLine).toContain('search sync delay 250 ms');
    expect((await sdkFor(emu.endpoint).listSearchIndex({})).indices).toEqual([]);
    expect((await emu.stop()).code).toBe(0);
  });

  it('--help and --version exit 0', async () => {
    const help = await runCli(['emulator', '--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--host', '--port', '--instance', '--data-dir', '--in-memory', '--access-key-id', '--access-key-secret', '--lenient-auth', '--sync', '--faults', '--search-sync-delay']) {
      expect(help.stdout).toContain(flag);
    }
    const top = await runCli(['--help']);
    expect([top.code, top.stdout.includes('emulator')]).toEqual([0, true]);
    const version = await runCli(['--version']);
    expect([version.code, /^\d+\.\d+\.\d+/.test(version.stdout)]).toEqual([0, true]);
  });

  it('usage errors exit 2 with a message on stderr', async () => {
    for (const args of [
      ['emulator', '--bogus'], ['emulator', '--port', 'abc'], ['emulator', '--port', '70000'], ['emulator', '--port'], ['no-such-command'], [],
      ['emulator', '--search-sync-delay', '-5'], ['emulator', '--search-sync-delay', '1.5'], ['emulator', '--search-sync-delay', '3600001'],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.length, args.join(' ')).toBeGreaterThan(0);
    }
  });

  it('runtime errors exit 1 with one clear message', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['emulator', '--port', '0', '--faults', 'busy=2'], /--faults: .*probability/],
      [['emulator', '--port', '0', '--faults', 'nonsense'], /--faults: Invalid fault "nonsense"/],
      [['emulator', '--port', '0', '--faults', 'latency=x'], /--faults: .*latency/],
      [['emulator', '--port', '0', '--in-memory', '--data-dir', join(dir, 'x')], /--data-dir and --in-memory cannot be used together/],
      [['emulator', '--port', '0', '--in-memory', '--access-key-id', 'AK'], /--access-key-id and --access-key-secret must be given together/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(r.stdout).toBe('');
    }
  });

  it('a port in use exits 1 and says so', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await runCli(['emulator', '--port', String(port), '--data-dir', join(dir, 'inuse')]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the port is already in use`));
    } finally {
      blocker.close();
    }
  });
});
