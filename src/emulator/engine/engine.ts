/**
 * The emulator's engine: tables, rows, versions, conditions, auto-increment, secondary indexes and local
 * transactions on an ordered key-value store. Every public method is synchronous: one request's read, check
 * and write never interleave with another's, which makes conditional writes and increments atomic.
 *
 * Writes go through a `WriteSet` (an overlay of changed rows): a single-row write commits its own; a batch
 * shares one (one store transaction, rows applied in request order); a local transaction keeps one open until
 * CommitTransaction. Committing adds the secondary-index changes.
 */
import { isUtf8 } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { OtsError } from '../errors';
import { CellOp, VT, valueLabel, VT_NAMES, rowCellsSize, type Cell, type PBRow, type Value } from '../protocol/plainbuffer';
import type { KVStore, KVWrite } from '../storage/kv';
import {
  checkColumnName,
  checkIndexDef,
  indexPrimaryKey,
  pkTypeToVt,
  type IndexDef,
  type PkColumn,
  type TableMeta,
} from './catalog';
import { evaluate, paginationOf, type FilterNode } from './filter';
import { encodeKey, prefixEnd, Space, tablePrefix } from './keys';
import {
  capacityUnits,
  cloneRow,
  compareNames,
  decodeStoredRow,
  encodeStoredRow,
  rowDataSize,
  visibleRow,
  visibleVersions,
  type RowData,
  type Version,
  type Visibility,
} from './row';

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

export interface Consumed {
  read: number;
  write: number;
}

export const RowExistence = { IGNORE: 0, EXPECT_EXIST: 1, EXPECT_NOT_EXIST: 2 } as const;
const EXISTENCE_NAMES = ['IGNORE', 'EXPECT_EXIST', 'EXPECT_NOT_EXIST'];

export interface WriteCondition {
  rowExistence: number;
  columnCondition?: FilterNode;
}

export const ReturnType = { NONE: 0, PK: 1, AFTER_MODIFY: 2 } as const;

export interface ReturnSpec {
  type: number;
  columns: string[];
}

export interface WriteResult {
  consumed: Consumed;
  row?: PBRow;
}

export interface ReadOptions {
  columns: string[];
  maxVersions?: number;
  timeRange?: { start?: number; end?: number; specific?: number };
  filter?: FilterNode;
  startColumn?: string;
  endColumn?: string;
}

export const MAX_CELL_BYTES = 2 * 1024 * 1024;
export const MAX_PK_BYTES = 1024;
export const MAX_COLUMNS_PER_WRITE = 1024;
export const MAX_COLUMNS_TO_GET = 1024;
export const MAX_ROW_REQUEST_BYTES = 4 * 1024 * 1024;

// ------------------------------------------------------------------------------------------ write sets

interface Change {
  table: TableMeta;
  key: Buffer;
  row: RowData | null;
}

/** One row a commit changed (see Engine.onCommit). */
export interface CommittedChange {
  table: TableMeta;
  key: Buffer;
  before: RowData | undefined;
  after: RowData | undefined;
}

export class WriteSet {
  readonly changes = new Map<string, Change>();
  /** Auto-increment counters advanced by this set: table id → last value. */
  readonly autoIncrements = new Map<number, bigint>();
  constructor(readonly engine: Engine) {}

  read(key: Buffer): RowData | undefined {
    const c = this.changes.get(key.toString('latin1'));
    if (c) return c.row ?? undefined;
    return this.engine.readStored(key);
  }

  set(table: TableMeta, key: Buffer, row: RowData | null): void {
    this.changes.set(key.toString('latin1'), { table, key, row });
  }
}

export interface Transaction {
  id: string;
  table: TableMeta;
  partitionKey: Buffer;
  lockKey: string;
  writes: WriteSet;
  expiresAt: number;
}

// ------------------------------------------------------------------------------------------ engine

export class Engine {
  readonly tables = new Map<string, TableMeta>();
  private nextTableId = 1;
  private readonly autoLast = new Map<number, bigint>();
  /** Last server-assigned timestamp per row key (see serverTimestamp); entries behind the clock are pruned. */
  private readonly lastStamps = new Map<string, number>();
  private lastStampsPruned = 0;
  readonly transactions = new Map<string, Transaction>();
  private readonly locks = new Map<string, string>();
  readonly options: EngineOptions;

  constructor(
    readonly kv: KVStore,
    options: Partial<EngineOptions> = {},
  ) {
    this.options = { ...DEFAULT_ENGINE_OPTIONS, ...options };
    this.kv.scan(Buffer.from([Space.META]), Buffer.from([Space.META + 1]), false, (_k, v) => {
      const meta = JSON.parse(v.toString('utf8')) as TableMeta;
      this.tables.set(meta.name, meta);
      return true;
    });
    const counter = this.kv.get(Buffer.from([Space.COUNTER]));
    if (counter) this.nextTableId = counter.readUInt32BE(0);
  }

  // ------------------------------------------------------------------ catalog

  /** A table (data or index) by name, or 404 OTSObjectNotExist. */
  table(name: string): TableMeta {
    const t = this.tables.get(name);
    if (!t) throw OtsError.tableNotExist();
    return t;
  }

  /** A data table a write may touch. */
  writableTable(name: string): TableMeta {
    const t = this.table(name);
    if (t.indexOf) throw OtsError.param("Can't write index table directly.");
    return t;
  }

  private metaKey(name: string): Buffer {
    return Buffer.concat([Buffer.from([Space.META]), Buffer.from(name, 'utf8')]);
  }

