/**
 * BatchGetRow and BatchWriteRow (spec §1.15–1.16, §3.7, §5.5, §6.4): per-row results in request order,
 * per-row versus whole-request errors, limits, repeated keys, auto-increment and atomic batches.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/raw';
import { columns, connectSdk, createTable, EXPECT_EXIST, EXPECT_NOT_EXIST, IGNORE, Long, otsError, TableStore, uniqueTable } from '../support/sdk';
import { tableJanitor } from '../support/janitor';

const sdk = connectSdk();
const janitor = tableJanitor(sdk);

async function make(pk: Array<{ name: string; type: string; option?: string }>): Promise<string> {
  const t = uniqueTable('bat');
  await createTable(sdk, t, pk);
  janitor.add(t);
  return t;
}

function expectErr(e: { status: number; otsCode: string; otsMessage: string }, status: number, code: string, message: string): void {
  expect([e.status, e.otsCode, e.otsMessage]).toEqual([status, code, message]);
}

const put = (pk: any[], cols: any[], condition = IGNORE()) => ({ type: 'PUT', condition, primaryKey: pk, attributeColumns: cols });
const update = (pk: any[], cols: any[], condition = IGNORE()) => ({ type: 'UPDATE', condition, primaryKey: pk, attributeColumns: [{ PUT: cols }] });
const del = (pk: any[], condition = IGNORE()) => ({ type: 'DELETE', condition, primaryKey: pk });
const putBytes = (pk: any[], cols: any[]): Buffer => Buffer.from(TableStore.PlainBufferBuilder.serializeForPutRow(pk, cols));
const pkOf = (row: any) => row.primaryKey?.map((c: any) => String(c.value));

async function get(table: string, pk: any[]): Promise<Record<string, string[]> | undefined> {
  const r = await sdk.getRow({ tableName: table, primaryKey: pk });
  return r.row?.primaryKey ? columns(r.row) : undefined;
}

describe('BatchGetRow', () => {
  let a: string;
  let b: string;
  beforeAll(async () => {
    a = await make([{ name: 'id', type: 'STRING' }]);
    b = await make([{ name: 'g', type: 'INTEGER' }, { name: 'u', type: 'STRING' }]);
    for (const id of ['x', 'y', 'z']) await sdk.putRow({ tableName: a, condition: IGNORE(), primaryKey: [{ id }], attributeColumns: [{ v: id }, { w: Long(1) }] });
    for (const g of [1, 2]) await sdk.putRow({ tableName: b, condition: IGNORE(), primaryKey: [{ g: Long(g) }, { u: 'k' }], attributeColumns: [{ n: Long(g * 10) }] });
  });

  it('reads rows of several tables, keeping the request order', async () => {
    const res = await sdk.batchGetRow({
      tables: [
        { tableName: a, primaryKey: [[{ id: 'z' }], [{ id: 'missing' }], [{ id: 'x' }]] },
        { tableName: b, primaryKey: [[{ g: Long(2) }, { u: 'k' }], [{ g: Long(1) }, { u: 'k' }]] },
      ],
    });
    expect(res.tables).toHaveLength(2);
    const [ra, rb] = res.tables;
    expect(ra.map((r: any) => [r.tableName, r.isOk, pkOf(r) ?? null])).toEqual([[a, true, ['z']], [a, true, null], [a, true, ['x']]]);
    expect(columns(ra[0])).toEqual({ v: ['z'], w: ['1'] });
    // A missing row is a success without a row.
    expect(ra[1].primaryKey).toBeNull();
    expect(ra[1].errorCode).toBeNull();
    expect(rb.map((r: any) => [r.tableName, r.isOk, pkOf(r)])).toEqual([[b, true, ['2', 'k']], [b, true, ['1', 'k']]]);
    expect(rb.map(columns)).toEqual([{ n: ['20'] }, { n: ['10'] }]);
  });

  it('applies per-table read options', async () => {
    const res = await sdk.batchGetRow({
      tables: [
        { tableName: a, primaryKey: [[{ id: 'x' }]], columnsToGet: ['w'] },
        { tableName: b, primaryKey: [[{ g: Long(1) }, { u: 'k' }]], columnFilter: new TableStore.SingleColumnCondition('n', Long(10), TableStore.ComparatorType.GREATER_THAN) },
      ],
    });
    expect(columns(res.tables[0][0])).toEqual({ w: ['1'] });
    expect([res.tables[1][0].isOk, res.tables[1][0].primaryKey]).toEqual([true, null]); // filtered out
  });

  it('answers a missing table per row with OTSObjectNotExist, HTTP 200', async () => {
    const missing = uniqueTable('missing');
    const res = await sdk.batchGetRow({
      tables: [
        { tableName: missing, primaryKey: [[{ id: 'x' }], [{ id: 'y' }]] },
        { tableName: a, primaryKey: [[{ id: 'y' }]] },
      ],
    });
    expect(res.tables[0].map((r: any) => [r.tableName, r.isOk, r.errorCode, r.errorMessage])).toEqual([
      [missing, false, 'OTSObjectNotExist', 'Requested table does not exist.'],
      [missing, false, 'OTSObjectNotExist', 'Requested table does not exist.'],
    ]);
    expect(res.tables[1].map((r: any) => [r.isOk, pkOf(r)])).toEqual([[true, ['y']]]);
  });

  it('answers a key that does not fit the schema per row with OTSInvalidPK', async () => {
    const res = await sdk.batchGetRow({ tables: [{ tableName: a, primaryKey: [[{ id: 'x' }], [{ other: 'x' }], [{ id: Long(1) }], [{ id: 'x2' }, { more: 'x' }]] }] });
    expect(res.tables[0].map((r: any) => [r.isOk, r.errorCode, r.errorMessage])).toEqual([
      [true, null, null],
      [false, 'OTSInvalidPK', 'Validate PK name fail. Input: other, Meta: id.'],
      [false, 'OTSInvalidPK', 'Validate PK type fail. Input: VT_INTEGER, Meta: VT_STRING.'],
      [false, 'OTSInvalidPK', 'Validate PK size fail. Input: 2, Meta: 1.'],
    ]);
  });

  it('refuses more than 100 rows over all tables', async () => {
    const keys = (n: number, p: string) => Array.from({ length: n }, (_, i) => [{ id: `${p}${i}` }]);
    const ok = await sdk.batchGetRow({ tables: [{ tableName: a, primaryKey: keys(100, 'k') }] });
    expect(ok.tables[0]).toHaveLength(100);
    const e = await otsError(sdk.batchGetRow({
      tables: [
        { tableName: a, primaryKey: keys(60, 'k') },
        { tableName: b, primaryKey: Array.from({ length: 41 }, (_, i) => [{ g: Long(i) }, { u: 'k' }]) },
      ],
    }));
    expectErr(e, 400, 'OTSParameterInvalid', 'Rows count exceeds the upper limit: 100.');
  });

  it('answers a row asked twice, and a table in two entries, each in its position (spec §6.4, corrected)', async () => {
    const twice = await sdk.batchGetRow({ tables: [{ tableName: a, primaryKey: [[{ id: 'x' }], [{ id: 'y' }], [{ id: 'x' }]] }] });
    expect(twice.tables[0].map((r: any) => [r.isOk, pkOf(r)])).toEqual([[true, ['x']], [true, ['y']], [true, ['x']]]);
    expect(twice.tables[0].map(columns)).toEqual([{ v: ['x'], w: ['1'] }, { v: ['y'], w: ['1'] }, { v: ['x'], w: ['1'] }]);
    // Each answer is a read of its own, and pays for itself.
    expect(twice.tables[0].map((r: any) => r.capacityUnit.read)).toEqual([1, 1, 1]);
    const split = await sdk.batchGetRow({
      tables: [
        { tableName: a, primaryKey: [[{ id: 'x' }]], columnsToGet: ['v'] },
        { tableName: b, primaryKey: [[{ g: Long(1) }, { u: 'k' }]] },
        { tableName: a, primaryKey: [[{ id: 'y' }], [{ id: 'x' }]] },
      ],
    });
    expect(split.tables.map((t: any[]) => t.map((r: any) => [r.tableName, pkOf(r)]))).toEqual([
      [[a, ['x']]],
      [[b, ['1', 'k']]],
      [[a, ['y']], [a, ['x']]],
    ]);
    // Each entry keeps its own read options.
    expect(split.tables.map((t: any[]) => t.map(columns))).toEqual([[{ v: ['x'] }], [{ n: ['10'] }], [{ v: ['y'], w: ['1'] }, { v: ['x'], w: ['1'] }]]);
  });

  it('accepts a table entry with no keys, refuses a request with no table', async () => {
    const res = await sdk.batchGetRow({ tables: [{ tableName: a, primaryKey: [] }, { tableName: b, primaryKey: [[{ g: Long(1) }, { u: 'k' }]] }] });
    expect(res.tables.map((t: any[]) => t.length)).toEqual([0, 1]);
    expectErr(await otsError(sdk.batchGetRow({ tables: [] })), 400, 'OTSParameterInvalid', 'No row specified in the request of BatchGetRow.');
  });

  it('refuses INF_MIN / INF_MAX in a key for the whole request (spec §6.2)', async () => {
    const e = await otsError(sdk.batchGetRow({ tables: [{ tableName: a, primaryKey: [[{ id: 'x' }], [{ id: TableStore.INF_MIN }]] }] }));
    expectErr(e, 400, 'OTSParameterInvalid', 'VT_INF_MIN is an invalid type for the primary key.');
    const e2 = await otsError(sdk.batchGetRow({ tables: [{ tableName: b, primaryKey: [[{ g: Long(1) }, { u: TableStore.INF_MAX }]] }] }));
    expectErr(e2, 400, 'OTSParameterInvalid', 'VT_INF_MAX is an invalid type for the primary key.');
  });

  it('checks table names before anything else', async () => {
    expectErr(await otsError(sdk.batchGetRow({ tables: [{ tableName: '3t', primaryKey: [[{ id: 'x' }]] }] })), 400, 'OTSParameterInvalid', "Invalid table name: '3t'.");
  });
});

describe('BatchWriteRow', () => {
  it('applies PUT, UPDATE and DELETE rows with per-row results in request order', async () => {
    const t = await make([{ name: 'id', type: 'STRING' }]);
    const u = await make([{ name: 'n', type: 'INTEGER' }]);
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: [{ id: 'gone' }], attributeColumns: [{ v: 'old' }] });
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: [{ id: 'upd' }], attributeColumns: [{ v: 'old' }, { keep: 'k' }] });
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: [{ id: 'there' }], attributeColumns: [{ v: 'old' }] });
    const res = await sdk.batchWriteRow({
      tables: [
        {
          tableName: t,
          rows: [
            put([{ id: 'new' }], [{ v: 'n1' }]),
            update([{ id: 'upd' }], [{ v: 'u1' }], EXPECT_EXIST()),
            del([{ id: 'gone' }], EXPECT_EXIST()),
            put([{ id: 'there' }], [{ v: 'never' }], EXPECT_NOT_EXIST()), // fails: exists
            update([{ id: 'nobody' }], [{ v: 'x' }], EXPECT_EXIST()), // fails: missing
            del([{ id: 'nobody2' }]),
          ],
        },
        { tableName: u, rows: [put([{ n: Long(7) }], [{ v: 'seven' }], EXPECT_NOT_EXIST())] },
      ],
    });
    expect(res.tables.map((r: any) => [r.tableName, r.isOk, r.errorCode, r.errorMessage])).toEqual([
      [t, true, null, null],
      [t, true, null, null],
      [t, true, null, null],
      [t, false, 'OTSConditionCheckFail', 'Condition check failed.'],
      [t, false, 'OTSConditionCheckFail', 'Condition check failed.'],
      [t, true, null, null],
      [u, true, null, null],
    ]);
    expect(await get(t, [{ id: 'new' }])).toEqual({ v: ['n1'] });
    expect(await get(t, [{ id: 'upd' }])).toEqual({ keep: ['k'], v: ['u1'] });
    expect(await get(t, [{ id: 'gone' }])).toBeUndefined();
    expect(await get(t, [{ id: 'there' }])).toEqual({ v: ['old'] });
    expect(await get(t, [{ id: 'nobody' }])).toBeUndefined();
    expect(await get(u, [{ n: Long(7) }])).toEqual({ v: ['seven'] });
  });

  it('answers a missing table per row with OTSObjectNotExist, HTTP 200', async () => {
    const t = await make([{ name: 'id', type: 'STRING' }]);
    const missing = uniqueTable('missing');
    const res = await sdk.batchWriteRow({
      tables: [
        { tableName: missing, rows: [put([{ id: 'a' }], [{ v: 1 }]), del([{ id: 'b' }])] },
        { tableName: t, rows: [put([{ id: 'a' }], [{ v: 'ok' }])] },
      ],
    });
    expect(res.tables.map((r: any) => [r.tableName, r.isOk, r.errorCode, r.errorMessage])).toEqual([
      [missing, false, 'OTSObjectNotExist', 'Requested table does not exist.'],
      [missing, false, 'OTSObjectNotExist', 'Requested table does not exist.'],
      [t, true, null, null],
    ]);
    expect(await get(t, [{ id: 'a' }])).toEqual({ v: ['ok'] });
  });

  it('answers a key that does not fit the schema per row with OTSInvalidPK', async () => {
    const t = await make([{ name: 'id', type: 'STRING' }]);
    const res = await sdk.batchWriteRow({
      tables: [{ tableName: t, rows: [update([{ wrong: 'a' }], [{ v: 'x' }]), del([{ wrong: 'a' }]), put([{ id: 'ok' }], [{ v: 'x' }])] }],
    });
    expect(res.tables.map((r: any) => [r.isOk, r.errorCode, r.errorMessage])).toEqual([
      [false, 'OTSInvalidPK', 'Validate PK name fail. Input: wrong, Meta: id.'],
      [false, 'OTSInvalidPK', 'Validate PK name fail. Input: wrong, Meta: id.'],
      [true, null, null],
    ]);
  });

  it('refuses more than 200 rows over all tables', async () => {
    const t = await make([{ name: 'id', type: 'STRING' }]);
    const u = await make([{ name: 'id', type: 'STRING' }]);
    const rows = (n: number) => Array.from({ length: n }, (_, i) => put([{ id: `r${i}` }], [{ v: 'x' }]));
    const ok = await sdk.batchWriteRow({ tables: [{ tableName: t, rows: rows(200) }] });
    expect(ok.tables).toHaveLength(200);
    const e = await otsError(sdk.batchWriteRow({ tables: [{ tableName: t, rows: rows(150) }, { tableName: u, rows: rows(51) }] }));
    expectErr(e, 400, 'OTSParameterInvalid', 'Rows count exceeds the upper limit: 200.');
    const r = await sdk.getRange({ tableName: u, direction: 'FORWARD', inclusiveStartPrimaryKey: [{ id: TableStore.INF_MIN }], exclusiveEndPrimaryKey: [{ id: TableStore.INF_MAX }] });
    expect(r.rows).toEqual([]);
  });

  it('refuses more than 4 MB of row data', async () => {
    const t = await make([{ name: 'id', type: 'STRING' }]);
    const big = 'x'.repeat(1_500_000);
    // Data size = PK and column names and values: 3 × ('id' 2 + 'rN' 2 + 'v' 1 + 1 500 000) = 4 500 015 bytes.
    const e = await otsError(sdk.batchWriteRow({ tables: [{ tableName: t, rows: ['r0', 'r1', 'r2'].map((id) => put([{ id }], [{ v: big }])) }] }));
    expectErr(e, 400, 'OTSParameterInvalid', 'The total data size of BatchWriteRow request exceeds the limit, limit size: 4194304, data size: 4500015.');
    expect(await get(t, [{ id: 'r0' }])).toBeUndefined();
    const ok = await sdk.batchWriteRow({ tables: [{ tableName: t, rows: ['r0', 'r1'].map((id) => put([{ id }], [{ v: big }])) }] });
    expect(ok.tables.every((r: any) => r.isOk)).toBe(true);
  }, 30_000);

  it('refuses duplicate tables and empty table entries as a whole', async () => {
    const t = await make([{ name: 'id', type: 'STRING' }]);
    expectErr(
      await otsError(sdk.batchWriteRow({ tables: [{ tableName: t, rows: [put([{ id: 'a' }], [{ v: 'x' }])] }, { tableName: t, rows: [put([{ id: 'b' }], [{ v: 'x' }])] }] })),
      400, 'OTSParameterInvalid', `Duplicated table name: \`${t}\`.`,
    );
    expectErr(await otsError(sdk.batchWriteRow({ tables: [{ tableName: t, rows: [] }] })), 400, 'OTSParameterInvalid', `No operation is specified for table: '${t}'.`);
    const res = await call('BatchWriteRow', { tables: [] });
    expect([res.status, res.error?.code, res.error?.message]).toEqual([400, 'OTSParameterInvalid', 'No row is specified in BatchWriteRow.']);
    expectErr(await otsError(sdk.batchWriteRow({ tables: [{ tableName: '3t', rows: [put([{ id: 'a' }], [{ v: 'x' }])] }] })), 400, 'OTSParameterInvalid', "Invalid table name: '3t'.");
    expect(await get(t, [{ id: 'a' }])).toBeUndefined();
  });

  it('refuses invalid key values, attributes named like a PK column and oversized values for the whole request', async () => {
    const t = await make([{ name: 'id', type: 'STRING' }]);
    const rows = (bad: any) => [put([{ id: 'ok' }], [{ v: 'x' }]), bad];
    expectErr(await otsError(sdk.batchWriteRow({ tables: [{ tableName: t, rows: rows(put([{ id: TableStore.INF_MAX }], [{ v: 'x' }])) }] })), 400, 'OTSParameterInvalid', 'VT_INF_MAX is an invalid type for the primary key.');
    expectErr(await otsError(sdk.batchWriteRow({ tables: [{ tableName: t, rows: rows(del([{ id: TableStore.INF_MIN }])) }] })), 400, 'OTSParameterInvalid', 'VT_INF_MIN is an invalid type for the primary key.');
    expectErr(await otsError(sdk.batchWriteRow({ tables: [{ tableName: t, rows: rows(put([{ id: 'b' }], [{ id: 'x' }])) }] })), 400, 'OTSParameterInvalid', 'Duplicated attribute column name with primary key column: `id`.');
    const big = 'x'.repeat(2 * 1024 * 1024 + 1);
    expectErr(
      await otsError(sdk.batchWriteRow({ tables: [{ tableName: t, rows: rows(update([{ id: 'b' }], [{ big }])) }] })),
      400, 'OTSParameterInvalid', "The length of attribute column: 'big' exceeds the MaxLength:2097152 with CurrentLength:2097153.",
    );
    expect(await get(t, [{ id: 'ok' }])).toBeUndefined();
  });

  it('refuses a row of more than 1024 attribute columns for the whole request, like PutRow (spec §1.11)', async () => {
    const t = await make([{ name: 'id', type: 'STRING' }]);
    const cols = (n: number) => Array.from({ length: n }, (_, i) => ({ [`c${i}`]: Long(i) }));
    const deletes = (n: number) => ({ type: 'UPDATE', condition: IGNORE(), primaryKey: [{ id: 'd' }], attributeColumns: [{ DELETE_ALL: cols(n).map((c) => Object.keys(c)[0]) }] });
    for (const bad of [put([{ id: 'p' }], cols(1025)), update([{ id: 'u' }], cols(1025)), deletes(1025)]) {
      const e = await otsError(sdk.batchWriteRow({ tables: [{ tableName: t, rows: [put([{ id: 'ok' }], [{ v: 'x' }]), bad] }] }));
      expectErr(e, 400, 'OTSParameterInvalid', 'The number of attribute columns exceeds the limit, limit count: 1024, column count: 1025.');
    }
    expect(await get(t, [{ id: 'ok' }])).toBeUndefined();
    // 1024 is the limit, not over it.
    const res = await sdk.batchWriteRow({ tables: [{ tableName: t, rows: [put([{ id: 'p' }], cols(1024)), update([{ id: 'u' }], cols(1024)), deletes(1024)] }] });
    expect(res.tables.map((r: any) => r.isOk)).toEqual([true, true, true]);
    expect(Object.keys(await get(t, [{ id: 'p' }]) ?? {})).toHaveLength(1024);
  });

  describe('repeated primary keys (spec §5.5)', () => {
    it('applies repeated PUTs in order: the last wins', async () => {
      const t = await make([{ name: 'id', type: 'STRING' }]);
      const res = await sdk.batchWriteRow({ tables: [{ tableName: t, rows: Array.from({ length: 10 }, (_, i) => put([{ id: 'same' }], [{ v: `v${i}` }, { [`c${i}`]: 'x' }])) }] });
      expect(res.tables.every((r: any) => r.isOk)).toBe(true);
      expect(await get(t, [{ id: 'same' }])).toEqual({ c9: ['x'], v: ['v9'] });
    });

    it('merges repeated UPDATEs, and a DELETE in between removes what came before', async () => {
      const t = await make([{ name: 'id', type: 'STRING' }]);
      await sdk.batchWriteRow({ tables: [{ tableName: t, rows: Array.from({ length: 10 }, (_, i) => update([{ id: 'same' }], [{ [`c${i}`]: Long(i) }])) }] });
      expect(Object.keys((await get(t, [{ id: 'same' }]))!)).toHaveLength(10);
      await sdk.batchWriteRow({ tables: [{ tableName: t, rows: [update([{ id: 'x' }], [{ a: 'a' }]), del([{ id: 'x' }]), update([{ id: 'x' }], [{ b: 'b' }])] }] });
      expect(await get(t, [{ id: 'x' }])).toEqual({ b: ['b'] });
    });

    it('refuses repeated rows that carry a condition, as a whole', async () => {
      const t = await make([{ name: 'id', type: 'STRING' }]);
      const e1 = await otsError(sdk.batchWriteRow({ tables: [{ tableName: t, rows: [put([{ id: 'a' }], [{ v: '1' }]), put([{ id: 'a' }], [{ v: '2' }], EXPECT_NOT_EXIST())] }] }));
      expectErr(e1, 400, 'OTSParameterInvalid', 'Repeated rows do not support row exist expectation check in BatchModify.');
      const cond = new TableStore.Condition(TableStore.RowExistenceExpectation.IGNORE, new TableStore.SingleColumnCondition('v', '1', TableStore.ComparatorType.EQUAL));
      const e2 = await otsError(sdk.batchWriteRow({ tables: [{ tableName: t, rows: [put([{ id: 'a' }], [{ v: '1' }], cond), put([{ id: 'a' }], [{ v: '2' }])] }] }));
      expectErr(e2, 400, 'OTSParameterInvalid', 'Repeated rows do not support row condition check in BatchModify.');
      expect(await get(t, [{ id: 'a' }])).toBeUndefined();
      // The same key in two tables is not a repeat.
      const u = await make([{ name: 'id', type: 'STRING' }]);
      const ok = await sdk.batchWriteRow({ tables: [{ tableName: t, rows: [put([{ id: 'a' }], [{ v: '1' }], EXPECT_NOT_EXIST())] }, { tableName: u, rows: [put([{ id: 'a' }], [{ v: '1' }], EXPECT_NOT_EXIST())] }] });
      expect(ok.tables.every((r: any) => r.isOk)).toBe(true);
    });
  });

  it('gives each auto-increment placeholder row its own value, returned with RT_PK (spec §3.7)', async () => {
    const t = await make([{ name: 'g', type: 'STRING' }, { name: 'id', type: 'INTEGER', option: 'AUTO_INCREMENT' }]);
    const rt = { returnType: TableStore.ReturnType.Primarykey };
    const res = await sdk.batchWriteRow({
      tables: [{
        tableName: t,
        rows: [
          { ...put([{ g: 'a' }, { id: TableStore.PK_AUTO_INCR }], [{ v: 'p1' }]), returnContent: rt },
          { ...update([{ g: 'a' }, { id: TableStore.PK_AUTO_INCR }], [{ v: 'u1' }]), returnContent: rt },
          { ...put([{ g: 'a' }, { id: TableStore.PK_AUTO_INCR }], [{ v: 'p2' }]), returnContent: rt },
          put([{ g: 'b' }, { id: TableStore.PK_AUTO_INCR }], [{ v: 'no-return' }]),
        ],
      }],
    });
    expect(res.tables.map((r: any) => r.isOk)).toEqual([true, true, true, true]);
    const ids = res.tables.slice(0, 3).map((r: any) => BigInt(r.primaryKey[1].value.toString()));
    expect(res.tables.slice(0, 3).map((r: any) => [r.primaryKey[0].value, r.primaryKey[1].name])).toEqual([['a', 'id'], ['a', 'id'], ['a', 'id']]);
    expect(ids[0] > 0n).toBe(true);
    expect(ids[1] > ids[0] && ids[2] > ids[1]).toBe(true);
    expect(res.tables[3].primaryKey).toBeNull();
    const vals = await Promise.all(ids.map((id: bigint) => get(t, [{ g: 'a' }, { id: Long(id) }])));
    expect(vals).toEqual([{ v: ['p1'] }, { v: ['u1'] }, { v: ['p2'] }]);
  });

  describe('is_atomic (raw request; the Node SDK cannot set it)', () => {
    const row = (type: number, pk: any[], cols: any[], rowExistence = 0) => ({ type, rowChange: putBytes(pk, cols), condition: { rowExistence } });

    it('applies rows of one partition key all together', async () => {
      const t = await make([{ name: 'p', type: 'STRING' }, { name: 's', type: 'INTEGER' }]);
      const res = await call('BatchWriteRow', { isAtomic: true, tables: [{ tableName: t, rows: [row(1, [{ p: 'a' }, { s: Long(1) }], [{ v: '1' }]), row(1, [{ p: 'a' }, { s: Long(2) }], [{ v: '2' }], 2)] }] });
      expect(res.status).toBe(200);
      expect(res.body.tables[0].rows.map((r: any) => r.isOk)).toEqual([true, true]);
      expect(await get(t, [{ p: 'a' }, { s: Long(1) }])).toEqual({ v: ['1'] });
      expect(await get(t, [{ p: 'a' }, { s: Long(2) }])).toEqual({ v: ['2'] });
    });

    it('fails every row when one row fails, and writes nothing', async () => {
      const t = await make([{ name: 'p', type: 'STRING' }, { name: 's', type: 'INTEGER' }]);
      await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: [{ p: 'a' }, { s: Long(9) }], attributeColumns: [{ v: 'old' }] });
      const res = await call('BatchWriteRow', {
        isAtomic: true,
        tables: [{ tableName: t, rows: [row(1, [{ p: 'a' }, { s: Long(1) }], [{ v: '1' }]), row(1, [{ p: 'a' }, { s: Long(9) }], [{ v: 'new' }], 2)] }],
      });
      expect(res.status).toBe(200);
      const rows = res.body.tables[0].rows;
      expect(rows.map((r: any) => r.isOk)).toEqual([false, false]);
      expect(rows[1].error).toMatchObject({ code: 'OTSConditionCheckFail', message: 'Condition check failed.' });
      expect(await get(t, [{ p: 'a' }, { s: Long(1) }])).toBeUndefined();
      expect(await get(t, [{ p: 'a' }, { s: Long(9) }])).toEqual({ v: ['old'] });
    });

    it('fails every row of a table whose rows have different partition keys, HTTP 200', async () => {
      const t = await make([{ name: 'p', type: 'STRING' }, { name: 's', type: 'INTEGER' }]);
      const res = await call('BatchWriteRow', { isAtomic: true, tables: [{ tableName: t, rows: [row(1, [{ p: 'a' }, { s: Long(1) }], [{ v: '1' }]), row(1, [{ p: 'b' }, { s: Long(1) }], [{ v: '2' }])] }] });
      expect(res.status).toBe(200);
      const rows = res.body.tables[0].rows;
      expect(rows.map((r: any) => r.isOk)).toEqual([false, false]);
      expect(rows[0].error.code).toBe('OTSParameterInvalid');
      expect(await get(t, [{ p: 'a' }, { s: Long(1) }])).toBeUndefined();
      expect(await get(t, [{ p: 'b' }, { s: Long(1) }])).toBeUndefined();
    });

    it('fails every row with the per-row key error when a key does not fit the schema, HTTP 200', async () => {
      const t = await make([{ name: 'p', type: 'STRING' }, { name: 's', type: 'INTEGER' }]);
      // An auto-increment placeholder as the partition key: no partition key to compare, and no 500 either.
      const res = await call('BatchWriteRow', { isAtomic: true, tables: [{ tableName: t, rows: [row(1, [{ p: 'a' }, { s: Long(1) }], [{ v: '1' }]), row(1, [{ p: TableStore.PK_AUTO_INCR }, { s: Long(2) }], [{ v: '2' }])] }] });
      expect(res.status).toBe(200);
      expect(res.body.tables[0].rows.map((r: any) => [r.isOk, r.error?.code])).toEqual([[false, 'OTSInvalidPK'], [false, 'OTSInvalidPK']]);
      expect(await get(t, [{ p: 'a' }, { s: Long(1) }])).toBeUndefined();
    });

        it('decides per table', async () => {
      const t = await make([{ name: 'p', type: 'STRING' }]);
      const u = await make([{ name: 'p', type: 'STRING' }]);
      const res = await call('BatchWriteRow', {
        isAtomic: true,
        tables: [
          { tableName: t, rows: [row(1, [{ p: 'a' }], [{ v: '1' }]), row(1, [{ p: 'b' }], [{ v: '2' }])] },
          { tableName: u, rows: [row(1, [{ p: 'a' }], [{ v: '1' }])] },
        ],
      });
      expect(res.body.tables.map((x: any) => x.rows.map((r: any) => r.isOk))).toEqual([[false, false], [true]]);
      expect(await get(u, [{ p: 'a' }])).toEqual({ v: ['1'] });
    });
  });

  it('is HTTP 200 when every row fails (S3 test_all_item_in_batch_write_row_failed)', async () => {
    const t = await make([{ name: 'id', type: 'STRING' }]);
    const res = await sdk.batchWriteRow({ tables: [{ tableName: t, rows: ['a', 'b', 'c'].map((id) => update([{ id }], [{ v: 'x' }], EXPECT_EXIST())) }] });
    expect(res.tables.map((r: any) => [r.isOk, r.errorCode, r.errorMessage])).toEqual(Array(3).fill([false, 'OTSConditionCheckFail', 'Condition check failed.']));
  });
});
