import 'reflect-metadata';
import Long from 'long';
import { describe, expect, it } from 'vitest';
import {
  CodecError,
  decodeKey,
  decodeRow,
  encodeKey,
  encodeRow,
  encodeUpdate,
  encodeValue,
  fromSdkInt64,
  isEmptyRow,
  isSdkInt64,
  toSdkInt64,
  type CodecRule,
} from '../../src/codec';
import type { ReadRow as SdkRow } from '../../src/client/actions';
import { AutoIncrement, Column, getTableSchema, PrimaryKey, PrimaryKeys, Table, Version, type TableSchema } from '../../src/schema';
import { SDK, serializeUpdateRow, throughPutRow, toSdkParams, V } from './helpers/sdk';

const MIN = -(2n ** 63n);
const MAX = 2n ** 63n - 1n;
const SAFE = 2n ** 53n - 1n;

function codecError(fn: () => unknown): CodecError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CodecError);
    return e as CodecError;
  }
  throw new Error('expected a CodecError, nothing was thrown');
}

function expectCodecError(fn: () => unknown, rule: CodecRule, fields: Partial<CodecError>, message: RegExp): CodecError {
  const e = codecError(fn);
  expect(e.rule).toBe(rule);
  expect(e).toMatchObject(fields);
  expect(e.message).toMatch(message);
  return e;
}

@Table('ints')
class Ints {
  declare readonly [PrimaryKeys]?: 'id';
  @PrimaryKey() id!: string;
  @Column() asLong?: Long;
  @Column() asBig?: bigint;
  @Column({ type: 'int64' }) asString?: string;
  @Column({ type: 'int64' }) asNumber?: number;
}
const ints = getTableSchema(Ints);

@Table('orders')
class Order {
  declare readonly [PrimaryKeys]?: 'shopId' | 'id';
  @PrimaryKey() shopId!: string;
  @PrimaryKey() @AutoIncrement() id!: Long;
  @Column() email!: string;
  @Column({ type: 'int64' }) qty!: number;
  @Column() total!: bigint;
  @Column() receipt?: Buffer;
  @Column({ type: 'json' }) meta?: { tags: string[] };
  @Column({ type: 'double', name: 'unit_price' }) price?: number;
  @Column() paid?: boolean;
  @Column() createdAt?: Date;
  @Version() version!: number;
  transient = 'not stored';
  describe(): string {
    return `${this.shopId}/${this.id}`;
  }
}
const orders = getTableSchema(Order);

@Table('bin_keys')
class BinKey {
  @PrimaryKey() k!: Buffer;
  @PrimaryKey({ type: 'int64' }) n!: number;
  @PrimaryKey() d!: Date;
}
const binKeys = getTableSchema(BinKey);

/** Entity → SDK write shape → SDK PlainBuffer → SDK reader → entity. */
function roundTrip<T>(schema: TableSchema, entity: object): T {
  const { primaryKey, attributeColumns } = encodeRow(schema, entity);
  return decodeRow(schema, throughPutRow(primaryKey, attributeColumns)) as T;
}

function intsEntity(v: bigint): Ints {
  return Object.assign(new Ints(), { id: 'x', asLong: Long.fromString(v.toString()), asBig: v, asString: v.toString() });
}