  private metaWrite(meta: TableMeta): KVWrite {
    return { key: this.metaKey(meta.name), value: Buffer.from(JSON.stringify(meta)) };
  }

  private allocTableId(): number {
    return this.nextTableId++;
  }

  private counterWrite(): KVWrite {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(this.nextTableId);
    return { key: Buffer.from([Space.COUNTER]), value: b };
  }

  private checkQuota(adding: number): void {
    if (this.tables.size + adding > this.options.maxTables) {
      throw new OtsError('OTSQuotaExhausted', `Number of tables exceeds the quota:${this.options.maxTables}.`, 403);
    }
  }

  createTable(meta: Omit<TableMeta, 'id' | 'indexes' | 'createdAt'>, indexes: IndexDef[]): void {
    if (this.tables.has(meta.name)) throw OtsError.tableExists();
    this.checkQuota(1 + indexes.length);
    const table: TableMeta = { ...meta, id: this.allocTableId(), indexes: [], createdAt: Date.now() };
    const indexTables: TableMeta[] = [];
    for (const idx of indexes) {
      checkIndexDef(table, idx, (n) => this.tables.has(n) || n === table.name || indexTables.some((t) => t.name === n));
      table.indexes.push(idx);
      indexTables.push(this.indexTableMeta(table, idx));
    }
    const writes = [this.metaWrite(table), ...indexTables.map((t) => this.metaWrite(t)), this.counterWrite()];
    this.kv.write(writes);
    this.tables.set(table.name, table);
    for (const t of indexTables) this.tables.set(t.name, t);
  }

  private indexTableMeta(base: TableMeta, idx: IndexDef): TableMeta {
    return {
      name: idx.name,
      id: this.allocTableId(),
      pk: indexPrimaryKey(base, idx),
      definedColumns: base.definedColumns.filter((c) => idx.definedColumns.includes(c.name)),
      options: { ...base.options },
      reserved: { read: 0, write: 0, lastIncrease: 0 },
      indexes: [],
      indexOf: base.name,
      createdAt: Date.now(),
      enableLocalTxn: false,
    };
  }

  /** Persists changed metadata of existing tables. */
  saveMeta(...metas: TableMeta[]): void {
    this.kv.write(metas.map((m) => this.metaWrite(m)));
  }

  deleteTable(name: string): void {
    const t = this.table(name);
    if (t.indexOf) throw OtsError.param(`Can't delete index table directly, use DropIndex: '${name}'.`);
    for (const tx of this.transactions.values()) if (tx.table.name === name) this.finishTransaction(tx);
    const doomed = [t, ...t.indexes.map((i) => this.tables.get(i.name)!).filter(Boolean)];
    this.dropTables(doomed);
  }

  private dropTables(doomed: TableMeta[]): void {
    const writes: KVWrite[] = [];
    for (const d of doomed) {
      writes.push({ key: this.metaKey(d.name), value: undefined });
      writes.push(...this.clearRows(d));
    }
    this.kv.write(writes);
    for (const d of doomed) this.tables.delete(d.name);
  }

  private clearRows(t: TableMeta): KVWrite[] {
    const writes: KVWrite[] = [];
    const prefix = tablePrefix(t.id);
    this.kv.scan(prefix, prefixEnd(prefix), false, (k) => {
      writes.push({ key: Buffer.from(k), value: undefined });
      return true;
    });
    const autoKey = this.autoKey(t.id);
    writes.push({ key: autoKey, value: undefined });
    return writes;
  }

  createIndex(baseName: string, idx: IndexDef, includeBaseData: boolean): void {
    const base = this.writableTable(baseName);
    checkIndexDef(base, idx, (n) => this.tables.has(n));
    this.checkQuota(1);
    const it = this.indexTableMeta(base, idx);
    const updated: TableMeta = { ...base, indexes: [...base.indexes, idx] };
    const writes: KVWrite[] = [this.metaWrite(updated), this.metaWrite(it), this.counterWrite()];
    if (includeBaseData) {
      const prefix = tablePrefix(base.id);
      this.kv.scan(prefix, prefixEnd(prefix), false, (_k, v) => {
        const entry = this.indexEntry(updated, it, decodeStoredRow(v));
        if (entry) writes.push({ key: entry.key, value: encodeStoredRow(entry.row) });
        return true;
      });
    }
    this.kv.write(writes);
    this.tables.set(base.name, updated);
    this.tables.set(it.name, it);
  }

  dropIndex(baseName: string, indexName: string): void {
    const base = this.writableTable(baseName);
    if (!base.indexes.some((i) => i.name === indexName)) throw new OtsError('OTSObjectNotExist', `Index does not exist: '${indexName}'.`, 404);
    const updated: TableMeta = { ...base, indexes: base.indexes.filter((i) => i.name !== indexName) };
    const it = this.tables.get(indexName);
    const writes: KVWrite[] = [this.metaWrite(updated)];
    if (it) writes.push({ key: this.metaKey(it.name), value: undefined }, ...this.clearRows(it));
    this.kv.write(writes);
    this.tables.set(base.name, updated);
    if (it) this.tables.delete(it.name);
  }

  // ------------------------------------------------------------------ storage access

  readStored(key: Buffer): RowData | undefined {
    const v = this.kv.get(key);
    return v ? decodeStoredRow(v) : undefined;
  }

  rowKey(table: TableMeta, pk: Cell[]): Buffer {
    return encodeKey(tablePrefix(table.id), pk);
  }

  private autoKey(tableId: number): Buffer {
    const b = Buffer.allocUnsafe(5);
    b[0] = Space.AUTO;
    b.writeUInt32BE(tableId, 1);
    return b;
  }

