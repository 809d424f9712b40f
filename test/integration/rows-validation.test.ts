/**
 * Request validation of the single-row APIs (spec §1, §5.1, §6.2): primary-key checks (OTSInvalidPK), limits
 * on key and value sizes and column counts, column and table names, doubles, missing tables — each with the
 * service's status, code and message.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeRow } from '../../src/emulator/model/plainbuffer';
import { call } from '../support/raw';
import { connectSdk, createTable, IGNORE, Long, TableStore, uniqueTable } from '../support/sdk';
import { expectError, get, paramInvalid } from '../support/rows';

const sdk = connectSdk();
const t = uniqueTable('val');

/** The four single-row APIs addressing `pk`, each writing `attrs` where it writes anything. */
function allOps(tableName: string, pk: object[], attrs: object[] = [{ v: 'x' }]): Array<[string, () => Promise<unknown>]> {
  return [
    ['PutRow', () => sdk.putRow({ tableName, condition: IGNORE(), primaryKey: pk, attributeColumns: attrs })],
    ['GetRow', () => sdk.getRow({ tableName, primaryKey: pk })],
    ['UpdateRow', () => sdk.updateRow({ tableName, condition: IGNORE(), primaryKey: pk, updateOfAttributeColumns: [{ PUT: attrs }] })],
    ['DeleteRow', () => sdk.deleteRow({ tableName, condition: IGNORE(), primaryKey: pk })],
  ];
}

const writes = (tableName: string, pk: object[], attrs: object[]): Array<[string, () => Promise<unknown>]> =>
  allOps(tableName, pk, attrs).filter(([n]) => n === 'PutRow' || n === 'UpdateRow');

beforeAll(async () => {
  await createTable(sdk, t, [
    { name: 'pk1', type: 'STRING' },
    { name: 'pk2', type: 'INTEGER' },
  ]);
});

