/**
 * Auto-increment primary keys in row operations (spec §3.3–§3.6): the placeholder generates strictly
 * increasing values per partition key, RT_PK returns them exactly, the condition matrix for placeholder rows
 * and for concrete keys, and the placeholder refused in reads and deletes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { columns, connectSdk, createTable, IGNORE, Long, TableStore, uniqueTable } from '../support/sdk';
import { cond, conditionFailed, expectError, get, missing, paramInvalid, pkOf, single } from '../support/rows';

const sdk = connectSdk();
const t = uniqueTable('auto');
const AUTO = TableStore.PK_AUTO_INCR;
const RT_PK = { returnType: TableStore.ReturnType.Primarykey };

beforeAll(async () => {
  await createTable(sdk, t, [
    { name: 'part', type: 'STRING' },
    { name: 'id', type: 'INTEGER', option: 'AUTO_INCREMENT' },
    { name: 'tail', type: 'STRING' },
  ]);
});

/** Puts a row through the placeholder and returns the generated id (exact, as a bigint). */
async function putNew(part: string, attrs: object[] = [{ v: 'x' }]): Promise<bigint> {
  const r = await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: [{ part }, { id: AUTO }, { tail: 't' }], attributeColumns: attrs, returnContent: RT_PK });
  const pk = pkOf(r.row);
  expect(pk.map((p) => p[0])).toEqual(['part', 'id', 'tail']);
  expect(pk[0][1]).toBe(part);
  return BigInt(pk[1][1]);
}

const exact = (id: bigint) => [{ part: 'p' }, { id: Long(id) }, { tail: 't' }];

describe('generated values', () => {
  it('are positive and strictly increasing within a partition key; RT_PK returns them exactly', async () => {
    const ids: bigint[] = [];
    for (let i = 0; i < 5; i++) ids.push(await putNew('p', [{ i: Long(i) }]));
    expect(ids[0] > 0n).toBe(true);
    for (let i = 1; i < ids.length; i++) expect(ids[i] > ids[i - 1]).toBe(true);
    // The exact returned key addresses the row.
    for (const [i, id] of ids.entries()) expect(columns(await get(sdk, t, exact(id)))).toEqual({ i: [String(i)] });
  });

  it('increase within each partition independently, also when written concurrently', async () => {
    const byPart: Record<string, bigint[]> = { a: [], b: [] };
    for (let i = 0; i < 3; i++) for (const part of ['a', 'b']) byPart[part].push(await putNew(part));
    for (const ids of Object.values(byPart)) for (let i = 1; i < ids.length; i++) expect(ids[i] > ids[i - 1]).toBe(true);
    const parallel = await Promise.all(Array.from({ length: 20 }, () => putNew('c')));
    expect(new Set(parallel.map(String)).size).toBe(20);
  });

  it('UpdateRow with the placeholder creates a new row and returns its key', async () => {
    const r = await sdk.updateRow({ tableName: t, condition: IGNORE(), primaryKey: [{ part: 'u' }, { id: AUTO }, { tail: 't' }], updateOfAttributeColumns: [{ PUT: [{ v: 'upd' }] }], returnContent: RT_PK });
    const id = BigInt(pkOf(r.row)[1][1]);
    expect(id > 0n).toBe(true);
    expect(columns(await get(sdk, t, [{ part: 'u' }, { id: Long(id) }, { tail: 't' }]))).toEqual({ v: ['upd'] });
  });

  it('without RT_PK the row is still written (the key is just not returned)', async () => {
    const before = await putNew('q');
    const r = await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: [{ part: 'q' }, { id: AUTO }, { tail: 't' }], attributeColumns: [{ v: 'silent' }] });
    expect(missing(r.row)).toBe(true);
    const after = await putNew('q');
    expect(after > before).toBe(true);
  });
});