  /** Next auto-increment value: strictly increasing per table (so per partition key), timestamp-derived. */
  nextAutoIncrement(ws: WriteSet, table: TableMeta): bigint {
    let last = ws.autoIncrements.get(table.id) ?? this.autoLast.get(table.id);
    if (last === undefined) {
      const stored = this.kv.get(this.autoKey(table.id));
      last = stored ? stored.readBigInt64BE(0) : 0n;
    }
    const now = BigInt(Date.now()) * 1000n;
    const next = last >= now ? last + 1n : now;
    ws.autoIncrements.set(table.id, next);
    return next;
  }

  // --- commit hook (interim, until the engine split lands on main with the same name and shape) ---
  private readonly commitListeners: Array<(changes: readonly CommittedChange[]) => void> = [];
  /** Calls `listener` synchronously after every store commit, in commit order, with the rows it changed. */
  onCommit(listener: (changes: readonly CommittedChange[]) => void): void {
    this.commitListeners.push(listener);
  }
  // --- end commit hook ---

  /** Applies a write set to the store in one transaction, with the secondary-index changes. */
  commit(ws: WriteSet): void {
    if (ws.changes.size === 0 && ws.autoIncrements.size === 0) return;
    const writes: KVWrite[] = [];
    const committed: CommittedChange[] | undefined = this.commitListeners.length ? [] : undefined;
    for (const ch of ws.changes.values()) {
      committed?.push({ table: ch.table, key: ch.key, before: this.readStored(ch.key), after: ch.row ?? undefined });
      if (ch.table.indexes.length) writes.push(...this.indexWrites(ch));
      writes.push({ key: ch.key, value: ch.row ? encodeStoredRow(ch.row) : undefined });
    }
    for (const [id, v] of ws.autoIncrements) {
      const b = Buffer.allocUnsafe(8);
      b.writeBigInt64BE(v);
      writes.push({ key: this.autoKey(id), value: b });
    }
    this.kv.write(writes);
    for (const [id, v] of ws.autoIncrements) this.autoLast.set(id, v);
    if (committed?.length) for (const l of this.commitListeners) l(committed);
  }

  // ------------------------------------------------------------------ secondary indexes

  /** The index row for a data row, or undefined when the row lacks an index key column. */
  private indexEntry(base: TableMeta, it: TableMeta, row: RowData): { key: Buffer; row: RowData } | undefined {
    const idx = base.indexes.find((i) => i.name === it.name)!;
    const pk: Cell[] = [];
    for (const col of it.pk) {
      const fromPk = row.pk.find((c) => c.name === col.name);
      if (fromPk) {
        pk.push(fromPk);
        continue;
      }
      const vv = row.cols.get(col.name);
      // A row lacking the column, or holding a value of another type than the defined column's, is not indexed.
      if (!vv || !vv.length || vv[0].value.t !== pkTypeToVt(col.type)) return undefined;
      pk.push({ name: col.name, value: vv[0].value });
    }
    const cols = new Map<string, Version[]>();
    for (const name of idx.definedColumns) {
      const vv = row.cols.get(name);
      if (vv && vv.length) cols.set(name, [vv[0]]);
    }
    return { key: this.rowKey(it, pk), row: { pk, cols } };
  }

  private indexWrites(ch: Change): KVWrite[] {
    const writes: KVWrite[] = [];
    const old = this.readStored(ch.key);
    for (const idx of ch.table.indexes) {
      const it = this.tables.get(idx.name);
      if (!it) continue;
      const before = old ? this.indexEntry(ch.table, it, old) : undefined;
      const after = ch.row ? this.indexEntry(ch.table, it, ch.row) : undefined;
      if (before && (!after || !before.key.equals(after.key))) writes.push({ key: before.key, value: undefined });
      if (after) writes.push({ key: after.key, value: encodeStoredRow(after.row) });
    }
    return writes;
  }

  // ------------------------------------------------------------------ validation

  /**
   * Validates a primary key against the table schema, positionally (spec §6.2). `mode`: 'write' allows the
   * auto-increment placeholder on the auto-increment column; 'range' allows INF_MIN/INF_MAX.
   */
  checkPk(table: TableMeta, pk: Cell[], mode: 'read' | 'write' | 'delete' | 'range'): void {
    if (pk.length !== table.pk.length) {
      throw OtsError.invalidPk(`Validate PK size fail. Input: ${pk.length}, Meta: ${table.pk.length}.`);
    }
    let autoCount = 0;
    for (let i = 0; i < pk.length; i++) {
      const cell = pk[i];
      const meta = table.pk[i];
      if (cell.ts !== undefined) throw OtsError.param(`Timestamp cannot be given for primary key name:\`${cell.name}\`.`);
      if (cell.op !== undefined) throw OtsError.param(`OpType cannot be given for primary key name :\`${cell.name}\`.`);
      if (cell.name !== meta.name) throw OtsError.invalidPk(`Validate PK name fail. Input: ${cell.name}, Meta: ${meta.name}.`);
      const v = cell.value!;
      if (v.t === VT.INF_MIN || v.t === VT.INF_MAX) {
        if (mode === 'range') continue;
        throw OtsError.param(`${VT_NAMES[v.t]} is an invalid type for the primary key.`);
      }
      if (v.t === VT.AUTO_INCREMENT) {
        if (mode === 'read' || mode === 'range') throw OtsError.param("PKAutoIncr can't be used for read operations.");
        if (mode === 'delete') throw OtsError.param('Invalid row to delete which with pk auto increment.');
        if (!meta.autoIncrement) throw OtsError.invalidPk(`Validate PK type fail. Input: VT_AUTO_INCREMENT, Meta: ${VT_NAMES[pkTypeToVt(meta.type)]}.`);
        autoCount++;
        continue;
      }
      if (v.t === VT.DOUBLE || v.t === VT.BOOLEAN) throw OtsError.param(`${v.t === VT.DOUBLE ? 'DOUBLE' : 'BOOLEAN'} is an invalid type for the primary key.`);
      if (v.t !== pkTypeToVt(meta.type)) {
        throw OtsError.invalidPk(`Validate PK type fail. Input: ${valueLabel(v)}, Meta: ${VT_NAMES[pkTypeToVt(meta.type)]}.`);
      }
      if ((v.t === VT.STRING || v.t === VT.BLOB) && v.v.length > MAX_PK_BYTES) {
        throw OtsError.param(`The length of primary key column: '${cell.name}' exceeds the MaxLength:${MAX_PK_BYTES} with CurrentLength:${v.v.length}.`);
      }
      if (v.t === VT.STRING && !isUtf8(v.v)) throw OtsError.param(`Value of column \`${cell.name}\` must be UTF8 encoding.`);
    }
    if (autoCount > 1) throw OtsError.param(`${autoCount} pk auto increment exist in row.`);
  }

