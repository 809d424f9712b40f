/**
 * Versions and what a reader sees of them (spec §2.4, §5.6): TTL and max versions hide versions at read time
 * and trim them at write time.
 */
import type { RowData, Version } from '../model/row';
import type { TableMeta } from './catalog';

export interface Visibility {
  /** Table TTL in seconds, -1 = forever. */
  ttl: number;
  maxVersions: number;
  now: number;
}

/** What a reader of this table sees now: its TTL and max versions. */
export function visibility(table: TableMeta, now: number): Visibility {
  return { ttl: table.options.timeToLive, maxVersions: table.options.maxVersions, now };
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
