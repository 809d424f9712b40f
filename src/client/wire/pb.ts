/**
 * The protobuf wire format (proto2), as small as the generated messages of `proto.gen.ts` need: varints,
 * 64-bit integers, doubles, strings, bytes and nested messages. No protobufjs at run time.
 *
 * Byte-identity with the SDK's protobufjs 6 encoder: a negative int32 (or enum) is a 10-byte varint, as
 * protobufjs writes it; int64 values are two's-complement varints.
 */

/** An int64 the encoder accepts: a JS number, a bigint, or anything whose `toString()` is the decimal value (Long, Int64LE). */
export type Int64Input = number | bigint | string | { toString(): string };

/** A byte buffer that grows as it is written: the base of the protobuf and PlainBuffer writers. */
export class GrowableBuffer {
  buf: Buffer;
  pos = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  protected ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /**
   * Continues writing where `other` stopped, in its buffer; `other.adopt(this)` hands the (maybe grown) buffer
   * back. One buffer for two formats: a BatchWriteRow's PlainBuffer rows are written straight into its
   * protobuf request, without a buffer of their own and a copy.
   */
  adopt(other: GrowableBuffer): void {
    this.buf = other.buf;
    this.pos = other.pos;
  }

  /** The bytes written (a view on the buffer). */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

export class PbWriter extends GrowableBuffer {
  constructor(size = 256) {
    super(size);
  }

  tag(t: number): void {
    this.uint32(t);
  }

  uint32(v: number): void {
    this.ensure(5);
    v >>>= 0;
    while (v > 0x7f) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.pos++] = v;
  }

  int32(v: number): void {
    if (v < 0) this.int64(v);
    else this.uint32(v);
  }

  int64(v: Int64Input): void {
    let n = BigInt.asUintN(64, toBigInt(v));
    this.ensure(10);
    while (n > 0x7fn) {
      this.buf[this.pos++] = Number(n & 0x7fn) | 0x80;
      n >>= 7n;
    }
    this.buf[this.pos++] = Number(n);
  }