  private checkValue(name: string, v: Value | undefined): void {
    if (!v) throw OtsError.param(`Invalid cell: \`${name}\`. Reason: missing value.`);
    switch (v.t) {
      case VT.DOUBLE:
        if (Number.isNaN(v.v)) throw OtsError.param("NaN can't be set to double value.");
        if (!Number.isFinite(v.v)) throw OtsError.param("Infinity can't be set to double value.");
        break;
      case VT.STRING:
      case VT.BLOB:
        if (v.t === VT.STRING && !isUtf8(v.v)) throw OtsError.param(`Value of column \`${name}\` must be UTF8 encoding.`);
        if (v.v.length > MAX_CELL_BYTES) {
          throw OtsError.param(`The length of attribute column: '${name}' exceeds the MaxLength:${MAX_CELL_BYTES} with CurrentLength:${v.v.length}.`);
        }
        break;
      case VT.INTEGER:
      case VT.BOOLEAN:
        break;
      default:
        throw OtsError.param(`Invalid column type of column: \`${name}\`: ${valueLabel(v)}.`);
    }
  }

  private checkTimestamp(table: TableMeta, name: string, ts: number, now: number): void {
    const dev = table.options.deviation * 1000;
    let low = now - dev;
    if (table.options.timeToLive !== -1) low = Math.max(low, now - table.options.timeToLive * 1000);
    if (ts < low || ts >= now + dev) throw OtsError.param(`Invalid timestamp. Cell:\`${name}\`.`);
  }

  private checkAttrCells(table: TableMeta, cells: Cell[], kind: 'PutRow' | 'UpdateRow'): void {
    if (cells.length > MAX_COLUMNS_PER_WRITE) {
      throw OtsError.param(`The number of attribute columns exceeds the limit, limit count: ${MAX_COLUMNS_PER_WRITE}, column count: ${cells.length}.`);
    }
    for (const c of cells) {
      if (table.pk.some((p) => p.name === c.name)) throw OtsError.param(`Duplicated attribute column name with primary key column: \`${c.name}\`.`);
      checkColumnName(c.name);
      if (kind === 'PutRow' && c.op !== undefined) throw OtsError.param(`OpType cannot be given for column name:\`${c.name}\` in PutRow.`);
    }
  }

  private checkRequestSize(row: PBRow, kind: string): number {
    const size = rowCellsSize(row);
    if (size > MAX_ROW_REQUEST_BYTES) {
      throw OtsError.param(`The total data size of ${kind} request exceeds the limit, limit size: ${MAX_ROW_REQUEST_BYTES}, data size: ${size}.`);
    }
    return size;
  }

  /** Auto-increment condition rules (spec §3.6). Returns true when the row carries the placeholder. */
  private checkAutoIncrementRules(table: TableMeta, pk: Cell[], cond: WriteCondition, op: 'put' | 'update' | 'delete'): boolean {
    if (!table.pk.some((p) => p.autoIncrement)) return false;
    const placeholder = pk.some((c) => c.value?.t === VT.AUTO_INCREMENT);
    if (placeholder) {
      if (cond.rowExistence !== RowExistence.IGNORE) {
        throw OtsError.param(`Invalid expect:\`${EXISTENCE_NAMES[cond.rowExistence]}\` when modify row with pk auto increment.`);
      }
      if (cond.columnCondition) throw OtsError.param("Can't set condition when modify row with pk auto increment.");
      return true;
    }
    const bad = op === 'delete' ? cond.rowExistence === RowExistence.EXPECT_NOT_EXIST : cond.rowExistence !== RowExistence.EXPECT_EXIST;
    if (bad) {
      throw OtsError.param(`Invalid expect: \`${EXISTENCE_NAMES[cond.rowExistence]}\` when modify a specific row for table with pk auto increment.`);
    }
    return false;
  }

  /**
   * Row existence first, then the column condition (spec §4.2). A column condition on a missing row sees no
   * attribute columns (passIfMissing decides) but does see the primary key given in the request: the row's
   * key is known even before it exists [inferred; spec silent].
   */
  private checkCondition(table: TableMeta, existing: RowData | undefined, cond: WriteCondition, now: number, pk: Cell[]): void {
    const vis = visibleRow(existing, visibility(table, now));
    if (cond.rowExistence === RowExistence.EXPECT_EXIST && !vis) throw OtsError.conditionFailed();
    if (cond.rowExistence === RowExistence.EXPECT_NOT_EXIST && vis) throw OtsError.conditionFailed();
    if (cond.columnCondition) {
      const subject = vis ?? { pk, cols: new Map() };
      if (!evaluate(cond.columnCondition, subject)) throw OtsError.conditionFailed();
    }
  }

