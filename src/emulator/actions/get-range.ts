import type { TableMeta } from '../engine/catalog';
import type { Engine } from '../engine/engine';
import { project, scanRows, type ReadOptions } from '../engine/reads';
import { decodeStoredRow, encodeRow, encodeRows, inspectStoredRow } from '../model/plainbuffer';
import { capacityUnits, rowDataSize, type Cell, type Row } from '../model/row';
import { consumed, type Action } from './common';
import { validateGetRange } from './validations/get-range';

/** Rows and bytes one GetRange response may scan (spec §1.17). */
export const RANGE_MAX_ROWS = 5000;
export const RANGE_MAX_BYTES = 4 * 1024 * 1024;

/**
 * Reads a key range in either direction (spec §6.3). The row and byte budget counts scanned rows, before the
 * filter, so a page may hold fewer rows than the limit (even none) while `next_start_primary_key` is set.
 */
export const getRange: Action = {
  name: 'GetRange',
  handle(req, { engine }) {
    const { table, start, end, backward, limit, opts, tx } = validateGetRange(req, engine);
    const maxRows = Math.min(limit ?? RANGE_MAX_ROWS, RANGE_MAX_ROWS);
    const now = engine.now();
    if (!tx && !opts.filter && !opts.timeRange && !opts.columns.length && opts.startColumn === undefined && opts.endColumn === undefined) {
      return verbatimRange(engine, table, start, end, backward, maxRows, opts, now);
    }
    const out: Row[] = [];
    let scanned = 0;
    let bytes = 0;
    let next: Cell[] | undefined;
    scanRows(engine, table, start, end, backward, tx, (_key, row) => {
      // A page holds at most 4 MB of scanned row data (spec §1.17 "≤ 4 MB"): a row that would carry it past
      // 4 MB starts the next page; only a single row larger than 4 MB (rows have no size limit) is returned
      // alone, so that a scan always advances. [decided: the spec gives the bound, not the rounding]
      const size = rowDataSize(row);
      if (out.length >= maxRows || scanned >= RANGE_MAX_ROWS || (scanned > 0 && bytes + size > RANGE_MAX_BYTES)) {
        next = row.pk;
        return false;
      }
      scanned++;
      bytes += size;
      const projected = project(table, row, opts, now);
      if (projected) out.push(projected);
      return true;
    });
    return {
      consumed: consumed({ read: capacityUnits(bytes), write: 0 }),
      rows: encodeRows(out),
      nextStartPrimaryKey: next ? encodeRow({ pk: next, cells: [], deleteMarker: false }) : undefined,
      dataBlockType: 0,
    };
  },
};

const PLAINBUFFER_HEADER = Buffer.from([0x75, 0, 0, 0]);

/**
 * GetRange without a filter, column selection or time range [performance]: most stored rows are then exactly
 * what the reader sees (every column within the versions asked for and the table's TTL), so their stored
 * PlainBuffer bytes are copied into the response without being decoded and re-encoded. Any other row goes
 * through `project` as above. Pages, sizes and `next_start_primary_key` are computed as above; the output is
 * byte-identical (test/integration/get-range-verbatim.test.ts compares both paths).
 */
function verbatimRange(engine: Engine, table: TableMeta, start: Cell[], end: Cell[], backward: boolean, maxRows: number, opts: ReadOptions, now: number): object {
  const maxVersions = Math.min(opts.maxVersions ?? table.options.maxVersions, table.options.maxVersions);
  const minTs = table.options.timeToLive === -1 ? -Infinity : now - table.options.timeToLive * 1000;
  const chunks: Buffer[] = [PLAINBUFFER_HEADER];
  let rows = 0;
  let scanned = 0;
  let bytes = 0;
  let next: Cell[] | undefined;
  engine.kv.scan(engine.rowKey(table, start), engine.rowKey(table, end), backward, (_key, stored) => {
    let size = inspectStoredRow(stored, maxVersions, minTs);
    const row = size < 0 ? decodeStoredRow(stored) : undefined;
    if (row) size = rowDataSize(row);
    if (rows >= maxRows || scanned >= RANGE_MAX_ROWS || (scanned > 0 && bytes + size > RANGE_MAX_BYTES)) {
      next = (row ?? decodeStoredRow(stored)).pk;
      return false;
    }
    scanned++;
    bytes += size;
    if (!row) {
      chunks.push(stored.subarray(4));
      rows++;
    } else {
      const projected = project(table, row, opts, now);
      if (projected) {
        chunks.push(encodeRow(projected).subarray(4));
        rows++;
      }
    }
    return true;
  });
  return {
    consumed: consumed({ read: capacityUnits(bytes), write: 0 }),
    rows: rows ? Buffer.concat(chunks) : Buffer.alloc(0),
    nextStartPrimaryKey: next ? encodeRow({ pk: next, cells: [], deleteMarker: false }) : undefined,
    dataBlockType: 0,
  };
}
