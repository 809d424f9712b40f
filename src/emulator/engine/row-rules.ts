/**
 * The rules a row in a request must follow against its table, whatever the API: primary-key values
 * (positional, spec §6.2), attribute names and values (§1.3a, §1.8, §1.9), timestamps (§5.6), per-row limits
 * (§1.11, §1.14), return content (§4.4) and the auto-increment rules (§3.6). Each action's validation
 * (actions/validations/) applies them in the service's order; the batch actions apply the same rules per row.
 */
import { isUtf8 } from 'node:buffer';
import { OtsError } from '../errors';
import { rowCellsSize, utf8Length, type Cell, type Row } from '../model/row';
import { valueLabel, VT, VT_NAMES, type Value } from '../model/value';
import { pkTypeToVt, type TableMeta } from './catalog';
import type { FilterNode } from './filter';
import { MAX_NAME_BYTES, MAX_PK_COLUMNS } from './table-rules';

export const MAX_CELL_BYTES = 2 * 1024 * 1024;
export const MAX_PK_BYTES = 1024;
export const MAX_COLUMNS_PER_WRITE = 1024;
export const MAX_COLUMNS_TO_GET = 1024;
export const MAX_ROW_REQUEST_BYTES = 4 * 1024 * 1024;

export const RowExistence = { IGNORE: 0, EXPECT_EXIST: 1, EXPECT_NOT_EXIST: 2 } as const;
const EXISTENCE_NAMES = ['IGNORE', 'EXPECT_EXIST', 'EXPECT_NOT_EXIST'];

export interface WriteCondition {
  rowExistence: number;
  columnCondition?: FilterNode;
}

export const ReturnType = { NONE: 0, PK: 1, AFTER_MODIFY: 2 } as const;

export interface ReturnSpec {
  type: number;
  columns: string[];
}

/** What a key is used for: 'write' allows the auto-increment placeholder, 'range' allows INF_MIN/INF_MAX. */
export type KeyUse = 'read' | 'write' | 'delete' | 'range';

/**
 * The checks on one key value that need no schema: INF_MIN/INF_MAX outside a range, DOUBLE and BOOLEAN, the
 * auto-increment placeholder in a read or delete. The batch actions apply it to every key before any row runs
 * (a whole-request error there, spec §5.5, §6.2); `checkPk` applies it column by column.
 */
export function checkKeyValue(v: Value, use: KeyUse): void {
  if (v.t === VT.INF_MIN || v.t === VT.INF_MAX) {
    if (use !== 'range') throw OtsError.param(`${VT_NAMES[v.t]} is an invalid type for the primary key.`);
    return;
  }
  if (v.t === VT.AUTO_INCREMENT) {
    if (use === 'read' || use === 'range') throw OtsError.param("PKAutoIncr can't be used for read operations.");
    if (use === 'delete') throw OtsError.param('Invalid row to delete which with pk auto increment.');
    return;
  }
  if (v.t === VT.DOUBLE || v.t === VT.BOOLEAN) throw OtsError.param(`${v.t === VT.DOUBLE ? 'DOUBLE' : 'BOOLEAN'} is an invalid type for the primary key.`);
}

/**
 * No table has more than four key columns, so a key of more values is refused as a parameter error before
 * the schema is consulted, even before the table is looked up (spec §1.4: the service's tests send five
 * values to every row API, PutRow on a table that does not exist included).
 */
export function checkPkCount(pk: Cell[]): void {
  if (pk.length > MAX_PK_COLUMNS) throw OtsError.param(`The number of primary key columns must be in range: [1, ${MAX_PK_COLUMNS}].`);
}

