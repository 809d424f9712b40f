/**
 * The search indexes of an emulator: their definitions (kept in the store under `X<table>\0<index>` as JSON)
 * and their in-memory documents, fed by the engine's committed writes (Engine.onCommit) in commit order.
 *
 * Persistence [decision]: only definitions are stored; documents are rebuilt from the table rows when the
 * emulator starts. The rows are the acknowledged writes (LMDB survives kill -9), so every acknowledged write is
 * searchable after a clean restart or a crash, and the index can never disagree with its table.
 *
 * Sync (spec §8): with `syncDelayMs` 0 (default) a write is applied before the write call returns. With a delay,
 * committed changes wait in a queue and become visible `syncDelayMs` after their commit, in commit order; sync_stat
 * reports the commit time the index has reached.
 */
import { OtsError } from '../errors';
import type { CommittedChange } from '../engine/commit-feed';
import type { Engine } from '../engine/engine';
import type { TableMeta } from '../engine/catalog';
import { prefixEnd, Space, tablePrefix } from '../engine/keys';
import { visibleRow } from '../engine/versions';
import { decodeStoredRow } from '../model/plainbuffer';
import type { RowData } from '../model/row';
import { buildDoc } from './document';
import { ScanSessions } from './parallel-scan';
import { SearchIndex } from './search-index';
import type { SearchIndexDef } from './schema';


export interface SearchOptions {
  /** Delay (ms) between a commit and its visibility in search indexes (default 0: visible on return). */
  syncDelayMs: number;
  /** Indexes per table (spec: unspecified; the console's default quota) [inferred]. */
  maxIndexesPerTable: number;
  /** Clock (ms); by default the engine's (EmulatorOptions.clock), injectable for tests. */
  now: () => number;
}

export const DEFAULT_SEARCH_OPTIONS: SearchOptions = { syncDelayMs: 0, maxIndexesPerTable: 5, now: () => Date.now() };

/** A sync delay is a whole number of milliseconds, 0 to one hour. */
export function checkSyncDelay(ms: unknown): number {
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0 || ms > 3_600_000) {
    throw new RangeError(`search sync delay must be a whole number of milliseconds in [0, 3600000], got ${String(ms)}`);
  }
  return ms;
}

interface Pending {
  at: number;
  changes: readonly CommittedChange[];
}

function defKey(table: string, index: string): Buffer {
  return Buffer.concat([Buffer.from([Space.SEARCH_INDEX]), Buffer.from(table, 'utf8'), Buffer.from([0]), Buffer.from(index, 'utf8')]);
}

export class SearchIndexes {
  /** table name → index name → index. */
  private readonly byTable = new Map<string, Map<string, SearchIndex>>();
  private readonly pending: Pending[] = [];
  readonly options: SearchOptions;
  /** ParallelScan sessions (ComputeSplits). */
  readonly sessions: ScanSessions;

  constructor(
    readonly engine: Engine,
    options: Partial<SearchOptions> = {},
  ) {
    this.options = { ...DEFAULT_SEARCH_OPTIONS, now: () => engine.now(), ...options };
    this.sessions = new ScanSessions(() => this.options.now());
    const start = Buffer.from([Space.SEARCH_INDEX]);
    const defs: SearchIndexDef[] = [];
    engine.kv.scan(start, prefixEnd(start), false, (_k, v) => {
      defs.push(JSON.parse(v.toString('utf8')) as SearchIndexDef);
      return true;
    });
    for (const def of defs) {
      const table = engine.tables.get(def.table);
      if (table) this.attach(def, table);
    }
    engine.onCommit((changes) => this.onCommit(changes));
  }

  private onCommit(changes: readonly CommittedChange[]): void {
    if (!changes.some((c) => this.byTable.has(c.table.name))) return;
    if (this.options.syncDelayMs > 0) this.pending.push({ at: this.options.now(), changes });
    else this.apply(changes);
  }

  private apply(changes: readonly CommittedChange[]): void {
    const now = this.options.now();
    for (const ch of changes) {
      const indexes = this.byTable.get(ch.table.name);
      if (!indexes) continue;
      const key = ch.key.toString('latin1');
      const row = ch.after && visibleRow(ch.after, { ttl: ch.table.options.timeToLive, maxVersions: ch.table.options.maxVersions, now });
      for (const idx of indexes.values()) {
        if (row) idx.put(buildDoc(key, row, idx.def.fields));
        else idx.remove(key);
      }
    }
  }

