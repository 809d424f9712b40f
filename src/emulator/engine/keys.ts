/**
 * Order-preserving binary keys for the ordered store (spec §2.1–2.2): a table's rows sort by their primary
 * key, column by column. Each PK column is encoded as a marker byte (0x01 INF_MIN, 0x02 a value, 0x03
 * INF_MAX) followed, for values, by:
 *   INTEGER  8 bytes big-endian with the sign bit flipped (signed order);
 *   STRING / BINARY  the bytes with 0x00 escaped as 0x00 0xFF, closed by 0x00 0x00 (unsigned byte order,
 *   a prefix sorting first).
 * The marker makes INF_MIN/INF_MAX range bounds exact without knowing the following columns.
 */
import { type Value, VT } from '../model/value';
import { type Cell } from '../model/row';

const MARK_MIN = 0x01;
const MARK_VALUE = 0x02;
const MARK_MAX = 0x03;

/** Key-space prefixes in the store. */
export const enum Space {
  META = 0x4d, // 'M' + table name → table meta (JSON)
  ROW = 0x52, // 'R' + u32 table id + encoded PK → stored row (PlainBuffer)
  AUTO = 0x41, // 'A' + u32 table id → last auto-increment value (int64)
  COUNTER = 0x43, // 'C' → next table id
  STREAM = 0x53, // 'S' + u32 table id → next sequence number; + u64 seq → a stream record (stream/log.ts)
  SEARCH_INDEX = 0x58, // 'X' + table name + 0x00 + index name → a search index definition (search/catalog.ts)
}

/** A table's key in one key space: the space byte, then the u32 table id. */
export function tableSpaceKey(space: Space, tableId: number): Buffer {
  const b = Buffer.allocUnsafe(5);
  b[0] = space;
  b.writeUInt32BE(tableId, 1);
  return b;
}

/** The stream log's keys of one table: `S<u32 table id>`, the counter, then `S<u32 table id><u64 seq>`. */
export function streamPrefix(tableId: number): Buffer {
  return tableSpaceKey(Space.STREAM, tableId);
}

export function tablePrefix(tableId: number): Buffer {
  return tableSpaceKey(Space.ROW, tableId);
}

/** The first key after every key that starts with `prefix`. */
export function prefixEnd(prefix: Buffer): Buffer {
  const b = Buffer.from(prefix);
  for (let i = b.length - 1; i >= 0; i--) {
    if (b[i] !== 0xff) {
      b[i]++;
      return b.subarray(0, i + 1);
    }
  }
  return Buffer.concat([prefix, Buffer.from([0xff])]);
}

function escapedLength(v: Buffer): number {
  let n = v.length + 2;
  for (let i = 0; i < v.length; i++) if (v[i] === 0) n++;
  return n;
}

function valueLength(v: Value): number {
  switch (v.t) {
    case VT.INTEGER:
      return 9;
    case VT.STRING:
    case VT.BLOB:
      return 1 + escapedLength(v.v);
    default:
      return 1;
  }
}

/** Encodes PK cells (already validated against the schema) after a table prefix. */
export function encodeKey(prefix: Buffer, pk: Cell[]): Buffer {
  const out = Buffer.allocUnsafe(prefix.length + keyLength(pk));
  prefix.copy(out, 0);
  writeKey(out, prefix.length, pk);
  return out;
}

function keyLength(pk: Cell[]): number {
  let size = 0;
  for (const c of pk) size += valueLength(c.value!);
  return size;
}

function writeKey(out: Buffer, p: number, pk: Cell[]): void {
  for (const c of pk) {
    const v = c.value!;
    switch (v.t) {
      case VT.INF_MIN:
        out[p++] = MARK_MIN;
        break;
      case VT.INF_MAX:
        out[p++] = MARK_MAX;
        break;
      case VT.INTEGER:
        out[p++] = MARK_VALUE;
        // the two's complement big-endian with the sign bit flipped, i.e. (v + 2^63) unsigned: order-preserving
        out.writeBigInt64BE(v.v, p);
        out[p] ^= 0x80;
        p += 8;
        break;
      case VT.STRING:
      case VT.BLOB: {
        out[p++] = MARK_VALUE;
        const b = v.v;
        for (let i = 0; i < b.length; i++) {
          out[p++] = b[i];
          if (b[i] === 0) out[p++] = 0xff;
        }
        out[p++] = 0;
        out[p++] = 0;
        break;
      }
      default:
        throw new Error(`unencodable primary-key value type ${v.t}`);
    }
  }
}

/**
 * A table's row key: its row-space prefix (tablePrefix), then the encoded primary key. [performance] One
 * allocation: every row a write touches makes its key here.
 */
export function rowKey(table: { id: number }, pk: Cell[]): Buffer {
  const out = Buffer.allocUnsafe(5 + keyLength(pk));
  out[0] = Space.ROW;
  out.writeUInt32BE(table.id, 1);
  writeKey(out, 5, pk);
  return out;
}
