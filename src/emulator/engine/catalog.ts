/**
 * The catalog: table metadata (what CreateTable/CreateIndex define and DescribeTable reports), kept in the
 * store under `M<name>` as JSON so it survives restarts, and cached in memory. Index tables are tables too
 * (readable by name, counted in the quota) with `indexOf` naming their data table. What a definition may
 * hold is in table-rules.ts.
 */
import { OtsError } from '../errors';
import { VT } from '../model/value';
import type { KVStore, KVWrite } from '../storage/kv';
import { autoIncrementKey } from './auto-increment';
import { prefixEnd, Space, streamPrefix, tablePrefix } from './keys';
import { checkIndexDef, indexPrimaryKey } from './table-rules';

/** The protocol's enums, as table metadata stores them (table_store.proto). */
export const PK_TYPE = { INTEGER: 1, STRING: 2, BINARY: 3 } as const;
export type PkTypeNum = 1 | 2 | 3;
export const PK_OPTION_AUTO_INCREMENT = 1;
export const DEFINED_COLUMN_TYPE = { INTEGER: 1, DOUBLE: 2, BOOLEAN: 3, STRING: 4, BLOB: 7 } as const;
export const INDEX_TYPE = { GLOBAL: 0, LOCAL: 1 } as const;
export const INDEX_UPDATE_MODE = { ASYNC: 0, SYNC: 1 } as const;
/** DescribeTable's table_status: the emulator's tables are ACTIVE as soon as they exist (spec §14.10). */
export const TABLE_STATUS_ACTIVE = 1;
/** IndexMeta's index_sync_phase: ISP_INCR, the index has caught up with its table (always, here). */
export const INDEX_SYNC_PHASE_INCR = 2;

export function pkTypeToVt(t: PkTypeNum): VT {
  return t === PK_TYPE.INTEGER ? VT.INTEGER : t === PK_TYPE.STRING ? VT.STRING : VT.BLOB;
}

export interface PkColumn {
  name: string;
  type: PkTypeNum;
  autoIncrement?: boolean;
}

export interface DefinedColumn {
  name: string;
  /** DEFINED_COLUMN_TYPE */
  type: number;
}

export interface TableOptionsMeta {
  timeToLive: number;
  maxVersions: number;
  deviation: number;
  allowUpdate: boolean;
  updateFullRow: boolean;
}

export interface IndexDef {
  name: string;
  primaryKey: string[];
  definedColumns: string[];
  /** INDEX_TYPE */
  indexType: number;
  /** INDEX_UPDATE_MODE */
  updateMode: number;
}

/** A table's stream while enabled (streams spec §1, §7): the log itself is stream/log.ts's. */
export interface StreamMeta {
  /** `<table>_<enabledMicros>` [inferred, spec §2.6]: a new id on each enabling, so old iterators go stale. */
  id: string;
  /** When it was enabled (μs): DescribeStream's creation_time, DescribeTable's last_enable_time. */
  enabledMicros: number;
  expirationHours: number;
  /** Origin columns (columns_to_get), in the order sent. */
  originColumns: string[];
}

export interface TableMeta {
  name: string;
  id: number;
  pk: PkColumn[];
  definedColumns: DefinedColumn[];
  options: TableOptionsMeta;
  reserved: { read: number; write: number; lastIncrease: number; lastDecrease?: number; lastChange?: number };
  indexes: IndexDef[];
  /** Set on index tables: the data table's name. */
  indexOf?: string;
  createdAt: number;
  enableLocalTxn: boolean;
  /** Set while the table's stream is enabled. */
  stream?: StreamMeta;
}


export class Catalog {
  /** Every table by name, data and index tables alike. */
  readonly tables = new Map<string, TableMeta>();
  private nextTableId = 1;

