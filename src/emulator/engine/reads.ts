/**
 * Row reads (spec §6): one row or a key range, as a reader with given options sees it (columns, versions,
 * time range, column range, filter), and, inside a local transaction, with its own pending writes (§6.5).
 */
import { decodeStoredRow } from '../model/plainbuffer';
import { compareNames, type Cell, type Row, type RowData, type Version } from '../model/row';
import type { TableMeta } from './catalog';
import type { Engine } from './engine';
import { evaluate, paginationOf, type FilterNode } from './filter';
import type { Transaction } from './transactions';
import { visibility, visibleRow } from './versions';

export interface ReadOptions {
  columns: string[];
  maxVersions?: number;
  timeRange?: { start?: number; end?: number; specific?: number };
  filter?: FilterNode;
  startColumn?: string;
  endColumn?: string;
}

/** The row as a reader with these options sees it, or undefined (missing, filtered out, no column left). */
export function project(table: TableMeta, stored: RowData | undefined, opts: ReadOptions, now: number): Row | undefined {
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
export function readRow(engine: Engine, table: TableMeta, pk: Cell[], txn?: Transaction): RowData | undefined {
  const key = engine.rowKey(table, pk);
  if (txn) {
    engine.transactions.checkScope(txn, table, pk);
    return txn.writes.read(key);
  }
  return engine.readStored(key);
}

/**
 * Scans [start, end) forward or (end, start] backward, visiting stored rows in order; a transaction's
 * pending writes are merged in. Stops when `visit` returns false.
 */
export function scanRows(engine: Engine, table: TableMeta, startPk: Cell[], endPk: Cell[], backward: boolean, txn: Transaction | undefined, visit: (key: Buffer, row: RowData) => boolean): void {
  const start = engine.rowKey(table, startPk);
  const end = engine.rowKey(table, endPk);
  const pending = txn ? [...txn.writes.changes.values()].filter((c) => c.table.id === table.id) : [];
  if (!pending.length) {
    engine.kv.scan(start, end, backward, (k, v) => visit(k, decodeStoredRow(v)));
    return;
  }
  // Merge the transaction's overlay with the committed rows.
  const inRange = (k: Buffer) => (backward ? Buffer.compare(k, start) <= 0 && Buffer.compare(k, end) > 0 : Buffer.compare(k, start) >= 0 && Buffer.compare(k, end) < 0);
  const overlay = new Map(pending.filter((c) => inRange(c.key)).map((c) => [c.key.toString('latin1'), c]));
  const merged: Array<{ key: Buffer; row: RowData | null }> = [];
  engine.kv.scan(start, end, backward, (k, v) => {
    const o = overlay.get(k.toString('latin1'));
    merged.push({ key: Buffer.from(k), row: o ? o.row : decodeStoredRow(v) });
    return true;
  });
  for (const c of overlay.values()) if (!merged.some((m) => m.key.equals(c.key))) merged.push({ key: c.key, row: c.row });
  merged.sort((a, b) => (backward ? Buffer.compare(b.key, a.key) : Buffer.compare(a.key, b.key)));
  for (const m of merged) if (m.row && !visit(m.key, m.row)) return;
}
