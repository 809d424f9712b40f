/**
 * Request fields several actions validate the same way: row and key fields (PlainBuffer), the write
 * condition and return content, read options, and the transaction a request names.
 */
import type { TableMeta } from '../../engine/catalog';
import type { Engine } from '../../engine/engine';
import type { ReadOptions } from '../../engine/reads';
import { checkColumnName, checkKeyValue, checkPkCount, MAX_COLUMNS_TO_GET, ReturnType, RowExistence, type ReturnSpec, type WriteCondition } from '../../engine/row-rules';
import type { Transaction } from '../../engine/transactions';
import type { RowChange } from '../../engine/writes';
import { OtsError } from '../../errors';
import { decodeRow } from '../../model/plainbuffer';
import type { Cell, Row } from '../../model/row';
import { toNumber } from '../../protocol/proto';
import { own, tableName } from '../common';
import { decodeFilter } from './filter';

/** A PlainBuffer row or key field, decoded; a key of more than four values is refused here (row-rules `checkPkCount`). */
export function rowField(bytes: Uint8Array | undefined | null, what: string): Row {
  if (!bytes || bytes.length === 0) throw OtsError.param(`The ${what} is missing in request.`);
  const row = decodeRow(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  checkPkCount(row.pk);
  return row;
}

export function pkField(bytes: Uint8Array | undefined | null): Cell[] {
  const row = rowField(bytes, 'primary key');
  if (row.cells.length) throw OtsError.param('Attribute column cannot be given while reading data.');
  if (row.deleteMarker) throw OtsError.param('Delete marker cannot be given.');
  return row.pk;
}

/**
 * Key values no row may hold, checked for every row of a BatchGetRow / BatchWriteRow before any row runs: they
 * fail the whole request with 400, as in the single-row APIs (spec §6.2: INF_MIN/INF_MAX "also for … Batch*";
 * §5.5 "invalid names/PK" are whole-request errors). A key that is merely wrong for the schema (name, type,
 * count) stays a per-row OTSInvalidPK (spec §5.5, §6.4).
 */
export function checkBatchKey(pk: Cell[], read: boolean): void {
  for (const c of pk) if (c.value) checkKeyValue(c.value, read ? 'read' : 'write');
}

/** A condition of row existence alone, by its expectation: shared, as nothing mutates a WriteCondition. */
const EXISTENCE_ONLY: readonly WriteCondition[] = [0, 1, 2].map((e) => Object.freeze({ rowExistence: e, columnCondition: undefined }));

export function condition(c: any): WriteCondition {
  if (!c) throw OtsError.param('Invalid condition: missing condition.');
  const e = c.rowExistence;
  if (e !== RowExistence.IGNORE && e !== RowExistence.EXPECT_EXIST && e !== RowExistence.EXPECT_NOT_EXIST) throw OtsError.param(`Invalid row-existence expectation: \`${e}\`.`);
  if (own(c, 'columnCondition') === undefined) return EXISTENCE_ONLY[e];
  const columnCondition = decodeFilter(own(c, 'columnCondition'));
  if (columnCondition?.kind === 'page') throw OtsError.param(`Invalid condition:\`ColumnPaginationFilter\`.`);
  return { rowExistence: e, columnCondition };
}

/** No return content: the usual case, one shared value (nothing mutates a ReturnSpec). */
const RETURN_NONE: ReturnSpec = Object.freeze({ type: ReturnType.NONE, columns: Object.freeze([]) as unknown as string[] });

export function returnSpec(rc: any): ReturnSpec {
  if (!rc) return RETURN_NONE;
  return { type: own<number>(rc, 'returnType') ?? 0, columns: rc.returnColumnNames ?? [] };
}

/** columns_to_get, version selectors (spec §6.1), filter and column range of GetRow / GetRange / BatchGetRow. */
export function readOptions(req: any, noVersionMessage: string): ReadOptions {
  const columns: string[] = req.columnsToGet ?? [];
  if (columns.length > MAX_COLUMNS_TO_GET) {
    throw OtsError.param(`The number of columns from the request exceeds the limit, limit count: ${MAX_COLUMNS_TO_GET}, column count: ${columns.length}.`);
  }
  // The names a write may use, and only those (spec §1.3a: '#…' and 256-byte names are refused in reads too).
  for (const c of columns) checkColumnName(c);
  const tr = own(req, 'timeRange');
  const maxVersions = own<number>(req, 'maxVersions');
  const start = toNumber(own(tr, 'startTime'));
  const end = toNumber(own(tr, 'endTime'));
  const specific = toNumber(own(tr, 'specificTime'));
  const hasRange = start !== undefined || end !== undefined || specific !== undefined;
  if (!hasRange && maxVersions === undefined) throw OtsError.param(noVersionMessage);
  // A specific time together with max_versions alone is accepted (the service lists "Specific tiemstamp and max
  // versions cannot be given at the same time."): the Node SDK always sends max_versions (1 by default) beside
  // the time range, so rejecting it would make the SDK's specific-time reads impossible [decision].
  if (specific !== undefined) {
    const range = start !== undefined || end !== undefined;
    if (range && maxVersions !== undefined) throw OtsError.param('Specific timestamp, time range and max versions cannot be given at the same time.');
    if (range) throw OtsError.param('Specific tiemstamp and time range cannot be given at the same time.');
  }
  if (hasRange && specific === undefined && (start === undefined) !== (end === undefined)) {
    throw OtsError.param('Start and end time must be given at the same time.');
  }
  for (const t of [start, end, specific]) if (t !== undefined && t < 0) throw OtsError.param('Timestamp must be in range [0, INT64_MAX].');
  if (maxVersions !== undefined && maxVersions <= 0) throw OtsError.param(`Invalid max versions: ${maxVersions} . Reason: Max versions must be positive.`);
  // An empty or inverted range is rejected rather than answered with nothing [inferred; message is the emulator's].
  if (start !== undefined && end !== undefined && start >= end) throw OtsError.param('The start time must be less than the end time.');
  return {
    columns,
    maxVersions,
    timeRange: hasRange ? { start, end, specific } : undefined,
    filter: decodeFilter(own(req, 'filter')),
    startColumn: own(req, 'startColumn'),
    endColumn: own(req, 'endColumn'),
  };
}

export function transactionOf(engine: Engine, id: unknown, table: string): Transaction | undefined {
  if (id === undefined || id === null || id === '') return undefined;
  const tx = engine.transactions.get(String(id));
  checkTransactionTable(tx, table);
  return tx;
}

/** A request inside a transaction touches only the transaction's table (spec §9). */
export function checkTransactionTable(tx: Transaction, table: string): void {
  if (tx.table.name !== table) {
    throw new OtsError('OTSDataOutOfRange', `Data out of scope of transaction. Transaction table: ${tx.table.name}. Data table: ${table}.`, 400);
  }
}

/** A PutRow / UpdateRow / DeleteRow request, validated: its table, its row change, its transaction if any. */
export interface SingleRowWrite {
  table: TableMeta;
  change: RowChange;
  tx: Transaction | undefined;
}

/** The fields around a single-row write's row, then the row's own rules (`rules`, per action). */
export function singleRowWrite(req: any, engine: Engine, rowBytes: Uint8Array, what: 'row' | 'primary key', rules: RowRules): SingleRowWrite {
  const name = tableName(req.tableName);
  // The row is decoded before the table is looked up: a key of five values is a parameter error even on a
  // table that does not exist (spec §1.4).
  const row = rowField(rowBytes, what);
  const table = engine.writableTable(name);
  const cond = condition(req.condition);
  const returns = returnSpec(own(req, 'returnContent'));
  const tx = transactionOf(engine, own(req, 'transactionId'), name);
  return { table, change: rules(table, row, cond, returns, !!tx, engine.now()), tx };
}

/**
 * The rules one kind of row change follows (put, update, delete), shared by its single-row action and
 * BatchWriteRow. `now` is the request's clock, which timestamps are checked against.
 */
export type RowRules = (table: TableMeta, row: Row, condition: WriteCondition, returns: ReturnSpec, inTransaction: boolean, now: number) => RowChange;