/** Validates a primary key against the table schema, positionally (spec §6.2). */
export function checkPk(table: TableMeta, pk: Cell[], use: KeyUse): void {
  if (pk.length !== table.pk.length) {
    throw OtsError.invalidPk(`Validate PK size fail. Input: ${pk.length}, Meta: ${table.pk.length}.`);
  }
  let autoCount = 0;
  for (let i = 0; i < pk.length; i++) {
    const cell = pk[i];
    const meta = table.pk[i];
    if (cell.ts !== undefined) throw OtsError.param(`Timestamp cannot be given for primary key name:\`${cell.name}\`.`);
    if (cell.op !== undefined) throw OtsError.param(`OpType cannot be given for primary key name :\`${cell.name}\`.`);
    if (cell.name !== meta.name) throw OtsError.invalidPk(`Validate PK name fail. Input: ${cell.name}, Meta: ${meta.name}.`);
    const v = cell.value!;
    checkKeyValue(v, use);
    if (v.t === VT.INF_MIN || v.t === VT.INF_MAX) continue; // a range bound
    if (v.t === VT.AUTO_INCREMENT) {
      if (!meta.autoIncrement) throw OtsError.invalidPk(`Validate PK type fail. Input: VT_AUTO_INCREMENT, Meta: ${VT_NAMES[pkTypeToVt(meta.type)]}.`);
      autoCount++;
      continue;
    }
    if (v.t !== pkTypeToVt(meta.type)) {
      throw OtsError.invalidPk(`Validate PK type fail. Input: ${valueLabel(v)}, Meta: ${VT_NAMES[pkTypeToVt(meta.type)]}.`);
    }
    if ((v.t === VT.STRING || v.t === VT.BLOB) && v.v.length > MAX_PK_BYTES) {
      throw OtsError.param(`The length of primary key column: '${cell.name}' exceeds the MaxLength:${MAX_PK_BYTES} with CurrentLength:${v.v.length}.`);
    }
    if (v.t === VT.STRING && !isUtf8(v.v)) throw OtsError.param(`Value of column \`${cell.name}\` must be UTF8 encoding.`);
  }
  if (autoCount > 1) throw OtsError.param(`${autoCount} pk auto increment exist in row.`);
}

/** Attribute column names as the server accepts them (spec §1.3a): 1–255 bytes, not starting with '#'. */
export function checkColumnName(name: string): void {
  if (name.length === 0) throw OtsError.param('invalid name of column: empty name.');
  if (utf8Length(name) > MAX_NAME_BYTES || name.startsWith('#')) throw OtsError.param(`Invalid column name: '${name}'.`);
}

/** An attribute column may not be named like a primary-key column. */
export function checkNotPkName(table: TableMeta, name: string): void {
  if (table.pk.some((p) => p.name === name)) throw OtsError.param(`Duplicated attribute column name with primary key column: \`${name}\`.`);
}

/** A STRING / BINARY cell version holds at most 2 MB (spec §1.9). */
export function checkValueSize(name: string, v: Value | undefined): void {
  if (v && (v.t === VT.STRING || v.t === VT.BLOB) && v.v.length > MAX_CELL_BYTES) {
    throw OtsError.param(`The length of attribute column: '${name}' exceeds the MaxLength:${MAX_CELL_BYTES} with CurrentLength:${v.v.length}.`);
  }
}

/** An attribute value a write may store (spec §1.8, §1.9). */
export function checkValue(name: string, v: Value | undefined): void {
  if (!v) throw OtsError.param(`Invalid cell: \`${name}\`. Reason: missing value.`);
  switch (v.t) {
    case VT.DOUBLE:
      if (Number.isNaN(v.v)) throw OtsError.param("NaN can't be set to double value.");
      if (!Number.isFinite(v.v)) throw OtsError.param("Infinity can't be set to double value.");
      break;
    case VT.STRING:
    case VT.BLOB:
      if (v.t === VT.STRING && !isUtf8(v.v)) throw OtsError.param(`Value of column \`${name}\` must be UTF8 encoding.`);
      checkValueSize(name, v);
      break;
    case VT.INTEGER:
    case VT.BOOLEAN:
      break;
    default:
      throw OtsError.param(`Invalid column type of column: \`${name}\`: ${valueLabel(v)}.`);
  }
}

/** A cell timestamp inside the table's write window (spec §5.6). */
export function checkTimestamp(table: TableMeta, name: string, ts: number, now: number): void {
  const dev = table.options.deviation * 1000;
  let low = now - dev;
  if (table.options.timeToLive !== -1) low = Math.max(low, now - table.options.timeToLive * 1000);
  if (ts < low || ts >= now + dev) throw OtsError.param(`Invalid timestamp. Cell:\`${name}\`.`);
}

