/**
 * Global secondary indexes (spec §1.28–1.30, §7.6): created with the table or later (with or without base
 * data), kept in step with every write, read by name with GetRow/GetRange/BatchGetRow, never written
 * directly, dropped with DropIndex or with their table. Index reads are retried for a few seconds, since the
 * real service updates global indexes asynchronously (the emulator does it in the same write).
 */
import { describe, expect, inject, it } from 'vitest';
import { columns, connectSdk, EXPECT_EXIST, IGNORE, Long, otsError, TableStore, uniqueTable } from '../support/sdk';
import { tableJanitor } from '../support/janitor';

const sdk = connectSdk();
const emulator = inject('backend').emulator;
const { INF_MIN, INF_MAX } = TableStore;
const janitor = tableJanitor(sdk);

function expectErr(e: { status: number; otsCode: string; otsMessage: string }, status: number, code: string, message?: string): void {
  expect({ status: e.status, code: e.otsCode }).toEqual({ status, code });
  if (message !== undefined) expect(e.otsMessage).toBe(message);
}

/** Base table (pk1 INTEGER, pk2 STRING) with defined columns c1 INTEGER, c2 STRING, c3 DOUBLE, c4 BINARY. */
function baseParams(name: string, indexMetas?: any[], tableOptions: Record<string, unknown> = { timeToLive: -1, maxVersions: 1 }) {
  return {
    tableMeta: {
      tableName: name,
      primaryKey: [{ name: 'pk1', type: 'INTEGER' }, { name: 'pk2', type: 'STRING' }],
      definedColumn: [
        { name: 'c1', type: TableStore.DefinedColumnType.DCT_INTEGER },
        { name: 'c2', type: TableStore.DefinedColumnType.DCT_STRING },
        { name: 'c3', type: TableStore.DefinedColumnType.DCT_DOUBLE },
        { name: 'c4', type: 7 },
      ],
    },
    reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
    tableOptions,
    ...(indexMetas ? { indexMetas } : {}),
  };
}

async function makeBase(indexMetas?: any[]): Promise<string> {
  const t = uniqueTable('base');
  await sdk.createTable(baseParams(t, indexMetas?.map((m) => ({ ...m, name: `${t}_${m.name}` }))));
  janitor.add(t);
  return t;
}

const pk = (p1: number, p2: string) => [{ pk1: Long(p1) }, { pk2: p2 }];

async function put(t: string, p1: number, p2: string, cols: any[]): Promise<void> {
  await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: pk(p1, p2), attributeColumns: cols });
}

/** GetRange bounds must name the index's PK columns: this reads the names from DescribeTable of the index. */
async function scanIndex(index: string): Promise<Array<[string, Record<string, string[]>]>> {
  const d = await sdk.describeTable({ tableName: index });
  const names: string[] = d.tableMeta.primaryKey.map((p: any) => p.name);
  const res = await sdk.getRange({
    tableName: index,
    direction: TableStore.Direction.FORWARD,
    inclusiveStartPrimaryKey: names.map((n) => ({ [n]: INF_MIN })),
    exclusiveEndPrimaryKey: names.map((n) => ({ [n]: INF_MAX })),
  });
  return res.rows.map((r: any) => [r.primaryKey.map((c: any) => `${c.name}=${c.value}`).join('|'), columns(r)]);
}

