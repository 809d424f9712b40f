/**
 * Encoders and decoders of the row APIs (GetRow, PutRow, UpdateRow, DeleteRow, BatchGetRow, BatchWriteRow,
 * GetRange) for tsorm's own wire transport (issue 15): SDK-shaped params in, SDK-shaped results out, so every
 * layer above `client/` is unchanged whichever transport runs.
 *
 * The request bytes are the SDK's (test/unit/wire-bytes.test.ts compares them): the functions below
 * mirror `lib/protocol/encoder.js` and `plian_buffer_builder.js` (tablestore 5.6.5) field for field,
 * including its defaults (`maxVersions` 1). Deliberate differences, each named in that test:
 * - a column or key name is written with its UTF-8 byte length; the SDK writes its UTF-16 length, which
 *   corrupts the PlainBuffer for a non-ASCII name [decision].
 * - a PutRow/UpdateRow/DeleteRow (or a BatchWriteRow row) without `condition` is sent with condition IGNORE;
 *   the SDK throws a TypeError on it (`_makeCondition(undefined)`; a batch row's condition is `required`)
 *   [decision].
 */
import { FilterType, INF_MAX, INF_MIN, int64, Int64LE, int64Value, PK_AUTO_INCR, utf8Length, type Int64LE as Int64LEValue } from '../values';
import { sdkSentinel } from '../sdk';
import type { WireOperation } from './operations';
import { PbReader, PbWriter } from './pb';
import * as pb from './proto.gen';
import { crcByte as crc8 } from './crc8';
import {
  CELL_OP_DELETE_ALL_VERSIONS,
  CELL_OP_DELETE_ONE_VERSION,
  CELL_OP_INCREMENT,
  PlainBufferWriter,
  readPlainBufferRow,
  readPlainBufferRows,
  VT,
  type PlainBufferCell,
  type PlainBufferRow,
} from './plainbuffer';

type Obj = Record<string, unknown>;


export const isInt64: (v: unknown) => v is Int64LEValue = Int64LE.isInt64LE;

/**
 * A key sentinel: tsorm's, or the SDK's own when a caller passes those (they are `{}` objects compared by
 * identity, so they are only recognised when the SDK is loaded; `sdkSentinel` does not load it).
 */
function sentinelOf(v: unknown): number | undefined {
  if (v === INF_MIN) return VT.INF_MIN;
  if (v === INF_MAX) return VT.INF_MAX;
  if (v === PK_AUTO_INCR) return VT.AUTO_INCREMENT;
  const sdk = typeof v === 'object' && v !== null && !isInt64(v) && !Buffer.isBuffer(v) ? sdkSentinel(v) : undefined;
  return sdk === 'INF_MIN' ? VT.INF_MIN : sdk === 'INF_MAX' ? VT.INF_MAX : sdk === 'PK_AUTO_INCR' ? VT.AUTO_INCREMENT : undefined;
}

/** A cell version or other int64 given as Int64LE, number or bigint: its exact signed 64-bit value. */
function int64Exact(v: unknown, field: string): bigint {
  if (isInt64(v)) return int64Value(v);
  if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.trunc(v));
  if (typeof v === 'bigint') return BigInt.asIntN(64, v);
  throw new TypeError(`${field}: expected an int64 (Int64LE or a number), got ${typeof v}`);
}

// ---------------------------------------------------------------------------------------------------------
// PlainBuffer rows (plian_buffer_builder.js)
// ---------------------------------------------------------------------------------------------------------

function writeKeyValue(w: PlainBufferWriter, name: string, v: unknown, crc: number): number {
  if (typeof v === 'string') return w.bytesValue(VT.STRING, v, crc);
  if (isInt64(v)) return w.int64Value(int64Value(v), crc);
  if (Buffer.isBuffer(v)) return w.bytesValue(VT.BLOB, v, crc);
  const sentinel = sentinelOf(v);
  if (sentinel !== undefined) return w.sentinel(sentinel, crc);
  throw new TypeError(`primaryKey.${name}: unsupported primary key type: ${typeof v}`);
}

