/**
 * The FC TableStore trigger's event (streams spec §3.1) ⇄ bytes, without losing a TableStore type.
 *
 * Why our own CBOR reader: the `cbor` package the official samples use returns `1` for the double 1.0 and a
 * `number` or a `bigint` for an INTEGER depending on its size (spec §3.2, §3.4), so a whole DOUBLE and an
 * INTEGER cannot be told apart afterwards. Reading the major types ourselves keeps them: major 0/1 → INTEGER
 * (`bigint`, whatever its size), major 7 floats → DOUBLE, major 2 → BINARY, major 3 → STRING, 0xF4/0xF5 →
 * BOOLEAN. Only the few item kinds an event uses are needed, which keeps this short.
 *
 * Reading is two steps: bytes → plain items (`bigint` for integers, `number` for floats: the distinction
 * survives), then one shape check (§3.1) that also serves JSON test events and events given as objects.
 */
import type { RawChange, RawChangeColumn, RawChangeEvent, RawChangeValue } from '../../client/changes';
import { TriggerEventError } from '../errors';

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;
/** Deeper nesting than any event has (§3.1 is 5 levels deep): refuse it rather than overflow the stack. */
const MAX_DEPTH = 64;

/** A decoded CBOR (or JSON) item: integers stay `bigint`, floats `number`. */
type Item = bigint | number | string | boolean | Buffer | null | Item[] | { [key: string]: Item };

// ---------------------------------------------------------------------------------------------------------
// CBOR → items (RFC 8949)