/** Retries an assertion for a while: global indexes are asynchronous on the real service. */
async function eventually(check: () => Promise<void>, ms = emulator ? 0 : 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      await check();
      return;
    } catch (e) {
      if (Date.now() >= deadline) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

describe('index creation', () => {
  it('creates indexes with the table and describes them', async () => {
    const t = await makeBase([
      { name: 'byc1', primaryKey: ['c1'], definedColumn: ['c2'] },
      { name: 'bypk2', primaryKey: ['pk2'], definedColumn: [] },
    ]);
    const d = await sdk.describeTable({ tableName: t });
    expect(d.indexMetas.map((m: any) => [m.name, m.primaryKey, m.definedColumn, m.indexType, m.indexUpdateMode])).toEqual([
      [`${t}_byc1`, ['c1'], ['c2'], 0, 0],
      [`${t}_bypk2`, ['pk2'], [], 0, 0],
    ]);
    // The index PK: the index columns, then the data table's remaining PK columns in order (spec §7.6).
    const i1 = await sdk.describeTable({ tableName: `${t}_byc1` });
    expect(i1.tableMeta.primaryKey.map((p: any) => [p.name, p.type])).toEqual([['c1', 1], ['pk1', 1], ['pk2', 2]]);
    const i2 = await sdk.describeTable({ tableName: `${t}_bypk2` });
    expect(i2.tableMeta.primaryKey.map((p: any) => [p.name, p.type])).toEqual([['pk2', 2], ['pk1', 1]]);
  });

  it('does not list index tables in ListTable (decided: data tables only)', async () => {
    const t = await makeBase([{ name: 'i', primaryKey: ['c1'] }]);
    const names = (await sdk.listTable()).tableNames;
    expect(names).toContain(t);
    expect(names).not.toContain(`${t}_i`);
  });

  it('CreateIndex without base data indexes only later writes; with base data indexes existing rows too', async () => {
    const t = await makeBase();
    await put(t, 1, 'a', [{ c1: Long(10) }, { c2: 'x' }]);
    await sdk.createIndex({ mainTableName: t, indexMeta: { name: `${t}_nobase`, primaryKey: ['c1'], definedColumn: ['c2'] }, includeBaseData: false });
    await sdk.createIndex({ mainTableName: t, indexMeta: { name: `${t}_base`, primaryKey: ['c1'], definedColumn: ['c2'] }, includeBaseData: true });
    await put(t, 2, 'b', [{ c1: Long(20) }, { c2: 'y' }]);
    await eventually(async () => {
      expect(await scanIndex(`${t}_nobase`)).toEqual([['c1=20|pk1=2|pk2=b', { c2: ['y'] }]]);
      expect(await scanIndex(`${t}_base`)).toEqual([
        ['c1=10|pk1=1|pk2=a', { c2: ['x'] }],
        ['c1=20|pk1=2|pk2=b', { c2: ['y'] }],
      ]);
    });
    const d = await sdk.describeTable({ tableName: t });
    expect(d.indexMetas.map((m: any) => m.name)).toEqual([`${t}_nobase`, `${t}_base`]);
  });

  it('refuses an index name that is already a table (409)', async () => {
    const t = await makeBase();
    const e = await otsError(sdk.createIndex({ mainTableName: t, indexMeta: { name: t, primaryKey: ['c1'], definedColumn: [] } }));
    expectErr(e, 409, 'OTSObjectAlreadyExist', 'Requested table already exists.');
    const u = await makeBase([{ name: 'i', primaryKey: ['c1'] }]);
    const e2 = await otsError(sdk.createTable(baseParams(`${u}_i`)));
    expectErr(e2, 409, 'OTSObjectAlreadyExist', 'Requested table already exists.');
  });

  it('refuses CreateIndex on a missing table (404)', async () => {
    const e = await otsError(sdk.createIndex({ mainTableName: uniqueTable('missing'), indexMeta: { name: uniqueTable('i'), primaryKey: ['c1'], definedColumn: [] } }));
    expectErr(e, 404, 'OTSObjectNotExist', 'Requested table does not exist.');
  });
});

describe('index limits', () => {
  it('allows at most 5 indexes per table', async () => {
    const five = Array.from({ length: 5 }, (_, i) => ({ name: `i${i}`, primaryKey: ['c1'], definedColumn: [] }));
    const t = await makeBase(five);
    const e = await otsError(sdk.createIndex({ mainTableName: t, indexMeta: { name: `${t}_i5`, primaryKey: ['c2'], definedColumn: [] } }));
    expectErr(e, 400, 'OTSParameterInvalid', 'Number of index per table exceeds the quota:5.');
    const u = uniqueTable('base');
    const e2 = await otsError(sdk.createTable(baseParams(u, [...five, { name: 'i5', primaryKey: ['c1'], definedColumn: [] }].map((m) => ({ ...m, name: `${u}_${m.name}` })))));
    expectErr(e2, 400, 'OTSParameterInvalid', 'Number of index per table exceeds the quota:5.');
    expectErr(await otsError(sdk.describeTable({ tableName: u })), 404, 'OTSObjectNotExist');
  });

  it('allows 1 to 4 index primary-key columns', async () => {
    const t = await makeBase();
    for (const cols of [[], ['c1', 'c2', 'c4', 'pk2', 'pk1']]) {
      const e = await otsError(sdk.createIndex({ mainTableName: t, indexMeta: { name: `${t}_x`, primaryKey: cols, definedColumn: [] } }));
      expectErr(e, 400, 'OTSParameterInvalid', 'The number of primary key columns must be in range: [1, 4] in index.');
    }
    await sdk.createIndex({ mainTableName: t, indexMeta: { name: `${t}_four`, primaryKey: ['c1', 'c2', 'c4', 'pk2'], definedColumn: [] } });
    const d = await sdk.describeTable({ tableName: `${t}_four` });
    expect(d.tableMeta.primaryKey.map((p: any) => p.name)).toEqual(['c1', 'c2', 'c4', 'pk2', 'pk1']);
  });

  it('allows only primary-key or defined columns, of STRING, INTEGER or BINARY type', async () => {
    const t = await makeBase();
    const create = (primaryKey: string[], definedColumn: string[] = []) =>
      otsError(sdk.createIndex({ mainTableName: t, indexMeta: { name: `${t}_x`, primaryKey, definedColumn } }));
    expectErr(await create(['nope']), 400, 'OTSParameterInvalid');
    expectErr(await create(['c1'], ['nope']), 400, 'OTSParameterInvalid');
    expectErr(await create(['c3']), 400, 'OTSParameterInvalid', 'Invalid column type, only STRING,INTEGER,BINARY is allowed.');
    expectErr(await otsError(sdk.describeTable({ tableName: `${t}_x` })), 404, 'OTSObjectNotExist');
  });

  it('requires maxVersions 1 on the data table', async () => {
    const t = uniqueTable('base');
    const e = await otsError(sdk.createTable(baseParams(t, [{ name: `${t}_i`, primaryKey: ['c1'], definedColumn: [] }], { timeToLive: -1, maxVersions: 2 })));
    expectErr(e, 400, 'OTSParameterInvalid');
    const u = uniqueTable('base');
    await sdk.createTable(baseParams(u, undefined, { timeToLive: -1, maxVersions: 2 }));
    janitor.add(u);
    expectErr(await otsError(sdk.createIndex({ mainTableName: u, indexMeta: { name: `${u}_i`, primaryKey: ['c1'], definedColumn: [] } })), 400, 'OTSParameterInvalid');
    const v = await makeBase([{ name: 'i', primaryKey: ['c1'] }]);
    expectErr(await otsError(sdk.updateTable({ tableName: v, tableOptions: { maxVersions: 2 } })), 400, 'OTSParameterInvalid');
    expect((await sdk.describeTable({ tableName: v })).tableOptions.maxVersions).toBe(1);
  });

  it('requires allowUpdate false when the data table has a TTL (doc 352075)', async () => {
    const t = await makeBase([{ name: 'i', primaryKey: ['c1'] }]);
    const msg = "Don't support allow update operation on table with index and ttl";
    expectErr(await otsError(sdk.updateTable({ tableName: t, tableOptions: { timeToLive: 86400 * 7 } })), 400, 'OTSParameterInvalid', msg);
    await sdk.updateTable({ tableName: t, tableOptions: { timeToLive: 86400 * 7, allowUpdate: false } });
    expect((await sdk.describeTable({ tableName: t })).tableOptions).toMatchObject({ timeToLive: 86400 * 7, allowUpdate: false });
  });

  it('refuses an auto-increment column as the first index column', async () => {
    const t = uniqueTable('base');
    const e = await otsError(sdk.createTable({
      tableMeta: { tableName: t, primaryKey: [{ name: 'a', type: 'STRING' }, { name: 'b', type: 'INTEGER', option: 'AUTO_INCREMENT' }] },
      reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
      tableOptions: { timeToLive: -1, maxVersions: 1 },
      indexMetas: [{ name: `${t}_i`, primaryKey: ['b'], definedColumn: [] }],
    }));
    expectErr(e, 400, 'OTSParameterInvalid');
  });

  it('requires a local index to start with the data table\'s partition key', async () => {
    const t = await makeBase();
    const e = await otsError(sdk.createIndex({
      mainTableName: t,
      indexMeta: { name: `${t}_local`, primaryKey: ['c1'], definedColumn: [], indexType: TableStore.IndexType.IT_LOCAL_INDEX, indexUpdateMode: TableStore.IndexUpdateMode.IUM_SYNC_INDEX },
    }));
    expectErr(e, 400, 'OTSParameterInvalid');
    await sdk.createIndex({
      mainTableName: t,
      indexMeta: { name: `${t}_local`, primaryKey: ['pk1', 'c1'], definedColumn: ['c2'], indexType: TableStore.IndexType.IT_LOCAL_INDEX, indexUpdateMode: TableStore.IndexUpdateMode.IUM_SYNC_INDEX },
    });
    await put(t, 1, 'a', [{ c1: Long(5) }, { c2: 'x' }]);
    expect(await scanIndex(`${t}_local`)).toEqual([['pk1=1|c1=5|pk2=a', { c2: ['x'] }]]);
  });
});

describe('index maintenance', () => {
  it('follows put, update and delete, including a change of the indexed value', async () => {
    const t = await makeBase([{ name: 'i', primaryKey: ['c1'], definedColumn: ['c2'] }]);
    const idx = `${t}_i`;
    await put(t, 1, 'a', [{ c1: Long(30) }, { c2: 'x' }, { other: 'o' }]);
    await put(t, 2, 'b', [{ c1: Long(10) }]);
    await put(t, 3, 'c', [{ c2: 'no c1' }]); // lacks the indexed column: not in the index
    await eventually(async () =>
      expect(await scanIndex(idx)).toEqual([
        ['c1=10|pk1=2|pk2=b', {}],
        ['c1=30|pk1=1|pk2=a', { c2: ['x'] }],
      ]),
    );
    // Changing the indexed value moves the entry; changing an index attribute updates it.
    await sdk.updateRow({ tableName: t, condition: IGNORE(), primaryKey: pk(1, 'a'), updateOfAttributeColumns: [{ PUT: [{ c1: Long(5) }, { c2: 'y' }] }] });
    // Giving the indexed column to a row that lacked it adds it.
    await sdk.updateRow({ tableName: t, condition: IGNORE(), primaryKey: pk(3, 'c'), updateOfAttributeColumns: [{ PUT: [{ c1: Long(20) }] }] });
    await eventually(async () =>
      expect(await scanIndex(idx)).toEqual([
        ['c1=5|pk1=1|pk2=a', { c2: ['y'] }],
        ['c1=10|pk1=2|pk2=b', {}],
        ['c1=20|pk1=3|pk2=c', { c2: ['no c1'] }],
      ]),
    );
    // Removing the indexed column removes the entry; removing an index attribute updates it.
    await sdk.updateRow({ tableName: t, condition: IGNORE(), primaryKey: pk(2, 'b'), updateOfAttributeColumns: [{ DELETE_ALL: ['c1'] }] });
    await sdk.updateRow({ tableName: t, condition: IGNORE(), primaryKey: pk(1, 'a'), updateOfAttributeColumns: [{ DELETE_ALL: ['c2'] }] });
    await sdk.deleteRow({ tableName: t, condition: IGNORE(), primaryKey: pk(3, 'c') });
    await eventually(async () => expect(await scanIndex(idx)).toEqual([['c1=5|pk1=1|pk2=a', {}]]));
    // A put replacing the whole row without the indexed column removes the entry.
    await put(t, 1, 'a', [{ c2: 'z' }]);
    await eventually(async () => expect(await scanIndex(idx)).toEqual([]));
  });

  it('follows BatchWriteRow and a failed condition changes nothing', async () => {
    const t = await makeBase([{ name: 'i', primaryKey: ['c2'], definedColumn: [] }]);
    const idx = `${t}_i`;
    const res = await sdk.batchWriteRow({
      tables: [{
        tableName: t,
        rows: [
          { type: 'PUT', condition: IGNORE(), primaryKey: pk(1, 'a'), attributeColumns: [{ c2: 'k1' }] },
          { type: 'PUT', condition: IGNORE(), primaryKey: pk(2, 'b'), attributeColumns: [{ c2: 'k2' }] },
          { type: 'UPDATE', condition: EXPECT_EXIST(), primaryKey: pk(3, 'c'), attributeColumns: [{ PUT: [{ c2: 'k3' }] }] },
        ],
      }],
    });
    expect(res.tables.map((r: any) => r.isOk)).toEqual([true, true, false]);
    await eventually(async () => expect((await scanIndex(idx)).map((r) => r[0])).toEqual(['c2=k1|pk1=1|pk2=a', 'c2=k2|pk1=2|pk2=b']));
    await sdk.batchWriteRow({
      tables: [{
        tableName: t,
        rows: [
          { type: 'DELETE', condition: IGNORE(), primaryKey: pk(1, 'a') },
          { type: 'UPDATE', condition: IGNORE(), primaryKey: pk(2, 'b'), attributeColumns: [{ PUT: [{ c2: 'k0' }] }] },
        ],
      }],
    });
    await eventually(async () => expect((await scanIndex(idx)).map((r) => r[0])).toEqual(['c2=k0|pk1=2|pk2=b']));
  });

  it.skipIf(!emulator)('leaves out a row whose indexed value has another type than the defined column (emulator decision)', async () => {
    const t = await makeBase([{ name: 'i', primaryKey: ['c1'] }]);
    await put(t, 1, 'a', [{ c1: 'not an integer' }]);
    await put(t, 2, 'b', [{ c1: Long(1) }]);
    expect((await scanIndex(`${t}_i`)).map((r) => r[0])).toEqual(['c1=1|pk1=2|pk2=b']);
  });
});

describe('reading an index', () => {
  it('reads by index name with GetRow, GetRange (both directions) and BatchGetRow', async () => {
    const t = await makeBase([{ name: 'i', primaryKey: ['c2', 'c1'], definedColumn: ['c4'] }]);
    const idx = `${t}_i`;
    await put(t, 1, 'a', [{ c1: Long(1) }, { c2: 'm' }, { c4: Buffer.from('01', 'hex') }]);
    await put(t, 2, 'b', [{ c1: Long(2) }, { c2: 'm' }]);
    await put(t, 3, 'c', [{ c1: Long(1) }, { c2: 'n' }]);
    await eventually(async () => {
      const got = await sdk.getRow({ tableName: idx, primaryKey: [{ c2: 'm' }, { c1: Long(1) }, { pk1: Long(1) }, { pk2: 'a' }] });
      expect(got.row.primaryKey.map((c: any) => String(c.value))).toEqual(['m', '1', '1', 'a']);
      expect(got.row.attributes.map((a: any) => [a.columnName, a.columnValue.toString('hex')])).toEqual([['c4', '01']]);
    });
    const fwd = await sdk.getRange({
      tableName: idx,
      direction: TableStore.Direction.FORWARD,
      inclusiveStartPrimaryKey: [{ c2: 'm' }, { c1: INF_MIN }, { pk1: INF_MIN }, { pk2: INF_MIN }],
      exclusiveEndPrimaryKey: [{ c2: 'm' }, { c1: INF_MAX }, { pk1: INF_MAX }, { pk2: INF_MAX }],
    });
    expect(fwd.rows.map((r: any) => String(r.primaryKey[3].value))).toEqual(['a', 'b']);
    const bwd = await sdk.getRange({
      tableName: idx,
      direction: TableStore.Direction.BACKWARD,
      inclusiveStartPrimaryKey: [{ c2: INF_MAX }, { c1: INF_MAX }, { pk1: INF_MAX }, { pk2: INF_MAX }],
      exclusiveEndPrimaryKey: [{ c2: INF_MIN }, { c1: INF_MIN }, { pk1: INF_MIN }, { pk2: INF_MIN }],
    });
    expect(bwd.rows.map((r: any) => String(r.primaryKey[3].value))).toEqual(['c', 'b', 'a']);
    const batch = await sdk.batchGetRow({ tables: [{ tableName: idx, primaryKey: [[{ c2: 'n' }, { c1: Long(1) }, { pk1: Long(3) }, { pk2: 'c' }], [{ c2: 'zz' }, { c1: Long(1) }, { pk1: Long(3) }, { pk2: 'c' }]] }] });
    expect(batch.tables[0].map((r: any) => [r.isOk, r.primaryKey?.map((c: any) => String(c.value)) ?? null])).toEqual([[true, ['n', '1', '3', 'c']], [true, null]]);
    // The index PK is checked like any table's.
    expectErr(await otsError(sdk.getRow({ tableName: idx, primaryKey: pk(1, 'a') })), 400, 'OTSInvalidPK', 'Validate PK size fail. Input: 2, Meta: 4.');
  });

  it('refuses writes to the index table', async () => {
    const t = await makeBase([{ name: 'i', primaryKey: ['c1'] }]);
    const idx = `${t}_i`;
    const ipk = [{ c1: Long(1) }, { pk1: Long(1) }, { pk2: 'a' }];
    const msg = "Can't write index table directly.";
    expectErr(await otsError(sdk.putRow({ tableName: idx, condition: IGNORE(), primaryKey: ipk, attributeColumns: [{ x: 'y' }] })), 400, 'OTSParameterInvalid', msg);
    expectErr(await otsError(sdk.updateRow({ tableName: idx, condition: IGNORE(), primaryKey: ipk, updateOfAttributeColumns: [{ PUT: [{ x: 'y' }] }] })), 400, 'OTSParameterInvalid', msg);
    expectErr(await otsError(sdk.deleteRow({ tableName: idx, condition: IGNORE(), primaryKey: ipk })), 400, 'OTSParameterInvalid', msg);
    const res = await sdk.batchWriteRow({ tables: [{ tableName: idx, rows: [{ type: 'PUT', condition: IGNORE(), primaryKey: ipk, attributeColumns: [{ x: 'y' }] }] }] });
    expect(res.tables.map((r: any) => [r.isOk, r.errorCode, r.errorMessage])).toEqual([[false, 'OTSParameterInvalid', msg]]);
    expect(await scanIndex(idx)).toEqual([]);
  });
});

describe('dropping indexes', () => {
  it('DropIndex removes the index and its rows; the data table keeps its rows', async () => {
    const t = await makeBase([{ name: 'i', primaryKey: ['c1'] }, { name: 'j', primaryKey: ['c2'] }]);
    await put(t, 1, 'a', [{ c1: Long(1) }, { c2: 'x' }]);
    await sdk.dropIndex({ mainTableName: t, indexName: `${t}_i` });
    expectErr(await otsError(sdk.describeTable({ tableName: `${t}_i` })), 404, 'OTSObjectNotExist', 'Requested table does not exist.');
    expectErr(await otsError(sdk.getRow({ tableName: `${t}_i`, primaryKey: [{ c1: Long(1) }, { pk1: Long(1) }, { pk2: 'a' }] })), 404, 'OTSObjectNotExist');
    const d = await sdk.describeTable({ tableName: t });
    expect(d.indexMetas.map((m: any) => m.name)).toEqual([`${t}_j`]);
    expect(columns((await sdk.getRow({ tableName: t, primaryKey: pk(1, 'a') })).row)).toEqual({ c1: ['1'], c2: ['x'] });
    // The name is free again: re-created without base data, the index starts empty.
    await sdk.createIndex({ mainTableName: t, indexMeta: { name: `${t}_i`, primaryKey: ['c1'], definedColumn: [] }, includeBaseData: false });
    expect(await scanIndex(`${t}_i`)).toEqual([]);
    expectErr(await otsError(sdk.dropIndex({ mainTableName: t, indexName: `${t}_nope` })), 404, 'OTSObjectNotExist');
  });

  it('DeleteTable drops its indexes', async () => {
    const t = await makeBase([{ name: 'i', primaryKey: ['c1'] }]);
    await put(t, 1, 'a', [{ c1: Long(1) }]);
    await sdk.deleteTable({ tableName: t });
    expectErr(await otsError(sdk.describeTable({ tableName: `${t}_i` })), 404, 'OTSObjectNotExist', 'Requested table does not exist.');
    // Both names are free again.
    await sdk.createTable(baseParams(t, [{ name: `${t}_i`, primaryKey: ['c1'], definedColumn: [] }]));
    expect(await scanIndex(`${t}_i`)).toEqual([]);
  });

  it('refuses DeleteTable on an index table', async () => {
    const t = await makeBase([{ name: 'i', primaryKey: ['c1'] }]);
    expectErr(await otsError(sdk.deleteTable({ tableName: `${t}_i` })), 400, 'OTSParameterInvalid');
    expect((await sdk.describeTable({ tableName: t })).indexMetas).toHaveLength(1);
  });
});
