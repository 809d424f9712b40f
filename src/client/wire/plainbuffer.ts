/**
 * A PlainBuffer reader for the runtime (semantics spec §11.3, streams spec §2.5): one row with header, every
 * cell checksum and the row checksum verified, plus the stream records' sequence-info extension, which the
 * official Node SDK's reader cannot parse ("Expect TAG_ROW_CHECKSUM but it was 11", streams spec §2.5).
 *
 * [decision] Its own small reader rather than the emulator's `model/plainbuffer.ts`: the runtime (`tsorm`,
 * `tsorm/fc`) must never import the emulator (docs/ARCHITECTURE.md, "Package entry points"). It reads into the
 * lossless `RawChangeValue` shape (an INTEGER is a `bigint`, a DOUBLE stays a DOUBLE), which is what issue 15's
 * own transport will grow from for GetRow/GetRange rows.
 */
import type { RawChangeValue } from '../changes';
import { CRC_TABLE, crcByte, crcBytes } from './crc8';
import { GrowableBuffer } from './pb';

export const enum Tag {
  HEADER = 0x75,
  PK = 0x01,
  ATTR = 0x02,
  CELL = 0x03,
  CELL_NAME = 0x04,
  CELL_VALUE = 0x05,
  CELL_TYPE = 0x06,
  CELL_TIMESTAMP = 0x07,
  DELETE_MARKER = 0x08,
  ROW_CHECKSUM = 0x09,
  CELL_CHECKSUM = 0x0a,
  EXTENSION = 0x0b,
  SEQ_INFO = 0x0c,
  SEQ_INFO_EPOCH = 0x0d,
  SEQ_INFO_TS = 0x0e,
  SEQ_INFO_ROW_INDEX = 0x0f,
}

/** Value type bytes (semantics spec §11.3). */
export const enum VT {
  INTEGER = 0x00,
  DOUBLE = 0x01,
  BOOLEAN = 0x02,
  STRING = 0x03,
  BLOB = 0x07,
  /** Primary-key placeholders a request carries (the SDK's INF_MIN / INF_MAX / PK_AUTO_INCR). */
  INF_MIN = 0x09,
  INF_MAX = 0x0a,
  AUTO_INCREMENT = 0x0b,
}

/** Cell operation bytes (streams spec §2.5). 0x04 (INCREMENT) never appears in a record: Java throws on it. */
export const CELL_OP_DELETE_ALL_VERSIONS = 0x01;
export const CELL_OP_DELETE_ONE_VERSION = 0x03;
/** An UpdateRow cell's INCREMENT (requests only). */
export const CELL_OP_INCREMENT = 0x04;

export interface PlainBufferCell {
  name: string;
  value: RawChangeValue | undefined;
  /** The cell type byte, absent for a Put. */
  op: number | undefined;
  /** The cell version, ms. */
  timestampMillis: bigint | undefined;
}

/** A stream record's sequence info (streams spec §2.5): epoch, log time in μs, row index. */
export interface SequenceInfo {
  epoch: number;
  timestampMicros: bigint;
  rowIndex: number;
}

export interface PlainBufferRow {
  primaryKey: PlainBufferCell[];
  cells: PlainBufferCell[];
  deleteMarker: boolean;
  sequence: SequenceInfo | undefined;
}

/** A PlainBuffer that does not hold what the spec says. Raised as a `ClientInvalidResponse` by the caller. */
export class PlainBufferError extends Error {
  override name = 'PlainBufferError';
}

class Reader {
  pos = 0;
  /** The checksum of the cell being read (readCell, readValue). */
  crc = 0;
  constructor(readonly buf: Buffer) {}

  need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.buf.length) throw new PlainBufferError(`PlainBuffer ends inside ${what} (at byte ${this.pos})`);
  }
  peek(): number {
    return this.pos < this.buf.length ? this.buf[this.pos] : -1;
  }
  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.pos++];
  }
  u32(what: string): number {
    this.need(4, what);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
  i64(what: string): bigint {
    this.need(8, what);
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return v;
  }
  expect(tag: number, what: string): void {
    const at = this.pos;
    const t = this.u8(what);
    if (t !== tag) throw new PlainBufferError(`PlainBuffer: expected ${what} (0x${tag.toString(16)}) at byte ${at}, found 0x${t.toString(16)}`);
  }
}