function writeColumnValue(w: PlainBufferWriter, name: string, v: unknown, crc: number): number {
  if (isInt64(v)) return w.int64Value(int64Value(v), crc);
  if (typeof v === 'string') return w.bytesValue(VT.STRING, v, crc);
  if (Buffer.isBuffer(v)) return w.bytesValue(VT.BLOB, v, crc);
  if (typeof v === 'boolean') return w.bool(v, crc);
  if (typeof v === 'number') return w.double(v, crc);
  throw new TypeError(`column ${name}: unsupported column type: ${typeof v}`);
}

function writePrimaryKey(w: PlainBufferWriter, primaryKey: unknown): number {
  if (!Array.isArray(primaryKey)) throw new TypeError('primaryKey: expected an array of { name: value } objects');
  w.byte(0x01);
  let rowCrc = 0;
  for (const item of primaryKey as Obj[]) {
    for (const name in item) {
      w.byte(0x03);
      const crc = writeKeyValue(w, name, item[name], w.cellName(name));
      rowCrc = w.endCell(crc, rowCrc);
    }
  }
  return rowCrc;
}

function firstKey(o: Obj): string | undefined {
  for (const k in o) return k;
  return undefined;
}

function writeColumns(w: PlainBufferWriter, columns: unknown, rowCrc: number): number {
  if (!Array.isArray(columns)) throw new TypeError('attributeColumns: expected an array of { name: value } objects');
  if (columns.length === 0) return rowCrc;
  w.byte(0x02);
  for (const col of columns as Obj[]) {
    // The SDK writes the first key of each object only, with `timestamp` as the cell version.
    const name = firstKey(col);
    if (name === undefined) continue;
    w.byte(0x03);
    let crc = writeColumnValue(w, name, col[name], w.cellName(name));
    if (col.timestamp !== undefined && col.timestamp !== null) crc = w.timestamp(int64Exact(col.timestamp, `${name}.timestamp`), crc);
    rowCrc = w.endCell(crc, rowCrc);
  }
  return rowCrc;
}

function writeUpdateColumn(w: PlainBufferWriter, op: string, name: string, value: unknown, timestamp: unknown, rowCrc: number): number {
  w.byte(0x03);
  let crc = w.cellName(name);
  if (value !== undefined && value !== null) crc = writeColumnValue(w, name, value, crc);
  const opByte = op === 'DELETE' ? CELL_OP_DELETE_ONE_VERSION : op === 'DELETE_ALL' ? CELL_OP_DELETE_ALL_VERSIONS : op === 'INCREMENT' ? CELL_OP_INCREMENT : undefined;
  if (opByte !== undefined) w.cellType(opByte);
  if (timestamp !== undefined && timestamp !== null) crc = w.timestamp(int64Exact(timestamp, `${name}.timestamp`), crc);
  if (opByte !== undefined) crc = crc8(crc, opByte);
  return w.endCell(crc, rowCrc);
}

function writeUpdateColumns(w: PlainBufferWriter, updates: unknown, rowCrc: number): number {
  if (!Array.isArray(updates)) throw new TypeError('updateOfAttributeColumns: expected an array of { PUT | DELETE | DELETE_ALL | INCREMENT: [...] }');
  if (updates.length === 0) return rowCrc;
  w.byte(0x02);
  for (const group of updates as Obj[]) {
    for (const op in group) {
      const columns = group[op] as unknown[];
      if (op !== 'PUT' && op !== 'DELETE' && op !== 'DELETE_ALL' && op !== 'INCREMENT') {
        throw new TypeError(`updateOfAttributeColumns: expected PUT, DELETE, DELETE_ALL or INCREMENT, got ${op}`);
      }
      for (const c of columns) {
        if (op === 'DELETE_ALL') {
          rowCrc = writeUpdateColumn(w, op, c as string, null, null, rowCrc);
        } else if (op === 'DELETE') {
          for (const k in c as Obj) rowCrc = writeUpdateColumn(w, op, k, null, (c as Obj)[k], rowCrc);
        } else {
          const col = c as Obj;
          const name = firstKey(col);
          if (name === undefined) continue;
          rowCrc = writeUpdateColumn(w, op, name, col[name], col.timestamp, rowCrc);
        }
      }
    }
  }
  return rowCrc;
}