class CborReader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}

  fail(rule: string, at = this.pos): never {
    throw new TriggerEventError(rule, { position: at });
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.buf.length) this.fail(`the event ends inside ${what} (needs ${n} more bytes, ${this.buf.length - this.pos} left)`);
  }

  /** The argument of an initial byte (RFC 8949 §3): a number, or a bigint when it needs 64 bits. */
  private argument(info: number, start: number): number | bigint {
    if (info < 24) return info;
    const buf = this.buf;
    switch (info) {
      case 24:
        this.need(1, 'an item head');
        return buf[this.pos++];
      case 25:
        this.need(2, 'an item head');
        this.pos += 2;
        return buf.readUInt16BE(this.pos - 2);
      case 26:
        this.need(4, 'an item head');
        this.pos += 4;
        return buf.readUInt32BE(this.pos - 4);
      case 27: {
        this.need(8, 'an item head');
        const at = this.pos;
        this.pos += 8;
        // [performance] Timestamps need 8 bytes but fit a number: no bigint on the way.
        const high = buf.readUInt32BE(at);
        if (high < 0x200000) return high * 0x100000000 + buf.readUInt32BE(at + 4);
        return buf.readBigUInt64BE(at);
      }
      default:
        return this.fail(`additional information ${info} is reserved (RFC 8949 §3)`, start);
    }
  }

  private length(info: number, start: number, what: string): number {
    const n = this.argument(info, start);
    if (typeof n === 'bigint' || n > this.buf.length) this.fail(`${what} of length ${n} is longer than the event`, start);
    return n as number;
  }

  private bytes(major: 2 | 3, info: number, start: number): Buffer | string {
    const what = major === 2 ? 'a byte string' : 'a text string';
    if (info === 31) {
      // Indefinite length: definite chunks of the same major type up to the 0xFF break (RFC 8949 §3.2.3).
      const chunks: Buffer[] = [];
      for (;;) {
        this.need(1, `indefinite ${what}`);
        const b = this.buf[this.pos];
        if (b === 0xff) {
          this.pos++;
          break;
        }
        const chunkStart = this.pos++;
        if (b >> 5 !== major || (b & 31) === 31) this.fail(`a chunk of indefinite ${what} must be a definite ${what} (found initial byte 0x${hex(b)})`, chunkStart);
        const n = this.length(b & 31, chunkStart, what);
        this.need(n, what);
        chunks.push(this.buf.subarray(this.pos, this.pos + n));
        this.pos += n;
      }
      const all = Buffer.concat(chunks);
      return major === 2 ? all : this.text(all, 0, all.length, start);
    }
    const n = this.length(info, start, what);
    this.need(n, what);
    const begin = this.pos;
    this.pos += n;
    // A copy for BINARY: the handler may keep the value after FC reuses the event's memory.
    return major === 2 ? Buffer.from(this.buf.subarray(begin, begin + n)) : this.text(this.buf, begin, begin + n, start);
  }

  private text(buf: Buffer, begin: number, end: number, start: number): string {
    // [performance] The event's keys and type names come back as the same (internalized) string constants:
    // no decoding, and property lookups with them need no hashing of a fresh string.
    const n = end - begin;
    if (n > 0 && n <= 17) {
      const known = KNOWN_TEXT.get((n << 16) | (buf[begin] << 8) | buf[end - 1]);
      if (known !== undefined && buf.compare(known.bytes, 0, n, begin, end) === 0) return known.text;
    }
    const s = buf.toString('utf8', begin, end);
    // A replacement character that was not in the bytes means invalid UTF-8 (RFC 8949 §3.1, major 3).
    if (s.includes('\ufffd') && !buf.subarray(begin, end).includes(REPLACEMENT)) this.fail('a text string is not valid UTF-8', start);
    return s;
  }

  item(depth = 0): Item {
    if (depth > MAX_DEPTH) this.fail(`items nested deeper than ${MAX_DEPTH} levels`);
    this.need(1, 'an item');
    const start = this.pos;
    const initial = this.buf[this.pos++];
    const major = initial >> 5;
    const info = initial & 31;
    switch (major) {
      case 0:
      case 1: {
        if (info === 31) this.fail(`an integer cannot have indefinite length (initial byte 0x${hex(initial)})`, start);
        const arg = this.argument(info, start);
        if (major === 0) return BigInt(arg);
        return -1n - BigInt(arg);
      }
      case 2:
      case 3:
        return this.bytes(major, info, start);
      case 4: {
        const out: Item[] = [];
        if (info === 31) {
          while (!this.isBreak()) out.push(this.item(depth + 1));
        } else {
          const n = this.length(info, start, 'an array');
          for (let i = 0; i < n; i++) out.push(this.item(depth + 1));
        }
        return out;
      }
      case 5: {
        const out: { [key: string]: Item } = {};
        const indefinite = info === 31;
        const n = indefinite ? Infinity : this.length(info, start, 'a map');
        for (let i = 0; i < n && !(indefinite && this.isBreak()); i++) {
          const keyAt = this.pos;
          const key = this.item(depth + 1);
          if (typeof key !== 'string') this.fail(`a map key must be a text string (§3.2), found ${kindOf(key)}`, keyAt);
          if (Object.prototype.hasOwnProperty.call(out, key)) this.fail(`duplicate map key ${JSON.stringify(key)}`, keyAt);
          const value = this.item(depth + 1);
          if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
          else out[key] = value;
        }
        return out;
      }
      case 6: {
        // Tags: 2/3 are bignums (what `cbor.encode` makes of a bigint, §3.2), read as INTEGER; any other tag
        // is ignored and its content read as if untagged [decision: the spec leaves tags unspecified].
        const tag = this.argument(info === 31 ? this.fail('a tag cannot have indefinite length', start) : info, start);
        const content = this.item(depth + 1);
        if (tag === 2 || tag === 3) {
          if (!Buffer.isBuffer(content)) this.fail(`tag ${tag} (bignum) must hold a byte string, found ${kindOf(content)}`, start);
          const magnitude = content.length === 0 ? 0n : BigInt(`0x${content.toString('hex')}`);
          return tag === 2 ? magnitude : -1n - magnitude;
        }
        return content;
      }
      default:
        return this.simple(info, start, initial);
    }
  }

  private simple(info: number, start: number, initial: number): Item {
    const buf = this.buf;
    switch (info) {
      case 20:
        return false;
      case 21:
        return true;
      case 22: // null
      case 23: // undefined: both mean "absent" here (§3.1: missing and null Value/Timestamp are accepted)
        return null;
      case 25:
        this.need(2, 'a float16');
        this.pos += 2;
        return float16(buf.readUInt16BE(this.pos - 2));
      case 26:
        this.need(4, 'a float32');
        this.pos += 4;
        return buf.readFloatBE(this.pos - 4);
      case 27:
        this.need(8, 'a float64');
        this.pos += 8;
        return buf.readDoubleBE(this.pos - 8);
      case 31:
        return this.fail('a break (0xFF) outside an indefinite-length item', start);
      default:
        return this.fail(`simple value 0x${hex(initial)} is not a type a trigger event carries (false, true, null, undefined, floats)`, start);
    }
  }

  private isBreak(): boolean {
    this.need(1, 'an indefinite-length item (no 0xFF break)');
    if (this.buf[this.pos] !== 0xff) return false;
    this.pos++;
    return true;
  }
}

const REPLACEMENT = Buffer.from('\ufffd', 'utf8');

