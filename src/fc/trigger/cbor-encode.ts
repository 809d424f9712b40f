/**
 * RawChangeEvent → the CBOR bytes of an FC TableStore trigger event (streams spec §3.2): what the local trigger
 * delivery (`tsorm/testing`, `tsorm dev`, `tsorm invoke --stream`) sends to a handler. Kept apart from the
 * reader in `cbor.ts`: a deployed handler only reads events, and FC cold starts pay for every module bundled.
 */
import type { RawChangeEvent, RawChangeValue } from '../../client/changes';
import { TriggerEventError } from '../errors';
import { INT64_MAX, INT64_MIN } from './cbor';

class CborWriter {
  private buf = Buffer.allocUnsafe(512);
  private pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** An item head with the shortest argument (RFC 8949 §4.2.1). */
  head(major: number, arg: number | bigint): void {
    this.ensure(9);
    const m = major << 5;
    const buf = this.buf;
    if (typeof arg === 'number' && arg < 24) {
      buf[this.pos++] = m | arg;
    } else if (typeof arg === 'number' && arg < 0x100) {
      buf[this.pos++] = m | 24;
      buf[this.pos++] = arg;
    } else if (typeof arg === 'number' && arg < 0x10000) {
      buf[this.pos++] = m | 25;
      buf.writeUInt16BE(arg, this.pos);
      this.pos += 2;
    } else if (typeof arg === 'number' && arg < 0x100000000) {
      buf[this.pos++] = m | 26;
      buf.writeUInt32BE(arg, this.pos);
      this.pos += 4;
    } else {
      const big = BigInt(arg);
      if (big < 0x100000000n) return this.head(major, Number(big));
      buf[this.pos++] = m | 27;
      buf.writeBigUInt64BE(big, this.pos);
      this.pos += 8;
    }
  }

  integer(v: bigint, path: string): void {
    if (v < INT64_MIN || v > INT64_MAX) throw new TriggerEventError(`integer ${v} is outside the int64 range [-2^63, 2^63-1]`, { path });
    if (v >= 0n) this.head(0, v <= 0xffffffffn ? Number(v) : v);
    else this.head(1, -1n - v);
  }

  text(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    this.head(3, n);
    this.ensure(n);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  bytes(b: Buffer): void {
    this.head(2, b.length);
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }

  float64(v: number): void {
    this.ensure(9);
    this.buf[this.pos++] = 0xfb;
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }

  simple(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  value(v: RawChangeValue, path: string): void {
    switch (v.type) {
      case 'INTEGER':
        return this.integer(v.value, path);
      // Every DOUBLE as float64, so 1.0 stays a float on the wire (§3.2) [inferred for the service].
      case 'DOUBLE':
        return this.float64(v.value);
      case 'BOOLEAN':
        return this.simple(v.value ? 0xf5 : 0xf4);
      case 'STRING':
        return this.text(v.value);
      case 'BINARY':
        return this.bytes(v.value);
      default:
        throw new TriggerEventError(`unknown value type ${String((v as { type?: unknown }).type)}`, { path });
    }
  }

  result(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

/**
 * Encodes an event as the trigger sends it (spec §3.2): definite-length maps with text keys in the doc's order
 * (`Version`, `Records`; `Type`, `Info`, `PrimaryKey`, `Columns`; `Type`, `ColumnName`, `Value`, `Timestamp`),
 * absent keys left out, shortest integers, float64 for every DOUBLE, byte strings for BINARY.
 */
export function encodeTriggerEvent(event: RawChangeEvent): Buffer {
  const w = new CborWriter();
  w.head(5, 2);
  w.text('Version');
  w.text(event.version);
  w.text('Records');
  w.head(4, event.records.length);
  event.records.forEach((record, i) => {
    const path = `Records[${i}]`;
    w.head(5, 4);
    w.text('Type');
    w.text(record.type);
    w.text('Info');
    w.head(5, 1);
    w.text('Timestamp');
    w.integer(record.timestampMicros, `${path}.Info.Timestamp`);
    w.text('PrimaryKey');
    w.head(4, record.primaryKey.length);
    record.primaryKey.forEach((cell, j) => {
      w.head(5, 2);
      w.text('ColumnName');
      w.text(cell.name);
      w.text('Value');
      w.value(cell.value, `${path}.PrimaryKey[${j}].Value`);
    });
    w.text('Columns');
    w.head(4, record.columns.length);
    record.columns.forEach((column, j) => {
      const at = `${path}.Columns[${j}]`;
      const hasValue = column.op === 'Put';
      const hasTimestamp = column.op !== 'DeleteAllVersions' && column.timestampMillis !== undefined;
      w.head(5, 2 + (hasValue ? 1 : 0) + (hasTimestamp ? 1 : 0));
      w.text('Type');
      w.text(column.op);
      w.text('ColumnName');
      w.text(column.name);
      if (column.op === 'Put') {
        w.text('Value');
        w.value(column.value, `${at}.Value`);
      }
      if (hasTimestamp) {
        w.text('Timestamp');
        w.integer((column as { timestampMillis: bigint }).timestampMillis, `${at}.Timestamp`);
      }
    });
  });
  return w.result();
}