  constructor(
    private readonly kv: KVStore,
    private readonly maxTables: number,
    /** The engine's clock (ms), for createdAt. */
    private readonly now: () => number,
  ) {
    kv.scan(Buffer.from([Space.META]), Buffer.from([Space.META + 1]), false, (_k, v) => {
      const meta = JSON.parse(v.toString('utf8')) as TableMeta;
      this.tables.set(meta.name, meta);
      return true;
    });
    const counter = kv.get(Buffer.from([Space.COUNTER]));
    if (counter) this.nextTableId = counter.readUInt32BE(0);
  }

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

  create(meta: Omit<TableMeta, 'id' | 'indexes' | 'createdAt'>, indexes: IndexDef[]): void {
    if (this.tables.has(meta.name)) throw OtsError.tableExists();
    this.checkQuota(1 + indexes.length);
    const table: TableMeta = { ...meta, id: this.allocTableId(), indexes: [], createdAt: this.now() };
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

  /** Deletes a data table with its index tables and every row they hold. */
  drop(table: TableMeta): void {
    const doomed = [table, ...table.indexes.map((i) => this.tables.get(i.name)!).filter(Boolean)];
    const writes: KVWrite[] = [];
    for (const d of doomed) writes.push({ key: this.metaKey(d.name), value: undefined }, ...this.clearRows(d));
    this.kv.write(writes);
    for (const d of doomed) this.tables.delete(d.name);
  }

  /** Adds an index table; `backfill` gives the index rows of the data already stored (or none). */
  addIndex(base: TableMeta, idx: IndexDef, backfill: (base: TableMeta, indexTable: TableMeta) => KVWrite[]): void {
    checkIndexDef(base, idx, (n) => this.tables.has(n));
    this.checkQuota(1);
    const it = this.indexTableMeta(base, idx);
    const updated: TableMeta = { ...base, indexes: [...base.indexes, idx] };
    const writes: KVWrite[] = [this.metaWrite(updated), this.metaWrite(it), this.counterWrite(), ...backfill(updated, it)];
    this.kv.write(writes);
    this.tables.set(base.name, updated);
    this.tables.set(it.name, it);
  }

  dropIndex(base: TableMeta, indexName: string): void {
    if (!base.indexes.some((i) => i.name === indexName)) throw new OtsError('OTSObjectNotExist', `Index does not exist: '${indexName}'.`, 404);
    const updated: TableMeta = { ...base, indexes: base.indexes.filter((i) => i.name !== indexName) };
    const it = this.tables.get(indexName);
    const writes: KVWrite[] = [this.metaWrite(updated)];
    if (it) writes.push({ key: this.metaKey(it.name), value: undefined }, ...this.clearRows(it));
    this.kv.write(writes);
    this.tables.set(base.name, updated);
    if (it) this.tables.delete(it.name);
  }

  /** Persists and installs changed metadata of existing tables. */
  update(...metas: TableMeta[]): void {
    this.updateWith([], ...metas);
  }

  /** Like update, with further store writes in the same transaction (a stream log dropped with its stream). */
  updateWith(extra: KVWrite[], ...metas: TableMeta[]): void {
    this.kv.write([...metas.map((m) => this.metaWrite(m)), ...extra]);
    for (const m of metas) this.tables.set(m.name, m);
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
      createdAt: this.now(),
      enableLocalTxn: false,
    };
  }

  private checkQuota(adding: number): void {
    if (this.tables.size + adding > this.maxTables) {
      throw new OtsError('OTSQuotaExhausted', `Number of tables exceeds the quota:${this.maxTables}.`, 403);
    }
  }

  /** Deletes of a table's rows, its auto-increment counter and its stream log. */
  private clearRows(t: TableMeta): KVWrite[] {
    return [...this.clearPrefix(tablePrefix(t.id)), { key: autoIncrementKey(t.id), value: undefined }, ...this.clearPrefix(streamPrefix(t.id))];
  }

  /** Deletes of every key that starts with `prefix`. */
  clearPrefix(prefix: Buffer): KVWrite[] {
    const writes: KVWrite[] = [];
    this.kv.scan(prefix, prefixEnd(prefix), false, (k) => {
      writes.push({ key: Buffer.from(k), value: undefined });
      return true;
    });
    return writes;
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
}