// The SDK allocates each PlainBuffer at a size it computes beforehand (`compute*Size`) and sends the whole
// allocation. Its sizes over-count in places (a sentinel key value counts 7 bytes for the 6 written; a
// DELETE's version counts as a DOUBLE value; a PUT's `timestamp` counts as one more column; a put object's
// keys after the first count though only the first is written), so its PlainBuffers end in zero padding after
// the row checksum. The service ignores it; tsorm sends the same padding so that the bodies are byte-identical
// (the cost is a few bytes, and no request can be read differently from the SDK's) [decision].

function pkValueSize(v: unknown): number {
  if (typeof v === 'string') return 10 + utf8Length(v);
  if (isInt64(v)) return 14;
  if (Buffer.isBuffer(v)) return 10 + v.length;
  if (sentinelOf(v) !== undefined) return 7;
  return 0;
}

function columnValueSize(v: unknown): number {
  if (typeof v === 'number' || isInt64(v)) return 14;
  if (typeof v === 'string') return 10 + utf8Length(v);
  if (Buffer.isBuffer(v)) return 10 + v.length;
  if (typeof v === 'boolean') return 7;
  return 0;
}

function columnSize(name: string, v: unknown, timestamp?: unknown): number {
  return 8 + utf8Length(name) + (v !== null ? columnValueSize(v) : 0) + (timestamp !== undefined ? 9 : 0);
}

function primaryKeySize(primaryKey: unknown): number {
  let size = 1;
  // The SDK counts a key name's UTF-16 length here (and writes its UTF-8 bytes).
  if (Array.isArray(primaryKey)) for (const item of primaryKey as Obj[]) for (const k in item) size += 8 + k.length + pkValueSize(item[k]);
  return size;
}

function putRowSize(primaryKey: unknown, columns: unknown): number {
  let size = 4 + primaryKeySize(primaryKey);
  if (Array.isArray(columns) && columns.length !== 0) {
    size += 1;
    for (const col of columns as Obj[]) {
      if (col.timestamp === undefined) {
        for (const k in col) size += columnSize(k, col[k]);
      } else {
        const k = firstKey(col);
        if (k !== undefined) size += columnSize(k, col[k], col.timestamp);
      }
    }
  }
  return size + 2;
}

function updateRowSize(primaryKey: unknown, updates: unknown): number {
  let size = 4 + primaryKeySize(primaryKey);
  if (Array.isArray(updates) && updates.length !== 0) {
    size += 1;
    for (const group of updates as Obj[]) {
      const op = firstKey(group);
      if (op === undefined) continue;
      const extra = op === 'DELETE' || op === 'DELETE_ALL' || op === 'INCREMENT' ? 2 : 0;
      for (const c of group[op] as unknown[]) {
        if (op === 'DELETE_ALL') size += columnSize(c as string, null) + extra;
        else for (const k in c as Obj) size += columnSize(k, (c as Obj)[k]) + extra;
      }
    }
  }
  return size + 2;
}

/** The writer's bytes, zero-padded to the size the SDK would have allocated. */
function padded(w: PlainBufferWriter, sdkSize: number): Buffer {
  const bytes = w.finish();
  if (sdkSize <= bytes.length) return bytes;
  const out = Buffer.alloc(sdkSize);
  bytes.copy(out);
  return out;
}

/** A PlainBuffer of one row: header, `body`'s cells, row checksum (with the delete marker when `deleted`). */
function writeRow(w: PlainBufferWriter, body: (w: PlainBufferWriter) => number, deleted = false): void {
  w.header();
  const rowCrc = body(w);
  if (deleted) w.byte(0x08);
  w.byte(0x09);
  w.byte(crc8(rowCrc, deleted ? 1 : 0));
}

export function primaryKeyBuffer(primaryKey: unknown): Buffer {
  const w = new PlainBufferWriter();
  writeRow(w, (w) => writePrimaryKey(w, primaryKey));
  return padded(w, 4 + primaryKeySize(primaryKey) + 2);
}