/**
 * Reads a cell's value; the cell checksum so far goes in and comes out through `r.crc` [performance: no
 * closure and no result object a cell; a 1,000-row page reads thousands].
 */
function readValue(r: Reader, name: string): RawChangeValue {
  const len = r.u32(`the value of ${name}`);
  r.need(len, `the value of ${name}`);
  const start = r.pos;
  const type = r.u8(`the value type of ${name}`);
  const bad = () => new PlainBufferError(`PlainBuffer: column ${name} has a value of type 0x${type.toString(16)} and length ${len}`);
  let value: RawChangeValue;
  switch (type) {
    case VT.INTEGER:
      if (len !== 9) throw bad();
      value = { type: 'INTEGER', value: r.i64(name) };
      break;
    case VT.DOUBLE:
      if (len !== 9) throw bad();
      value = { type: 'DOUBLE', value: r.buf.readDoubleLE(r.pos) };
      r.pos += 8;
      break;
    case VT.BOOLEAN: {
      if (len !== 2) throw bad();
      const b = r.u8(name) !== 0;
      // The checksum reads a boolean as 0/1 whatever the wire byte (semantics spec §11.3).
      r.crc = crcByte(crcByte(r.crc, VT.BOOLEAN), b ? 1 : 0);
      return { type: 'BOOLEAN', value: b };
    }
    case VT.STRING:
    case VT.BLOB: {
      const n = r.u32(name);
      if (n !== len - 5) throw bad();
      r.need(n, name);
      value = type === VT.STRING ? { type: 'STRING', value: r.buf.toString('utf8', r.pos, r.pos + n) } : { type: 'BINARY', value: Buffer.from(r.buf.subarray(r.pos, r.pos + n)) };
      r.pos += n;
      break;
    }
    default:
      throw bad();
  }
  r.crc = crcBytes(r.crc, r.buf, start, r.pos);
  return value;
}

/**
 * A name reader remembering the names last read at each cell position of a row, with their bytes: rows of one
 * response name the same columns in the same places, so a name whose bytes match is the same string
 * [performance: decoding five names a row was a fifth of a 1,000-row page's decode]. Each decoder keeps its own
 * (this module's for responses, the emulator's for requests and stored rows), so that an emulator running in
 * the client's process doesn't evict the client's names, nor the client the emulator's.
 */
export function nameReader(): (buf: Buffer, start: number, end: number, slot: number) => string {
  const slotNames: string[] = [];
  const slotBytes: Buffer[] = [];
  return (buf, start, end, slot) => {
    if (slot >= NAME_SLOTS || end - start > 64) return buf.toString('utf8', start, end);
    const known = slotBytes[slot];
    const n = end - start;
    if (known !== undefined && known.length === n) {
      let i = 0;
      while (i < n && known[i] === buf[start + i]) i++;
      if (i === n) return slotNames[slot];
    }
    const name = buf.toString('utf8', start, end);
    slotNames[slot] = name;
    slotBytes[slot] = Buffer.from(buf.subarray(start, end));
    return name;
  };
}

const NAME_SLOTS = 32;
const readName = nameReader();

/** Reads the cell at position `slot` of its row; its checksum is left in `r.crc` (see readValue). */
function readCell(r: Reader, isKey: boolean, slot: number): PlainBufferCell {
  r.expect(Tag.CELL, 'a cell');
  r.expect(Tag.CELL_NAME, 'a cell name');
  const nameLength = r.u32('a cell name');
  r.need(nameLength, 'a cell name');
  const name = readName(r.buf, r.pos, r.pos + nameLength, slot);
  r.crc = crcBytes(0, r.buf, r.pos, r.pos + nameLength);
  r.pos += nameLength;
  const cell: PlainBufferCell = { name, value: undefined, op: undefined, timestampMillis: undefined };
  if (r.peek() === Tag.CELL_VALUE) {
    r.pos++;
    cell.value = readValue(r, name);
  } else if (isKey) {
    throw new PlainBufferError(`PlainBuffer: primary-key column ${name} has no value`);
  }
  if (r.peek() === Tag.CELL_TYPE) {
    r.pos++;
    cell.op = r.u8(`the cell type of ${name}`);
  }
  if (r.peek() === Tag.CELL_TIMESTAMP) {
    r.pos++;
    r.need(8, `the timestamp of ${name}`);
    r.crc = crcBytes(r.crc, r.buf, r.pos, r.pos + 8);
    cell.timestampMillis = r.i64(name);
  }
  // The op byte precedes the timestamp on the wire but follows it in the checksum (semantics spec §11.3).
  if (cell.op !== undefined) r.crc = crcByte(r.crc, cell.op);
  r.expect(Tag.CELL_CHECKSUM, `the checksum of ${name}`);
  const got = r.u8(`the checksum of ${name}`);
  if (got !== r.crc) throw new PlainBufferError(`PlainBuffer: checksum mismatch in column ${name} (expected ${r.crc}, found ${got})`);
  return cell;
}