describe('int64 cells', () => {
  it('SDK int64 helpers are exact at the edges', () => {
    for (const v of [MIN, MIN + 1n, -SAFE - 2n, -1n, 0n, 1n, SAFE + 2n, MAX - 1n, MAX]) {
      const cell = toSdkInt64(v);
      expect(isSdkInt64(cell)).toBe(true);
      expect(cell.toString()).toBe(v.toString());
      expect(fromSdkInt64(cell)).toBe(v);
    }
    // The SDK's own Long.fromString value is recognised too.
    expect(isSdkInt64(SDK.Long.fromString('42'))).toBe(true);
    expect(isSdkInt64(Long.fromNumber(42))).toBe(false);
  });

  const edges = [MIN, MIN + 1n, -(2n ** 53n) - 1n, -(2n ** 53n), -SAFE, -1n, 0n, 1n, SAFE, 2n ** 53n, 2n ** 53n + 1n, MAX - 1n, MAX];

  it.each(edges)('round-trips %s exactly in long, bigint and string modes through the SDK PlainBuffer', (v) => {
    const back = roundTrip<Ints>(ints, intsEntity(v));
    expect(back).toBeInstanceOf(Ints);
    expect(back.asBig).toBe(v);
    expect(back.asString).toBe(v.toString());
    expect(Long.isLong(back.asLong)).toBe(true);
    expect(back.asLong!.toString()).toBe(v.toString());
    expect(back.asLong!.unsigned).toBe(false);
  });

  it.each([-SAFE, -1n, 0n, 1n, SAFE])('round-trips %s in number mode', (v) => {
    const back = roundTrip<Ints>(ints, Object.assign(new Ints(), { id: 'x', asNumber: Number(v) }));
    expect(back.asNumber).toBe(Number(v));
  });

  it('writes int64 columns as INTEGER cells (not DOUBLE) whatever the mode', () => {
    const { attributeColumns } = encodeRow(ints, { ...intsEntity(7n), asNumber: 7 });
    for (const cell of attributeColumns) {
      const [value] = Object.values(cell);
      expect(isSdkInt64(value)).toBe(true);
      expect((value as { toString(): string }).toString()).toBe('7');
    }
  });

  it.each([2 ** 53, -(2 ** 53), 2 ** 60, Number.MAX_VALUE])('number mode refuses %s on encode instead of rounding', (n) => {
    expectCodecError(
      () => encodeRow(ints, { id: 'x', asNumber: n }),
      'UNSAFE_INTEGER',
      { entity: 'Ints', table: 'ints', property: 'asNumber', column: 'asNumber', expected: 'int64 (number)' },
      /^Ints\.asNumber \(table ints, column asNumber\): .*exceeds ±\(2\^53-1\).*refuses it instead of rounding/,
    );
  });

  it('number mode refuses fractions and non-numbers', () => {
    expectCodecError(() => encodeRow(ints, { id: 'x', asNumber: 1.5 }), 'NOT_INTEGER', { property: 'asNumber' }, /1\.5 is not an integer/);
    expectCodecError(() => encodeRow(ints, { id: 'x', asNumber: 5n }), 'INVALID_VALUE', { property: 'asNumber', actual: 'bigint 5n' }, /expected a number, got bigint 5n/);
  });

  it.each([SAFE + 1n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, MAX, MIN])('number mode refuses a stored %s on decode', (v) => {
    const row = { primaryKey: [{ name: 'id', value: 'x' }], attributes: [{ columnName: 'asNumber', columnValue: toSdkInt64(v), timestamp: null }] };
    expectCodecError(
      () => decodeRow(ints, row),
      'UNSAFE_INTEGER',
      { entity: 'Ints', table: 'ints', property: 'asNumber', column: 'asNumber' },
      new RegExp(`stored value ${v} exceeds ±\\(2\\^53-1\\)`),
    );
  });

  it('bigint, string and Long modes refuse values outside int64', () => {
    expectCodecError(() => encodeRow(ints, { id: 'x', asBig: MAX + 1n }), 'INT64_RANGE', { property: 'asBig' }, /outside the int64 range/);
    expectCodecError(() => encodeRow(ints, { id: 'x', asBig: MIN - 1n }), 'INT64_RANGE', { property: 'asBig' }, /-9223372036854775809 is outside/);
    expectCodecError(() => encodeRow(ints, { id: 'x', asString: '9223372036854775808' }), 'INT64_RANGE', { property: 'asString' }, /outside the int64 range/);
    expectCodecError(() => encodeRow(ints, { id: 'x', asLong: Long.fromString('9223372036854775808', true) }), 'INT64_RANGE', { property: 'asLong' }, /outside/);
    // An unsigned Long within range is fine.
    const back = roundTrip<Ints>(ints, { id: 'x', asLong: Long.fromString('12', true) });
    expect(back.asLong!.toString()).toBe('12');
  });

  it('string mode validates /^-?\\d+$/', () => {
    for (const bad of ['', '1.0', '1e3', ' 1', '+1', '0x10', '--1', '1_000']) {
      expectCodecError(() => encodeRow(ints, { id: 'x', asString: bad }), 'NOT_INTEGER', { property: 'asString' }, /is not a decimal integer/);
    }
    const back = roundTrip<Ints>(ints, { id: 'x', asString: '-007' });
    expect(back.asString).toBe('-7');
  });

  it('each mode refuses the other representations', () => {
    expectCodecError(() => encodeRow(ints, { id: 'x', asBig: 1 }), 'INVALID_VALUE', { property: 'asBig' }, /expected a bigint, got number 1/);
    expectCodecError(() => encodeRow(ints, { id: 'x', asLong: 1n }), 'INVALID_VALUE', { property: 'asLong' }, /expected a Long, got bigint 1n/);
    expectCodecError(() => encodeRow(ints, { id: 'x', asString: 1 }), 'INVALID_VALUE', { property: 'asString' }, /expected a decimal string/);
  });
});

