import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Database, RootDatabase } from 'lmdb';
import type { KVStore, KVWrite } from './kv';

export interface LmdbOptions {
  /** fsync every commit (survives an OS crash, slower). Default false: commits survive a process crash
   *  (`kill -9`) because the pages are in the OS page cache when the write is acknowledged. */
  sync?: boolean;
}

/**
 * `lmdb` is an optional dependency (native binaries, ~20 MB; issue 8, item 4): installed with tsorm by default,
 * left out by `npm install --omit=optional`. Loaded when a disk store is opened, so the in-memory emulator
 * (`tsorm/testing`, `--in-memory`) never needs it.
 */
function lmdb(): typeof import('lmdb') {
  try {
    // createRequire, not `require`: bundlers then leave lmdb's native binaries out of bundles of tsorm/testing.
    return createRequire(__filename)('lmdb') as typeof import('lmdb');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
    throw new Error("the emulator's on-disk storage needs the optional package lmdb, which is not installed: run `npm install lmdb` (or use the in-memory store: --in-memory)");
  }
}

/** On-disk ordered store on LMDB (`lmdb` package): B+ tree, copy-on-write, crash-safe commits. */
export class LmdbStore implements KVStore {
  readonly kind = 'disk' as const;
  readonly description: string;
  private readonly root: RootDatabase;
  private readonly db: Database<Buffer, Buffer>;

  constructor(readonly path: string, opts: LmdbOptions = {}) {
    mkdirSync(path, { recursive: true });
    // useWritemap: commits write pages straight into the shared mapping instead of copying them out with
    // pwrite: about half the CPU of a small commit [performance]. A committed page is in the OS page cache
    // either way, so a process crash (`kill -9`) loses nothing acknowledged; LMDB stays copy-on-write, so a
    // crash mid-transaction leaves the last commit intact. Against an OS crash only `sync` protects.
    this.root = lmdb().open({ path, noSync: !opts.sync, compression: false, useWritemap: true });
    this.db = this.root.openDB<Buffer, Buffer>({ name: 'rows', keyEncoding: 'binary', encoding: 'binary' });
    this.description = `data dir ${path}`;
  }

  get(key: Buffer): Buffer | undefined {
    return this.db.getBinary(key) as Buffer | undefined;
  }

  write(ops: KVWrite[]): void {
    this.db.transactionSync(() => {
      for (const op of ops) {
        if (op.value === undefined) this.db.removeSync(op.key);
        else this.db.putSync(op.key, op.value);
      }
    });
  }

  scan(start: Buffer, end: Buffer, reverse: boolean, visit: (key: Buffer, value: Buffer) => boolean): void {
    if (reverse ? Buffer.compare(start, end) <= 0 : Buffer.compare(start, end) >= 0) return;
    for (const { key, value } of this.db.getRange({ start, end, reverse })) {
      if (!visit(key as Buffer, value as Buffer)) return;
    }
  }

  async close(): Promise<void> {
    await this.root.close();
  }
}