/** A write row carries at most 1024 attribute cells: PutRow, UpdateRow and each BatchWriteRow row (spec §1.11). */
export function checkColumnCount(cells: Cell[]): void {
  if (cells.length > MAX_COLUMNS_PER_WRITE) {
    throw OtsError.param(`The number of attribute columns exceeds the limit, limit count: ${MAX_COLUMNS_PER_WRITE}, column count: ${cells.length}.`);
  }
}

/** A write row's attribute cells: at most 1024 (spec §1.11), valid names, none named like a key column. */
export function checkAttrCells(table: TableMeta, cells: Cell[], kind: 'PutRow' | 'UpdateRow'): void {
  checkColumnCount(cells);
  for (const c of cells) {
    checkNotPkName(table, c.name);
    checkColumnName(c.name);
    if (kind === 'PutRow' && c.op !== undefined) throw OtsError.param(`OpType cannot be given for column name:\`${c.name}\` in PutRow.`);
  }
}

/** A PutRow / UpdateRow row holds at most 4 MB of data (spec §1.14); returns its data size. */
export function checkRequestSize(row: Row, kind: string): number {
  const size = rowCellsSize(row);
  if (size > MAX_ROW_REQUEST_BYTES) {
    throw OtsError.param(`The total data size of ${kind} request exceeds the limit, limit size: ${MAX_ROW_REQUEST_BYTES}, data size: ${size}.`);
  }
  return size;
}

/**
 * Return-content rules (spec §4.4). Where the sources give no text (spec §14.8), the emulator decides: RT_PK
 * with column names, RT_AFTER_MODIFY on PutRow/DeleteRow, and RT_AFTER_MODIFY naming a column that is not
 * incremented by this request are all 400 OTSParameterInvalid, checked before anything is written.
 */
export function checkReturn(ret: ReturnSpec, increments: Set<string> | undefined): void {
  if (ret.type === ReturnType.PK && ret.columns.length) throw OtsError.param('return_column_names cannot be given when return type is RT_PK.');
  if (ret.type === ReturnType.AFTER_MODIFY) {
    if (!increments) throw OtsError.param('Invalid return type: RT_AFTER_MODIFY.');
    for (const c of ret.columns) {
      if (!increments.has(c)) throw OtsError.param(`The column \`${c}\` in return_column_names is not an increment column of this request.`);
    }
  }
  if (ret.type !== ReturnType.NONE && ret.type !== ReturnType.PK && ret.type !== ReturnType.AFTER_MODIFY) {
    throw OtsError.param(`Invalid return type: ${ret.type}.`);
  }
}

/** The key holds the auto-increment placeholder (checkPk has made sure the table has such a column). */
export function hasAutoIncrementPlaceholder(pk: Cell[]): boolean {
  return pk.some((c) => c.value?.t === VT.AUTO_INCREMENT);
}

/**
 * Auto-increment condition rules (spec §3.6): a row with the placeholder takes no condition; a specific row
 * of such a table must be expected to exist (or, for a delete, not expected missing). A placeholder also
 * cannot be used inside a local transaction (spec §9).
 */
export function checkAutoIncrementRules(table: TableMeta, pk: Cell[], cond: WriteCondition, op: 'put' | 'update' | 'delete', inTransaction: boolean): void {
  if (!table.pk.some((p) => p.autoIncrement)) return;
  if (hasAutoIncrementPlaceholder(pk)) {
    if (cond.rowExistence !== RowExistence.IGNORE) {
      throw OtsError.param(`Invalid expect:\`${EXISTENCE_NAMES[cond.rowExistence]}\` when modify row with pk auto increment.`);
    }
    if (cond.columnCondition) throw OtsError.param("Can't set condition when modify row with pk auto increment.");
    if (inTransaction) throw OtsError.param('You cannot use the auto-increment primary key column feature and the local transaction feature at the same time.');
    return;
  }
  const bad = op === 'delete' ? cond.rowExistence === RowExistence.EXPECT_NOT_EXIST : cond.rowExistence !== RowExistence.EXPECT_EXIST;
  if (bad) {
    throw OtsError.param(`Invalid expect: \`${EXISTENCE_NAMES[cond.rowExistence]}\` when modify a specific row for table with pk auto increment.`);
  }
}