describe('entity round trip', () => {
  const order = Object.assign(new Order(), {
    shopId: 's1',
    id: Long.fromString('9007199254740993'),
    email: 'a@b.cn',
    qty: 3,
    total: 12345678901234567890n % MAX,
    receipt: Buffer.from([0, 1, 2, 255]),
    meta: { tags: ['x', 'y'] },
    price: 9.99,
    paid: false,
    createdAt: new Date('2024-02-29T12:34:56.789Z'),
    version: 1,
  });

  it('encodes the SDK write shape in schema order with stored names', () => {
    const { primaryKey, attributeColumns } = encodeRow(orders, order);
    expect(primaryKey.map((c) => Object.keys(c))).toEqual([['shopId'], ['id']]);
    expect(primaryKey[0]).toEqual({ shopId: 's1' });
    expect(String(primaryKey[1].id)).toBe('9007199254740993');
    const names = attributeColumns.map((c) => Object.keys(c)[0]);
    expect(names).toEqual(['email', 'qty', 'total', 'receipt', 'meta', 'unit_price', 'paid', 'createdAt', 'version']);
    const byName = Object.fromEntries(attributeColumns.map((c) => Object.entries(c)[0]));
    expect(byName.meta).toBe('{"tags":["x","y"]}');
    expect(byName.unit_price).toBe(9.99);
    expect(byName.paid).toBe(false);
    expect(String(byName.createdAt)).toBe(String(order.createdAt.getTime()));
    expect(isSdkInt64(byName.createdAt)).toBe(true);
    expect(byName.receipt).toEqual(Buffer.from([0, 1, 2, 255]));
  });

  it('decodes back to an equal entity instance through the SDK PlainBuffer', () => {
    const back = roundTrip<Order>(orders, order);
    expect(back).toBeInstanceOf(Order);
    expect(back.describe()).toBe('s1/9007199254740993');
    expect(back.id.toString()).toBe('9007199254740993');
    expect(back.total).toBe(order.total);
    expect(back.receipt).toEqual(order.receipt);
    expect(Buffer.isBuffer(back.receipt)).toBe(true);
    expect(back.meta).toEqual({ tags: ['x', 'y'] });
    expect(back.createdAt).toEqual(order.createdAt);
    expect(back.createdAt).toBeInstanceOf(Date);
    expect({ ...back, id: back.id.toString() }).toEqual({ ...order, id: order.id.toString(), transient: undefined });
  });

  it('does not run the constructor (field initializers) when decoding', () => {
    const back = roundTrip<Order>(orders, order);
    expect(Object.prototype.hasOwnProperty.call(back, 'transient')).toBe(false);
    expect(back.transient).toBeUndefined();
  });

  it('skips undefined and null attributes', () => {
    const { attributeColumns } = encodeRow(orders, { ...order, receipt: undefined, meta: null, price: undefined });
    expect(attributeColumns.map((c) => Object.keys(c)[0])).not.toContain('receipt');
    expect(attributeColumns.map((c) => Object.keys(c)[0])).not.toContain('meta');
    expect(attributeColumns.map((c) => Object.keys(c)[0])).not.toContain('unit_price');
  });

  it('adds a timestamp to every cell when asked', () => {
    const { primaryKey, attributeColumns } = encodeRow(orders, order, { timestamp: 1700000000000 });
    expect(attributeColumns.every((c) => c.timestamp === 1700000000000)).toBe(true);
    const read = throughPutRow(primaryKey, attributeColumns);
    expect(read.attributes.every((a) => a.timestamp.toString() === '1700000000000')).toBe(true);
    expectCodecError(() => encodeRow(orders, order, { timestamp: -1 }), 'INVALID_VALUE', { table: 'orders' }, /timestamp/);
  });

  it('round-trips binary, int64 and date primary keys', () => {
    const key = { k: Buffer.from([0xff, 0]), n: -(2 ** 53 - 1), d: new Date(0) };
    const back = roundTrip<BinKey>(binKeys, key);
    expect(back).toEqual(key);
  });

  it('refuses values of the wrong type before anything is sent', () => {
    expectCodecError(() => encodeRow(orders, { ...order, email: 5 }), 'INVALID_VALUE', { property: 'email', expected: 'string', actual: 'number 5' }, /expected a string, got number 5/);
    expectCodecError(() => encodeRow(orders, { ...order, paid: 'yes' }), 'INVALID_VALUE', { property: 'paid' }, /expected a boolean/);
    expectCodecError(() => encodeRow(orders, { ...order, receipt: 'abc' }), 'INVALID_VALUE', { property: 'receipt' }, /expected a Buffer/);
    expectCodecError(() => encodeRow(orders, { ...order, price: NaN }), 'INVALID_VALUE', { property: 'price', column: 'unit_price' }, /NaN cannot be stored as a double/);
    expectCodecError(() => encodeRow(orders, { ...order, price: Infinity }), 'INVALID_VALUE', { property: 'price' }, /Infinity/);
    expectCodecError(() => encodeRow(orders, { ...order, createdAt: new Date('nope') }), 'INVALID_VALUE', { property: 'createdAt' }, /Invalid Date/);
    expectCodecError(() => encodeRow(orders, { ...order, createdAt: 0 }), 'INVALID_VALUE', { property: 'createdAt' }, /expected a Date/);
    expectCodecError(() => encodeRow(orders, { ...order, meta: { n: 1n } }), 'INVALID_JSON', { property: 'meta' }, /cannot be serialised as JSON/);
    expectCodecError(() => encodeRow(orders, { ...order, meta: () => 1 }), 'INVALID_JSON', { property: 'meta' }, /no JSON representation/);
  });

  it('accepts a Uint8Array for a binary column and sends a Buffer', () => {
    const { attributeColumns } = encodeRow(orders, { ...order, receipt: new Uint8Array([9, 8]) });
    const cell = attributeColumns.find((c) => 'receipt' in c)!;
    expect(Buffer.isBuffer(cell.receipt)).toBe(true);
    expect(cell.receipt).toEqual(Buffer.from([9, 8]));
  });

  it('enforces the service value size limits', () => {
    expectCodecError(() => encodeKey(orders, { shopId: 'x'.repeat(1025), id: Long.ONE }), 'VALUE_TOO_LARGE', { property: 'shopId' }, /1025 bytes exceed the primary-key value limit of 1024/);
    expect(encodeKey(orders, { shopId: 'x'.repeat(1024), id: Long.ONE })[0].shopId).toHaveLength(1024);
    expectCodecError(
      () => encodeRow(orders, { ...order, receipt: Buffer.alloc(2 * 1024 * 1024 + 1) }),
      'VALUE_TOO_LARGE',
      { property: 'receipt' },
      /2097153 bytes exceed the attribute value limit of 2097152/,
    );
    // Strings are measured in UTF-8 bytes, not characters: 342 × 3 bytes, and JSON text over the attribute limit.
    expectCodecError(() => encodeKey(orders, { shopId: '杭'.repeat(342), id: Long.ONE }), 'VALUE_TOO_LARGE', { property: 'shopId' }, /1026 bytes exceed/);
    expect(encodeRow(orders, { ...order, email: 'é'.repeat(1024 * 1024) }).attributeColumns).toContainEqual({ email: 'é'.repeat(1024 * 1024) });
    expectCodecError(() => encodeRow(orders, { ...order, email: 'é'.repeat(1024 * 1024 + 1) }), 'VALUE_TOO_LARGE', { property: 'email' }, /2097154 bytes exceed/);
    expectCodecError(() => encodeRow(orders, { ...order, meta: { tags: ['x'.repeat(2 * 1024 * 1024)] } }), 'VALUE_TOO_LARGE', { property: 'meta' }, /2097165 bytes exceed/);
  });
});