  /** Applies the queued changes whose delay has passed (called before every read of an index). */
  catchUp(): void {
    if (!this.pending.length) return;
    const due = this.options.now() - this.options.syncDelayMs;
    let n = 0;
    while (n < this.pending.length && this.pending[n].at <= due) this.apply(this.pending[n++].changes);
    if (n) this.pending.splice(0, n);
  }

  /** The commit time (ms) every change before which is searchable. */
  syncedUpTo(): number {
    this.catchUp();
    return this.pending.length ? this.pending[0].at - 1 : this.options.now();
  }

  private attach(def: SearchIndexDef, table: TableMeta): SearchIndex {
    const idx = new SearchIndex(def);
    const now = this.options.now();
    const vis = { ttl: table.options.timeToLive, maxVersions: table.options.maxVersions, now };
    const prefix = tablePrefix(table.id);
    // A new index, or one reopened at startup, indexes the rows the table already holds (spec §8).
    this.engine.kv.scan(prefix, prefixEnd(prefix), false, (k, v) => {
      const row: RowData | undefined = visibleRow(decodeStoredRow(v), vis);
      if (row) idx.put(buildDoc(Buffer.from(k).toString('latin1'), row, def.fields));
      return true;
    });
    let m = this.byTable.get(def.table);
    if (!m) this.byTable.set(def.table, (m = new Map()));
    m.set(def.name, idx);
    return idx;
  }

  /** The data table a search index API names, or the service's error for a missing one. */
  table(name: string): TableMeta {
    const t = this.engine.tables.get(name);
    if (!t || t.indexOf) throw OtsError.param(`table [${name}] does not exist`);
    return t;
  }

  private live(tableName: string): Map<string, SearchIndex> | undefined {
    const m = this.byTable.get(tableName);
    // A table deleted (or recreated) behind our back takes its indexes with it.
    const t = this.engine.tables.get(tableName);
    if (m && (!t || [...m.values()].some((i) => i.def.tableId !== t.id))) {
      for (const i of m.values()) if (!t || i.def.tableId !== t.id) this.drop(i.def);
      return this.byTable.get(tableName);
    }
    return m;
  }

  /** An index by table and name, caught up with the queued writes; OTSMetaNotMatch when missing (spec §9). */
  get(tableName: string, indexName: string): SearchIndex {
    this.table(tableName);
    const idx = this.live(tableName)?.get(indexName);
    if (!idx) throw new OtsError('OTSMetaNotMatch', `search index [${indexName}] does not exist`, 400);
    this.catchUp();
    return idx;
  }

  list(tableName?: string): SearchIndexDef[] {
    const names = tableName !== undefined ? [tableName] : [...this.byTable.keys()];
    const out: SearchIndexDef[] = [];
    for (const t of names) for (const i of this.live(t)?.values() ?? []) out.push(i.def);
    return out;
  }

  count(tableName: string): number {
    return this.live(tableName)?.size ?? 0;
  }

  create(def: SearchIndexDef, table: TableMeta): void {
    if (this.live(table.name)?.has(def.name)) throw new OtsError('OTSObjectAlreadyExist', `search index [${def.name}] already exists`, 409);
    if (this.count(table.name) >= this.options.maxIndexesPerTable) {
      throw new OtsError('OTSQuotaExhausted', `the number of search indexes of table [${table.name}] exceeds the quota: ${this.options.maxIndexesPerTable}`, 403);
    }
    this.catchUp();
    this.engine.kv.write([{ key: defKey(def.table, def.name), value: Buffer.from(JSON.stringify(def)) }]);
    this.attach(def, table);
  }

  update(def: SearchIndexDef): void {
    this.engine.kv.write([{ key: defKey(def.table, def.name), value: Buffer.from(JSON.stringify(def)) }]);
    const idx = this.byTable.get(def.table)?.get(def.name);
    if (idx) Object.assign(idx.def, def);
  }

  drop(def: SearchIndexDef): void {
    this.engine.kv.write([{ key: defKey(def.table, def.name), value: undefined }]);
    const m = this.byTable.get(def.table);
    m?.delete(def.name);
    if (m && !m.size) this.byTable.delete(def.table);
  }
}
