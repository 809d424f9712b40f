/**
 * A `WriteSet` is an overlay of changed rows, committed to the store in one transaction (Engine.commit): a
 * single-row write commits its own; a batch shares one (rows applied in request order); a local transaction
 * keeps one open until CommitTransaction.
 */
import type { RowData } from '../model/row';
import type { TableMeta } from './catalog';

/** One row's pending change: its new content, or `null` for a delete. */
export interface Change {
  table: TableMeta;
  key: Buffer;
  row: RowData | null;
}

export interface StoredRowReader {
  readStored(key: Buffer): RowData | undefined;
}

export class WriteSet {
  readonly changes = new Map<string, Change>();
  /** Auto-increment counters advanced by this set: table id → last value. */
  readonly autoIncrements = new Map<number, bigint>();
  constructor(readonly store: StoredRowReader) {}

  /** The row as this set sees it: its own pending change, else the stored row. */
  read(key: Buffer): RowData | undefined {
    const c = this.changes.get(key.toString('latin1'));
    if (c) return c.row ?? undefined;
    return this.store.readStored(key);
  }

  set(table: TableMeta, key: Buffer, row: RowData | null): void {
    this.changes.set(key.toString('latin1'), { table, key, row });
  }
}