describe('encodeKey', () => {
  it('encodes only the key, in schema order, from an entity or a plain key', () => {
    const key = encodeKey(orders, { id: Long.fromNumber(5), shopId: 's' });
    expect(key[0]).toEqual({ shopId: 's' });
    expect(String(key[1].id)).toBe('5');
    expect(key).toHaveLength(2);
  });

  it('refuses a missing key, and a missing auto-increment key unless asked for the placeholder', () => {
    expectCodecError(() => encodeKey(orders, { id: Long.ONE }), 'MISSING_KEY', { property: 'shopId', column: 'shopId' }, /primary key value is missing/);
    expectCodecError(() => encodeKey(orders, { shopId: 's' }), 'MISSING_KEY', { property: 'id' }, /only generated on insert/);
    const key = encodeKey(orders, { shopId: 's' }, { autoIncrement: true });
    expect(key[1].id).toBe(V.PK_AUTO_INCR);
    // A given auto-increment value is used as is.
    expect(String(encodeKey(orders, { shopId: 's', id: Long.fromNumber(3) }, { autoIncrement: true })[1].id)).toBe('3');
  });

  it('puts the auto-increment placeholder in a PutRow the SDK can serialise', () => {
    const { primaryKey, attributeColumns } = encodeRow(orders, { shopId: 's', email: 'e', qty: 1, total: 2n, version: 1 }, { autoIncrement: true });
    expect(() => SDK.PlainBufferBuilder.serializeForPutRow(toSdkParams(primaryKey), toSdkParams(attributeColumns))).not.toThrow();
  });

  it('refuses a non-object key', () => {
    expectCodecError(() => encodeKey(orders, 'k' as never), 'INVALID_VALUE', { table: 'orders' }, /must be an object/);
  });
});