/** A PutRow's row: returns the size the SDK allocates for it (the bytes written are padded up to it). */
function writePutRow(w: PlainBufferWriter, primaryKey: unknown, columns: unknown): number {
  writeRow(w, (w) => writeColumns(w, columns ?? [], writePrimaryKey(w, primaryKey)));
  return putRowSize(primaryKey, columns);
}

function writeUpdateRow(w: PlainBufferWriter, primaryKey: unknown, updates: unknown): number {
  writeRow(w, (w) => writeUpdateColumns(w, updates, writePrimaryKey(w, primaryKey)));
  return updateRowSize(primaryKey, updates);
}

function writeDeleteRow(w: PlainBufferWriter, primaryKey: unknown): number {
  writeRow(w, (w) => writePrimaryKey(w, primaryKey), true);
  return 4 + primaryKeySize(primaryKey) + 3;
}

/** A row change in a buffer of its own, padded as the SDK's (PutRow, UpdateRow, DeleteRow). */
function rowBuffer(write: (w: PlainBufferWriter) => number): Buffer {
  const w = new PlainBufferWriter();
  return padded(w, write(w));
}

export function putRowBuffer(primaryKey: unknown, columns: unknown): Buffer {
  return rowBuffer((w) => writePutRow(w, primaryKey, columns));
}

/** A filter's column value: the value alone, type byte first (`serializeColumnValue`). */
export function columnValueBuffer(v: unknown, name: string): Buffer {
  const w = new PlainBufferWriter(32);
  writeColumnValue(w, name, v, 0);
  // Drop TAG_CELL_VALUE and the 4-byte length the cell form carries.
  return Buffer.from(w.finish().subarray(5));
}

// ---------------------------------------------------------------------------------------------------------
// Conditions and filters (encoder.js _makeCondition / _makeColumnCondition)
// ---------------------------------------------------------------------------------------------------------

/**
 * Dispatched on `getType()` (filter.proto's FilterType), not on the class: tsorm's conditions and the SDK's,
 * which callers may still pass, have the same fields (lib/filter.js).
 */
function filterOf(cond: unknown): pb.FilterFilter {
  const type = typeof (cond as { getType?: unknown })?.getType === 'function' ? (cond as { getType(): number }).getType() : undefined;
  let filter: Uint8Array;
  if (type === FilterType.COMPOSITE_COLUMN_VALUE) {
    const cc = cond as { combinator: number; sub_conditions: unknown[] };
    if (cc.combinator === undefined || cc.combinator === null) throw new TypeError('CompositeCondition: combinator should be one of TableStore.LogicalOperator');
    filter = pb
      .encodeFilterCompositeColumnValueFilter({ combinator: cc.combinator, subFilters: cc.sub_conditions.map(filterOf) })
      .finish();
  } else if (type === FilterType.SINGLE_COLUMN_VALUE) {
    const s = cond as { comparator: number; columnName: string; columnValue: unknown; passIfMissing: boolean; latestVersionOnly: boolean };
    filter = pb
      .encodeFilterSingleColumnValueFilter({
        comparator: s.comparator,
        columnName: s.columnName,
        columnValue: columnValueBuffer(s.columnValue, s.columnName),
        filterIfMissing: !s.passIfMissing,
        latestVersionOnly: s.latestVersionOnly,
      })
      .finish();
  } else if (type === FilterType.COLUMN_PAGINATION) {
    const p = cond as { offset: number; limit: number };
    filter = pb.encodeFilterColumnPaginationFilter({ offset: p.offset, limit: p.limit }).finish();
  } else {
    throw new TypeError('columnCondition: expected a CompositeCondition, SingleColumnCondition or ColumnPaginationFilter');
  }
  return { type, filter: Buffer.from(filter) };
}

function filterBytes(cond: unknown): Buffer | undefined {
  if (cond === undefined || cond === null) return undefined;
  return Buffer.from(pb.encodeFilterFilter(filterOf(cond)).finish());
}

/** A condition without a column condition, by expectation: one object each, shared by every row [performance]. */
const PLAIN_CONDITIONS: readonly pb.MainCondition[] = [0, 1, 2].map((rowExistence) => Object.freeze({ rowExistence }));

