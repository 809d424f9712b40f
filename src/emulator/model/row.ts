/**
 * Rows in the two shapes every layer of the emulator shares:
 *   - `Row`: a list of cells, as a request's row field carries it and a response returns it (PlainBuffer's
 *     shape: primary-key cells, attribute cells with optional op and timestamp, a delete marker);
 *   - `RowData`: a stored row, as the engine keeps it: the primary key and, per attribute column, versions
 *     newest first (spec §2.3, §2.4).
 * And their data sizes, which limits and capacity units count (spec §12).
 */
import { utf8Length } from '../../client/values';
import { type Value, valueDataSize } from './value';

/** Cell operation types carried by UpdateRow cells (PlainBuffer TAG_CELL_TYPE). */
export const enum CellOp {
  DELETE_ALL = 0x01,
  DELETE_ONE = 0x03,
  INCREMENT = 0x04,
}

export interface Cell {
  name: string;
  value?: Value;
  op?: number;
  /** Version in ms. */
  ts?: number;
}

export interface Row {
  pk: Cell[];
  cells: Cell[];
  deleteMarker: boolean;
}

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

export function cloneRow(row: RowData): RowData {
  return { pk: row.pk, cols: new Map([...row.cols].map(([k, v]) => [k, v.slice()])) };
}

/** A string's UTF-8 length without a native call for short ASCII: the client's, for the emulator's modules too. */
export { utf8Length };

export function cellDataSize(c: Cell): number {
  return utf8Length(c.name) + valueDataSize(c.value);
}

/** The data size of a request or response row: its key and attribute cells (spec §12). */
export function rowCellsSize(row: Row): number {
  let n = 0;
  for (const c of row.pk) n += cellDataSize(c);
  for (const c of row.cells) n += cellDataSize(c);
  return n;
}

/** The data size of a stored row: its key and every version of every column (spec §12). */
export function rowDataSize(row: RowData): number {
  let n = 0;
  for (const c of row.pk) n += cellDataSize(c);
  for (const [name, list] of row.cols) {
    const nl = utf8Length(name);
    for (const v of list) n += nl + valueDataSize(v.value);
  }
  return n;
}

/** Capacity units for a number of bytes: 4 KB each, rounded up, at least one (spec §12). */
export function capacityUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 4096));
}