function readExtension(r: Reader): SequenceInfo | undefined {
  const length = r.u32('the extension');
  r.need(length, 'the extension');
  const end = r.pos + length;
  let sequence: SequenceInfo | undefined;
  // Only the sequence info is known; any other extension is skipped by its length (forward compatible).
  if (r.peek() === Tag.SEQ_INFO) {
    r.pos++;
    const seqLength = r.u32('the sequence info');
    const seqEnd = r.pos + seqLength;
    r.expect(Tag.SEQ_INFO_EPOCH, 'the sequence epoch');
    const epoch = r.u32('the sequence epoch');
    r.expect(Tag.SEQ_INFO_TS, 'the sequence timestamp');
    const timestampMicros = r.i64('the sequence timestamp');
    r.expect(Tag.SEQ_INFO_ROW_INDEX, 'the sequence row index');
    const rowIndex = r.u32('the sequence row index');
    if (r.pos !== seqEnd) throw new PlainBufferError(`PlainBuffer: sequence info of length ${seqLength} holds ${seqLength - (seqEnd - r.pos)} bytes`);
    sequence = { epoch, timestampMicros, rowIndex };
  }
  r.pos = end;
  return sequence;
}

/**
 * Reads a PlainBuffer holding exactly one row (a stream record, streams spec §2.5): header, key, cells, delete
 * marker, extension, checksum. Throws a {@link PlainBufferError} naming what is wrong.
 */
export function readPlainBufferRow(bytes: Uint8Array): PlainBufferRow {
  const r = headerReader(bytes);
  const row = readRow(r);
  if (r.pos !== r.buf.length) throw new PlainBufferError(`PlainBuffer: ${r.buf.length - r.pos} bytes after the row: a record holds exactly one row`);
  return row;
}

/**
 * Reads a PlainBuffer holding any number of rows after one header (GetRange's `rows`, semantics spec §11.3);
 * an empty buffer holds none.
 */
export function readPlainBufferRows(bytes: Uint8Array): PlainBufferRow[] {
  if (bytes.length === 0) return [];
  const r = headerReader(bytes);
  const rows: PlainBufferRow[] = [];
  while (r.pos < r.buf.length) rows.push(readRow(r));
  return rows;
}

function headerReader(bytes: Uint8Array): Reader {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 4 || buf.readUInt32LE(0) !== Tag.HEADER) throw new PlainBufferError('PlainBuffer: no 0x75 header');
  const r = new Reader(buf);
  r.pos = 4;
  return r;
}

function readRow(r: Reader): PlainBufferRow {
  r.expect(Tag.PK, 'the primary-key tag');
  const row: PlainBufferRow = { primaryKey: [], cells: [], deleteMarker: false, sequence: undefined };
  let rowCrc = 0;
  while (r.peek() === Tag.CELL) {
    row.primaryKey.push(readCell(r, true, row.primaryKey.length));
    rowCrc = crcByte(rowCrc, r.crc);
  }
  if (row.primaryKey.length === 0) throw new PlainBufferError('PlainBuffer: the row has an empty primary key');
  if (r.peek() === Tag.ATTR) {
    r.pos++;
    while (r.peek() === Tag.CELL) {
      row.cells.push(readCell(r, false, row.primaryKey.length + row.cells.length));
      rowCrc = crcByte(rowCrc, r.crc);
    }
  }
  if (r.peek() === Tag.DELETE_MARKER) {
    r.pos++;
    row.deleteMarker = true;
  }
  // The extension sits outside the row checksum (streams spec §2.5).
  if (r.peek() === Tag.EXTENSION) {
    r.pos++;
    row.sequence = readExtension(r);
  }
  r.expect(Tag.ROW_CHECKSUM, 'the row checksum');
  const got = r.u8('the row checksum');
  rowCrc = crcByte(rowCrc, row.deleteMarker ? 1 : 0);
  if (got !== rowCrc) throw new PlainBufferError(`PlainBuffer: row checksum mismatch (expected ${rowCrc}, found ${got})`);
  return row;
}