  private readCost(cond: WriteCondition, existing: RowData | undefined): number {
    if (cond.rowExistence === RowExistence.IGNORE && !cond.columnCondition) return 0;
    return capacityUnits(existing ? rowDataSize(existing) : 0);
  }

  private resolveAutoIncrement(ws: WriteSet, table: TableMeta, pk: Cell[]): Cell[] {
    return pk.map((c, i) => (c.value?.t === VT.AUTO_INCREMENT ? { name: table.pk[i].name, value: { t: VT.INTEGER, v: this.nextAutoIncrement(ws, table) } } : c));
  }

  /** Keeps at most maxVersions newest versions and drops TTL-expired ones, so storage stays bounded. */
  private compact(table: TableMeta, row: RowData, now: number): void {
    for (const [name, list] of row.cols) {
      list.sort((a, b) => b.ts - a.ts);
      const vv = visibleVersions(list, visibility(table, now));
      if (vv.length) row.cols.set(name, vv);
      else row.cols.delete(name);
    }
  }

  /**
   * The timestamp for cells written without one: the server clock in ms, strictly increasing per row so
   * rapid successive writes to one row make distinct versions (spec §5.2, §14.9) [inferred]. Only earlier
   * server-assigned stamps count: an explicit (future) timestamp a client wrote does not push the clock, so
   * a later server-stamped version may be older than it, as on the service.
   */
  private serverTimestamp(key: Buffer, now: number): number {
    const k = key.toString('latin1');
    const last = this.lastStamps.get(k);
    const ts = last !== undefined && last >= now ? last + 1 : now;
    if (this.lastStamps.size > 4096 && this.lastStampsPruned !== now) {
      // Stamps behind the clock no longer matter: the clock alone is ahead of them.
      for (const [rk, v] of this.lastStamps) if (v < now) this.lastStamps.delete(rk);
      this.lastStampsPruned = now;
    }
    this.lastStamps.set(k, ts);
    return ts;
  }

  /** Transaction / lock checks shared by every row write. */
  private checkLocks(table: TableMeta, pk: Cell[], txn: Transaction | undefined): void {
    if (txn) return this.checkTransactionScope(txn, table, pk);
    if (this.locks.size === 0) return; // the common case, without encoding the partition key [performance]
    const lockKey = lockKeyOf(table, this.partitionKey(table, pk));
    if (!this.locks.has(lockKey)) return;
    this.expireTransactions(); // a timed-out transaction no longer holds its lock
    if (this.locks.has(lockKey)) throw OtsError.conflict();
  }

  partitionKey(table: TableMeta, pk: Cell[]): Buffer {
    return encodeKey(Buffer.alloc(0), [{ name: table.pk[0].name, value: pk[0].value }]);
  }

  // ------------------------------------------------------------------ row writes

  /**
   * The row a put or update writes: with an auto-increment placeholder, a new key (no condition applies);
   * otherwise the given key, after the lock and condition checks, with what is stored there now.
   */
  private targetRow(ws: WriteSet, table: TableMeta, requestPk: Cell[], cond: WriteCondition, op: 'put' | 'update', now: number, txn: Transaction | undefined): { pk: Cell[]; key: Buffer; existing: RowData | undefined } {
    if (this.checkAutoIncrementRules(table, requestPk, cond, op)) {
      if (txn) throw OtsError.param('You cannot use the auto-increment primary key column feature and the local transaction feature at the same time.');
      const pk = this.resolveAutoIncrement(ws, table, requestPk);
      return { pk, key: this.rowKey(table, pk), existing: undefined };
    }
    this.checkLocks(table, requestPk, txn);
    const key = this.rowKey(table, requestPk);
    // An unconditional put replaces the row whatever is stored: no need to read it [performance].
    if (op === 'put' && cond.rowExistence === RowExistence.IGNORE && !cond.columnCondition) return { pk: requestPk, key, existing: undefined };
    const existing = ws.read(key);
    this.checkCondition(table, existing, cond, now, requestPk);
    return { pk: requestPk, key, existing };
  }

  putRow(ws: WriteSet, table: TableMeta, row: PBRow, cond: WriteCondition, ret: ReturnSpec, txn?: Transaction): WriteResult {
    if (row.deleteMarker) throw OtsError.param('Invalid request of put/update row: unexpected RowDeleteMarker in request.');
    this.checkPk(table, row.pk, 'write');
    this.checkAttrCells(table, row.cells, 'PutRow');
    const now = Date.now();
    for (const c of row.cells) {
      this.checkValue(c.name, c.value);
      if (c.ts !== undefined) this.checkTimestamp(table, c.name, c.ts, now);
    }
    const size = this.checkRequestSize(row, 'PutRow');
    checkReturn(ret, undefined);
    const { pk, key, existing } = this.targetRow(ws, table, row.pk, cond, 'put', now, txn);
    const ts = this.serverTimestamp(key, now);
    const cols = new Map<string, Version[]>();
    for (const c of row.cells) {
      let list = cols.get(c.name);
      if (!list) cols.set(c.name, (list = []));
      const vts = c.ts ?? ts;
      const same = list.findIndex((v) => v.ts === vts);
      if (same >= 0) list[same] = { ts: vts, value: c.value! };
      else list.push({ ts: vts, value: c.value! });
    }
    const newRow: RowData = { pk, cols };
    this.compact(table, newRow, now);
    ws.set(table, key, newRow);
    return {
      consumed: { read: this.readCost(cond, existing), write: capacityUnits(size) },
      row: ret.type === ReturnType.PK ? { pk, cells: [], deleteMarker: false } : undefined,
    };
  }