function conditionOf(cond: unknown): pb.MainCondition {
  const c = (cond ?? { rowExistenceExpectation: 0 }) as { rowExistenceExpectation?: number; columnCondition?: unknown };
  if (c.rowExistenceExpectation === undefined || c.rowExistenceExpectation === null) {
    throw new TypeError('condition.rowExistenceExpectation should be one of TableStore.RowExistenceExpectation');
  }
  if (c.columnCondition == null && PLAIN_CONDITIONS[c.rowExistenceExpectation]) return PLAIN_CONDITIONS[c.rowExistenceExpectation];
  const out: pb.MainCondition = { rowExistence: c.rowExistenceExpectation };
  if (c.columnCondition != null) out.columnCondition = filterBytes(c.columnCondition);
  return out;
}

function timeRangeOf(t: unknown): pb.MainTimeRange | undefined {
  if (!t) return undefined;
  const r = t as pb.MainTimeRange;
  return { startTime: r.startTime, endTime: r.endTime, specificTime: r.specificTime };
}

function returnContentOf(rc: unknown, withColumns: boolean): pb.MainReturnContent | undefined {
  const r = rc as { returnType?: number; returnColumns?: string[] } | undefined;
  if (!r || !r.returnType) return undefined;
  return withColumns ? { returnType: r.returnType, returnColumnNames: r.returnColumns } : { returnType: r.returnType };
}

// ---------------------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------------------

function readOptions(p: Obj): Pick<pb.MainGetRowRequest, 'columnsToGet' | 'timeRange' | 'maxVersions' | 'filter' | 'startColumn' | 'endColumn'> {
  return {
    columnsToGet: (p.columnsToGet as string[] | undefined) || undefined,
    timeRange: timeRangeOf(p.timeRange),
    maxVersions: (p.maxVersions as number) || 1,
    filter: p.columnFilter ? filterBytes(p.columnFilter) : undefined,
    startColumn: (p.startColumn as string) || undefined,
    endColumn: (p.endColumn as string) || undefined,
  };
}

/** By the SDK's operation name (`getRow`…), which `client.ts` passes as `ctx.operation`. */
const encoders: Record<string, (p: Obj) => Buffer> = {
  getRow: (p) =>
    pb
      .encodeMainGetRowRequest({
        tableName: p.tableName as string,
        primaryKey: primaryKeyBuffer(p.primaryKey),
        ...readOptions(p),
        transactionId: (p.transactionId as string) || undefined,
      })
      .finish(),
  putRow: (p) =>
    pb
      .encodeMainPutRowRequest({
        tableName: p.tableName as string,
        row: putRowBuffer(p.primaryKey, p.attributeColumns),
        condition: conditionOf(p.condition),
        returnContent: returnContentOf(p.returnContent, false),
        transactionId: (p.transactionId as string) || undefined,
      })
      .finish(),
  updateRow: (p) =>
    pb
      .encodeMainUpdateRowRequest({
        tableName: p.tableName as string,
        rowChange: rowBuffer((w) => writeUpdateRow(w, p.primaryKey, p.updateOfAttributeColumns)),
        condition: conditionOf(p.condition),
        returnContent: returnContentOf(p.returnContent, true),
        transactionId: (p.transactionId as string) || undefined,
      })
      .finish(),
  deleteRow: (p) =>
    pb
      .encodeMainDeleteRowRequest({
        tableName: p.tableName as string,
        primaryKey: rowBuffer((w) => writeDeleteRow(w, p.primaryKey)),
        condition: conditionOf(p.condition),
        returnContent: returnContentOf(p.returnContent, false),
        transactionId: (p.transactionId as string) || undefined,
      })
      .finish(),
  getRange: (p) => {
    const dir = p.direction === 'BACKWARD' ? pb.MainDirection.BACKWARD : p.direction === 'FORWARD' ? pb.MainDirection.FORWARD : undefined;
    if (dir === undefined) throw new TypeError(`direction: expected FORWARD or BACKWARD, got ${String(p.direction)}`);
    return pb
      .encodeMainGetRangeRequest({
        tableName: p.tableName as string,
        direction: dir,
        inclusiveStartPrimaryKey: primaryKeyBuffer(p.inclusiveStartPrimaryKey),
        exclusiveEndPrimaryKey: primaryKeyBuffer(p.exclusiveEndPrimaryKey),
        ...readOptions(p),
        limit: (p.limit as number) || undefined,
        transactionId: (p.transactionId as string) || undefined,
      })
      .finish();
  },
  batchGetRow: (p) => {
    if (!Array.isArray(p.tables)) throw new TypeError('params.tables is not correct');
    return pb
      .encodeMainBatchGetRowRequest({
        tables: (p.tables as Obj[]).map((t) => ({
          tableName: t.tableName as string,
          primaryKey: (t.primaryKey as unknown[]).map(primaryKeyBuffer),
          ...readOptions(t),
        })),
              })
      .finish();
  },
  batchWriteRow: (p) => encodeBatchWriteRow(p),
};


