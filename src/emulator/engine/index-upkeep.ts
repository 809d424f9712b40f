/**
 * Secondary-index upkeep (spec §7.6): each data-table row has at most one row in each of its index tables,
 * keyed by the index columns then the remaining data-table key columns, holding the index's defined columns.
 * Index rows change in the same store transaction as the data row, so indexes are always in step with their
 * table (both update modes behave synchronously here).
 */
import { decodeStoredRow, encodeStoredRow } from '../model/plainbuffer';
import type { Cell, RowData, Version } from '../model/row';
import type { KVStore, KVWrite } from '../storage/kv';
import { pkTypeToVt, type TableMeta } from './catalog';
import { prefixEnd, rowKey, tablePrefix } from './keys';

/** The index row for a data row, or undefined when the row lacks an index key column. */
function indexEntry(base: TableMeta, it: TableMeta, row: RowData): { key: Buffer; row: RowData } | undefined {
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
  return { key: rowKey(it, pk), row: { pk, cols } };
}

/** The index-table writes that take a data row from `before` to `after` (`null`: deleted). */
export function indexWrites(tables: ReadonlyMap<string, TableMeta>, table: TableMeta, before: RowData | undefined, after: RowData | null): KVWrite[] {
  const writes: KVWrite[] = [];
  for (const idx of table.indexes) {
    const it = tables.get(idx.name);
    if (!it) continue;
    const old = before ? indexEntry(table, it, before) : undefined;
    const now = after ? indexEntry(table, it, after) : undefined;
    if (old && (!now || !old.key.equals(now.key))) writes.push({ key: old.key, value: undefined });
    if (now) writes.push({ key: now.key, value: encodeStoredRow(now.row) });
  }
  return writes;
}

/** The index rows of every row a data table holds (CreateIndex with include_base_data). */
export function backfillIndex(kv: KVStore, base: TableMeta, it: TableMeta): KVWrite[] {
  const writes: KVWrite[] = [];
  const prefix = tablePrefix(base.id);
  kv.scan(prefix, prefixEnd(prefix), false, (_k, v) => {
    const entry = indexEntry(base, it, decodeStoredRow(v));
    if (entry) writes.push({ key: entry.key, value: encodeStoredRow(entry.row) });
    return true;
  });
  return writes;
}