describe('conditions (spec §3.6)', () => {
  const placeholderKey = [{ part: 'c' }, { id: AUTO }, { tail: 't' }];

  it('a placeholder row requires IGNORE and no column condition', async () => {
    for (const e of ['EXPECT_EXIST', 'EXPECT_NOT_EXIST'] as const) {
      const msg = `Invalid expect:\`${e}\` when modify row with pk auto increment.`;
      await paramInvalid(sdk.putRow({ tableName: t, condition: cond(e), primaryKey: placeholderKey, attributeColumns: [{ v: 'x' }] }), msg);
      await paramInvalid(sdk.updateRow({ tableName: t, condition: cond(e), primaryKey: placeholderKey, updateOfAttributeColumns: [{ PUT: [{ v: 'x' }] }] }), msg);
    }
    const withColumn = cond('IGNORE', single('v', 'x', 'EQUAL'));
    await paramInvalid(sdk.putRow({ tableName: t, condition: withColumn, primaryKey: placeholderKey, attributeColumns: [{ v: 'x' }] }), "Can't set condition when modify row with pk auto increment.");
    await paramInvalid(sdk.updateRow({ tableName: t, condition: withColumn, primaryKey: placeholderKey, updateOfAttributeColumns: [{ PUT: [{ v: 'x' }] }] }), "Can't set condition when modify row with pk auto increment.");
  });

  it('a concrete key may not be written with IGNORE or EXPECT_NOT_EXIST', async () => {
    const id = await putNew('p');
    for (const e of ['IGNORE', 'EXPECT_NOT_EXIST'] as const) {
      const msg = `Invalid expect: \`${e}\` when modify a specific row for table with pk auto increment.`;
      // Whether the row exists or not.
      for (const k of [exact(id), exact(id + 1_000_000_000n)]) {
        await paramInvalid(sdk.putRow({ tableName: t, condition: cond(e), primaryKey: k, attributeColumns: [{ v: 'y' }] }), msg);
        await paramInvalid(sdk.updateRow({ tableName: t, condition: cond(e), primaryKey: k, updateOfAttributeColumns: [{ PUT: [{ v: 'y' }] }] }), msg);
      }
    }
    expect(columns(await get(sdk, t, exact(id)))).toEqual({ v: ['x'] });
  });

  it('a concrete key with EXPECT_EXIST overwrites/updates an existing row, with column conditions, and fails on a missing one', async () => {
    const id = await putNew('p', [{ n: Long(1) }]);
    await sdk.updateRow({ tableName: t, condition: cond('EXPECT_EXIST'), primaryKey: exact(id), updateOfAttributeColumns: [{ INCREMENT: [{ n: Long(1) }] }] });
    await sdk.updateRow({ tableName: t, condition: cond('EXPECT_EXIST', single('n', Long(2), 'EQUAL')), primaryKey: exact(id), updateOfAttributeColumns: [{ PUT: [{ s: 'ok' }] }] });
    await conditionFailed(sdk.updateRow({ tableName: t, condition: cond('EXPECT_EXIST', single('n', Long(99), 'EQUAL')), primaryKey: exact(id), updateOfAttributeColumns: [{ PUT: [{ s: 'no' }] }] }));
    expect(columns(await get(sdk, t, exact(id)))).toEqual({ n: ['2'], s: ['ok'] });
    await sdk.putRow({ tableName: t, condition: cond('EXPECT_EXIST'), primaryKey: exact(id), attributeColumns: [{ replaced: true }] });
    expect(columns(await get(sdk, t, exact(id)))).toEqual({ replaced: ['true'] });
    const absent = exact(id + 1_000_000_000n);
    await conditionFailed(sdk.putRow({ tableName: t, condition: cond('EXPECT_EXIST'), primaryKey: absent, attributeColumns: [{ v: 'y' }] }));
    await conditionFailed(sdk.updateRow({ tableName: t, condition: cond('EXPECT_EXIST'), primaryKey: absent, updateOfAttributeColumns: [{ PUT: [{ v: 'y' }] }] }));
    expect(missing(await get(sdk, t, absent))).toBe(true);
  });

  it('DeleteRow of a concrete key: IGNORE and EXPECT_EXIST work, EXPECT_NOT_EXIST is refused', async () => {
    const a = await putNew('p');
    const b = await putNew('p');
    await sdk.deleteRow({ tableName: t, condition: IGNORE(), primaryKey: exact(a) });
    expect(missing(await get(sdk, t, exact(a)))).toBe(true);
    await sdk.deleteRow({ tableName: t, condition: IGNORE(), primaryKey: exact(a) });
    await conditionFailed(sdk.deleteRow({ tableName: t, condition: cond('EXPECT_EXIST'), primaryKey: exact(a) }));
    await paramInvalid(
      sdk.deleteRow({ tableName: t, condition: cond('EXPECT_NOT_EXIST'), primaryKey: exact(b) }),
      'Invalid expect: `EXPECT_NOT_EXIST` when modify a specific row for table with pk auto increment.',
    );
    await sdk.deleteRow({ tableName: t, condition: cond('EXPECT_EXIST'), primaryKey: exact(b) });
    expect(missing(await get(sdk, t, exact(b)))).toBe(true);
  });
});

describe('the placeholder outside writes', () => {
  it('is refused in reads and deletes', async () => {
    const k = [{ part: 'p' }, { id: AUTO }, { tail: 't' }];
    await paramInvalid(sdk.getRow({ tableName: t, primaryKey: k }), "PKAutoIncr can't be used for read operations.");
    await paramInvalid(sdk.deleteRow({ tableName: t, condition: IGNORE(), primaryKey: k }), 'Invalid row to delete which with pk auto increment.');
  });

  it('is refused on a column that is not auto-increment', async () => {
    const plain = uniqueTable('noauto');
    await createTable(sdk, plain, [{ name: 'part', type: 'STRING' }, { name: 'id', type: 'INTEGER' }]);
    await expectError(sdk.putRow({ tableName: plain, condition: IGNORE(), primaryKey: [{ part: 'p' }, { id: AUTO }], attributeColumns: [] }), 400, 'OTSInvalidPK');
    await expectError(sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: [{ part: AUTO }, { id: AUTO }, { tail: 't' }], attributeColumns: [] }), 400, 'OTSInvalidPK');
  });
});