describe('primary-key validation (400 OTSInvalidPK, positional against the schema)', () => {
  it('rejects a wrong PK name on every row API', async () => {
    for (const [, op] of allOps(t, [{ pkX: 'a' }, { pk2: Long(1) }])) {
      await expectError(op(), 400, 'OTSInvalidPK', 'Validate PK name fail. Input: pkX, Meta: pk1.');
    }
  });

  it('rejects PK columns in the wrong order', async () => {
    for (const [, op] of allOps(t, [{ pk2: Long(1) }, { pk1: 'a' }])) {
      await expectError(op(), 400, 'OTSInvalidPK', 'Validate PK name fail. Input: pk2, Meta: pk1.');
    }
  });

  it('rejects a wrong PK type on every row API', async () => {
    for (const [, op] of allOps(t, [{ pk1: Buffer.from('a') }, { pk2: Long(1) }])) {
      await expectError(op(), 400, 'OTSInvalidPK', 'Validate PK type fail. Input: VT_BLOB, Meta: VT_STRING.');
    }
    for (const [, op] of allOps(t, [{ pk1: 'a' }, { pk2: 'one' }])) {
      await expectError(op(), 400, 'OTSInvalidPK', 'Validate PK type fail. Input: VT_STRING, Meta: VT_INTEGER.');
    }
  });

  it('rejects too few and too many PK columns on every row API', async () => {
    for (const [, op] of allOps(t, [{ pk1: 'a' }])) {
      await expectError(op(), 400, 'OTSInvalidPK', 'Validate PK size fail. Input: 1, Meta: 2.');
    }
    for (const [, op] of allOps(t, [{ pk1: 'a' }, { pk2: Long(1) }, { pk3: Long(2) }])) {
      await expectError(op(), 400, 'OTSInvalidPK', 'Validate PK size fail. Input: 3, Meta: 2.');
    }
  });

  it('refuses five key values with OTSParameterInvalid on every row API, not OTSInvalidPK (spec §1.4)', async () => {
    const t4 = uniqueTable('pk4');
    await createTable(sdk, t4, ['k0', 'k1', 'k2', 'k3'].map((name) => ({ name, type: 'STRING' })));
    const five = ['k0', 'k1', 'k2', 'k3', 'k4'].map((k, i) => ({ [k]: `${i}` }));
    const message = 'The number of primary key columns must be in range: [1, 4].';
    // PutRow refuses it before looking the table up.
    await paramInvalid(sdk.putRow({ tableName: uniqueTable('missing'), condition: IGNORE(), primaryKey: five, attributeColumns: [{ v: 'x' }] }), message);
    for (const [, op] of allOps(t4, five)) await paramInvalid(op(), message);
    const bounds = (v: unknown) => ['k0', 'k1', 'k2', 'k3', 'k4'].map((k) => ({ [k]: v }));
    await paramInvalid(sdk.getRange({ tableName: t4, direction: TableStore.Direction.FORWARD, inclusiveStartPrimaryKey: bounds(TableStore.INF_MIN), exclusiveEndPrimaryKey: bounds(TableStore.INF_MAX) }), message);
    await paramInvalid(sdk.batchGetRow({ tables: [{ tableName: t4, primaryKey: [five] }] }), message);
    await paramInvalid(sdk.batchWriteRow({ tables: [{ tableName: t4, rows: [{ type: 'PUT', condition: IGNORE(), primaryKey: five, attributeColumns: [{ v: 'x' }] }] }] }), message);
    // Four values of the wrong names are still the schema's business.
    await expectError(sdk.getRow({ tableName: t4, primaryKey: five.slice(1) }), 400, 'OTSInvalidPK', 'Validate PK name fail. Input: k1, Meta: k0.');
    await sdk.deleteTable({ tableName: t4 });
  });

  it('rejects INF_MIN / INF_MAX in a row key (they belong to GetRange boundaries only)', async () => {
    for (const [, op] of allOps(t, [{ pk1: TableStore.INF_MIN }, { pk2: Long(1) }])) {
      await paramInvalid(op(), 'VT_INF_MIN is an invalid type for the primary key.');
    }
    for (const [, op] of allOps(t, [{ pk1: 'a' }, { pk2: TableStore.INF_MAX }])) {
      await paramInvalid(op(), 'VT_INF_MAX is an invalid type for the primary key.');
    }
  });

  it('rejects a DOUBLE primary-key value (sent raw: the SDK refuses it)', async () => {
    const row = encodeRow({ pk: [{ name: 'pk1', value: { t: 0x01, v: 1.5 } as never }, { name: 'pk2', value: { t: 0x00, v: 1n } as never }], cells: [], deleteMarker: false });
    const r = await call('GetRow', { tableName: t, primaryKey: row, maxVersions: 1 });
    expect(r.status).toBe(400);
    expect(['OTSParameterInvalid', 'OTSInvalidPK']).toContain(r.error?.code);
  });

  it('accepts STRING/BINARY key values of 1024 bytes (and 0 bytes) and rejects 1025', async () => {
    const t2 = uniqueTable('valpk');
    await createTable(sdk, t2, [{ name: 's', type: 'STRING' }, { name: 'b', type: 'BINARY' }]);
    const s1024 = '中'.repeat(341) + 'a'; // 1023 + 1 bytes of UTF-8
    expect(Buffer.byteLength(s1024)).toBe(1024);
    const ok = [{ s: s1024 }, { b: Buffer.alloc(1024, 7) }];
    await sdk.putRow({ tableName: t2, condition: IGNORE(), primaryKey: ok, attributeColumns: [{ v: 'x' }] });
    expect((await get(sdk, t2, ok)).primaryKey[0].value).toBe(s1024);
    await sdk.putRow({ tableName: t2, condition: IGNORE(), primaryKey: [{ s: '' }, { b: Buffer.alloc(0) }], attributeColumns: [] });
    expect((await get(sdk, t2, [{ s: '' }, { b: Buffer.alloc(0) }])).primaryKey[0].value).toBe('');

    for (const [, op] of allOps(t2, [{ s: s1024 + 'x' }, { b: Buffer.alloc(1) }])) {
      await paramInvalid(op(), "The length of primary key column: 's' exceeds the MaxLength:1024 with CurrentLength:1025.");
    }
    for (const [, op] of allOps(t2, [{ s: 'a' }, { b: Buffer.alloc(1025) }])) {
      await paramInvalid(op(), "The length of primary key column: 'b' exceeds the MaxLength:1024 with CurrentLength:1025.");
    }
  });
});

