/**
 * PlainBuffer: TableStore's row encoding (spec §11.3). Decodes request rows (verifying every cell and row
 * checksum) and encodes response rows. The emulator also stores rows in this format (`encodeStoredRow`), so
 * one codec serves the wire and the disk; that is why it sits in model/, below both protocol/ and engine/.
 */
import { CRC_TABLE, crcByte, crcBytes } from '../../client/wire/crc8';
import { asciiCopy, nameReader, putU32, Tag } from '../../client/wire/plainbuffer';
import { OtsError } from '../errors';
import { type Cell, compareNames, type Row, type RowData, utf8Length, type Version } from './row';
import { type Value, VT } from './value';


/** A stream record's sequence info (streams spec §2.5): epoch, log timestamp (μs), row index. */
export interface SeqInfo {
  epoch: number;
  tsMicros: bigint;
  rowIndex: number;
}

/** 0B len 0C len 0D u32 0E i64 0F u32: 29 bytes, lengths 24 and 19 as the Java builder writes them. */
const SEQ_EXTENSION_BYTES = 29;

function broken(message: string): OtsError {
  return OtsError.param(message);
}


// ---------------------------------------------------------------- decoding
class Reader {
  // As Writer's: assigned in the constructor, not class fields (a Reader is made for every row decoded).
  declare pos: number;
  declare readonly buf: Buffer;
  constructor(buf: Buffer) {
    this.buf = buf;
    this.pos = 0;
  }
  need(n: number): void {
    if (n < 0 || this.pos + n > this.buf.length) throw broken('Input encoded PK broken, read beyond the end of data.');
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }
  peek(): number {
    return this.pos < this.buf.length ? this.buf[this.pos] : -1;
  }
  i32(): number {
    this.need(4);
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
  i64(): bigint {
    this.need(8);
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return v;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  expect(tag: number, what: string): void {
    const t = this.u8();
    if (t !== tag) throw broken(`data format is invalid: expected ${what}.`);
  }
}

function readValue(r: Reader, cellName: string): Value {
  const vlen = r.i32();
  if (vlen < 1 || vlen > r.buf.length - r.pos) throw broken(`Invalid Column(${cellName}): value length broken.`);
  const t = r.u8();
  switch (t) {
    case VT.INTEGER:
      if (vlen !== 9) throw broken(`Invalid Column(${cellName}): value length broken.`);
      return { t: VT.INTEGER, v: r.i64() };
    case VT.DOUBLE: {
      if (vlen !== 9) throw broken(`Invalid Column(${cellName}): value length broken.`);
      r.need(8);
      const v = r.buf.readDoubleLE(r.pos);
      r.pos += 8;
      return { t: VT.DOUBLE, v };
    }
    case VT.BOOLEAN:
      if (vlen !== 2) throw broken(`Invalid boolean real value, value length: ${vlen - 1}.`);
      return { t: VT.BOOLEAN, v: r.u8() !== 0 };
    case VT.STRING:
    case VT.BLOB: {
      const len = r.i32();
      if (len < 0 || len !== vlen - 5) throw broken(`Invalid Column(${cellName}): value length broken.`);
      return { t, v: r.bytes(len) } as Value;
    }
    case VT.INF_MIN:
    case VT.INF_MAX:
    case VT.AUTO_INCREMENT:
    case VT.NULL:
      if (vlen !== 1) throw broken(`Invalid Column(${cellName}): value length broken.`);
      return { t } as Value;
    default:
      throw broken(`Invalid column type: 0x${t.toString(16)} of column: ${cellName}.`);
  }
}

/** The 8 little-endian bytes of a non-negative safe integer (timestamps), without a BigInt. */
function writeTs(buf: Buffer, pos: number, ts: number): void {
  if (ts >= 0 && ts <= Number.MAX_SAFE_INTEGER) {
    putU32(buf, pos, ts >>> 0); // the low 32 bits (exact for a safe integer), without a float modulo
    putU32(buf, pos + 4, Math.floor(ts / 0x100000000));
  } else buf.writeBigInt64LE(BigInt(ts), pos);
}

/** The emulator's own name reader (`nameReader`): request rows and stored rows. */
const readName = nameReader();

/** The checksum of the cell readCell read last [performance: no object a cell to return two values]. */
let cellCrc = 0;

/**
 * One cell, at position `slot` of its row; its checksum is left in `cellCrc`. The checksum is computed over the
 * wire bytes as they are read (name; value type and payload; timestamp; then the op byte, which precedes the
 * timestamp on the wire but follows it in the checksum), which equals the checksum of the decoded values: every
 * payload is stored as the checksum reads it, except a boolean, whose checksum byte is 0 or 1 whatever the wire
 * byte.
 */
function readCell(r: Reader, isPk: boolean, slot: number): Cell {
  r.expect(Tag.CELL, 'cell tag');
  r.expect(Tag.CELL_NAME, 'cell name');
  const nlen = r.i32();
  if (nlen < 0) throw broken('Input encoded PK broken, name length is negative.');
  r.need(nlen);
  const buf = r.buf;
  const nameStart = r.pos;
  r.pos += nlen;
  // The rows of a batch name the same columns in the same places: per-position name reuse, as the client's reader.
  const name = readName(buf, nameStart, r.pos, slot);
  let crc = crcBytes(0, buf, nameStart, r.pos);
  const cell: Cell = { name };
  if (r.peek() === Tag.CELL_VALUE) {
    r.pos++;
    const valueStart = r.pos + 4; // after the value length: type byte and payload
    const value = readValue(r, name);
    cell.value = value;
    crc = value.t === VT.BOOLEAN ? crcByte(crcByte(crc, VT.BOOLEAN), value.v ? 1 : 0) : crcBytes(crc, buf, valueStart, r.pos);
  } else if (isPk) {
    throw broken(`No value is given for primary key name:\`${name}\`.`);
  }
  let op: number | undefined;
  if (r.peek() === Tag.CELL_TYPE) {
    r.pos++;
    op = r.u8();
    cell.op = op;
  }
  if (r.peek() === Tag.CELL_TIMESTAMP) {
    r.pos++;
    r.need(8);
    const lo = buf.readUInt32LE(r.pos);
    const hi = buf.readInt32LE(r.pos + 4);
    const ts = hi * 0x100000000 + lo;
    // 9223372036854776 is 9223372036854775 (INT64_MAX/1000) as the nearest double: the same bound for every double
    if (hi < 0 || ts >= 9223372036854776) throw OtsError.param('Timestamp must be in range [0, INT64_MAX/1000).');
    crc = crcBytes(crc, buf, r.pos, r.pos + 8);
    r.pos += 8;
    cell.ts = ts;
  }
  if (op !== undefined) crc = crcByte(crc, op);
  if (r.peek() !== Tag.CELL_CHECKSUM) throw broken(`Invalid Column(${name}): missing checksum.`);
  r.pos++;
  const got = r.u8();
  if (got !== crc) throw broken(`Cell data broken, checksum is mismatch, column: ${name}, expect: ${crc}, actual: ${got}.`);
  cellCrc = crc;
  return cell;
}

function readRow(r: Reader): Row {
  r.expect(Tag.PK, 'primary key tag');
  const row: Row = { pk: [], cells: [], deleteMarker: false };
  let rowCrc = 0;
  let slot = 0;
  while (r.peek() === Tag.CELL) {
    row.pk.push(readCell(r, true, slot++));
    rowCrc = crcByte(rowCrc, cellCrc);
  }
  if (r.peek() === Tag.ATTR) {
    r.pos++;
    while (r.peek() === Tag.CELL) {
      row.cells.push(readCell(r, false, slot++));
      rowCrc = crcByte(rowCrc, cellCrc);
    }
  }
  if (r.peek() === Tag.DELETE_MARKER) {
    r.pos++;
    row.deleteMarker = true;
  }
  if (r.peek() === Tag.EXTENSION) {
    // Java SDK stream/sequence extension: length-prefixed, skipped.
    r.pos++;
    const len = r.i32();
    r.bytes(len);
  }
  if (r.peek() !== Tag.ROW_CHECKSUM) {
    throw broken(r.pos >= r.buf.length ? 'Invalid row: missing checksum.' : 'Cell data broken, row is not end with checksum tag.');
  }
  r.pos++;
  const got = r.u8();
  rowCrc = crcByte(rowCrc, row.deleteMarker ? 1 : 0);
  if (got !== rowCrc) throw broken(`Cell data broken, checksum is mismatch, row checksum expect: ${rowCrc}, actual: ${got}.`);
  return row;
}

function readHeader(buf: Buffer): Reader {
  const r = new Reader(buf);
  if (buf.length < 4 || buf.readInt32LE(0) !== Tag.HEADER) throw broken('Input encoded PK broken, invalid PlainBuffer header.');
  r.pos = 4;
  return r;
}

/** Decodes the first row of a PlainBuffer; trailing bytes after its checksum (SDK padding) are ignored. */
export function decodeRow(buf: Buffer): Row {
  return readRow(readHeader(buf));
}

/** Decodes an SQLVariant (type byte + payload, no header, no CRC): filter values, partition keys. */
export function decodeVariant(buf: Buffer): Value {
  const r = new Reader(buf);
  const t = r.u8();
  switch (t) {
    case VT.INTEGER:
      return { t: VT.INTEGER, v: r.i64() };
    case VT.DOUBLE:
      r.need(8);
      return { t: VT.DOUBLE, v: buf.readDoubleLE(1) };
    case VT.BOOLEAN:
      return { t: VT.BOOLEAN, v: r.u8() !== 0 };
    case VT.STRING:
    case VT.BLOB: {
      const len = r.i32();
      if (len < 0) throw broken('Invalid column value: negative length.');
      return { t, v: r.bytes(len) } as Value;
    }
    default:
      throw broken(`Invalid column value type: 0x${t.toString(16)}.`);
  }
}

// ---------------------------------------------------------------- encoding
function valueSize(v: Value): number {
  switch (v.t) {
    case VT.INTEGER:
    case VT.DOUBLE:
      return 9;
    case VT.BOOLEAN:
      return 2;
    case VT.STRING:
    case VT.BLOB:
      return 5 + v.v.length;
    default:
      return 1;
  }
}

/** A cell's encoded size. */
function cellBound(c: Cell): number {
  let n = 1 + 1 + 4 + utf8Length(c.name) + 2;
  if (c.value) n += 1 + 4 + valueSize(c.value);
  if (c.op !== undefined) n += 2;
  if (c.ts !== undefined) n += 9;
  return n;
}

function rowBound(row: Row): number {
  let size = 1 + 2 + (row.cells.length ? 1 : 0) + (row.deleteMarker ? 1 : 0); // PK tag, row checksum tag + byte, attribute tag, delete marker
  for (const c of row.pk) size += cellBound(c);
  for (const c of row.cells) size += cellBound(c);
  return size;
}

class Writer {
  // Assigned in the constructor rather than declared as class fields [performance: a class field is a
  // DefineOwnProperty, and a Writer is made for every row encoded].
  declare pos: number;
  declare readonly buf: Buffer;
  constructor(buf: Buffer) {
    this.buf = buf;
    this.pos = 0;
  }
  u8(v: number): void {
    this.buf[this.pos++] = v;
  }
  /** [performance] putU32 rather than writeInt32LE and its range checks: every length the writer writes passes here. */
  i32(v: number): void {
    putU32(this.buf, this.pos, v);
    this.pos += 4;
  }
  bytes(b: Buffer): void {
    this.pos = copyBytes(b, 0, b.length, this.buf, this.pos);
  }
}

/** Scratch for writing a BigInt's 8 little-endian bytes (see writeInt64). */
const I64 = new BigInt64Array(1);
const I64_BYTES = new Uint8Array(I64.buffer);

/**
 * A BigInt as 8 little-endian bytes. Out of the int64 range it would wrap where writeBigInt64LE throws, but
 * every INTEGER value already is an int64 (read from 8 bytes, or checked: writes.ts refuses an overflowing
 * increment). [performance] Buffer#writeBigInt64LE range-checks with BigInt arithmetic: ~110 ns a value against
 * ~30 ns through a BigInt64Array, and a Search page of 100 INTEGER primary keys writes 100.
 */
function writeInt64(buf: Buffer, pos: number, v: bigint): void {
  I64[0] = v;
  for (let k = 0; k < 8; k++) buf[pos + k] = I64_BYTES[k];
}

function writeValue(w: Writer, v: Value): void {
  w.i32(valueSize(v));
  w.u8(v.t);
  switch (v.t) {
    case VT.INTEGER:
      writeInt64(w.buf, w.pos, v.v);
      w.pos += 8;
      break;
    case VT.DOUBLE:
      w.buf.writeDoubleLE(v.v, w.pos);
      w.pos += 8;
      break;
    case VT.BOOLEAN:
      w.u8(v.v ? 1 : 0);
      break;
    case VT.STRING:
    case VT.BLOB:
      w.i32(v.v.length);
      w.bytes(v.v);
      break;
    default:
      break;
  }
}

/** The checksum of the name writeName wrote last [performance: no object to return two numbers]. */
let nameCrc = 0;

/** Writes a cell name's UTF-8 bytes at `at`; returns their length, their checksum left in `nameCrc`. */
function writeName(buf: Buffer, at: number, name: string): number {
  const crc = asciiCopy(buf, at, name, 0);
  if (crc >= 0) {
    nameCrc = crc;
    return name.length;
  }
  // not ASCII: let Buffer encode it, then checksum the bytes
  const len = buf.write(name, at, 'utf8');
  nameCrc = crcBytes(0, buf, at, at + len);
  return len;
}

/** Writes one cell and returns its checksum, computed over the bytes just written (see readCell). */
function writeCell(w: Writer, c: Cell): number {
  const buf = w.buf;
  w.u8(Tag.CELL);
  w.u8(Tag.CELL_NAME);
  const lenAt = w.pos;
  const nameStart = lenAt + 4;
  const nlen = writeName(buf, nameStart, c.name);
  let crc = nameCrc;
  buf.writeInt32LE(nlen, lenAt);
  w.pos = nameStart + nlen;
  if (c.value) {
    w.u8(Tag.CELL_VALUE);
    const valueStart = w.pos + 4;
    writeValue(w, c.value);
    crc = crcBytes(crc, buf, valueStart, w.pos);
  }
  if (c.op !== undefined) {
    w.u8(Tag.CELL_TYPE);
    w.u8(c.op);
  }
  if (c.ts !== undefined) {
    w.u8(Tag.CELL_TIMESTAMP);
    writeTs(buf, w.pos, c.ts);
    crc = crcBytes(crc, buf, w.pos, w.pos + 8);
    w.pos += 8;
  }
  if (c.op !== undefined) crc = crcByte(crc, c.op);
  w.u8(Tag.CELL_CHECKSUM);
  w.u8(crc);
  return crc;
}

function writeRow(w: Writer, row: Row, seq?: SeqInfo): void {
  let rowCrc = 0;
  w.u8(Tag.PK);
  for (const c of row.pk) rowCrc = crcByte(rowCrc, writeCell(w, c));
  if (row.cells.length) {
    w.u8(Tag.ATTR);
    for (const c of row.cells) rowCrc = crcByte(rowCrc, writeCell(w, c));
  }
  if (row.deleteMarker) w.u8(Tag.DELETE_MARKER);
  rowCrc = crcByte(rowCrc, row.deleteMarker ? 1 : 0);
  if (seq) writeSeqExtension(w, seq); // outside the row checksum (streams spec §2.5)
  w.u8(Tag.ROW_CHECKSUM);
  w.u8(rowCrc);
}

/** Encodes rows as one PlainBuffer block: the header once, then the rows back to back. */
export function encodeRows(rows: Row[]): Buffer {
  if (rows.length === 0) return Buffer.alloc(0);
  let bound = 4;
  for (const r of rows) bound += rowBound(r);
  const w = new Writer(Buffer.allocUnsafe(bound));
  w.i32(Tag.HEADER);
  for (const r of rows) writeRow(w, r);
  return w.pos === bound ? w.buf : w.buf.subarray(0, w.pos); // the size is exact: a safety net only
}

function writeSeqExtension(w: Writer, seq: SeqInfo): void {
  w.u8(Tag.EXTENSION);
  w.i32(SEQ_EXTENSION_BYTES - 5);
  w.u8(Tag.SEQ_INFO);
  w.i32(SEQ_EXTENSION_BYTES - 10);
  w.u8(Tag.SEQ_INFO_EPOCH);
  w.buf.writeUInt32LE(seq.epoch, w.pos);
  w.pos += 4;
  w.u8(Tag.SEQ_INFO_TS);
  w.buf.writeBigInt64LE(seq.tsMicros, w.pos);
  w.pos += 8;
  w.u8(Tag.SEQ_INFO_ROW_INDEX);
  w.buf.writeUInt32LE(seq.rowIndex, w.pos);
  w.pos += 4;
}

/** One row with its sequence-info extension: a stream record's `record` bytes (streams spec §2.5). */
export function encodeStreamRecord(row: Row, seq: SeqInfo): Buffer {
  const w = new Writer(Buffer.allocUnsafe(4 + rowBound(row) + SEQ_EXTENSION_BYTES));
  w.i32(Tag.HEADER);
  writeRow(w, row, seq);
  return w.pos === w.buf.length ? w.buf : w.buf.subarray(0, w.pos);
}

export function encodeRow(row: Row): Buffer {
  return encodeRows([row]);
}

/**
 * Each row as its own PlainBuffer (header included), as `encodeRow` gives it, all cut from one allocation
 * [performance: a Search page of 100 rows sized and allocated 100 buffers].
 */
export function encodeEachRow(rows: Row[]): Buffer[] {
  let bound = 0;
  for (const r of rows) bound += 4 + rowBound(r);
  const w = new Writer(Buffer.allocUnsafe(bound));
  const out = new Array<Buffer>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const start = w.pos;
    w.i32(Tag.HEADER);
    writeRow(w, rows[i]);
    out[i] = w.buf.subarray(start, w.pos);
  }
  return out;
}

/** A primary-key cell's encoded size: name, value (INTEGER, STRING or BLOB) and their tags. */
function pkCellSize(c: Cell): number {
  const v = c.value!;
  return 1 + 1 + 4 + utf8Length(c.name) + 1 + 4 + (v.t === VT.INTEGER ? 9 : 5 + (v as { v: Buffer }).v.length) + 2;
}

/** The end of the primary-key cell written at `pos`; its checksum is left in `pkCellCrc`. */
let pkCellCrc = 0;
function writePkCell(buf: Buffer, pos: number, c: Cell): number {
  const v = c.value!;
  buf[pos] = Tag.CELL;
  buf[pos + 1] = Tag.CELL_NAME;
  const nameStart = pos + 6;
  const nlen = writeName(buf, nameStart, c.name);
  let crc = nameCrc;
  putU32(buf, pos + 2, nlen);
  pos = nameStart + nlen;
  buf[pos] = Tag.CELL_VALUE;
  const valueStart = pos + 5; // after the value length: type byte and payload, what the checksum covers
  buf[valueStart] = v.t;
  crc = CRC_TABLE[crc ^ v.t];
  if (v.t === VT.INTEGER) {
    putU32(buf, pos + 1, 9);
    I64[0] = v.v; // as writeInt64
    for (let k = 0; k < 8; k++) {
      const b = I64_BYTES[k];
      buf[valueStart + 1 + k] = b;
      crc = CRC_TABLE[crc ^ b];
    }
    pos = valueStart + 9;
  } else {
    const b = (v as { v: Buffer }).v;
    putU32(buf, pos + 1, 5 + b.length);
    putU32(buf, valueStart + 1, b.length);
    b.copy(buf, valueStart + 5);
    pos = valueStart + 5 + b.length;
    crc = crcBytes(crc, buf, valueStart + 1, pos);
  }
  buf[pos] = Tag.CELL_CHECKSUM;
  buf[pos + 1] = crc;
  pkCellCrc = crc;
  return pos + 2;
}

/**
 * Rows of primary-key cells only (a Search or ParallelScan page returning no columns), each its own PlainBuffer
 * as `encodeRow({ pk, cells: [], deleteMarker: false })` gives it, all cut from one allocation. [performance]
 * Its own code rather than rowBound / writeRow: those see every row and cell shape the emulator makes (stored
 * rows with versions, deletes, stream records), whose polymorphic property reads and per-field Buffer calls
 * made a page of 100 integer keys ~13.5 µs of CPU against ~8.5 µs here (node micro-benchmark, best of 15).
 */
export function encodePkRows(pks: ReadonlyArray<readonly Cell[]>): Buffer[] {
  let size = 0;
  for (const pk of pks) {
    size += 4 + 1 + 2; // header, PK tag, row checksum tag and byte
    for (const c of pk) size += pkCellSize(c);
  }
  const buf = Buffer.allocUnsafe(size);
  const out = new Array<Buffer>(pks.length);
  let pos = 0;
  for (let r = 0; r < pks.length; r++) {
    const start = pos;
    putU32(buf, pos, Tag.HEADER);
    buf[pos + 4] = Tag.PK;
    pos += 5;
    let rowCrc = 0;
    for (const c of pks[r]) {
      pos = writePkCell(buf, pos, c);
      rowCrc = CRC_TABLE[rowCrc ^ pkCellCrc];
    }
    buf[pos] = Tag.ROW_CHECKSUM;
    buf[pos + 1] = CRC_TABLE[rowCrc]; // the delete-marker byte (0) closes the row checksum
    pos += 2;
    out[r] = buf.subarray(start, pos);
  }
  return out;
}

/**
 * A stored row as one PlainBuffer row: columns ordered by name, versions by timestamp descending; what
 * `encodeRow` gives for the row of one cell per version. [performance] Written straight from the versions, every
 * row a write commits passes here: no cell object per version, each column's name checksummed once.
 */
export function encodeStoredRow(row: RowData): Buffer {
  const names = sortedNames(row.cols);
  let size = 4 + 1 + 2 + (names.length ? 1 : 0); // header, PK tag, row checksum tag + byte, attribute tag
  for (const c of row.pk) size += cellBound(c);
  for (const name of names) {
    const cell = 1 + 1 + 4 + utf8Length(name) + 2 + 1 + 4 + 9; // tags, name, checksum, value tag + length, timestamp
    for (const v of row.cols.get(name)!) size += cell + valueSize(v.value);
  }
  const w = new Writer(Buffer.allocUnsafe(size));
  const buf = w.buf;
  w.i32(Tag.HEADER);
  w.u8(Tag.PK);
  let rowCrc = 0;
  for (const c of row.pk) rowCrc = crcByte(rowCrc, writeCell(w, c));
  if (names.length) w.u8(Tag.ATTR);
  for (const name of names) {
    let nameAt = -1; // where this column's name was first written, and its length and checksum
    let nlen = 0;
    let ncrc = 0;
    for (const v of row.cols.get(name)!) {
      buf[w.pos] = Tag.CELL;
      buf[w.pos + 1] = Tag.CELL_NAME;
      const nameStart = w.pos + 6;
      if (nameAt < 0) {
        nlen = writeName(buf, nameStart, name);
        ncrc = nameCrc;
        nameAt = nameStart;
      } else copyBytes(buf, nameAt, nameAt + nlen, buf, nameStart);
      putU32(buf, w.pos + 2, nlen);
      w.pos = nameStart + nlen;
      w.u8(Tag.CELL_VALUE);
      const valueStart = w.pos + 4;
      writeValue(w, v.value);
      let crc = crcBytes(ncrc, buf, valueStart, w.pos);
      w.u8(Tag.CELL_TIMESTAMP);
      writeTs(buf, w.pos, v.ts);
      crc = crcBytes(crc, buf, w.pos, w.pos + 8);
      w.pos += 8;
      w.u8(Tag.CELL_CHECKSUM);
      w.u8(crc);
      rowCrc = crcByte(rowCrc, crc);
    }
  }
  w.u8(Tag.ROW_CHECKSUM);
  w.u8(crcByte(rowCrc, 0)); // no delete marker
  return w.pos === size ? buf : buf.subarray(0, w.pos); // the size is exact: a safety net only
}

/** A row's column names in order. [performance] A put's columns usually come in order: checked before sorting. */
function sortedNames(cols: Map<string, unknown>): string[] {
  const names: string[] = [];
  let sorted = true;
  for (const name of cols.keys()) {
    if (sorted && names.length && compareNames(names[names.length - 1], name) > 0) sorted = false;
    names.push(name);
  }
  if (!sorted) names.sort(compareNames);
  return names;
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

/**
 * Inspects one encoded row (header + one row, as this codec writes stored rows) without decoding it, for reads
 * that may return the stored bytes verbatim [performance]. Returns the row's data size (names and values,
 * spec §12: what `rowDataSize` gives for the decoded row), or -1 when the row is not a plain reader's view:
 * a column holding more than `maxVersions` versions (consecutive cells of one name), a version older than
 * `minTs`, or anything unexpected (an op, a missing timestamp, a delete marker, an extension). The caller
 * then decodes the row as usual. Checksums are not verified: the bytes are the codec's own output.
 */
export function inspectStoredRow(buf: Buffer, maxVersions: number, minTs: number): number {
  const end = buf.length;
  let pos = 4;
  if (end < 7 || buf[pos++] !== Tag.PK) return -1;
  let size = 0;
  let inAttrs = false;
  let prevStart = -1;
  let prevLen = -1;
  let versions = 0;
  for (;;) {
    const tag = buf[pos];
    if (tag === Tag.ATTR && !inAttrs) {
      inAttrs = true;
      pos++;
      continue;
    }
    if (tag !== Tag.CELL) break;
    if (pos + 6 > end || buf[pos + 1] !== Tag.CELL_NAME) return -1;
    const nlen = buf.readInt32LE(pos + 2);
    const nameStart = pos + 6;
    pos = nameStart + nlen;
    if (nlen < 0 || pos + 6 > end || buf[pos] !== Tag.CELL_VALUE) return -1;
    const vlen = buf.readInt32LE(pos + 1);
    const t = buf[pos + 5];
    if (vlen < 1 || pos + 5 + vlen > end) return -1;
    size += nlen + (t === VT.INTEGER || t === VT.DOUBLE ? 8 : t === VT.BOOLEAN ? 1 : t === VT.STRING || t === VT.BLOB ? vlen - 5 : 0);
    pos += 5 + vlen;
    if (inAttrs) {
      if (buf[pos] !== Tag.CELL_TIMESTAMP || pos + 9 > end) return -1;
      const lo = buf.readUInt32LE(pos + 1);
      const hi = buf.readInt32LE(pos + 5);
      if (hi * 0x100000000 + lo < minTs) return -1;
      pos += 9;
      const same = nlen === prevLen && buf.compare(buf, prevStart, prevStart + prevLen, nameStart, nameStart + nlen) === 0;
      versions = same ? versions + 1 : 1;
      if (versions > maxVersions) return -1;
      prevStart = nameStart;
      prevLen = nlen;
    }
    if (buf[pos] !== Tag.CELL_CHECKSUM) return -1;
    pos += 2;
  }
  return buf[pos] === Tag.ROW_CHECKSUM && pos + 2 === end ? size : -1;
}

/**
 * Writes a stored row (as `encodeStoredRow` wrote it) into `dst` at `at` as a read returns its newest visible
 * version of each column without timestamps (header, PK cells, then attributes by name; spec §1.4 of the
 * search spec): what `encodeRow` gives for the row `visibleRow` makes and a Search hit keeps, straight from the
 * bytes [performance: no decode into a row and no re-encode; Search and ParallelScan read whole pages of rows].
 * `want` (UTF-8 names) keeps only those columns; versions older than `minTs` are hidden (TTL). Needs at most
 * `stored.length` bytes of room. Returns the position after the row, or -1 when the row is not plain (an op,
 * a missing timestamp, a delete marker, an extension, anything unexpected): the caller decodes it instead.
 * Checksums are not verified: the bytes are the codec's own output.
 */
export function writeLatestOfStoredRow(stored: Buffer, dst: Buffer, at: number, want: readonly Buffer[] | undefined, minTs: number): number {
  const end = stored.length;
  if (end < 7 || stored[4] !== Tag.PK) return -1;
  let pos = 5;
  let rowCrc = 0;
  // The key cells, verbatim: name, value and checksum only.
  while (stored[pos] === Tag.CELL) {
    if (pos + 6 > end || stored[pos + 1] !== Tag.CELL_NAME) return -1;
    const v = pos + 6 + stored.readInt32LE(pos + 2);
    if (v < pos + 6 || v + 5 > end || stored[v] !== Tag.CELL_VALUE) return -1;
    const c = v + 5 + stored.readInt32LE(v + 1);
    if (c <= v + 5 || c + 2 > end || stored[c] !== Tag.CELL_CHECKSUM) return -1;
    rowCrc = crcByte(rowCrc, stored[c + 1]);
    pos = c + 2;
  }
  let out = copyBytes(stored, 0, pos, dst, at);
  if (stored[pos] === Tag.ATTR) {
    const attrAt = out++;
    dst[attrAt] = Tag.ATTR;
    pos++;
    let lastStart = -1; // the name of the column last written (its versions after the first are skipped)
    let lastLen = -1;
    while (stored[pos] === Tag.CELL) {
      if (pos + 6 > end || stored[pos + 1] !== Tag.CELL_NAME) return -1;
      const nlen = stored.readInt32LE(pos + 2);
      const nameStart = pos + 6;
      const v = nameStart + nlen;
      if (nlen < 0 || v + 5 > end || stored[v] !== Tag.CELL_VALUE) return -1;
      const valueEnd = v + 5 + stored.readInt32LE(v + 1);
      if (valueEnd <= v + 5 || valueEnd + 11 > end || stored[valueEnd] !== Tag.CELL_TIMESTAMP || stored[valueEnd + 9] !== Tag.CELL_CHECKSUM) return -1;
      pos = valueEnd + 11;
      const ts = stored.readInt32LE(valueEnd + 5) * 0x100000000 + stored.readUInt32LE(valueEnd + 1);
      if (ts < minTs) continue;
      if (nlen === lastLen && sameBytes(stored, lastStart, stored, nameStart, nlen)) continue;
      if (want && !wanted(want, stored, nameStart, v)) continue;
      lastStart = nameStart;
      lastLen = nlen;
      // Name and value as stored, then the cell's checksum without the timestamp (see readCell).
      out = copyBytes(stored, nameStart - 6, valueEnd, dst, out);
      let crc = crcBytes(0, stored, nameStart, v);
      crc = stored[v + 5] === VT.BOOLEAN ? crcByte(crcByte(crc, VT.BOOLEAN), stored[v + 6] ? 1 : 0) : crcBytes(crc, stored, v + 5, valueEnd);
      dst[out++] = Tag.CELL_CHECKSUM;
      dst[out++] = crc;
      rowCrc = crcByte(rowCrc, crc);
    }
    if (out === attrAt + 1) out = attrAt; // no column is visible: no attribute tag (see writeRow)
  }
  if (stored[pos] !== Tag.ROW_CHECKSUM || pos + 2 !== end) return -1;
  dst[out++] = Tag.ROW_CHECKSUM;
  dst[out++] = crcByte(rowCrc, 0);
  return out;
}

/** Whether the name at stored[start, end) is one of `want`. */
function wanted(want: readonly Buffer[], stored: Buffer, start: number, end: number): boolean {
  const n = end - start;
  for (const w of want) if (w.length === n && sameBytes(w, 0, stored, start, n)) return true;
  return false;
}

/**
 * [performance] Byte loops for the few dozen bytes of a cell: Buffer#copy and Buffer#compare cost ~200 ns a
 * call in their JS wrappers (bounds checks, argument coercion), more than the copy itself.
 */
function copyBytes(src: Buffer, start: number, end: number, dst: Buffer, at: number): number {
  if (end - start > 64) return at + src.copy(dst, at, start, end);
  for (let i = start; i < end; i++) dst[at++] = src[i];
  return at;
}

function sameBytes(a: Buffer, aStart: number, b: Buffer, bStart: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[aStart + i] !== b[bStart + i]) return false;
  return true;
}