  updateRow(ws: WriteSet, table: TableMeta, row: PBRow, cond: WriteCondition, ret: ReturnSpec, txn?: Transaction): WriteResult {
    if (row.deleteMarker) throw OtsError.param('Invalid request of put/update row: unexpected RowDeleteMarker in request.');
    if (!table.options.allowUpdate) {
      // The service's text for this is not in the sources (spec §14.8): 400 OTSParameterInvalid with our own words.
      throw new OtsError('OTSParameterInvalid', `UpdateRow is not allowed on table '${table.name}': allow_update is false.`, 400);
    }
    this.checkPk(table, row.pk, 'write');
    if (row.cells.length === 0) throw OtsError.param('Invalid update row request: missing cells in request.');
    this.checkAttrCells(table, row.cells, 'UpdateRow');
    const now = Date.now();
    const increments = new Set<string>();
    const modified = new Set<string>();
    for (const c of row.cells) {
      switch (c.op) {
        case undefined:
          this.checkValue(c.name, c.value);
          if (c.ts !== undefined) this.checkTimestamp(table, c.name, c.ts, now);
          modified.add(c.name);
          break;
        case CellOp.DELETE_ONE:
          if (c.value) throw OtsError.param('Column value cannot be given when type is DELETE_ONE_VERSION,DELETE_ALL_VERSION.');
          if (c.ts === undefined) throw OtsError.param('Timestamp must be given when type is DELETE_ONE_VERSION.');
          modified.add(c.name);
          break;
        case CellOp.DELETE_ALL:
          if (c.value) throw OtsError.param('Column value cannot be given when type is DELETE_ONE_VERSION,DELETE_ALL_VERSION.');
          if (c.ts !== undefined) throw OtsError.param('Timestamp cannot be given when type is DELETE_ALL_VERSION.');
          modified.add(c.name);
          break;
        case CellOp.INCREMENT:
          if (!c.value || c.value.t !== VT.INTEGER) throw OtsError.param(`The value of increment column \`${c.name}\` must be INTEGER.`);
          if (c.ts !== undefined) throw OtsError.param(`Timestamp cannot be given when type is INCREMENT, column: \`${c.name}\`.`);
          if (increments.has(c.name)) throw OtsError.param(`The increment column \`${c.name}\` is given more than once.`);
          increments.add(c.name);
          break;
        default:
          throw OtsError.param(`Invalid op type of cell: \`${c.op}\`.`);
      }
    }
    for (const n of increments) {
      if (modified.has(n)) throw OtsError.param(`The increment column \`${n}\` cannot be modified by another operation in the same request.`);
    }
    const size = this.checkRequestSize(row, 'UpdateRow');
    checkReturn(ret, increments);
    const { pk, key, existing } = this.targetRow(ws, table, row.pk, cond, 'update', now, txn);
    const live = visibleRow(existing, visibility(table, now));
    const onlyDeletes = row.cells.every((c) => c.op === CellOp.DELETE_ALL || c.op === CellOp.DELETE_ONE);
    const consumed = { read: this.readCost(cond, existing), write: capacityUnits(size) };
    if (!live && onlyDeletes) {
      return { consumed, row: ret.type === ReturnType.PK ? { pk, cells: [], deleteMarker: false } : undefined };
    }
    const next: RowData = live ? cloneRow(live) : { pk, cols: new Map() };
    const ts = this.serverTimestamp(key, now);
    const returned: Cell[] = [];
    for (const c of row.cells) {
      const list = next.cols.get(c.name) ?? [];
      switch (c.op) {
        case undefined: {
          const vts = c.ts ?? ts;
          const same = list.findIndex((v) => v.ts === vts);
          if (same >= 0) list[same] = { ts: vts, value: c.value! };
          else list.push({ ts: vts, value: c.value! });
          list.sort((a, b) => b.ts - a.ts);
          next.cols.set(c.name, list);
          break;
        }
        case CellOp.DELETE_ONE: {
          const kept = list.filter((v) => v.ts !== c.ts);
          if (kept.length) next.cols.set(c.name, kept);
          else next.cols.delete(c.name);
          break;
        }
        case CellOp.DELETE_ALL:
          next.cols.delete(c.name);
          break;
        case CellOp.INCREMENT: {
          const current = list[0]?.value;
          if (current && current.t !== VT.INTEGER) {
            throw OtsError.param(`The type of column \`${c.name}\` is ${valueLabel(current)}, only INTEGER can be incremented.`);
          }
          const base = current ? (current.v as bigint) : 0n;
          const sum = base + (c.value as { v: bigint }).v;
          if (sum > 9223372036854775807n || sum < -9223372036854775808n) {
            throw OtsError.param(`The result of increment overflows for column \`${c.name}\`.`);
          }
          const nv: Version = { ts, value: { t: VT.INTEGER, v: sum } };
          next.cols.set(c.name, [nv, ...list.filter((v) => v.ts !== ts)]);
          if (ret.type === ReturnType.AFTER_MODIFY && ret.columns.includes(c.name)) returned.push({ name: c.name, value: nv.value, ts });
          break;
        }
      }
    }
    this.compact(table, next, now);
    ws.set(table, key, next);
    let out: PBRow | undefined;
    if (ret.type === ReturnType.PK) out = { pk, cells: [], deleteMarker: false };
    else if (ret.type === ReturnType.AFTER_MODIFY) out = { pk, cells: returned.sort((a, b) => compareNames(a.name, b.name)), deleteMarker: false };
    return { consumed, row: out };
  }

