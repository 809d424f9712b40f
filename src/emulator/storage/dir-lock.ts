/**
 * One emulator per data directory. The engine keeps the table catalog and counters in memory, so two
 * processes serving one directory would each miss the other's tables and hand out the same table ids. The
 * first to open a directory writes `<dir>/tsorm-emulator.lock` (exclusive create) with its pid and, once it
 * listens, its endpoint; a second one is refused with `DataDirInUseError`, which tells who holds it (so a tool
 * can talk to that emulator instead). A lock left by a process that no longer runs (`kill -9`) is taken over.
 */
import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = 'tsorm-emulator.lock';

export interface DataDirHolder {
  pid: number;
  host: string;
  /** Who opened it, e.g. `tsorm emulator` or `tsorm migrate (embedded)`. */
  owner: string;
  /** Set once the emulator listens. */
  endpoint?: string;
  instance?: string;
}

/** The data directory is served by another live emulator. */
export class DataDirInUseError extends Error {
  readonly code = 'EDATADIRINUSE';

  constructor(
    readonly dir: string,
    readonly holder: DataDirHolder,
  ) {
    super(
      `the data dir ${dir} is in use by ${holder.owner} (pid ${holder.pid}${holder.endpoint ? `, listening on ${holder.endpoint}` : ''}); ` +
        `one emulator per data dir: use that one, stop it, or choose another data dir (if no such process runs, delete ${join(dir, LOCK_FILE)})`,
    );
    this.name = 'DataDirInUseError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The holder of `dir`, if a live process holds it. */
export function readDataDirLock(dir: string): DataDirHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as DataDirHolder;
    return typeof h.pid === 'number' && (h.host !== hostname() || alive(h.pid)) ? h : undefined;
  } catch {
    return undefined;
  }
}

export interface DataDirLock {
  /** Adds the endpoint once the server listens. */
  advertise(info: { endpoint: string; instance: string }): void;
  release(): void;
}

export function lockDataDir(dir: string, owner: string): DataDirLock {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, LOCK_FILE);
  const mine: DataDirHolder = { pid: process.pid, host: hostname(), owner };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeFileSync(fd, JSON.stringify(mine));
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw e;
      const holder = readDataDirLock(dir);
      if (holder) throw new DataDirInUseError(dir, holder);
      rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  let released = false;
  return {
    advertise(info) {
      if (!released) writeFileSync(file, JSON.stringify({ ...mine, ...info }));
    },
    release() {
      if (released) return;
      released = true;
      try {
        const h = JSON.parse(readFileSync(file, 'utf8')) as DataDirHolder;
        if (h.pid === process.pid) rmSync(file, { force: true });
      } catch {
        // already gone
      }
    },
  };
}