/** The event's vocabulary (§3.1), by length, first and last byte. */
const KNOWN_TEXT = new Map<number, { bytes: Buffer; text: string }>();
for (const text of ['Version', 'Sync-v1', 'Records', 'Type', 'Info', 'Timestamp', 'PrimaryKey', 'Columns', 'ColumnName', 'Value',
  'PutRow', 'UpdateRow', 'DeleteRow', 'Put', 'DeleteOneVersion', 'DeleteAllVersions']) {
  const bytes = Buffer.from(text, 'latin1');
  const slot = (bytes.length << 16) | (bytes[0] << 8) | bytes[bytes.length - 1];
  if (KNOWN_TEXT.has(slot)) throw new Error(`tsorm/fc: '${text}' shares its slot with '${KNOWN_TEXT.get(slot)!.text}'`);
  KNOWN_TEXT.set(slot, { bytes, text });
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}

/** IEEE 754 half precision (RFC 8949 Appendix D). */
function float16(half: number): number {
  const exp = (half >> 10) & 0x1f;
  const mant = half & 0x3ff;
  const sign = half & 0x8000 ? -1 : 1;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 31) return mant === 0 ? sign * Infinity : NaN;
  return sign * (mant + 1024) * 2 ** (exp - 25);
}

function kindOf(item: Item | undefined): string {
  if (item === null || item === undefined) return 'nothing';
  if (typeof item === 'bigint') return 'an integer';
  if (typeof item === 'number') return 'a float';
  if (typeof item === 'string') return 'a text string';
  if (typeof item === 'boolean') return 'a boolean';
  if (Buffer.isBuffer(item)) return 'a byte string';
  if (Array.isArray(item)) return 'an array';
  return 'a map';
}

// ---------------------------------------------------------------------------------------------------------
// JSON test events → items

/**
 * A console test event is JSON (spec §3.4). JSON.parse would round an int64 beyond 2^53 (the doc's own sample
 * has 1506416585881590900), so integer literals are read exactly here; everything else is plain JSON.
 */
class JsonReader {
  pos = 0;
  constructor(private readonly text: string) {}

  fail(rule: string, at = this.pos): never {
    throw new TriggerEventError(`JSON test event: ${rule}`, { position: at });
  }

  private ws(): void {
    const t = this.text;
    while (this.pos < t.length && (t[this.pos] === ' ' || t[this.pos] === '\n' || t[this.pos] === '\r' || t[this.pos] === '\t')) this.pos++;
  }

  document(): Item {
    const v = this.value(0);
    this.ws();
    if (this.pos < this.text.length) this.fail('unexpected text after the event');
    return v;
  }

  private value(depth: number): Item {
    if (depth > MAX_DEPTH) this.fail(`values nested deeper than ${MAX_DEPTH} levels`);
    this.ws();
    const t = this.text;
    const c = t[this.pos];
    if (c === '{') {
      const out: { [key: string]: Item } = {};
      this.members('}', () => {
        this.ws();
        if (t[this.pos] !== '"') this.fail('expected a quoted key');
        const key = this.string();
        this.ws();
        if (t[this.pos] !== ':') this.fail("expected ':'");
        this.pos++;
        const value = this.value(depth + 1);
        if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
        else out[key] = value;
      });
      return out;
    }
    if (c === '[') {
      const out: Item[] = [];
      this.members(']', () => out.push(this.value(depth + 1)));
      return out;
    }
    if (c === '"') return this.string();
    for (const [word, v] of LITERALS) {
      if (t.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    const m = NUMBER_RE.exec(t.slice(this.pos, this.pos + 400));
    if (!m) this.fail(c === undefined ? 'the text ends where a value is expected' : `unexpected character ${JSON.stringify(c)}`);
    this.pos += m[0].length;
    // An integer literal is an exact INTEGER; any other number is a float, which shape() then reads as
    // INTEGER when it is integral (§3.4: "integral → INTEGER, else DOUBLE").
    return m[1] === undefined && m[2] === undefined ? BigInt(m[0]) : Number(m[0]);
  }

  /** An object's or array's members: `read` one, then `,` for another or `close` to end (empty allowed). */
  private members(close: '}' | ']', read: () => void): void {
    const t = this.text;
    this.pos++;
    this.ws();
    if (t[this.pos] === close) {
      this.pos++;
      return;
    }
    for (;;) {
      read();
      this.ws();
      if (t[this.pos] === ',') {
        this.pos++;
        continue;
      }
      if (t[this.pos] === close) {
        this.pos++;
        return;
      }
      this.fail(`expected ',' or '${close}'`);
    }
  }

  private string(): string {
    const start = this.pos;
    const t = this.text;
    let end = start + 1;
    while (end < t.length && t[end] !== '"') end += t[end] === '\\' ? 2 : 1;
    if (end >= t.length) this.fail('unterminated string', start);
    this.pos = end + 1;
    try {
      return JSON.parse(t.slice(start, end + 1)) as string;
    } catch (e) {
      return this.fail(`invalid string: ${(e as Error).message}`, start);
    }
  }
}

const LITERALS: ReadonlyArray<[string, Item]> = [
  ['true', true],
  ['false', false],
  ['null', null],
];
const NUMBER_RE = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/;

/** Plain JavaScript values (an event given as an object) → items; numbers keep JSON's meaning. */
function fromObject(value: unknown, path: string, depth = 0): Item {
  if (depth > MAX_DEPTH) throw new TriggerEventError(`values nested deeper than ${MAX_DEPTH} levels`, { path });
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'bigint':
    case 'number':
    case 'string':
    case 'boolean':
      return value;
    case 'object':
      if (Buffer.isBuffer(value)) return value;
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      if (Array.isArray(value)) return value.map((v, i) => fromObject(v, `${path}[${i}]`, depth + 1));
      {
        const out: { [key: string]: Item } = {};
        for (const [k, v] of Object.entries(value)) out[k] = fromObject(v, path ? `${path}.${k}` : k, depth + 1);
        return out;
      }
    default:
      throw new TriggerEventError(`a ${typeof value} is not a value a trigger event holds`, { path });
  }
}

// ---------------------------------------------------------------------------------------------------------
// items → RawChangeEvent (the shape of spec §3.1)

const RECORD_TYPES = new Set(['PutRow', 'UpdateRow', 'DeleteRow']);
const COLUMN_TYPES = new Set(['Put', 'DeleteOneVersion', 'DeleteAllVersions']);

class Shape {
  /** `json`: numbers came from JSON, where an integral number is an INTEGER (§3.4). */
  constructor(private readonly json: boolean) {}