  deleteRow(ws: WriteSet, table: TableMeta, row: PBRow, cond: WriteCondition, ret: ReturnSpec, txn?: Transaction): WriteResult {
    if (!row.deleteMarker) throw OtsError.param('Invalid request of delete row: missing RowDeleteMarker in request.');
    if (row.cells.length) throw OtsError.param('Invalid delete row request: unexpected cells in request.');
    this.checkPk(table, row.pk, 'delete');
    checkReturn(ret, undefined);
    this.checkAutoIncrementRules(table, row.pk, cond, 'delete');
    this.checkLocks(table, row.pk, txn);
    const now = Date.now();
    const key = this.rowKey(table, row.pk);
    const existing = ws.read(key);
    this.checkCondition(table, existing, cond, now, row.pk);
    if (existing) ws.set(table, key, null);
    return {
      consumed: { read: this.readCost(cond, existing), write: capacityUnits(rowCellsSize(row)) }, // row.cells is empty
      row: ret.type === ReturnType.PK ? { pk: row.pk, cells: [], deleteMarker: false } : undefined,
    };
  }

  // ------------------------------------------------------------------ reads

  /** The row as a reader with these options sees it, or undefined (missing, filtered out, no column left). */
  project(table: TableMeta, stored: RowData | undefined, opts: ReadOptions, now: number): PBRow | undefined {
    const row = visibleRow(stored, visibility(table, now));
    if (!row) return undefined;
    const want = opts.columns.length ? new Set(opts.columns) : undefined;
    const cols = new Map<string, Version[]>();
    const tr = opts.timeRange;
    for (const [name, list] of row.cols) {
      if (want && !want.has(name)) continue;
      if (opts.startColumn !== undefined && name < opts.startColumn) continue;
      if (opts.endColumn !== undefined && name >= opts.endColumn) continue;
      let vv = list;
      if (tr) {
        if (tr.specific !== undefined) vv = vv.filter((v) => v.ts === tr.specific);
        else vv = vv.filter((v) => (tr.start === undefined || v.ts >= tr.start) && (tr.end === undefined || v.ts < tr.end));
      }
      if (opts.maxVersions !== undefined && vv.length > opts.maxVersions) vv = vv.slice(0, opts.maxVersions);
      if (vv.length) cols.set(name, vv);
    }
    if (want && cols.size === 0 && !row.pk.some((c) => want.has(c.name))) return undefined;
    // A row that has attribute columns but no version inside the requested time range is not returned, like a
    // row holding none of columns_to_get [inferred; spec silent]. A PK-only row has nothing to select and exists.
    if (tr && cols.size === 0 && row.cols.size > 0) return undefined;
    const projected: RowData = { pk: row.pk, cols };
    let names = [...cols.keys()].sort(compareNames);
    if (opts.filter) {
      if (!evaluate(opts.filter, projected)) return undefined;
      const page = paginationOf(opts.filter);
      if (page) names = names.slice(page.offset, page.offset + page.limit);
    }
    const cells: Cell[] = [];
    for (const name of names) for (const v of cols.get(name)!) cells.push({ name, value: v.value, ts: v.ts });
    return { pk: row.pk, cells, deleteMarker: false };
  }

  /** Reads one row, seeing a transaction's own writes when one is given (spec §6.5). */
  readRow(table: TableMeta, pk: Cell[], txn?: Transaction): RowData | undefined {
    const key = this.rowKey(table, pk);
    if (txn) {
      this.checkTransactionScope(txn, table, pk);
      return txn.writes.read(key);
    }
    return this.readStored(key);
  }

  /**
   * A key a transaction may touch: its table and partition-key value (spec §9), else OTSDataOutOfRange.
   * GetRange checks both bounds with it, so a transactional range read stays inside the partition.
   * (HTTP 400: the sources give no status for this code [decided].)
   */
  checkTransactionScope(txn: Transaction, table: TableMeta, pk: Cell[]): void {
    const partition = this.partitionKey(table, pk);
    if (txn.table.name !== table.name || !txn.partitionKey.equals(partition)) {
      throw new OtsError('OTSDataOutOfRange', `Data out of scope of transaction. Transaction PartKey:${describeKey(txn.table, txn.partitionKey)}. Data PartKey:${describeKey(table, partition)}`, 400);
    }
  }

  /**
   * Scans [start, end) forward or (end, start] backward, visiting stored rows in order; a transaction's
   * pending writes are merged in. Stops when `visit` returns false.
   */
  scanRows(table: TableMeta, startPk: Cell[], endPk: Cell[], backward: boolean, txn: Transaction | undefined, visit: (key: Buffer, row: RowData) => boolean): void {
    const start = this.rowKey(table, startPk);
    const end = this.rowKey(table, endPk);
    const pending = txn ? [...txn.writes.changes.values()].filter((c) => c.table.id === table.id) : [];
    if (!pending.length) {
      this.kv.scan(start, end, backward, (k, v) => visit(k, decodeStoredRow(v)));
      return;
    }
    // Merge the transaction's overlay with the committed rows.
    const inRange = (k: Buffer) => (backward ? Buffer.compare(k, start) <= 0 && Buffer.compare(k, end) > 0 : Buffer.compare(k, start) >= 0 && Buffer.compare(k, end) < 0);
    const overlay = new Map(pending.filter((c) => inRange(c.key)).map((c) => [c.key.toString('latin1'), c]));
    const merged: Array<{ key: Buffer; row: RowData | null }> = [];
    this.kv.scan(start, end, backward, (k, v) => {
      const o = overlay.get(k.toString('latin1'));
      merged.push({ key: Buffer.from(k), row: o ? o.row : decodeStoredRow(v) });
      return true;
    });
    for (const c of overlay.values()) if (!merged.some((m) => m.key.equals(c.key))) merged.push({ key: c.key, row: c.row });
    merged.sort((a, b) => (backward ? Buffer.compare(b.key, a.key) : Buffer.compare(a.key, b.key)));
    for (const m of merged) if (m.row && !visit(m.key, m.row)) return;
  }

