/**
 * A row as the engine sees it: its primary key and, per attribute column, versions newest first (spec §2.3,
 * §2.4). Stored as one PlainBuffer row per key; columns ordered by name, versions by timestamp descending.
 */
import { decodeRow, encodeRow, cellDataSize, valueDataSize, type Cell, type Value } from '../model/plainbuffer';

export interface Version {
  ts: number;
  value: Value;
}

export interface RowData {
  pk: Cell[];
  /** Column name → versions, newest first. Ordered by name when encoded. */
  cols: Map<string, Version[]>;
}

export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function encodeStoredRow(row: RowData): Buffer {
  const cells: Cell[] = [];
  const names = [...row.cols.keys()].sort(compareNames);
  for (const name of names) for (const v of row.cols.get(name)!) cells.push({ name, value: v.value, ts: v.ts });
  return encodeRow({ pk: row.pk, cells, deleteMarker: false });
}

export function decodeStoredRow(buf: Buffer): RowData {
  const r = decodeRow(buf);
  const cols = new Map<string, Version[]>();
  for (const c of r.cells) {
    let list = cols.get(c.name);
    if (!list) cols.set(c.name, (list = []));
    list.push({ ts: c.ts ?? 0, value: c.value! });
  }
  return { pk: r.pk, cols };
}

export interface Visibility {
  /** Table TTL in seconds, -1 = forever. */
  ttl: number;
  maxVersions: number;
  now: number;
}

/** Versions a reader may see: not expired by TTL, and within the table's max versions (spec §5.6). */
export function visibleVersions(list: Version[], vis: Visibility): Version[] {
  let out = list;
  if (vis.ttl !== -1) {
    const cutoff = vis.now - vis.ttl * 1000;
    if (out.some((v) => v.ts < cutoff)) out = out.filter((v) => v.ts >= cutoff);
  }
  return out.length > vis.maxVersions ? out.slice(0, vis.maxVersions) : out;
}

/** The row as readers see it (TTL and max versions applied); `undefined` when it does not exist. */
export function visibleRow(row: RowData | undefined, vis: Visibility): RowData | undefined {
  if (!row) return undefined;
  if (row.cols.size === 0) return row; // a PK-only row exists (spec §2.5)
  const cols = new Map<string, Version[]>();
  for (const [name, list] of row.cols) {
    const vv = visibleVersions(list, vis);
    if (vv.length) cols.set(name, vv);
  }
  return cols.size ? { pk: row.pk, cols } : undefined;
}

export function rowDataSize(row: RowData): number {
  let n = 0;
  for (const c of row.pk) n += cellDataSize(c);
  for (const [name, list] of row.cols) {
    const nl = Buffer.byteLength(name);
    for (const v of list) n += nl + valueDataSize(v.value);
  }
  return n;
}

/** Capacity units for a number of bytes: 4 KB each, rounded up, at least one (spec §12). */
export function capacityUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 4096));
}

export function cloneRow(row: RowData): RowData {
  return { pk: row.pk, cols: new Map([...row.cols].map(([k, v]) => [k, v.slice()])) };
}
