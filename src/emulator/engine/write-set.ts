/**
 * A `WriteSet` is an overlay of changed rows, committed to the store in one transaction (Engine.commit): a
 * single-row write commits its own; a batch shares one (rows applied in request order); a local transaction
 * keeps one open until CommitTransaction.
 */
import type { Cell, RowData } from '../model/row';
import type { TableMeta } from './catalog';
import type { RecordedWrite, RowWrite } from './commit-feed';

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
  /** The writes to tables with a stream, in the order they happened (commit-feed.ts RowWrite). */
  readonly recorded: RecordedWrite[] = [];
  constructor(readonly store: StoredRowReader) {}

  /** The row as this set sees it: its own pending change, else the stored row. `id`: `key` as latin1, if known. */
  read(key: Buffer, id: string = key.toString('latin1')): RowData | undefined {
    const c = this.changes.get(id);
    if (c) return c.row ?? undefined;
    return this.store.readStored(key);
  }

  /**
   * Sets the row's new content; `write` says what the request did, for the table's stream if it has one. `id`
   * is `key` as latin1, when the caller already has it.
   */
  set(table: TableMeta, key: Buffer, row: RowData | null, write?: () => RowWrite, id: string = key.toString('latin1')): void {
    const origin = table.stream?.originColumns.length && write ? originCells(this.read(key, id), table.stream.originColumns) : undefined;
    this.changes.set(id, { table, key, row });
    if (table.stream && write) this.recorded.push({ table, key, write: origin ? { ...write(), origin } : write() });
  }

  /** Takes over everything `other` holds (an atomic batch's rows, once they all succeeded), as if written here. */
  absorb(other: WriteSet): void {
    for (const [k, ch] of other.changes) this.changes.set(k, ch);
    for (const [id, v] of other.autoIncrements) this.autoIncrements.set(id, v);
    this.recorded.push(...other.recorded);
  }
}

/** The newest stored version of each origin column the row has, in the configured order (RowWrite.origin). */
function originCells(row: RowData | undefined, columns: readonly string[]): Cell[] {
  const out: Cell[] = [];
  for (const name of columns) {
    const v = row?.cols.get(name)?.[0];
    if (v) out.push({ name, value: v.value, ts: v.ts });
  }
  return out;
}