  private fail(path: string, rule: string): never {
    throw new TriggerEventError(rule, { path });
  }

  private map(item: Item | undefined, path: string): { [key: string]: Item } {
    if (item === null || item === undefined || typeof item !== 'object' || Array.isArray(item) || Buffer.isBuffer(item)) {
      this.fail(path, `expected a map, found ${kindOf(item)}`);
    }
    return item;
  }

  private array(item: Item | undefined, path: string): Item[] {
    if (!Array.isArray(item)) this.fail(path, `expected an array, found ${kindOf(item)}`);
    return item;
  }

  private string(item: Item | undefined, path: string): string {
    if (typeof item !== 'string') this.fail(path, `expected a text string, found ${kindOf(item)}`);
    return item;
  }

  private integer(item: Item | undefined, path: string): bigint {
    if (typeof item === 'bigint') return this.int64(item, path);
    if (this.json && typeof item === 'number' && Number.isInteger(item)) return this.int64(BigInt(item), path);
    return this.fail(path, `expected an integer, found ${kindOf(item)}${typeof item === 'number' ? ` ${item}` : ''}`);
  }

  private int64(v: bigint, path: string): bigint {
    if (v < INT64_MIN || v > INT64_MAX) this.fail(path, `integer ${v} is outside the int64 range [-2^63, 2^63-1]`);
    return v;
  }

  /** An absent (missing or null) optional integer is `undefined` (§3.1: decoders accept both). */
  private optionalInteger(item: Item | undefined, path: string): bigint | undefined {
    return item === null || item === undefined ? undefined : this.integer(item, path);
  }

  value(item: Item | undefined, path: string): RawChangeValue {
    switch (typeof item) {
      case 'bigint':
        return { type: 'INTEGER', value: this.int64(item, path) };
      case 'number':
        if (this.json && Number.isInteger(item)) return { type: 'INTEGER', value: this.int64(BigInt(item), path) };
        return { type: 'DOUBLE', value: item };
      case 'string':
        return { type: 'STRING', value: item };
      case 'boolean':
        return { type: 'BOOLEAN', value: item };
      default:
        if (Buffer.isBuffer(item)) return { type: 'BINARY', value: item };
        // Buffer.toJSON's shape, the only way a JSON test event can carry a BINARY [decision].
        if (this.json && item && !Array.isArray(item) && item.type === 'Buffer' && Array.isArray(item.data)) {
          return { type: 'BINARY', value: Buffer.from(item.data.map((b, i) => this.byte(b, `${path}.data[${i}]`))) };
        }
        return this.fail(path, `expected an INTEGER, DOUBLE, BOOLEAN, STRING or BINARY value, found ${kindOf(item)}`);
    }
  }