/** A BatchWriteRow row's PlainBuffer, by its type (`PUT`, `UPDATE`, `DELETE`): returns the SDK's size of it. */
const ROW_WRITERS: Readonly<Record<string, (w: PlainBufferWriter, r: Obj) => number>> = {
  PUT: (w, r) => writePutRow(w, r.primaryKey, r.attributeColumns),
  UPDATE: (w, r) => writeUpdateRow(w, r.primaryKey, r.attributeColumns),
  DELETE: (w, r) => writeDeleteRow(w, r.primaryKey),
};

/**
 * BatchWriteRowRequest, field for field as `pb.encodeMainBatchWriteRowRequest` (and the SDK) writes it, but in
 * one buffer: each row's PlainBuffer is written straight into the request where its `rowChange` bytes go.
 * [performance] A batch is hundreds of rows; a buffer, a padded copy and a copy into the request per row were
 * a third of its encoding. test/unit/wire-bytes.test.ts compares the bytes with the SDK's.
 */
function encodeBatchWriteRow(p: Obj): Buffer {
  const tables = p.tables as Obj[];
  if (!Array.isArray(tables) || tables.length === 0) throw new TypeError('params.tables is not correct');
  let rowCount = 0;
  for (const t of tables) {
    if (!Array.isArray(t.rows)) throw new TypeError(`batchWriteRow: rows of ${String(t.tableName)} must be an array`);
    rowCount += t.rows.length;
  }
  const w = new PbWriter(256 + 128 * rowCount);
  const plain = new PlainBufferWriter(0);
  for (const t of tables) {
    w.tag(10);
    const table = w.reserveLength();
    w.tag(10);
    w.string(t.tableName as string);
    for (const r of t.rows as Obj[]) {
      const type = r.type as string;
      const writeRowChange = Object.prototype.hasOwnProperty.call(ROW_WRITERS, type) ? ROW_WRITERS[type] : undefined;
      if (!writeRowChange) throw new TypeError(`batchWriteRow: row type must be PUT, UPDATE or DELETE, got ${type}`);
      w.tag(18);
      const row = w.reserveLength();
      w.tag(8);
      w.int32(pb.MainOperationType[type as 'PUT']);
      w.tag(18);
      const rowChange = w.reserveLength();
      plain.adopt(w);
      const sdkSize = writeRowChange(plain, r);
      w.adopt(plain);
      w.endLength(rowChange, sdkSize);
      w.tag(26);
      w.message(conditionOf(r.condition), pb.encodeMainCondition);
      const returnContent = returnContentOf(r.returnContent, true);
      if (returnContent) {
        w.tag(34);
        w.message(returnContent, pb.encodeMainReturnContent);
      }
      w.endLength(row);
    }
    w.endLength(table);
  }
  if (p.transactionId) {
    w.tag(18);
    w.string(p.transactionId as string);
  }
  return w.finish();
}

// ---------------------------------------------------------------------------------------------------------
// Responses (decoder.js shapes)
// ---------------------------------------------------------------------------------------------------------