describe('attribute limits', () => {
  const MB2 = 2 * 1024 * 1024;

  it('accepts a 2 MB STRING/BINARY value and rejects 2 MB + 1 byte, on PutRow and UpdateRow', async () => {
    const pk = [{ pk1: 'big' }, { pk2: Long(1) }];
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: pk, attributeColumns: [{ attr: 'a'.repeat(MB2) }] });
    const row = await get(sdk, t, pk);
    expect(row.attributes[0].columnValue.length).toBe(MB2);
    await sdk.updateRow({ tableName: t, condition: IGNORE(), primaryKey: pk, updateOfAttributeColumns: [{ PUT: [{ attr: Buffer.alloc(MB2, 1) }] }] });
    for (const [, op] of writes(t, pk, [{ attr: 'a'.repeat(MB2 + 1) }])) {
      await paramInvalid(op(), "The length of attribute column: 'attr' exceeds the MaxLength:2097152 with CurrentLength:2097153.");
    }
    for (const [, op] of writes(t, pk, [{ attr: Buffer.alloc(MB2 + 1) }])) {
      await paramInvalid(op(), "The length of attribute column: 'attr' exceeds the MaxLength:2097152 with CurrentLength:2097153.");
    }
    // Nothing was written by the rejected requests.
    expect(Buffer.isBuffer((await get(sdk, t, pk)).attributes[0].columnValue)).toBe(true);
  });

  it('rejects a PutRow / UpdateRow carrying more than 4 MB of data', async () => {
    const pk = [{ pk1: 'huge' }, { pk2: Long(1) }];
    // Key: "pk1" + "huge" + "pk2" + an 8-byte integer = 18 bytes; then two 2 MB values named a and b.
    const attrs = [{ a: 'a'.repeat(MB2) }, { b: Buffer.alloc(MB2) }];
    const size = 3 + 4 + 3 + 8 + 2 * (1 + MB2);
    await paramInvalid(writes(t, pk, attrs)[0][1](), `The total data size of PutRow request exceeds the limit, limit size: 4194304, data size: ${size}.`);
    await paramInvalid(writes(t, pk, attrs)[1][1](), `The total data size of UpdateRow request exceeds the limit, limit size: 4194304, data size: ${size}.`);
  });

  it('rejects a STRING value that is not UTF-8 (sent raw: the SDK always encodes UTF-8)', async () => {
    const pk = [{ name: 'pk1', value: { t: 0x03, v: Buffer.from('utf8') } }, { name: 'pk2', value: { t: 0x00, v: 1n } }] as never;
    const row = encodeRow({ pk, cells: [{ name: 's', value: { t: 0x03, v: Buffer.from([0xc3, 0x28]) } as never }], deleteMarker: false });
    const put = await call('PutRow', { tableName: t, row, condition: { rowExistence: 0 } });
    expect({ status: put.status, ...put.error }).toEqual({ status: 400, code: 'OTSParameterInvalid', message: 'Value of column `s` must be UTF8 encoding.' });
  });

  it('rejects an empty column name', async () => {
    for (const [, op] of writes(t, [{ pk1: 'empty' }, { pk2: Long(1) }], [{ '': 'v' }])) await paramInvalid(op(), 'invalid name of column: empty name.');
  });

  it('accepts 1024 attribute columns in one write and rejects 1025', async () => {
    const pk = [{ pk1: 'wide' }, { pk2: Long(1) }];
    const cols = (n: number) => Array.from({ length: n }, (_, i) => ({ [`c${String(i).padStart(4, '0')}`]: Long(i) }));
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: pk, attributeColumns: cols(1024) });
    expect((await get(sdk, t, pk)).attributes).toHaveLength(1024);
    await sdk.updateRow({ tableName: t, condition: IGNORE(), primaryKey: pk, updateOfAttributeColumns: [{ PUT: cols(1024) }] });
    for (const [, op] of writes(t, pk, cols(1025))) {
      await paramInvalid(op(), 'The number of attribute columns exceeds the limit, limit count: 1024, column count: 1025.');
    }
    // A row already holding 1024 columns can gain more through another UpdateRow (spec §1.10).
    await sdk.updateRow({ tableName: t, condition: IGNORE(), primaryKey: pk, updateOfAttributeColumns: [{ PUT: [{ extra: 'x' }] }] });
    expect((await get(sdk, t, pk)).attributes).toHaveLength(1025);
  });

  it("rejects column names starting with '#' and names of 256 bytes; accepts 255 bytes and punctuation", async () => {
    const pk = [{ pk1: 'names' }, { pk2: Long(1) }];
    for (const name of ['#', '#abc', '# ']) {
      for (const [, op] of writes(t, pk, [{ [name]: 'v' }])) await paramInvalid(op(), `Invalid column name: '${name}'.`);
    }
    const n256 = 'a'.repeat(256);
    for (const [, op] of writes(t, pk, [{ [n256]: 'v' }])) await paramInvalid(op(), `Invalid column name: '${n256}'.`);
    const n255 = 'b'.repeat(255);
    const odd = ['.', ':', "'", '"', '$', '&', '*', '(', ')', '/', '\\', ' ', 'price-2', 'a#'];
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: pk, attributeColumns: [{ [n255]: 'v' }, ...odd.map((n) => ({ [n]: n }))] });
    const names = (await get(sdk, t, pk)).attributes.map((a: any) => a.columnName);
    expect(names).toContain(n255);
    for (const n of odd) expect(names).toContain(n);
  });

  it("refuses the same names in columnsToGet and in filters, on every read API (spec §1.3a)", async () => {
    const pk = [{ pk1: 'names' }, { pk2: Long(1) }];
    const range = (extra: object) => sdk.getRange({
      tableName: t, direction: TableStore.Direction.FORWARD,
      inclusiveStartPrimaryKey: [{ pk1: TableStore.INF_MIN }, { pk2: TableStore.INF_MIN }], exclusiveEndPrimaryKey: [{ pk1: TableStore.INF_MAX }, { pk2: TableStore.INF_MAX }], ...extra,
    });
    for (const name of ['#', '#abc', '# ', 'a'.repeat(256)]) {
      const message = `Invalid column name: '${name}'.`;
      await paramInvalid(sdk.getRow({ tableName: t, primaryKey: pk, columnsToGet: ['ok', name] }), message);
      await paramInvalid(range({ columnsToGet: [name] }), message);
      await paramInvalid(sdk.batchGetRow({ tables: [{ tableName: t, primaryKey: [pk], columnsToGet: [name] }] }), message);
      const filter = new TableStore.SingleColumnCondition(name, 'v', TableStore.ComparatorType.EQUAL);
      await paramInvalid(sdk.getRow({ tableName: t, primaryKey: pk, columnsToGet: ['abc'], columnFilter: filter }), message);
      await paramInvalid(sdk.putRow({ tableName: t, condition: new TableStore.Condition(TableStore.RowExistenceExpectation.IGNORE, filter), primaryKey: pk, attributeColumns: [{ v: 'x' }] }), message);
    }
    // Names a write accepts are fine to read.
    expect((await sdk.getRow({ tableName: t, primaryKey: pk, columnsToGet: ['a#', 'b'.repeat(255)] })).row).toBeDefined();
  });

  it('accepts non-ASCII column names (sent raw: the Node SDK cannot encode them)', async () => {
    const pk = [{ name: 'pk1', value: { t: 0x03, v: Buffer.from('utf8name') } }, { name: 'pk2', value: { t: 0x00, v: 1n } }] as never;
    const row = encodeRow({ pk, cells: [{ name: '公司', value: { t: 0x03, v: Buffer.from('阿里') } as never }], deleteMarker: false });
    const put = await call('PutRow', { tableName: t, row, condition: { rowExistence: 0 } });
    expect(put.status).toBe(200);
    const got = await get(sdk, t, [{ pk1: 'utf8name' }, { pk2: Long(1) }]);
    expect(got.attributes.map((a: any) => a.columnValue)).toEqual(['阿里']);
  });

  it('rejects an attribute column named like a PK column', async () => {
    for (const [, op] of writes(t, [{ pk1: 'dup' }, { pk2: Long(1) }], [{ pk2: 'x' }])) {
      await paramInvalid(op(), 'Duplicated attribute column name with primary key column: `pk2`.');
    }
  });

  it('rejects NaN and ±Infinity doubles', async () => {
    const pk = [{ pk1: 'nan' }, { pk2: Long(1) }];
    for (const [, op] of writes(t, pk, [{ d: NaN }])) await paramInvalid(op(), "NaN can't be set to double value.");
    for (const v of [Infinity, -Infinity]) {
      for (const [, op] of writes(t, pk, [{ d: v }])) await paramInvalid(op(), "Infinity can't be set to double value.");
    }
  });
});

describe('table names and existence', () => {
  const invalid = ['0', '#', '中文', 'T#', 'T中文', '3t', '-', 'a'.repeat(256)];

  it('rejects invalid table names on every row API, before any existence check', async () => {
    for (const name of invalid) {
      for (const [, op] of allOps(name, [{ pk1: 'a' }, { pk2: Long(1) }])) await paramInvalid(op(), `Invalid table name: '${name}'.`);
    }
  });

  it('answers 404 OTSObjectNotExist for a valid name that does not exist', async () => {
    for (const name of ['_0', '_T', 'A0', 'a'.repeat(255), uniqueTable('nope')]) {
      for (const [, op] of allOps(name, [{ pk1: 'a' }, { pk2: Long(1) }])) {
        await expectError(op(), 404, 'OTSObjectNotExist', 'Requested table does not exist.');
      }
    }
  });
});