  // ------------------------------------------------------------------ local transactions

  startTransaction(table: TableMeta, pk: Cell[]): Transaction {
    this.expireTransactions();
    if (this.options.enforceLocalTxnFlag && !table.enableLocalTxn) {
      throw OtsError.param('Try to call method using explicit transaction on explicit-transaction-disabled table.');
    }
    if (table.pk.some((p) => p.autoIncrement)) {
      throw OtsError.param('You cannot use the auto-increment primary key column feature and the local transaction feature at the same time.');
    }
    const partitionKey = this.partitionKey(table, pk);
    const lockKey = lockKeyOf(table, partitionKey);
    if (this.locks.has(lockKey)) throw OtsError.conflict(`Failed to lock txn key: ${describeKey(table, partitionKey)}`);
    const id = `${randomBytes(16).toString('hex').toUpperCase()}`;
    const tx: Transaction = { id, table, partitionKey, lockKey, writes: new WriteSet(this), expiresAt: Date.now() + this.options.transactionTimeoutMs };
    this.transactions.set(id, tx);
    this.locks.set(lockKey, id);
    return tx;
  }

  /** The open transaction with this id; 400 for a malformed id, OTSSessionNotExist for an unknown/finished one. */
  transaction(id: string): Transaction {
    if (!/^[0-9A-F]{32}$/.test(id)) throw OtsError.param('TransactionID is invalid.');
    this.expireTransactions();
    const tx = this.transactions.get(id);
    if (!tx) throw new OtsError('OTSSessionNotExist', 'Session not exist or may be timeout.', 404);
    return tx;
  }

  commitTransaction(tx: Transaction): void {
    this.finishTransaction(tx);
    // The table may have changed (indexes) since the transaction started: commit with current metadata.
    const current = this.tables.get(tx.table.name);
    if (!current) return;
    for (const ch of tx.writes.changes.values()) ch.table = current;
    this.commit(tx.writes);
  }

  finishTransaction(tx: Transaction): void {
    this.transactions.delete(tx.id);
    if (this.locks.get(tx.lockKey) === tx.id) this.locks.delete(tx.lockKey);
  }

  private expireTransactions(): void {
    const now = Date.now();
    for (const tx of this.transactions.values()) if (tx.expiresAt <= now) this.finishTransaction(tx);
  }
}

/** What a reader of this table sees now: its TTL and max versions. */
function visibility(table: TableMeta, now: number): Visibility {
  return { ttl: table.options.timeToLive, maxVersions: table.options.maxVersions, now };
}

function lockKeyOf(table: TableMeta, partitionKey: Buffer): string {
  return `${table.id}:${partitionKey.toString('latin1')}`;
}

/**
 * A partition key as the service names it in transaction errors ("Transaction PartKey:key1", spec §9): the
 * value itself — a string as text, an integer in decimal; a binary key in hex [decided: no source shows one].
 * Decodes the order-preserving encoding of keys.ts (a marker byte, then the value).
 */
function describeKey(table: TableMeta, partitionKey: Buffer): string {
  if (partitionKey[0] !== 0x02) return partitionKey[0] === 0x01 ? 'INF_MIN' : 'INF_MAX'; // range bounds
  const body = partitionKey.subarray(1);
  if (table.pk[0].type === 1) return BigInt.asIntN(64, body.readBigUInt64BE(0) ^ 0x8000000000000000n).toString();
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    if (body[i] === 0) {
      if (body[i + 1] !== 0xff) break; // 0x00 0x00 closes the value
      i++;
    }
    bytes.push(body[i]);
  }
  const value = Buffer.from(bytes);
  return table.pk[0].type === 2 ? value.toString('utf8') : value.toString('hex');
}

/**
 * Return-content rules (spec §4.4). Where the sources give no text (spec §14.8), the emulator decides: RT_PK
 * with column names, RT_AFTER_MODIFY on PutRow/DeleteRow, and RT_AFTER_MODIFY naming a column that is not
 * incremented by this request are all 400 OTSParameterInvalid, checked before anything is written.
 */
function checkReturn(ret: ReturnSpec, increments: Set<string> | undefined): void {
  if (ret.type === ReturnType.PK && ret.columns.length) throw OtsError.param('return_column_names cannot be given when return type is RT_PK.');
  if (ret.type === ReturnType.AFTER_MODIFY) {
    if (!increments) throw OtsError.param('Invalid return type: RT_AFTER_MODIFY.');
    for (const c of ret.columns) {
      if (!increments.has(c)) throw OtsError.param(`The column \`${c}\` in return_column_names is not an increment column of this request.`);
    }
  }
  if (ret.type !== ReturnType.NONE && ret.type !== ReturnType.PK && ret.type !== ReturnType.AFTER_MODIFY) {
    throw OtsError.param(`Invalid return type: ${ret.type}.`);
  }
}

export type { PkColumn };
