/**
 * The built `tsorm` binary as a child process, the way a user runs it: `node dist/cli/tsorm.js emulator …`.
 * Used by the CLI and persistence tests. `npm test` builds first; run alone, do `npm run build` before.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify, TableStore, type Sdk } from './sdk';

export const ROOT = join(__dirname, '..', '..');
export const BIN = join(ROOT, 'dist', 'cli', 'tsorm.js');
export const READY = /^TableStore emulator listening on (http:\/\/\S+) \(instance ([^,]+), (.*)\)$/m;

/** Fails with an actionable message when the build is missing (the CLI tests exercise the built output). */
export function requireBuild(): void {
  if (!existsSync(BIN)) throw new Error(`${BIN} does not exist: run \`npm run build\` first (\`npm test\` does it for you).`);
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface EmulatorProcess {
  proc: ChildProcessWithoutNullStreams;
  endpoint: string;
  instance: string;
  readyLine: string;
  stdout(): string;
  stderr(): string;
  exited: Promise<Exit>;
  /** Sends the signal and waits for the process to end. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

/** Runs the binary to completion (for commands that should fail fast). */
export function runCli(args: string[], timeoutMs = 20_000): Promise<Exit> {
  requireBuild();
  const proc = spawn(process.execPath, [BIN, ...args], { cwd: ROOT });
  const out = collect(proc);
  const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
  return out.exited.finally(() => clearTimeout(timer));
}

function collect(proc: ChildProcessWithoutNullStreams) {
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<Exit>((resolve) => {
    proc.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { exited, stdout: () => stdout, stderr: () => stderr };
}

/** Starts `tsorm emulator <args>` and resolves once it printed its ready line. */
export async function startEmulatorProcess(
  args: string[],
  opts: { timeoutMs?: number; nodeArgs?: string[]; env?: Record<string, string> } = {},
): Promise<EmulatorProcess> {
  requireBuild();
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), BIN, 'emulator', ...args], { cwd: ROOT, env: { ...process.env, ...opts.env } });
  const out = collect(proc);
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`emulator did not become ready in ${timeoutMs} ms; stdout: ${out.stdout()} stderr: ${out.stderr()}`));
    }, timeoutMs);
    const check = () => {
      const m = READY.exec(out.stdout());
      if (m) {
        clearTimeout(timer);
        proc.stdout.off('data', check);
        resolve(m);
      }
    };
    proc.stdout.on('data', check);
    out.exited.then((e) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited before it was ready (code ${e.code}, signal ${e.signal}): ${e.stderr}`));
    });
  });
  return {
    proc,
    endpoint: match[1],
    instance: match[2],
    readyLine: match[0],
    stdout: out.stdout,
    stderr: out.stderr,
    exited: out.exited,
    stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return out.exited;
    },
  };
}

export type Client = Record<string, (params?: any) => Promise<any>>;

/** The official SDK pointed at an explicit endpoint (not the suite's shared backend), promisified (a `Client`, and `raw`). */
export function sdkFor(endpoint: string, opts: { instance?: string; accessKeyId?: string; accessKeySecret?: string } = {}): Sdk {
  const raw = new TableStore.Client({
    endpoint,
    instancename: opts.instance ?? 'tsorm',
    accessKeyId: opts.accessKeyId ?? 'tsorm-emulator',
    secretAccessKey: opts.accessKeySecret ?? 'tsorm-emulator-secret',
    maxRetries: 0,
  });
  return promisify(raw);
}
