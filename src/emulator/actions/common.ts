/**
 * Request pieces several actions share: decoding PlainBuffer fields, conditions, return content, read
 * options, and the consumed-capacity shape. Each action file validates its own request with these.
 */
import { OtsError } from '../errors';
import { decodeRow, encodeRow, VT, VT_NAMES, type Cell, type PBRow } from '../protocol/plainbuffer';
import { toNumber } from '../protocol/proto';
import { checkTableName } from '../engine/catalog';
import type { Engine, ReadOptions, ReturnSpec, Transaction, WriteCondition, Consumed } from '../engine/engine';
import { MAX_COLUMNS_TO_GET, WriteSet } from '../engine/engine';
import { decodeFilter } from '../engine/filter';
import type { Faults } from '../faults';
import type { SearchIndexes } from '../search/catalog';

export interface ActionContext {
  engine: Engine;
  faults: Faults;
  search: SearchIndexes;
}

export interface Action {
  /** HTTP path segment and protobuf message prefix, e.g. `PutRow`. */
  name: string;
  /** Table-level (control-plane) action: subject to "Too frequent table operations." faults. */
  tableLevel?: boolean;
  /** Protobuf message names when they are not `<name>Request` / `<name>Response`. */
  requestType?: string;
  responseType?: string;
  handle(req: any, ctx: ActionContext): object;
}

/** An optional protobuf field's value, or undefined when the request did not set it (protobufjs puts
 *  proto2 defaults on the prototype, so a plain read cannot tell "absent" from "default"). */
export function own<T = any>(msg: any, field: string): T | undefined {
  return msg && Object.prototype.hasOwnProperty.call(msg, field) ? (msg[field] as T) : undefined;
}

export function tableName(v: unknown): string {
  return checkTableName(v);
}

export function rowField(bytes: Uint8Array | undefined | null, what: string): PBRow {
  if (!bytes || bytes.length === 0) throw OtsError.param(`The ${what} is missing in request.`);
  return decodeRow(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
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
  for (const c of pk) {
    const t = c.value?.t;
    if (t === VT.INF_MIN || t === VT.INF_MAX || t === VT.DOUBLE || t === VT.BOOLEAN) {
      throw OtsError.param(`${t === VT.DOUBLE ? 'DOUBLE' : t === VT.BOOLEAN ? 'BOOLEAN' : VT_NAMES[t]} is an invalid type for the primary key.`);
    }
    if (read && t === VT.AUTO_INCREMENT) throw OtsError.param("PKAutoIncr can't be used for read operations.");
  }
}

export function condition(c: any): WriteCondition {
  if (!c) throw OtsError.param('Invalid condition: missing condition.');
  const e = c.rowExistence;
  if (e !== 0 && e !== 1 && e !== 2) throw OtsError.param(`Invalid row-existence expectation: \`${e}\`.`);
  const columnCondition = decodeFilter(own(c, 'columnCondition'));
  if (columnCondition?.kind === 'page') throw OtsError.param(`Invalid condition:\`ColumnPaginationFilter\`.`);
  return { rowExistence: e, columnCondition };
}

export function returnSpec(rc: any): ReturnSpec {
  return { type: own<number>(rc, 'returnType') ?? 0, columns: rc?.returnColumnNames ?? [] };
}

export function readOptions(req: any, noVersionMessage: string): ReadOptions {
  const columns: string[] = req.columnsToGet ?? [];
  if (columns.length > MAX_COLUMNS_TO_GET) {
    throw OtsError.param(`The number of columns from the request exceeds the limit, limit count: ${MAX_COLUMNS_TO_GET}, column count: ${columns.length}.`);
  }
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

export function consumed(c: Consumed): object {
  return { capacityUnit: { read: c.read, write: c.write } };
}

export function encodeOptionalRow(row: PBRow | undefined): Buffer | undefined {
  return row ? encodeRow(row) : undefined;
}

export function transactionOf(engine: Engine, id: unknown, table: string): Transaction | undefined {
  if (id === undefined || id === null || id === '') return undefined;
  const tx = engine.transaction(String(id));
  checkTransactionTable(tx, table);
  return tx;
}

/** A request inside a transaction touches only the transaction's table (spec §9). */
export function checkTransactionTable(tx: Transaction, table: string): void {
  if (tx.table.name !== table) {
    throw new OtsError('OTSDataOutOfRange', `Data out of scope of transaction. Transaction table: ${tx.table.name}. Data table: ${table}.`, 400);
  }
}

/** A failed row of a BatchGetRow / BatchWriteRow response (nothing consumed); anything but an OtsError propagates. */
export function rowFailure(e: unknown): object {
  if (!(e instanceof OtsError)) throw e;
  return { isOk: false, error: { code: e.code, message: e.message }, consumed: consumed({ read: 0, write: 0 }) };
}

/** The body of PutRow / UpdateRow / DeleteRow: one row change, committed alone or into a transaction. */
export function writeOne(
  req: any,
  { engine }: ActionContext,
  rowBytes: Uint8Array,
  op: 'putRow' | 'updateRow' | 'deleteRow',
): object {
  const name = tableName(req.tableName);
  const table = engine.writableTable(name);
  const row = rowField(rowBytes, op === 'deleteRow' ? 'primary key' : 'row');
  const cond = condition(req.condition);
  const ret = returnSpec(own(req, 'returnContent'));
  const tx = transactionOf(engine, own(req, 'transactionId'), name);
  const ws = tx ? tx.writes : new WriteSet(engine);
  const r = engine[op](ws, table, row, cond, ret, tx);
  if (!tx) engine.commit(ws);
  return { consumed: consumed(r.consumed), row: encodeOptionalRow(r.row) };
}