/**
 * A PlainBuffer writer (semantics spec §11.3): the wire layout and checksums only. What to write (keys,
 * columns, update ops, sentinels) is decided by `wire/row-codec.ts`, which mirrors the SDK's
 * `plian_buffer_builder.js` call for call so that the bytes are the SDK's.
 *
 * [performance] A BatchWriteRow writes every cell of every row through here, so each method makes room once
 * and stores its bytes directly; names and strings that are all ASCII (nearly every name and most values) are
 * copied and checksummed in one pass, without `Buffer.byteLength` and `buf.write` (native calls that cost more
 * than the copy for short strings); an int64 is written from its exact value, without an 8-byte buffer of its
 * own. A writer can also continue another writer's buffer (`adopt`), so that a batch's rows are written
 * straight into its protobuf request (`row-codec.ts`).
 */
export class PlainBufferWriter extends GrowableBuffer {
  constructor(size = 128) {
    super(size);
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  u32(v: number): void {
    this.ensure(4);
    putU32(this.buf, this.pos, v);
    this.pos += 4;
  }

  header(): void {
    this.u32(Tag.HEADER);
  }

  /** `TAG_CELL_NAME`, length, UTF-8 bytes; returns the cell checksum over the name. */
  cellName(name: string): number {
    const n = name.length;
    this.ensure(5 + n);
    const at = this.pos;
    const crc = asciiCopy(this.buf, at + 5, name, 0);
    if (crc < 0) return this.cellNameUtf8(name);
    this.buf[at] = Tag.CELL_NAME;
    putU32(this.buf, at + 1, n);
    this.pos = at + 5 + n;
    return crc;
  }

  private cellNameUtf8(name: string): number {
    const n = Buffer.byteLength(name);
    this.byte(Tag.CELL_NAME);
    this.u32(n);
    this.ensure(n);
    this.buf.write(name, this.pos, n, 'utf8');
    const crc = crcBytes(0, this.buf, this.pos, this.pos + n);
    this.pos += n;
    return crc;
  }

  /** A value cell holding only its type byte: INF_MIN (0x09), INF_MAX (0x0a), the auto-increment placeholder (0x0b). */
  sentinel(type: number, crc: number): number {
    this.ensure(6);
    const at = this.pos;
    this.buf[at] = Tag.CELL_VALUE;
    putU32(this.buf, at + 1, 1);
    this.buf[at + 5] = type;
    this.pos = at + 6;
    return crcByte(crc, type);
  }

  /** An INTEGER from its exact value (signed 64-bit). */
  int64Value(value: bigint, crc: number): number {
    const at = this.valueHead(VT.INTEGER, 9);
    putInt64(this.buf, at, value);
    return this.endValue8(VT.INTEGER, at, crc);
  }

  double(value: number, crc: number): number {
    const at = this.valueHead(VT.DOUBLE, 9);
    this.buf.writeDoubleLE(value, at);
    return this.endValue8(VT.DOUBLE, at, crc);
  }

  bool(value: boolean, crc: number): number {
    const at = this.valueHead(VT.BOOLEAN, 2);
    this.buf[at] = value ? 1 : 0;
    this.pos = at + 1;
    return crcByte(crcByte(crc, VT.BOOLEAN), value ? 1 : 0);
  }

  /** A STRING (UTF-8) or a BLOB. */
  bytesValue(type: VT.STRING | VT.BLOB, value: string | Uint8Array, crc: number): number {
    if (typeof value === 'string') {
      // All ASCII: its length is its byte length; copied and checksummed at once, after the 10 bytes of head.
      const n = value.length;
      this.ensure(10 + n);
      const at = this.pos;
      const body = asciiCopy(this.buf, at + 10, value, stringHeadCrc(crc, type, n));
      if (body >= 0) {
        this.writeBytesHead(at, type, n);
        this.pos = at + 10 + n;
        return body;
      }
    }
    const n = typeof value === 'string' ? Buffer.byteLength(value) : value.length;
    this.ensure(10 + n);
    const at = this.pos;
    this.writeBytesHead(at, type, n);
    if (typeof value === 'string') this.buf.write(value, at + 10, n, 'utf8');
    else this.buf.set(value, at + 10);
    this.pos = at + 10 + n;
    return crcBytes(stringHeadCrc(crc, type, n), this.buf, at + 10, at + 10 + n);
  }

  /** `TAG_CELL_TIMESTAMP` and the ms as int64; returns the checksum with them. */
  timestamp(value: bigint, crc: number): number {
    this.ensure(9);
    const at = this.pos;
    this.buf[at] = Tag.CELL_TIMESTAMP;
    putInt64(this.buf, at + 1, value);
    this.pos = at + 9;
    return crcBytes(crc, this.buf, at + 1, at + 9);
  }

  /** `TAG_CELL_TYPE` and the op byte (not in the checksum here: the op follows the timestamp in it, §11.3). */
  cellType(op: number): void {
    this.ensure(2);
    this.buf[this.pos++] = Tag.CELL_TYPE;
    this.buf[this.pos++] = op;
  }

  /** `TAG_CELL_CHECKSUM` and the cell checksum; returns the row checksum folded with it. */
  endCell(cellCrc: number, rowCrc: number): number {
    this.ensure(2);
    this.buf[this.pos++] = Tag.CELL_CHECKSUM;
    this.buf[this.pos++] = cellCrc;
    return crcByte(rowCrc, cellCrc);
  }

  /** `TAG_CELL_VALUE`, the value's length and its type byte; returns where the value's bytes go (room made). */
  private valueHead(type: number, length: number): number {
    this.ensure(5 + length);
    const at = this.pos;
    this.buf[at] = Tag.CELL_VALUE;
    putU32(this.buf, at + 1, length);
    this.buf[at + 5] = type;
    return at + 6;
  }

  /** After the 8 bytes of an INTEGER or DOUBLE written at `at`: the checksum with the type byte and them. */
  private endValue8(type: number, at: number, crc: number): number {
    this.pos = at + 8;
    return crcBytes(crcByte(crc, type), this.buf, at, at + 8);
  }

  private writeBytesHead(at: number, type: number, n: number): void {
    this.buf[at] = Tag.CELL_VALUE;
    putU32(this.buf, at + 1, n + 5);
    this.buf[at + 5] = type;
    putU32(this.buf, at + 6, n);
  }
}

/** `v` as 4 little-endian bytes at `at` [performance: byte stores, not a Buffer method call]. */
export function putU32(buf: Buffer, at: number, v: number): void {
  buf[at] = v & 0xff;
  buf[at + 1] = (v >>> 8) & 0xff;
  buf[at + 2] = (v >>> 16) & 0xff;
  buf[at + 3] = (v >>> 24) & 0xff;
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * `value` as 8 little-endian bytes (two's complement). [performance] Within ±(2^53-1) (counts, ms, most
 * keys) through a number: Buffer's writeBigInt64LE takes four BigInt operations, each a heap allocation.
 */
function putInt64(buf: Buffer, at: number, value: bigint): void {
  if (value < MIN_SAFE || value > MAX_SAFE) {
    buf.writeBigInt64LE(value, at);
    return;
  }
  const n = Number(value);
  putU32(buf, at, n >>> 0);
  putU32(buf, at + 4, Math.floor(n / 4294967296));
}

/** The checksum of a STRING/BLOB value's head: its type byte and its 4 length bytes (semantics spec §11.3). */
function stringHeadCrc(crc: number, type: number, n: number): number {
  crc = crcByte(crc, type);
  for (let i = 0; i < 4; i++) crc = crcByte(crc, (n >>> (i * 8)) & 0xff);
  return crc;
}

/**
 * Copies `s` into `buf` at `at` and folds its bytes into `crc`, if it is all ASCII (one byte a character, room
 * made by the caller); -1 at the first other character, the bytes copied so far being garbage the caller
 * overwrites.
 */
export function asciiCopy(buf: Buffer, at: number, s: string, crc: number): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return -1;
    buf[at + i] = c;
    crc = CRC_TABLE[crc ^ c];
  }
  return crc;
}
