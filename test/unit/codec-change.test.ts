import 'reflect-metadata';
import Long from 'long';
import { describe, expect, it } from 'vitest';
import type { RawChange, RawChangeValue } from '../../src/client/changes';
import { CodecError, decodeChange } from '../../src/codec';
import { Column, getTableSchema, PrimaryKey, PrimaryKeys, Table } from '../../src/schema';

@Table('events')
class Ev {
  declare readonly [PrimaryKeys]?: 'shop' | 'seq';
  @PrimaryKey() shop!: string;
  @PrimaryKey() seq!: bigint;
  @Column() big?: bigint;
  @Column() long?: Long;
  @Column({ type: 'int64' }) str?: string;
  @Column({ type: 'int64' }) num?: number;
  @Column({ type: 'double' }) ratio?: number;
  @Column() flag?: boolean;
  @Column() blob?: Buffer;
  @Column() at?: Date;
  @Column({ type: 'json' }) meta?: { tags: string[] };
  @Column({ name: 'n' }) renamed?: string;
}
const schema = getTableSchema(Ev);

const int = (v: bigint): RawChangeValue => ({ type: 'INTEGER', value: v });
const KEY = [
  { name: 'shop', value: { type: 'STRING', value: 's1' } as RawChangeValue },
  { name: 'seq', value: int(2n ** 60n) },
];

function raw(type: RawChange['type'], columns: RawChange['columns'], primaryKey = KEY): RawChange {
  return { type, timestampMicros: 1700000000001456n, primaryKey, columns };
}

describe('decodeChange', () => {
  it('decodes a put exactly in every column type', () => {
    const beyond = 2n ** 53n + 1n;
    const change = decodeChange(
      schema,
      raw('PutRow', [
        { op: 'Put', name: 'big', value: int(-beyond), timestampMillis: 10n },
        { op: 'Put', name: 'long', value: int(beyond), timestampMillis: 10n },
        { op: 'Put', name: 'str', value: int(2n ** 63n - 1n), timestampMillis: 10n },
        { op: 'Put', name: 'num', value: int(-5n), timestampMillis: 10n },
        { op: 'Put', name: 'ratio', value: { type: 'DOUBLE', value: 3 }, timestampMillis: 10n },
        { op: 'Put', name: 'flag', value: { type: 'BOOLEAN', value: false }, timestampMillis: 10n },
        { op: 'Put', name: 'blob', value: { type: 'BINARY', value: Buffer.from([0, 255]) }, timestampMillis: 10n },
        { op: 'Put', name: 'at', value: int(1700000000000n), timestampMillis: 10n },
        { op: 'Put', name: 'meta', value: { type: 'STRING', value: '{"tags":["a"]}' }, timestampMillis: 11n },
        { op: 'Put', name: 'n', value: { type: 'STRING', value: 'x' }, timestampMillis: undefined },
        { op: 'Put', name: 'other', value: { type: 'STRING', value: 'kept' }, timestampMillis: 10n },
      ]),
    );
    expect(change.type).toBe('put');
    if (change.type !== 'put') return;
    expect(change.key).toEqual({ shop: 's1', seq: 2n ** 60n });
    expect(change.row).toBeInstanceOf(Ev);
    expect(change.row.big).toBe(-beyond);
    expect(Long.isLong(change.row.long)).toBe(true);
    expect(change.row.long!.toString()).toBe(beyond.toString());
    expect(change.row.str).toBe('9223372036854775807');
    expect(change.row.num).toBe(-5);
    expect(change.row.ratio).toBe(3);
    expect(change.row.flag).toBe(false);
    expect(change.row.blob).toEqual(Buffer.from([0, 255]));
    expect(change.row.at).toEqual(new Date(1700000000000));
    expect(change.row.meta).toEqual({ tags: ['a'] });
    expect(change.row.renamed).toBe('x');
    expect(change.row.seq).toBe(2n ** 60n);
    expect(change.versions).toEqual({ big: 10, long: 10, str: 10, num: 10, ratio: 10, flag: 10, blob: 10, at: 10, meta: 11 });
    expect(change.unmapped).toEqual([{ op: 'Put', name: 'other', value: { type: 'STRING', value: 'kept' }, timestampMillis: 10n }]);
    expect(change.timestampMicros).toBe(1700000000001456n);
    expect(change.timestamp).toEqual(new Date(1700000000001));
  });

  it('decodes an update: set, deleted one version, deleted all', () => {
    const change = decodeChange(
      schema,
      raw('UpdateRow', [
        { op: 'DeleteOneVersion', name: 'flag', timestampMillis: 7n },
        { op: 'DeleteAllVersions', name: 'n' },
        { op: 'Put', name: 'ratio', value: { type: 'DOUBLE', value: 1 }, timestampMillis: 8n },
      ]),
    );
    expect(change).toMatchObject({
      type: 'update',
      set: { ratio: 1 },
      versions: { ratio: 8 },
      deleted: [
        { property: 'flag', column: 'flag', versions: 'one', timestampMillis: 7 },
        { property: 'renamed', column: 'n', versions: 'all' },
      ],
    });
  });

  it('decodes a delete to its key', () => {
    expect(decodeChange(schema, raw('DeleteRow', []))).toEqual({
      type: 'delete',
      key: { shop: 's1', seq: 2n ** 60n },
      timestampMicros: 1700000000001456n,
      timestamp: new Date(1700000000001),
      unmapped: [],
    });
  });

  it('refuses a record of another table', () => {
    const e = (() => {
      try {
        decodeChange(schema, raw('DeleteRow', [], [{ name: 'id', value: int(1n) }]));
      } catch (err) {
        return err as CodecError;
      }
      throw new Error('no error');
    })();
    expect(e).toBeInstanceOf(CodecError);
    expect(e.rule).toBe('INVALID_ROW');
    expect(e.message).toMatch(/primary key \(id\) is not Ev's \(shop, seq\): a record of another table/);
  });

  it('refuses values it cannot represent exactly', () => {
    expect(() => decodeChange(schema, raw('PutRow', [{ op: 'Put', name: 'num', value: int(2n ** 53n), timestampMillis: 1n }]))).toThrow(/exceeds ±\(2\^53-1\)/);
    expect(() => decodeChange(schema, raw('PutRow', [{ op: 'Put', name: 'flag', value: int(1n), timestampMillis: 1n }]))).toThrow(/stored type INTEGER cannot be read as boolean/);
    expect(() => decodeChange(schema, raw('PutRow', [{ op: 'Put', name: 'shop', value: int(1n), timestampMillis: 1n }]))).toThrow(/primary-key column 'shop' appears among/);
  });
});
