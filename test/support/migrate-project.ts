/**
 * A throwaway project for the `tsorm migrate*` CLI tests: a temp folder with a `tsorm.config.ts`, entity files
 * and migrations, and the built binary run in it as a child process, pointed at an emulator through the ORM's
 * environment variables (as a user would point it at an instance).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BIN, requireBuild, ROOT, type Exit } from './emulator-process';

/** Inside the repository (and git-ignored), so the projects resolve `tsorm`, `long`… as an installed project would. */
export const PROJECTS = join(ROOT, '.tsorm', 'test-projects');

export interface Target {
  endpoint: string;
  instance: string;
  accessKeyId: string;
  accessKeySecret: string;
}

export interface Running {
  proc: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  exited: Promise<Exit>;
}

export class Project {
  readonly dir: string;

  constructor(
    readonly target: Target | undefined,
    files: Record<string, string> = {},
  ) {
    requireBuild();
    mkdirSync(PROJECTS, { recursive: true });
    this.dir = mkdtempSync(join(PROJECTS, 'p-'));
    for (const [path, text] of Object.entries(files)) this.write(path, text);
  }

  write(path: string, text: string): void {
    const file = join(this.dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }

  read(path: string): string {
    return readFileSync(join(this.dir, path), 'utf8');
  }

  /** Migration file names (without extension) in `migrations/`. */
  migrations(): string[] {
    try {
      return readdirSync(join(this.dir, 'migrations'))
        .filter((f) => /^\d{14}_/.test(f))
        .map((f) => f.replace(/\.(ts|js)$/, ''))
        .sort();
    } catch {
      return [];
    }
  }

  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
    delete env.TABLESTORE_ENDPOINT;
    if (this.target) {
      env.TABLESTORE_ENDPOINT = this.target.endpoint;
      env.TABLESTORE_INSTANCE = this.target.instance;
      env.ALIBABA_CLOUD_ACCESS_KEY_ID = this.target.accessKeyId;
      env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = this.target.accessKeySecret;
    }
    return { ...env, ...extra };
  }

  /** Starts `tsorm <args>` in the project folder. */
  start(args: string[], extraEnv: Record<string, string> = {}): Running {
    const proc = spawn(process.execPath, [BIN, ...args], { cwd: this.dir, env: this.env(extraEnv) });
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<Exit>((resolve) => proc.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
    return { proc, stdout: () => stdout, stderr: () => stderr, exited };
  }

  /** Runs `tsorm <args>` to completion. */
  async run(args: string[], extraEnv: Record<string, string> = {}, timeoutMs = 60_000): Promise<Exit> {
    const r = this.start(args, extraEnv);
    const timer = setTimeout(() => r.proc.kill('SIGKILL'), timeoutMs);
    try {
      return await r.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A config file's text. */
export function configFile(options: { entities?: string[]; historyTable: string; lock?: { leaseMs?: number; waitMs?: number }; throughputWaitMs?: number; extra?: string }): string {
  return `import { defineConfig } from 'tsorm/migrations';

export default defineConfig({
  entities: ${JSON.stringify(options.entities ?? ['entities.ts'])},
  migrations: 'migrations',
  historyTable: '${options.historyTable}',
${options.lock ? `  lock: ${JSON.stringify(options.lock)},\n` : ''}${options.throughputWaitMs !== undefined ? `  throughputWaitMs: ${options.throughputWaitMs},\n` : ''}${options.extra ?? ''}});
`;
}