  bool(v: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  double(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  float(v: number): void {
    this.ensure(4);
    this.buf.writeFloatLE(v, this.pos);
    this.pos += 4;
  }

  string(v: string): void {
    const n = Buffer.byteLength(v);
    this.uint32(n);
    this.ensure(n);
    this.buf.write(v, this.pos, n, 'utf8');
    this.pos += n;
  }

  bytes(v: Uint8Array): void {
    this.uint32(v.length);
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }

  /**
   * A nested message, written in place: its length is reserved as one byte and the body encoded straight into
   * this buffer; a body of 128 bytes or more is then moved up by the bytes its length varint needs beyond the
   * one. [performance] A sub-writer per nested message (an allocation and a copy of every nested body, once per
   * level) cost about a tenth of a 100-row BatchWriteRow's encoding, which nests a message per row and a
   * condition in each; the bytes are the same (the length is the minimal varint either way).
   */
  message<T>(v: T, encode: (m: T, w: PbWriter) => PbWriter): void {
    const at = this.reserveLength();
    encode(v, this);
    this.endLength(at);
  }

  /** Reserves the one-byte length of a length-delimited field whose body follows; see {@link endLength}. */
  reserveLength(): number {
    this.ensure(1);
    return this.pos++;
  }

  /**
   * Writes the length of the body written since `reserveLength()` returned `at`: at least `minLength` bytes,
   * the body zero-padded up to it. Moves the body up when its length varint needs more than the reserved byte.
   */
  endLength(at: number, minLength = 0): void {
    if (this.pos - at - 1 < minLength) {
      const pad = minLength - (this.pos - at - 1);
      this.ensure(pad);
      this.buf.fill(0, this.pos, this.pos + pad);
      this.pos += pad;
    }
    let n = this.pos - at - 1;
    if (n < 0x80) {
      this.buf[at] = n;
      return;
    }
    const extra = varintSize(n) - 1;
    this.ensure(extra);
    this.buf.copyWithin(at + 1 + extra, at + 1, this.pos);
    this.pos += extra;
    while (n > 0x7f) {
      this.buf[at++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.buf[at] = n;
  }
}

function varintSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

function toBigInt(v: Int64Input): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new RangeError(`protobuf: int64 value ${v} is not a finite number`);
    return BigInt(Math.trunc(v));
  }
  return BigInt(String(v));
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** An int64 beyond 2^53 in a decoded message: the `Long` surface the SDK's results have (exact `toString()`). */
export class ProtoLong {
  readonly __isLong__ = true;
  constructor(readonly value: bigint) {}
  get low(): number {
    return Number(BigInt.asIntN(32, this.value));
  }
  get high(): number {
    return Number(BigInt.asIntN(32, this.value >> 32n));
  }
  toNumber(): number {
    return Number(this.value);
  }
  toString(): string {
    return this.value.toString();
  }
}

/** A malformed protobuf message. */
class PbError extends Error {
  override name = 'PbError';
}

export class PbReader {
  pos = 0;
  readonly end: number;

  constructor(readonly buf: Buffer) {
    this.end = buf.length;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new PbError(`protobuf: message ends inside a field (at byte ${this.pos})`);
  }

  uint32(): number {
    let v = 0;
    let shift = 0;
    for (;;) {
      this.need(1);
      const b = this.buf[this.pos++];
      if (shift < 32) v |= (b & 0x7f) << shift;
      if (b < 0x80) return v >>> 0;
      shift += 7;
      if (shift > 63) throw new PbError('protobuf: varint longer than 10 bytes');
    }
  }

  int32(): number {
    return this.uint32() | 0;
  }

  int64(): bigint {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      this.need(1);
      const b = this.buf[this.pos++];
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asIntN(64, v);
      shift += 7n;
      if (shift > 63n) throw new PbError('protobuf: varint longer than 10 bytes');
    }
  }

  /**
   * An int64 field of a decoded message, as the SDK's results carry it: a number when it is a safe integer
   * (every count, size and time in ms or s), else a {@link ProtoLong} that keeps the exact value (a time in
   * ns). protobufjs gives a `Long` for both; what tsorm reads of them (`sdkNumber`, `Number`, `String`,
   * `toNumber()`) means the same on either [decision].
   */
  long(): number | ProtoLong {
    const v = this.int64();
    return v >= MIN_SAFE && v <= MAX_SAFE ? Number(v) : new ProtoLong(v);
  }

  bool(): boolean {
    return this.uint32() !== 0;
  }

  double(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  float(): number {
    this.need(4);
    const v = this.buf.readFloatLE(this.pos);
    this.pos += 4;
    return v;
  }

  bytes(): Buffer {
    const n = this.uint32();
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  string(): string {
    const n = this.uint32();
    this.need(n);
    const v = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  message<T>(decode: (r: PbReader, end: number) => T): T {
    const n = this.uint32();
    this.need(n);
    const end = this.pos + n;
    const m = decode(this, end);
    if (this.pos !== end) throw new PbError(`protobuf: nested message overruns its length (at byte ${this.pos})`);
    return m;
  }

  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.int64();
        return;
      case 1:
        this.need(8);
        this.pos += 8;
        return;
      case 2: {
        const n = this.uint32();
        this.need(n);
        this.pos += n;
        return;
      }
      case 5:
        this.need(4);
        this.pos += 4;
        return;
      default:
        throw new PbError(`protobuf: unsupported wire type ${wireType} (at byte ${this.pos})`);
    }
  }

  required(m: object, names: string[], message: string): void {
    for (const n of names) this.requireField((m as Record<string, unknown>)[n], n, message);
  }

  /** Throws unless the required field `name` of `message` was read (`value` defined). */
  requireField(value: unknown, name: string, message: string): void {
    if (value === undefined) throw new PbError(`protobuf: ${message} lacks the required field ${name}`);
  }
}