describe('encodeValue', () => {
  it('encodes a value as its column stores it', () => {
    expect(isSdkInt64(encodeValue(orders, 'qty', 2))).toBe(true);
    expect(encodeValue(orders, 'price', 2)).toBe(2);
    expect(encodeValue(orders, 'meta', { tags: [] })).toBe('{"tags":[]}');
    expect(String(encodeValue(orders, 'createdAt', new Date(5)))).toBe('5');
  });

  it('refuses unknown properties and null', () => {
    expectCodecError(() => encodeValue(orders, 'nope', 1), 'UNKNOWN_PROPERTY', { property: 'nope' }, /'nope' is not a mapped property of Order/);
    expectCodecError(() => encodeValue(orders, 'transient', 'x'), 'UNKNOWN_PROPERTY', { property: 'transient' }, /not a mapped property/);
    expectCodecError(() => encodeValue(orders, 'qty', null), 'INVALID_VALUE', { property: 'qty' }, /a value is required/);
  });
});

describe('decoding rows written by someone else', () => {
  const pk = [
    { name: 'shopId', value: 's1' },
    { name: 'id', value: toSdkInt64(7n) },
  ];
  const row = (attributes: SdkRow['attributes']): SdkRow => ({ primaryKey: pk, attributes });

  it('ignores extra columns by default, refuses them with extraColumns: error', () => {
    const r = row([
      { columnName: 'email', columnValue: 'a@b.cn', timestamp: toSdkInt64(1n) },
      { columnName: 'legacy', columnValue: 'x', timestamp: toSdkInt64(1n) },
    ]);
    const o = decodeRow(orders, r);
    expect(o.email).toBe('a@b.cn');
    expect(Object.keys(o).sort()).toEqual(['email', 'id', 'shopId']);
    expectCodecError(() => decodeRow(orders, r, { extraColumns: 'error' }), 'UNKNOWN_PROPERTY', { table: 'orders', column: 'legacy' }, /stored column 'legacy' is not mapped by Order/);
  });

  it('leaves missing columns undefined', () => {
    const o = decodeRow(orders, row([]));
    expect(o.shopId).toBe('s1');
    expect(o.id.toString()).toBe('7');
    expect(o.email).toBeUndefined();
    expect(o.total).toBeUndefined();
    expect('email' in o).toBe(false);
    const noAttributes = decodeRow(orders, { primaryKey: pk });
    expect(noAttributes.qty).toBeUndefined();
  });

  it('takes the newest version of a multi-version column', () => {
    const o = decodeRow(
      orders,
      row([
        { columnName: 'email', columnValue: 'old', timestamp: toSdkInt64(1000n) },
        { columnName: 'email', columnValue: 'newest', timestamp: toSdkInt64(3000n) },
        { columnName: 'email', columnValue: 'middle', timestamp: toSdkInt64(2000n) },
      ]),
    );
    expect(o.email).toBe('newest');
  });

  it('accepts an integral DOUBLE (what the raw SDK writes for JS numbers) in int64 and date columns', () => {
    const o = decodeRow(
      orders,
      row([
        { columnName: 'qty', columnValue: 3, timestamp: null },
        { columnName: 'total', columnValue: -9007199254740991, timestamp: null },
        { columnName: 'createdAt', columnValue: 1700000000000, timestamp: null },
        { columnName: 'version', columnValue: 2, timestamp: null },
      ]),
    );
    expect(o.qty).toBe(3);
    expect(o.total).toBe(-9007199254740991n);
    expect(o.createdAt).toEqual(new Date(1700000000000));
    expect(o.version).toBe(2);
  });

  it('refuses a fractional or unsafe DOUBLE in an int64 column', () => {
    expectCodecError(
      () => decodeRow(orders, row([{ columnName: 'qty', columnValue: 1.5, timestamp: null }])),
      'TYPE_MISMATCH',
      { entity: 'Order', table: 'orders', property: 'qty', column: 'qty', expected: 'int64 (number)', actual: 'DOUBLE' },
      /stored type DOUBLE cannot be read as int64 \(number\) \(value 1.5 is not an integer/,
    );
    expectCodecError(() => decodeRow(orders, row([{ columnName: 'total', columnValue: 2 ** 60, timestamp: null }])), 'TYPE_MISMATCH', { property: 'total' }, /DOUBLE/);
  });

  it('refuses a STRING where an int64 is expected, even a decimal one', () => {
    expectCodecError(
      () => decodeRow(orders, row([{ columnName: 'total', columnValue: '123', timestamp: null }])),
      'TYPE_MISMATCH',
      { table: 'orders', column: 'total', expected: 'int64 (bigint)', actual: 'STRING' },
      /^Order\.total \(table orders, column total\): stored type STRING cannot be read as int64 \(bigint\)$/,
    );
  });

  it('reads a safe INTEGER into a double column, refuses an inexact one', () => {
    const o = decodeRow(orders, row([{ columnName: 'unit_price', columnValue: toSdkInt64(42n), timestamp: null }]));
    expect(o.price).toBe(42);
    expectCodecError(
      () => decodeRow(orders, row([{ columnName: 'unit_price', columnValue: toSdkInt64(SAFE + 2n), timestamp: null }])),
      'TYPE_MISMATCH',
      { property: 'price', column: 'unit_price', expected: 'double', actual: 'INTEGER' },
      /not exactly representable as a double/,
    );
  });

  it.each([
    ['email', toSdkInt64(1n), 'INTEGER', 'string'],
    ['email', 1.5, 'DOUBLE', 'string'],
    ['paid', 'true', 'STRING', 'boolean'],
    ['paid', toSdkInt64(1n), 'INTEGER', 'boolean'],
    ['receipt', 'abc', 'STRING', 'binary'],
    ['meta', Buffer.from('{}'), 'BINARY', 'json'],
    ['meta', true, 'BOOLEAN', 'json'],
    ['unit_price', 'x', 'STRING', 'double'],
    ['qty', true, 'BOOLEAN', 'int64 (number)'],
    ['createdAt', '2024-01-01', 'STRING', 'date'],
  ])('refuses stored %s holding %s (%s) as %s', (column, value, actual, expected) => {
    expectCodecError(
      () => decodeRow(orders, row([{ columnName: column, columnValue: value, timestamp: null }])),
      'TYPE_MISMATCH',
      { table: 'orders', column, actual, expected },
      new RegExp(`stored type ${actual} cannot be read as ${expected.replace(/[()]/g, '\\$&')}`),
    );
  });

  it('refuses a json column holding text that is not JSON', () => {
    expectCodecError(() => decodeRow(orders, row([{ columnName: 'meta', columnValue: '{oops', timestamp: null }])), 'INVALID_JSON', { property: 'meta' }, /not valid JSON/);
  });

  it('refuses a primary key of another type', () => {
    expectCodecError(
      () => decodeRow(orders, { primaryKey: [{ name: 'shopId', value: toSdkInt64(1n) }, pk[1]] }),
      'TYPE_MISMATCH',
      { property: 'shopId', actual: 'INTEGER', expected: 'string' },
      /stored type INTEGER cannot be read as string/,
    );
  });

  it('decodes a row read from a secondary index (attribute columns in the key)', () => {
    const o = decodeRow(orders, { primaryKey: [{ name: 'email', value: 'a@b.cn' }, ...pk], attributes: [] });
    expect(o.email).toBe('a@b.cn');
    expect(o.shopId).toBe('s1');
  });

  it('treats empty SDK rows as empty', () => {
    expect(isEmptyRow({})).toBe(true);
    expect(isEmptyRow(null)).toBe(true);
    expect(isEmptyRow({ primaryKey: null })).toBe(true);
    expect(isEmptyRow({ primaryKey: pk })).toBe(false);
    expectCodecError(() => decodeRow(orders, {}), 'INVALID_ROW', { table: 'orders' }, /the row is empty/);
  });

  it('refuses cell values the SDK never produces', () => {
    expectCodecError(() => decodeRow(orders, row([{ columnName: 'email', columnValue: { weird: 1 } as unknown as string, timestamp: null }])), 'INVALID_ROW', { property: 'email' }, /unrecognised SDK cell value/);
  });

  it('refuses a stored date outside the Date range', () => {
    expectCodecError(() => decodeRow(orders, row([{ columnName: 'createdAt', columnValue: toSdkInt64(MAX), timestamp: null }])), 'INVALID_VALUE', { property: 'createdAt' }, /outside the Date range/);
  });
});

describe('decodeKey', () => {
  it('decodes an SDK read-shape key (e.g. a generated auto-increment key)', () => {
    const key = decodeKey(orders, [
      { name: 'shopId', value: 's' },
      { name: 'id', value: toSdkInt64(MAX) },
    ]);
    expect(key.shopId).toBe('s');
    expect((key.id as Long).toString()).toBe(MAX.toString());
    expectCodecError(() => decodeKey(orders, [{ name: 'email', value: 'x' }]), 'UNKNOWN_PROPERTY', { column: 'email' }, /'email' is not a primary key of Order/);
  });
});

describe('encodeUpdate', () => {
  const key = encodeKey(orders, { shopId: 's', id: Long.ONE });

  it('encodes set / remove / increment into the SDK updateOfAttributeColumns groups', () => {
    const { updateOfAttributeColumns, incremented } = encodeUpdate(orders, {
      set: { email: 'x@y.z', price: 1.25, receipt: undefined, paid: null as never },
      remove: ['meta'],
      increment: { qty: 2, total: -(2n ** 62n), version: Long.fromNumber(1) },
    });
    expect(updateOfAttributeColumns).toHaveLength(3);
    expect(updateOfAttributeColumns[0]).toEqual({ PUT: [{ email: 'x@y.z' }, { unit_price: 1.25 }] });
    expect(updateOfAttributeColumns[1]).toEqual({ DELETE_ALL: ['paid', 'meta'] });
    const inc = (updateOfAttributeColumns[2] as { INCREMENT: Record<string, unknown>[] }).INCREMENT;
    expect(inc.map((c) => Object.keys(c)[0])).toEqual(['qty', 'total', 'version']);
    expect(inc.map((c) => String(Object.values(c)[0]))).toEqual(['2', (-(2n ** 62n)).toString(), '1']);
    expect(inc.every((c) => isSdkInt64(Object.values(c)[0]))).toBe(true);
    expect(incremented).toEqual(['qty', 'total', 'version']);
    // The SDK accepts the shape.
    expect(serializeUpdateRow(key, updateOfAttributeColumns).length).toBeGreaterThan(0);
  });

  it('omits empty groups', () => {
    expect(encodeUpdate(orders, { increment: { qty: 1 } }).updateOfAttributeColumns.map((g) => Object.keys(g)[0])).toEqual(['INCREMENT']);
    expect(encodeUpdate(orders, { remove: ['receipt'] }).updateOfAttributeColumns).toEqual([{ DELETE_ALL: ['receipt'] }]);
  });

  it('refuses updates the service or the schema forbid', () => {
    expectCodecError(() => encodeUpdate(orders, {}), 'NOT_ALLOWED', { table: 'orders' }, /at least one change/);
    expectCodecError(() => encodeUpdate(orders, { set: { email: undefined } }), 'NOT_ALLOWED', {}, /at least one change/);
    expectCodecError(() => encodeUpdate(orders, { set: { shopId: 'b' } as never }), 'NOT_ALLOWED', { property: 'shopId' }, /cannot set a primary-key column/);
    expectCodecError(() => encodeUpdate(orders, { set: { qty: 1 }, increment: { qty: 1 } }), 'NOT_ALLOWED', { property: 'qty' }, /appears in both 'set' and 'increment'/);
    expectCodecError(() => encodeUpdate(orders, { set: { receipt: null as never }, remove: ['receipt'] }), 'NOT_ALLOWED', { property: 'receipt' }, /both 'remove' and 'remove'/);
    expectCodecError(() => encodeUpdate(orders, { increment: { price: 1 } as never }), 'NOT_ALLOWED', { property: 'price' }, /only int64 columns can be incremented, not double/);
    expectCodecError(() => encodeUpdate(orders, { increment: { qty: 0.5 } }), 'NOT_INTEGER', { property: 'qty' }, /0.5 is not an integer/);
    expectCodecError(() => encodeUpdate(orders, { increment: { total: 2n ** 63n } }), 'INT64_RANGE', { property: 'total' }, /outside the int64 range/);
    expectCodecError(() => encodeUpdate(orders, { increment: { qty: 'x' as never } }), 'INVALID_VALUE', { property: 'qty' }, /an increment must be an integer/);
    expectCodecError(() => encodeUpdate(orders, { set: { nope: 1 } as never }), 'UNKNOWN_PROPERTY', { property: 'nope' }, /not a mapped property/);
    expectCodecError(() => encodeUpdate(orders, { set: { qty: 2 ** 53 } }), 'UNSAFE_INTEGER', { property: 'qty' }, /exceeds/);
  });
});