function sdkValue(cell: PlainBufferCell): unknown {
  const v = cell.value;
  if (!v) return null;
  switch (v.type) {
    case 'INTEGER':
      return int64(v.value);
    case 'DOUBLE':
      return v.value;
    default:
      return v.value;
  }
}

/** An int64 result value (tsorm's own, `values.ts`). */
export const int64Of: (v: bigint) => Int64LEValue = int64;

export function sdkRow(row: PlainBufferRow): { primaryKey: Array<{ name: string; value: unknown }>; attributes: Array<{ columnName: string; columnValue: unknown; timestamp: unknown }> } {
  return {
    primaryKey: row.primaryKey.map((c) => ({ name: c.name, value: sdkValue(c) })),
    attributes: row.cells.map((c) => ({
      columnName: c.name,
      columnValue: sdkValue(c),
      timestamp: c.timestampMillis === undefined ? null : int64(c.timestampMillis),
    })),
  };
}

function rowOrEmpty(bytes: Uint8Array | undefined): object {
  return bytes && bytes.length > 0 ? sdkRow(readPlainBufferRow(bytes)) : {};
}

function capacityUnitOf(cu: pb.MainCapacityUnit): { read: number; write: number } {
  return { read: cu.read ?? 0, write: cu.write ?? 0 };
}

export function consumedOf(c: pb.MainConsumedCapacity | undefined | null): unknown {
  return c ? { capacityUnit: capacityUnitOf(c.capacityUnit) } : null;
}

const decoders: Record<string, (r: PbReader) => unknown> = {
  getRow: (r) => single(pb.decodeMainGetRowResponse(r)),
  putRow: (r) => single(pb.decodeMainPutRowResponse(r)),
  updateRow: (r) => single(pb.decodeMainUpdateRowResponse(r)),
  deleteRow: (r) => single(pb.decodeMainDeleteRowResponse(r)),
  getRange: (r) => {
    const m = pb.decodeMainGetRangeResponse(r);
    return {
      consumed: consumedOf(m.consumed),
      rows: readPlainBufferRows(m.rows).map(sdkRow),
      nextStartPrimaryKey: m.nextStartPrimaryKey && m.nextStartPrimaryKey.length > 0 ? sdkRow(readPlainBufferRow(m.nextStartPrimaryKey)).primaryKey : null,
      // protobufjs' defaults for absent optional fields, which the SDK's result carries.
      compressType: m.compressType ?? 0,
      dataBlockType: m.dataBlockType ?? 0,
      nextToken: m.nextToken ?? Buffer.alloc(0),
    };
  },
  batchGetRow: (r) => {
    const m = pb.decodeMainBatchGetRowResponse(r);
    return {
      tables: (m.tables ?? []).map((t) =>
        (t.rows ?? []).map((row) => batchRowResult(row, t.tableName)),
      ),
    };
  },
  batchWriteRow: decodeBatchWriteRow,
};

/** One row of a BatchGetRow or BatchWriteRow result (decoder.js `_parseBatchGetRowItem`, `_parseWriteRowItem`). */
function batchRowResult(
  row: { isOk: boolean; error?: pb.MainError | null; consumed?: pb.MainConsumedCapacity | null; row?: Uint8Array | null },
  tableName: string,
): BatchRowResult {
  return rowResult(row.isOk, row.error, row.consumed == null ? '' : capacityUnitOf(row.consumed.capacityUnit), row.row, tableName);
}

interface BatchRowResult {
  isOk: boolean;
  errorCode: string | null;
  errorMessage: string | null;
  tableName: string;
  capacityUnit: { read: number; write: number } | '';
  primaryKey: unknown;
  attributes: unknown;
}

function rowResult(
  isOk: boolean,
  error: pb.MainError | null | undefined,
  capacityUnit: BatchRowResult['capacityUnit'],
  row: Uint8Array | null | undefined,
  tableName: string,
): BatchRowResult {
  const parsed = isOk && row && row.length > 0 ? sdkRow(readPlainBufferRow(row)) : undefined;
  return {
    isOk,
    errorCode: isOk ? null : (error?.code ?? null),
    errorMessage: isOk ? null : (error?.message ?? null),
    tableName,
    capacityUnit,
    primaryKey: parsed ? parsed.primaryKey : null,
    attributes: parsed ? parsed.attributes : null,
  };
}

