/**
 * The emulator's engine: tables, rows and their versions, local transactions and secondary indexes on an
 * ordered key-value store. `Engine` holds the state and commits; each concept lives in its own file:
 *
 *   catalog.ts        tables (metadata, create / delete, indexes)    table-rules.ts  what a definition may hold
 *   writes.ts         PutRow / UpdateRow / DeleteRow on a row         row-rules.ts    what a request row may hold
 *   reads.ts          GetRow / GetRange views of rows                 versions.ts     TTL, max versions, timestamps
 *   write-set.ts      pending changes, committed together             transactions.ts local transactions, locks
 *   auto-increment.ts auto-increment values                           index-upkeep.ts secondary-index rows
 *   filter.ts         conditions and filters                          keys.ts         order-preserving keys
 *   commit-feed.ts    each commit's changed rows, for search indexes and streams
 *
 * Everything is synchronous: one request's read, check and write never interleave with another's, which
 * makes conditional writes and increments atomic.
 */
import { OtsError } from '../errors';
import { decodeStoredRow, encodeStoredRow } from '../model/plainbuffer';
import type { Cell, RowData } from '../model/row';
import type { KVStore, KVWrite } from '../storage/kv';
import { AutoIncrements } from './auto-increment';
import { Catalog, type IndexDef, type TableMeta } from './catalog';
import { CommitFeed, type CommitContributor, type CommitListener, type CommittedChange } from './commit-feed';
import { backfillIndex, indexWrites } from './index-upkeep';
import { rowKey } from './keys';
import { Transactions, type Transaction } from './transactions';
import { VersionClock } from './versions';
import { WriteSet } from './write-set';

export interface EngineOptions {
  /** Smallest TTL accepted besides -1 (seconds). */
  minTimeToLive: number;
  /** Minimum time between two reserved-throughput adjustments of one table (ms). */
  reservedThroughputIntervalMs: number;
  /** Require `enable_local_txn` on the table for local transactions (the Node SDK cannot set it). */
  enforceLocalTxnFlag: boolean;
  /** Tables per instance, index tables included. */
  maxTables: number;
  /** Transaction lifetime (ms). */
  transactionTimeoutMs: number;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  minTimeToLive: 86400,
  reservedThroughputIntervalMs: 120_000,
  enforceLocalTxnFlag: false,
  maxTables: 64,
  transactionTimeoutMs: 60_000,
};

export class Engine {
  readonly options: EngineOptions;
  readonly catalog: Catalog;
  readonly transactions: Transactions;
  readonly autoIncrement: AutoIncrements;
  readonly clock = new VersionClock();
  private readonly feed = new CommitFeed();

  /**
   * `time` is the emulator's one time source (ms, fractions allowed; default Date.now): version visibility
   * and TTL, server timestamps, auto-increment values, transaction expiry, createdAt, stream log times and
   * search's sync delay all read it, so a test can inject a clock and advance it instead of sleeping
   * [decision]. Request signatures are the exception: see protocol/auth.ts.
   */
  constructor(
    readonly kv: KVStore,
    options: Partial<EngineOptions> = {},
    readonly time: () => number = Date.now,
  ) {
    this.options = { ...DEFAULT_ENGINE_OPTIONS, ...options };
    const now = () => this.now();
    this.catalog = new Catalog(kv, this.options.maxTables, now);
    this.transactions = new Transactions(this.options, now);
    this.autoIncrement = new AutoIncrements(kv, now);
  }

  /** The emulator's time in whole ms (cell versions and TTL are whole ms, spec §1.22). */
  now(): number {
    return Math.floor(this.time());
  }

  // ------------------------------------------------------------------ tables

  get tables(): ReadonlyMap<string, TableMeta> {
    return this.catalog.tables;
  }

  /** A table (data or index) by name, or 404 OTSObjectNotExist. */
  table(name: string): TableMeta {
    return this.catalog.table(name);
  }

  /** A data table a write may touch. */
  writableTable(name: string): TableMeta {
    return this.catalog.writableTable(name);
  }

  deleteTable(name: string): void {
    const t = this.table(name);
    if (t.indexOf) throw OtsError.param(`Can't delete index table directly, use DropIndex: '${name}'.`);
    this.transactions.finishOn(name);
    this.catalog.drop(t);
  }

  /** Adds a secondary index; with `includeBaseData` the rows already stored are indexed at once (spec §7.6). */
  createIndex(baseName: string, idx: IndexDef, includeBaseData: boolean): void {
    this.catalog.addIndex(this.writableTable(baseName), idx, (base, it) => (includeBaseData ? backfillIndex(this.kv, base, it) : []));
  }

  dropIndex(baseName: string, indexName: string): void {
    this.catalog.dropIndex(this.writableTable(baseName), indexName);
  }

  // ------------------------------------------------------------------ rows

  readStored(key: Buffer): RowData | undefined {
    const v = this.kv.get(key);
    return v ? decodeStoredRow(v) : undefined;
  }

  rowKey(table: TableMeta, pk: Cell[]): Buffer {
    return rowKey(table, pk);
  }

  /** A write set for a single-row write or a batch (a transaction keeps its own). */
  writeSet(): WriteSet {
    return new WriteSet(this);
  }

  /**
   * Applies a write set to the store in one transaction, with the secondary-index changes, then announces
   * the changed rows on the commit feed.
   */
  commit(ws: WriteSet): void {
    if (ws.changes.size === 0 && ws.autoIncrements.size === 0) return;
    const writes: KVWrite[] = [];
    const committed: CommittedChange[] | undefined = this.feed.active ? [] : undefined;
    for (const ch of ws.changes.values()) {
      // Only secondary indexes need the stored row this change replaces [performance: a read and a decode].
      if (ch.table.indexes.length) writes.push(...indexWrites(this.catalog.tables, ch.table, this.readStored(ch.key), ch.row));
      writes.push({ key: ch.key, value: ch.row ? encodeStoredRow(ch.row) : undefined });
      committed?.push({ table: ch.table, key: ch.key, after: ch.row ?? undefined });
    }
    writes.push(...this.autoIncrement.writes(ws));
    if (ws.recorded.length) writes.push(...this.feed.contributions(ws.recorded));
    this.kv.write(writes);
    this.autoIncrement.committed(ws);
    if (committed?.length) this.feed.emit(committed);
  }

  /**
   * Calls `listener` synchronously after each store commit, in commit order, with the rows it changed (see
   * commit-feed.ts). Returns a function that removes the listener.
   */
  onCommit(listener: CommitListener): () => void {
    return this.feed.subscribe(listener);
  }

  /**
   * Calls `contributor` inside each commit that wrote to a table with a stream, before the store write; the
   * store writes it returns join the commit's transaction (commit-feed.ts). Returns a function that removes it.
   */
  beforeCommit(contributor: CommitContributor): () => void {
    return this.feed.contribute(contributor);
  }

  // ------------------------------------------------------------------ local transactions


  /** Opens a transaction on one partition-key value of one table (spec §9). */
  startTransaction(table: TableMeta, pk: Cell[]): Transaction {
    return this.transactions.start(table, pk, this.writeSet());
  }

  commitTransaction(tx: Transaction): void {
    this.transactions.finish(tx);
    // The table may have changed (indexes) since the transaction started: commit with current metadata.
    const current = this.catalog.tables.get(tx.table.name);
    if (!current) return;
    for (const ch of tx.writes.changes.values()) ch.table = current;
    this.commit(tx.writes);
  }
}
