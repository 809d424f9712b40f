/**
 * The rows a Search / ParallelScan returns (spec §1.4, §6.3): one PlainBuffer row per hit, PK cells then
 * attributes by name, without timestamps. NONE (or absent) = PK only; SPECIFIED / ALL read the table row as it is
 * now; ALL_FROM_INDEX returns the index's stored copies (never virtual fields).
 */
import { OtsError } from '../errors';
import type { Engine } from '../engine/engine';
import type { TableMeta } from '../engine/catalog';
import { visibleRow } from '../engine/versions';
import { encodeEachRow, encodePkRows, encodeRow, writeLatestOfStoredRow } from '../model/plainbuffer';
import { compareNames, type Cell, type Row } from '../model/row';
import type { KVStore } from '../storage/kv';
import { storedCells, type Doc } from './document';

export const ReturnType = { ALL: 1, SPECIFIED: 2, NONE: 3, ALL_FROM_INDEX: 4 } as const;

export interface Columns {
  type: number;
  names: string[];
}

export function decodeColumns(m: any, allowAll = true): Columns {
  const type = m && Object.prototype.hasOwnProperty.call(m, 'returnType') ? Number(m.returnType) : ReturnType.NONE;
  if (![1, 2, 3, 4].includes(type)) throw OtsError.param(`invalid columns_to_get return_type ${type}`);
  if (type === ReturnType.ALL && !allowAll) throw OtsError.param('RETURN_ALL is not supported by ParallelScan, use RETURN_SPECIFIED or RETURN_ALL_FROM_INDEX');
  const names: string[] = m?.columnNames ?? [];
  if (type === ReturnType.SPECIFIED && !names.length) throw OtsError.param('columns_to_get.column_names must not be empty when return_type is RETURN_SPECIFIED');
  for (const n of names) {
    if (typeof n !== 'string' || !n) throw OtsError.param('a column name in columns_to_get must not be empty');
    if (n.startsWith('#')) throw OtsError.param(`Invalid column name: '${n}'. Reason: A column name cannot start with '#'.`);
  }
  return { type, names };
}

export function buildRow(engine: Engine, table: TableMeta, doc: Doc, cols: Columns, now: number): Row {
  const cells: Cell[] = [];
  if (cols.type === ReturnType.ALL_FROM_INDEX) {
    cells.push(...storedCells(doc));
  } else if (cols.type === ReturnType.ALL || cols.type === ReturnType.SPECIFIED) {
    const row = visibleRow(engine.readStored(Buffer.from(doc.key, 'latin1')), { ttl: table.options.timeToLive, maxVersions: table.options.maxVersions, now });
    if (row) {
      const want = cols.type === ReturnType.SPECIFIED ? new Set(cols.names) : undefined;
      for (const name of [...row.cols.keys()].sort(compareNames)) {
        if (want && !want.has(name)) continue;
        cells.push({ name, value: row.cols.get(name)![0].value });
      }
    }
  }
  return { pk: doc.pk, cells, deleteMarker: false };
}

/**
 * The rows of a page of hits as the response carries them: each its own PlainBuffer (header included), as
 * `encodeRow(buildRow(…))` gives it. Rows read from the table are written straight from their stored bytes,
 * all into one allocation [performance: decoding each row into a Row and encoding it again was most of a
 * ParallelScan page's CPU]; a row that is not plain (see writeLatestOfStoredRow) or is gone takes buildRow.
 * Primary keys alone (NONE) skip the row model [performance: encodePkRows]. `keyOrder`: the docs ascend by
 * key (a ParallelScan page), so their rows may be read by one scan.
 */
export function encodeDocRows(engine: Engine, table: TableMeta, docs: readonly Doc[], cols: Columns, now: number, keyOrder = false): Buffer[] {
  if (cols.type === ReturnType.NONE) return encodePkRows(docs.map((d) => d.pk));
  if (cols.type !== ReturnType.ALL && cols.type !== ReturnType.SPECIFIED) return encodeEachRow(docs.map((d) => buildRow(engine, table, d, cols, now)));
  const ttl = table.options.timeToLive;
  const minTs = ttl === -1 ? -Infinity : now - ttl * 1000; // as visibleVersions hides them
  const want = cols.type === ReturnType.SPECIFIED ? cols.names.map((n) => Buffer.from(n, 'utf8')) : undefined;
  const stored = readStored(engine.kv, docs, keyOrder);
  let bound = 0;
  for (const s of stored) if (s) bound += s.length; // a row never grows: it loses its timestamps and old versions
  const dst = Buffer.allocUnsafe(bound);
  let at = 0;
  return docs.map((d, i) => {
    const s = stored[i];
    const end = s ? writeLatestOfStoredRow(s, dst, at, want, minTs) : -1;
    if (end < 0) return encodeRow(buildRow(engine, table, d, cols, now));
    const row = dst.subarray(at, end);
    at = end;
    return row;
  });
}

/**
 * The stored rows of `docs` (undefined where a row is gone). Docs ascending by key are read by one scan over
 * their key span while the table holds few other rows in it [performance: a B+ tree descent and ~17 key
 * compares a row for point reads]; past a budget of 2 rows visited a doc (a query or a slice that matches
 * sparsely) the rest are read one by one.
 */
function readStored(kv: KVStore, docs: readonly Doc[], keyOrder: boolean): Array<Buffer | undefined> {
  const out = new Array<Buffer | undefined>(docs.length);
  let i = 0;
  if (keyOrder && docs.length > 1) {
    let budget = 2 * docs.length;
    // The last key's immediate successor: the scan's end is exclusive.
    const end = Buffer.from(`${docs[docs.length - 1].key}\u0000`, 'latin1');
    kv.scan(Buffer.from(docs[0].key, 'latin1'), end, false, (key, value) => {
      let c: number;
      while ((c = compareKeyTo(key, docs[i].key)) > 0) out[i++] = undefined; // docs[i]'s row is gone
      if (c === 0) out[i++] = value;
      return i < docs.length && --budget > 0;
    });
  }
  for (; i < docs.length; i++) out[i] = kv.get(Buffer.from(docs[i].key, 'latin1'));
  return out;
}

/** A store key against a doc's key (the same bytes as a latin1 string), as Buffer.compare orders them. */
function compareKeyTo(key: Buffer, doc: string): number {
  const n = Math.min(key.length, doc.length);
  for (let j = 0; j < n; j++) {
    const d = key[j] - doc.charCodeAt(j);
    if (d) return d;
  }
  return key.length - doc.length;
}

/** Whether every returned column comes from the index (limit up to 1000, spec §2.6). */
export function allFromIndex(cols: Columns, storedFields: Set<string>): boolean {
  if (cols.type === ReturnType.NONE || cols.type === ReturnType.ALL_FROM_INDEX) return true;
  if (cols.type === ReturnType.SPECIFIED) return cols.names.every((n) => storedFields.has(n));
  return false;
}
