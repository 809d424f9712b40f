/**
 * PutRow and DeleteRow semantics with the official SDK (spec §2.3–§2.5, §5.1, §5.4): whole-row replacement,
 * PK-only rows, explicit timestamps, every attribute type round-tripped exactly, RT_PK.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { columns, connectSdk, createTable, IGNORE, Long, TableStore, uniqueTable } from '../support/sdk';
import { cells, cond, conditionFailed, get, missing, pkOf } from '../support/rows';

const sdk = connectSdk();

describe('PutRow', () => {
  const t = uniqueTable('put');
  beforeAll(async () => {
    await createTable(sdk, t, [{ name: 'pk', type: 'STRING' }], { tableOptions: { timeToLive: -1, maxVersions: 3 } });
  });

  it('replaces the whole row: every column and every version of the old row is gone', async () => {
    const now = Date.now();
    await sdk.putRow({
      tableName: t,
      condition: IGNORE(),
      primaryKey: [{ pk: 'replace' }],
      attributeColumns: [
        { a: 'a1', timestamp: Long(now - 2000) },
        { a: 'a2', timestamp: Long(now - 1000) },
        { b: 'b1' },
      ],
    });
    expect(columns(await get(sdk, t, [{ pk: 'replace' }], { maxVersions: 3 }))).toEqual({ a: ['a2', 'a1'], b: ['b1'] });
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: [{ pk: 'replace' }], attributeColumns: [{ c: 'c1' }] });
    expect(columns(await get(sdk, t, [{ pk: 'replace' }], { maxVersions: 3 }))).toEqual({ c: ['c1'] });
  });

  it('writes a row holding only its primary key; the row exists and reads back with no attributes', async () => {
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: [{ pk: 'pkonly' }], attributeColumns: [] });
    const row = await get(sdk, t, [{ pk: 'pkonly' }]);
    expect(pkOf(row)).toEqual([['pk', 'pkonly']]);
    expect(row.attributes ?? []).toEqual([]);
    // It exists for conditions too (spec §4.3).
    await conditionFailed(sdk.putRow({ tableName: t, condition: cond('EXPECT_NOT_EXIST'), primaryKey: [{ pk: 'pkonly' }], attributeColumns: [] }));
    await sdk.putRow({ tableName: t, condition: cond('EXPECT_EXIST'), primaryKey: [{ pk: 'pkonly' }], attributeColumns: [{ x: 'y' }] });
    // A put with no attributes over an existing row leaves a PK-only row.
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: [{ pk: 'pkonly' }], attributeColumns: [] });
    expect((await get(sdk, t, [{ pk: 'pkonly' }])).attributes ?? []).toEqual([]);
  });

  it('stores several versions of one column from one put, each with its explicit timestamp, newest first', async () => {
    const now = Date.now() - 10_000;
    await sdk.putRow({
      tableName: t,
      condition: IGNORE(),
      primaryKey: [{ pk: 'versions' }],
      attributeColumns: [
        { v: 'one', timestamp: Long(now + 1) },
        { v: 'three', timestamp: Long(now + 3) },
        { v: 'two', timestamp: Long(now + 2) },
        { w: 'w', timestamp: Long(now) },
      ],
    });
    expect(cells(await get(sdk, t, [{ pk: 'versions' }], { maxVersions: 5 }))).toEqual([
      ['v', 'three', String(now + 3)],
      ['v', 'two', String(now + 2)],
      ['v', 'one', String(now + 1)],
      ['w', 'w', String(now)],
    ]);
    // maxVersions 1 on read: the newest only.
    expect(cells(await get(sdk, t, [{ pk: 'versions' }], { maxVersions: 1 }))).toEqual([
      ['v', 'three', String(now + 3)],
      ['w', 'w', String(now)],
    ]);
  });

  it('the same column and timestamp twice in one put keeps the last value', async () => {
    const ts = Date.now() - 5000;
    await sdk.putRow({
      tableName: t,
      condition: IGNORE(),
      primaryKey: [{ pk: 'sameTs' }],
      attributeColumns: [{ v: 'first', timestamp: Long(ts) }, { v: 'second', timestamp: Long(ts) }],
    });
    expect(cells(await get(sdk, t, [{ pk: 'sameTs' }], { maxVersions: 3 }))).toEqual([['v', 'second', String(ts)]]);
  });

  it('cells without a timestamp get the server time in ms', async () => {
    const before = Date.now();
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: [{ pk: 'servertime' }], attributeColumns: [{ v: 'x' }] });
    const after = Date.now();
    const ts = Number(cells(await get(sdk, t, [{ pk: 'servertime' }]))[0][2]);
    // Generous window: a real instance's clock is not ours.
    expect(ts).toBeGreaterThan(before - 60_000);
    expect(ts).toBeLessThan(after + 60_000);
  });

  it('round-trips every attribute type exactly', async () => {
    const bin = Buffer.from([0, 1, 2, 0xfe, 0xff, 0x80]);
    await sdk.putRow({
      tableName: t,
      condition: IGNORE(),
      primaryKey: [{ pk: 'types' }],
      attributeColumns: [
        { s_ascii: 'hello' },
        { s_utf8: 'héllo 中文 😀 ✓' },
        { s_empty: '' },
        { i_max: Long('9223372036854775807') },
        { i_min: Long('-9223372036854775808') },
        { i_zero: Long(0) },
        { i_big: Long('9007199254740993') },
        { d_pi: 3.141592653589793 },
        { d_neg: -1.5e-300 },
        { d_int: 42 },
        { b_true: true },
        { b_false: false },
        { bin },
        { bin_empty: Buffer.alloc(0) },
      ],
    });
    const row = await get(sdk, t, [{ pk: 'types' }]);
    const byName = Object.fromEntries(row.attributes.map((a: any) => [a.columnName, a.columnValue]));
    // Columns come back in name order (spec §2.4).
    expect(row.attributes.map((a: any) => a.columnName)).toEqual(
      ['b_false', 'b_true', 'bin', 'bin_empty', 'd_int', 'd_neg', 'd_pi', 'i_big', 'i_max', 'i_min', 'i_zero', 's_ascii', 's_empty', 's_utf8'],
    );
    expect(byName.s_ascii).toBe('hello');
    expect(byName.s_utf8).toBe('héllo 中文 😀 ✓');
    expect(byName.s_empty).toBe('');
    expect(byName.i_max.toString()).toBe('9223372036854775807');
    expect(byName.i_min.toString()).toBe('-9223372036854775808');
    expect(byName.i_zero.toString()).toBe('0');
    expect(byName.i_big.toString()).toBe('9007199254740993');
    expect(byName.d_pi).toBe(3.141592653589793);
    expect(byName.d_neg).toBe(-1.5e-300);
    expect(byName.d_int).toBe(42);
    expect(typeof byName.d_int).toBe('number');
    expect(byName.b_true).toBe(true);
    expect(byName.b_false).toBe(false);
    expect(Buffer.isBuffer(byName.bin)).toBe(true);
    expect(Buffer.compare(byName.bin, bin)).toBe(0);
    expect(Buffer.isBuffer(byName.bin_empty)).toBe(true);
    expect(byName.bin_empty.length).toBe(0);
  });

  it('round-trips every primary-key type, including int64 extremes, empty and non-ASCII strings and binary', async () => {
    const t2 = uniqueTable('putpk');
    await createTable(sdk, t2, [
      { name: 's', type: 'STRING' },
      { name: 'i', type: 'INTEGER' },
      { name: 'b', type: 'BINARY' },
    ]);
    for (const [s, i, b] of [
      ['中文 ✓', '9223372036854775807', Buffer.from([0xff, 0])],
      ['', '-9223372036854775808', Buffer.alloc(0)],
    ] as Array<[string, string, Buffer]>) {
      const pk = [{ s }, { i: Long(i) }, { b }];
      const put = await sdk.putRow({ tableName: t2, condition: IGNORE(), primaryKey: pk, attributeColumns: [{ v: 'x' }], returnContent: { returnType: TableStore.ReturnType.Primarykey } });
      expect(pkOf(put.row)).toEqual([['s', s], ['i', i], ['b', String(b)]]);
      const row = await get(sdk, t2, pk);
      expect(row.primaryKey[0].value).toBe(s);
      expect(row.primaryKey[1].value.toString()).toBe(i);
      expect(Buffer.compare(row.primaryKey[2].value, b)).toBe(0);
    }
  });

  it('returns the primary key with RT_PK, and no row otherwise', async () => {
    const withPk = await sdk.putRow({
      tableName: t,
      condition: IGNORE(),
      primaryKey: [{ pk: 'rtpk' }],
      attributeColumns: [{ v: 'x' }],
      returnContent: { returnType: TableStore.ReturnType.Primarykey },
    });
    expect(pkOf(withPk.row)).toEqual([['pk', 'rtpk']]);
    expect(withPk.row.attributes ?? []).toEqual([]);
    const without = await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: [{ pk: 'rtpk' }], attributeColumns: [{ v: 'x' }] });
    expect(missing(without.row)).toBe(true);
  });
});

describe('DeleteRow', () => {
  const t = uniqueTable('del');
  beforeAll(async () => {
    await createTable(sdk, t, [{ name: 'pk', type: 'STRING' }, { name: 'n', type: 'INTEGER' }], { tableOptions: { timeToLive: -1, maxVersions: 3 } });
  });

  it('deletes every column and version of the row', async () => {
    const pk = [{ pk: 'a' }, { n: Long(1) }];
    const ts = Date.now() - 3000;
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: pk, attributeColumns: [{ c: '1', timestamp: Long(ts) }, { c: '2', timestamp: Long(ts + 1) }, { d: true }] });
    await sdk.deleteRow({ tableName: t, condition: IGNORE(), primaryKey: pk });
    expect(missing(await get(sdk, t, pk, { maxVersions: 3 }))).toBe(true);
    // Writing it again starts from nothing.
    await sdk.putRow({ tableName: t, condition: cond('EXPECT_NOT_EXIST'), primaryKey: pk, attributeColumns: [{ e: 'new' }] });
    expect(columns(await get(sdk, t, pk, { maxVersions: 3 }))).toEqual({ e: ['new'] });
  });

  it('deletes a PK-only row', async () => {
    const pk = [{ pk: 'pkonly' }, { n: Long(1) }];
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: pk, attributeColumns: [] });
    await sdk.deleteRow({ tableName: t, condition: cond('EXPECT_EXIST'), primaryKey: pk });
    expect(missing(await get(sdk, t, pk))).toBe(true);
  });

  it('a missing row with IGNORE succeeds and changes nothing; with EXPECT_EXIST it fails the condition', async () => {
    const pk = [{ pk: 'never' }, { n: Long(-1) }];
    await sdk.deleteRow({ tableName: t, condition: IGNORE(), primaryKey: pk });
    expect(missing(await get(sdk, t, pk))).toBe(true);
    await conditionFailed(sdk.deleteRow({ tableName: t, condition: cond('EXPECT_EXIST'), primaryKey: pk }));
  });

  it('deletes only the addressed row', async () => {
    for (const n of [1, 2, 3]) await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: [{ pk: 'only' }, { n: Long(n) }], attributeColumns: [{ v: n }] });
    await sdk.deleteRow({ tableName: t, condition: IGNORE(), primaryKey: [{ pk: 'only' }, { n: Long(2) }] });
    expect(missing(await get(sdk, t, [{ pk: 'only' }, { n: Long(1) }]))).toBe(false);
    expect(missing(await get(sdk, t, [{ pk: 'only' }, { n: Long(2) }]))).toBe(true);
    expect(missing(await get(sdk, t, [{ pk: 'only' }, { n: Long(3) }]))).toBe(false);
  });

  it('returns the primary key with RT_PK', async () => {
    const pk = [{ pk: 'rt' }, { n: Long('-9223372036854775808') }];
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: pk, attributeColumns: [{ v: 'x' }] });
    const r = await sdk.deleteRow({ tableName: t, condition: IGNORE(), primaryKey: pk, returnContent: { returnType: TableStore.ReturnType.Primarykey } });
    expect(pkOf(r.row)).toEqual([['pk', 'rt'], ['n', '-9223372036854775808']]);
  });
});