/**
 * BatchWriteRowResponse straight into the SDK's result rows: the fields and required-field checks of
 * `pb.decodeMainBatchWriteRowResponse` and the messages inside it (tables 1 → tableName 1, rows 2 → isOk 1,
 * error 2, consumed 3 → capacityUnit 1 → read 1, write 2; row 4), read without their intermediate objects.
 * [performance] Four objects per row less (row, consumed, capacity unit, and the copy of it); a batch answers
 * hundreds of rows. test/unit/wire-bytes*.test.ts compare the result with the SDK's.
 */
function decodeBatchWriteRow(r: PbReader): { tables: BatchRowResult[] } {
  const rows: BatchRowResult[] = [];
  while (r.pos < r.end) {
    const t = r.uint32();
    if (t >>> 3 === 1) r.message((r, end) => readWriteTable(r, end, rows));
    else r.skip(t & 7);
  }
  return { tables: rows };
}

function readWriteTable(r: PbReader, end: number, out: BatchRowResult[]): void {
  const first = out.length;
  let tableName: string | undefined;
  while (r.pos < end) {
    const t = r.uint32();
    switch (t >>> 3) {
      case 1: tableName = r.string(); break;
      case 2: out.push(r.message(readWriteRow)); break;
      default: r.skip(t & 7);
    }
  }
  r.requireField(tableName, 'tableName', '.main.proto.TableInBatchWriteRowResponse');
  // The name may follow the rows on the wire.
  for (let i = first; i < out.length; i++) out[i].tableName = tableName!;
}

function readWriteRow(r: PbReader, end: number): BatchRowResult {
  let isOk: boolean | undefined;
  let error: pb.MainError | undefined;
  let capacityUnit: BatchRowResult['capacityUnit'] = '';
  let row: Uint8Array | undefined;
  while (r.pos < end) {
    const t = r.uint32();
    switch (t >>> 3) {
      case 1: isOk = r.bool(); break;
      case 2: error = r.message(pb.decodeMainError); break;
      case 3: capacityUnit = r.message(readConsumed); break;
      case 4: row = r.bytes(); break;
      default: r.skip(t & 7);
    }
  }
  r.requireField(isOk, 'isOk', '.main.proto.RowInBatchWriteRowResponse');
  return rowResult(isOk!, error, capacityUnit, row, '');
}

/** ConsumedCapacity → its capacity unit, absent counts 0 (`capacityUnitOf`). */
function readConsumed(r: PbReader, end: number): { read: number; write: number } {
  let cu: { read: number; write: number } | undefined;
  while (r.pos < end) {
    const t = r.uint32();
    if (t >>> 3 === 1) cu = r.message(readCapacityUnit);
    else r.skip(t & 7);
  }
  r.requireField(cu, 'capacityUnit', '.main.proto.ConsumedCapacity');
  return cu!;
}

function readCapacityUnit(r: PbReader, end: number): { read: number; write: number } {
  const cu = { read: 0, write: 0 };
  while (r.pos < end) {
    const t = r.uint32();
    switch (t >>> 3) {
      case 1: cu.read = r.int32(); break;
      case 2: cu.write = r.int32(); break;
      default: r.skip(t & 7);
    }
  }
  return cu;
}

function single(m: { consumed: pb.MainConsumedCapacity; row?: Uint8Array | null }): unknown {
  return { consumed: consumedOf(m.consumed), row: rowOrEmpty(m.row ?? undefined) };
}

/** The row APIs' codecs (`operations.ts`). */
export const ROW_OPERATIONS: Readonly<Record<string, WireOperation>> = Object.fromEntries(
  Object.keys(encoders).map((op) => [op, { encode: (p: unknown) => encoders[op](p as Obj), decode: (body: Buffer) => decoders[op](new PbReader(body)) }]),
);

/** `main.proto.Error` from a non-2xx body. */
export function decodeError(body: Buffer): pb.MainError {
  return pb.decodeMainError(new PbReader(body));
}

export { PbWriter };
