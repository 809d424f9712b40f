/**
 * SDK cell values ⇄ the page's typed strings (protocol.ts `Cell`). An INTEGER is read with `fromSdkInt64`
 * and written with `toSdkInt64`, so int64 values stay exact end to end; BINARY travels as base64.
 */
import type { SdkRow } from '../client/actions';
import type { CellValue } from '../client/values';
import { fromSdkInt64, isSdkInt64, toSdkInt64 } from '../codec/sdk-values';
import { INT64_MAX, INT64_MIN } from '../codec/value';
import type { Cell, CellType, RowView } from './protocol';

/** Bad input from the page, with the field (stored column name) it concerns. */
export class StudioInputError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'StudioInputError';
  }
}

const CELL_TYPES: readonly CellType[] = ['STRING', 'INTEGER', 'DOUBLE', 'BOOLEAN', 'BINARY'];

/** The page's form of an SDK cell value (as the SDK decodes responses: Int64LE, number, boolean, string, Buffer). */
export function toCell(value: unknown): Cell {
  if (typeof value === 'string') return { t: 'STRING', v: value };
  if (isSdkInt64(value)) return { t: 'INTEGER', v: fromSdkInt64(value).toString() };
  if (typeof value === 'number') return { t: 'DOUBLE', v: String(value) };
  if (typeof value === 'boolean') return { t: 'BOOLEAN', v: String(value) };
  if (Buffer.isBuffer(value)) return { t: 'BINARY', v: value.toString('base64') };
  throw new Error(`studio: unrecognised SDK cell value ${String(value)}`);
}

/** The SDK cell value of a page's cell; `field` names the column in the error when the input does not fit. */
export function fromCell(cell: unknown, field: string): CellValue {
  if (cell === null || typeof cell !== 'object') throw new StudioInputError(`${field}: expected a typed value {t, v}`, field);
  const { t, v, enc } = cell as Partial<Cell>;
  if (!CELL_TYPES.includes(t as CellType)) throw new StudioInputError(`${field}: unknown type ${JSON.stringify(t)} (one of ${CELL_TYPES.join(', ')})`, field);
  if (typeof v !== 'string') throw new StudioInputError(`${field}: the value must be a string`, field);
  switch (t) {
    case 'STRING':
      return v;
    case 'INTEGER': {
      const text = v.trim();
      if (!/^[-+]?\d+$/.test(text)) throw new StudioInputError(`${field}: ${JSON.stringify(v)} is not an integer`, field);
      const n = BigInt(text);
      if (n < INT64_MIN || n > INT64_MAX) throw new StudioInputError(`${field}: ${text} is outside the int64 range`, field);
      return toSdkInt64(n);
    }
    case 'DOUBLE': {
      const n = Number(v.trim());
      // The service refuses NaN and ±Infinity (spec §1.8).
      if (v.trim() === '' || !Number.isFinite(n)) throw new StudioInputError(`${field}: ${JSON.stringify(v)} is not a finite number`, field);
      return n;
    }
    case 'BOOLEAN':
      if (v !== 'true' && v !== 'false') throw new StudioInputError(`${field}: a boolean is true or false, got ${JSON.stringify(v)}`, field);
      return v === 'true';
    default:
      return parseBytes(v, enc ?? 'base64', field);
  }
}

function parseBytes(text: string, enc: string, field: string): Buffer {
  const s = text.replace(/\s+/g, '');
  if (enc === 'hex') {
    const hex = s.replace(/^0x/i, '');
    if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex)) throw new StudioInputError(`${field}: not hex bytes (pairs of 0-9, a-f)`, field);
    return Buffer.from(hex, 'hex');
  }
  if (enc !== 'base64') throw new StudioInputError(`${field}: binary encoding must be hex or base64`, field);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 === 1) throw new StudioInputError(`${field}: not base64`, field);
  return Buffer.from(s, 'base64');
}

export function rowView(row: SdkRow): RowView {
  const columns: RowView['columns'] = {};
  for (const a of row.attributes ?? []) {
    (columns[a.columnName] ??= []).push({ value: toCell(a.columnValue), ts: a.timestamp === null || a.timestamp === undefined ? '' : fromSdkInt64(a.timestamp).toString() });
  }
  // The SDK lists a column's versions newest first already (the service's order); sort anyway for display.
  for (const versions of Object.values(columns)) versions.sort((a, b) => (BigInt(b.ts || '0') > BigInt(a.ts || '0') ? 1 : BigInt(b.ts || '0') < BigInt(a.ts || '0') ? -1 : 0));
  return { key: row.primaryKey.map((c) => ({ name: c.name, value: toCell(c.value) })), columns };
}

/** The SDK value of a primary-key cell, which must have the key column's type. */
export function keyValue(cell: unknown, column: { name: string; type: CellType }): CellValue {
  const value = fromCell(cell, column.name);
  // fromCell accepted the cell's type, so `t` is the value's type.
  if ((cell as Cell).t !== column.type) throw new StudioInputError(`${column.name}: the key column is ${column.type}, got ${(cell as Cell).t}`, column.name);
  return value;
}

/**
 * Orders two primary-key values of one column the way TableStore orders rows: integers numerically, strings
 * and binaries by their bytes (UTF-8 for strings) [inferred from spec §5: row order is by PK bytes].
 */
export function compareKeyValue(a: unknown, b: unknown): number {
  if (isSdkInt64(a) && isSdkInt64(b)) {
    const x = fromSdkInt64(a);
    const y = fromSdkInt64(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const ab = Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'utf8');
  const bb = Buffer.isBuffer(b) ? b : Buffer.from(String(b), 'utf8');
  return Buffer.compare(ab, bb);
}