  private byte(item: Item, path: string): number {
    const n = typeof item === 'bigint' ? Number(item) : item;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 255) this.fail(path, 'expected a byte (0..255)');
    return n;
  }

  event(item: Item): RawChangeEvent {
    const root = this.map(item, '(event)');
    const version = this.string(root.Version, 'Version');
    const records = this.array(root.Records, 'Records').map((r, i) => this.record(r, `Records[${i}]`));
    return { version, records };
  }

  private record(item: Item, path: string): RawChange {
    const record = this.map(item, path);
    const type = this.string(record.Type, `${path}.Type`);
    if (!RECORD_TYPES.has(type)) this.fail(`${path}.Type`, `${JSON.stringify(type)} is not PutRow, UpdateRow or DeleteRow`);
    const info = this.map(record.Info, `${path}.Info`);
    const timestampMicros = this.integer(info.Timestamp, `${path}.Info.Timestamp`);
    const primaryKey = this.array(record.PrimaryKey, `${path}.PrimaryKey`).map((c, i) => {
      const at = `${path}.PrimaryKey[${i}]`;
      const cell = this.map(c, at);
      return { name: this.string(cell.ColumnName, `${at}.ColumnName`), value: this.value(cell.Value, `${at}.Value`) };
    });
    if (primaryKey.length === 0) this.fail(`${path}.PrimaryKey`, 'a record needs at least one primary-key column');
    // A DeleteRow has no columns; missing and null are accepted for the empty list as for Value (§3.1).
    const columnItems = record.Columns === null || record.Columns === undefined ? [] : this.array(record.Columns, `${path}.Columns`);
    const columns = columnItems.map((c, i) => this.column(c, `${path}.Columns[${i}]`));
    if (type === 'DeleteRow' && columns.length > 0) this.fail(`${path}.Columns`, 'a DeleteRow record carries no columns (§2.5)');
    if (type === 'PutRow' && columns.some((c) => c.op !== 'Put')) this.fail(`${path}.Columns`, 'a PutRow record carries only Put columns (§2.5)');
    return { type: type as RawChange['type'], timestampMicros, primaryKey, columns };
  }

  private column(item: Item, path: string): RawChangeColumn {
    const column = this.map(item, path);
    const op = this.string(column.Type, `${path}.Type`);
    if (!COLUMN_TYPES.has(op)) this.fail(`${path}.Type`, `${JSON.stringify(op)} is not Put, DeleteOneVersion or DeleteAllVersions`);
    const name = this.string(column.ColumnName, `${path}.ColumnName`);
    if (op === 'DeleteAllVersions') return { op, name };
    const timestampMillis = this.optionalInteger(column.Timestamp, `${path}.Timestamp`);
    if (op === 'DeleteOneVersion') return { op, name, timestampMillis };
    if (column.Value === null || column.Value === undefined) this.fail(`${path}.Value`, 'a Put column needs a value');
    return { op: 'Put', name, value: this.value(column.Value, `${path}.Value`), timestampMillis };
  }
}

const CBOR_SHAPE = new Shape(false);
const JSON_SHAPE = new Shape(true);

/**
 * Decodes the event a TableStore trigger hands to an FC handler: the CBOR `Buffer` FC sends (spec §3.2), or a
 * console test event in JSON (a Buffer or string starting with `{`, or an already parsed object; §3.4).
 * Throws {@link TriggerEventError} naming the byte offset or field and the rule broken.
 */
export function decodeTriggerEvent(event: Buffer | Uint8Array | string | object): RawChangeEvent {
  if (typeof event === 'string') return JSON_SHAPE.event(new JsonReader(event).document());
  if (event instanceof Uint8Array) {
    const buf = Buffer.isBuffer(event) ? event : Buffer.from(event.buffer, event.byteOffset, event.byteLength);
    if (buf.length === 0) throw new TriggerEventError('the event is empty', { position: 0 });
    // A CBOR event starts with a map byte (0xA0–0xBF), never `{` (0x7B): that byte means JSON (§3.4).
    if (buf[0] === 0x7b) return JSON_SHAPE.event(new JsonReader(buf.toString('utf8')).document());
    const reader = new CborReader(buf);
    const item = reader.item();
    if (reader.pos !== buf.length) reader.fail(`${buf.length - reader.pos} bytes follow the event's map`);
    return CBOR_SHAPE.event(item);
  }
  if (event === null || typeof event !== 'object') {
    throw new TriggerEventError(`expected a Buffer, a JSON string or an object, got ${event === null ? 'null' : typeof event}`);
  }
  return JSON_SHAPE.event(fromObject(event, ''));
}
