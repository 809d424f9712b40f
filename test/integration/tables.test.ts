/**
 * Table operations (spec §1, §3.2, §7.1–7.4, §8): CreateTable, ListTable, DescribeTable, UpdateTable and
 * DeleteTable through the official SDK, with the service's status, code and message.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startEmulator } from '../../src/emulator';
import { call, decodeError, rawRequest } from '../support/raw';
import { columns, connectSdk, createTable, IGNORE, Long, otsError, TableStore, uniqueTable, type Sdk } from '../support/sdk';
import { tableJanitor } from '../support/janitor';

const sdk = connectSdk();
/** The suite runs against the in-process emulator (not a real instance): emulator-only tests run. */
const onEmulator = inject('backend').emulator;
const janitor = tableJanitor(sdk);

async function make(name: string, pk: Array<{ name: string; type: string; option?: string }>, extra: Record<string, unknown> = {}): Promise<void> {
  await createTable(sdk, name, pk, extra);
  janitor.add(name);
}

function expectErr(e: { status: number; otsCode: string; otsMessage: string }, status: number, code: string, message?: string): void {
  expect({ status: e.status, code: e.otsCode }).toEqual({ status, code });
  if (message !== undefined) expect(e.otsMessage).toBe(message);
}

function create(name: string, primaryKey: any[], tableOptions: Record<string, unknown> = { timeToLive: -1, maxVersions: 1 }, meta: Record<string, unknown> = {}) {
  return sdk.createTable({
    tableMeta: { tableName: name, primaryKey, ...meta },
    reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
    tableOptions,
  });
}

const num = (v: any) => (v === null || v === undefined ? v : Number(v.toString()));

describe('CreateTable', () => {
  it('accepts 1 to 4 primary-key columns of each type', async () => {
    for (let n = 1; n <= 4; n++) {
      const t = uniqueTable('pk');
      const types = ['STRING', 'INTEGER', 'BINARY', 'STRING'];
      await make(t, types.slice(0, n).map((type, i) => ({ name: `pk${i}`, type })));
      const d = await sdk.describeTable({ tableName: t });
      expect(d.tableMeta.primaryKey.map((p: any) => [p.name, p.type])).toEqual(
        types.slice(0, n).map((type, i) => [`pk${i}`, TableStore.PrimaryKeyType[type]]),
      );
    }
  });

  it('rejects 0 or 5 primary-key columns', async () => {
    for (const n of [0, 5]) {
      const pk = Array.from({ length: n }, (_, i) => ({ name: `pk${i}`, type: 'INTEGER' }));
      expectErr(await otsError(create(uniqueTable(), pk)), 400, 'OTSParameterInvalid', 'The number of primary key columns must be in range: [1, 4].');
    }
  });

  it('rejects duplicate primary-key names', async () => {
    const e = await otsError(create(uniqueTable(), [{ name: 'PK0', type: 'STRING' }, { name: 'PK0', type: 'INTEGER' }]));
    expectErr(e, 400, 'OTSParameterInvalid', "Duplicated primary key name: 'PK0'.");
  });

  it('rejects primary-key types other than STRING, INTEGER and BINARY', async () => {
    // The wire enum has only INTEGER=1, STRING=2, BINARY=3: anything else is refused.
    const res = await call('CreateTable', {
      tableMeta: { tableName: uniqueTable(), primaryKey: [{ name: 'pk', type: 4 }] },
      reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
      tableOptions: { timeToLive: -1, maxVersions: 1 },
    });
    expect(res.status).toBe(400);
    expect(res.error?.code).toBe('OTSParameterInvalid');
  });

  it('rejects invalid table names before anything else', async () => {
    for (const name of ['0', '#', 'T#', '3t', '-', 'a'.repeat(256)]) {
      expectErr(await otsError(create(name, [{ name: 'pk', type: 'STRING' }])), 400, 'OTSParameterInvalid', `Invalid table name: '${name}'.`);
    }
    const t = `_${'a'.repeat(254)}`;
    await make(t, [{ name: 'pk', type: 'STRING' }]);
    expect((await sdk.describeTable({ tableName: t })).tableMeta.tableName).toBe(t);
  });

  describe('auto-increment primary key (spec §3.2)', () => {
    it('is accepted on a later INTEGER column and reported by DescribeTable', async () => {
      const t = uniqueTable('ai');
      await make(t, [{ name: 'gid', type: 'STRING' }, { name: 'uid', type: 'INTEGER', option: 'AUTO_INCREMENT' }]);
      const d = await sdk.describeTable({ tableName: t });
      expect(d.tableMeta.primaryKey[1]).toMatchObject({ name: 'uid', type: 1, option: 1 });
      // (protobufjs puts the enum default on the prototype: check the field was actually sent)
      expect(Object.prototype.hasOwnProperty.call(d.tableMeta.primaryKey[0], 'option')).toBe(false);
    });

    it('is refused on the first primary-key column', async () => {
      const t = uniqueTable('ai');
      const e = await otsError(create(t, [{ name: 'id', type: 'INTEGER', option: 'AUTO_INCREMENT' }]));
      expectErr(e, 400, 'OTSParameterInvalid', `First primary key can't be auto increment, table: \`${t}\`.`);
    });

    it('is refused on a non-INTEGER column', async () => {
      const e = await otsError(create(uniqueTable(), [{ name: 'a', type: 'STRING' }, { name: 'b', type: 'STRING', option: 'AUTO_INCREMENT' }]));
      expectErr(e, 400, 'OTSParameterInvalid', 'AUTO_INCREMENT primary key must be integer.');
    });

    it('is refused on more than one column', async () => {
      const e = await otsError(create(uniqueTable(), [
        { name: 'a', type: 'STRING' },
        { name: 'b', type: 'INTEGER', option: 'AUTO_INCREMENT' },
        { name: 'c', type: 'INTEGER', option: 'AUTO_INCREMENT' },
      ]));
      expectErr(e, 400, 'OTSParameterInvalid', 'AUTO_INCREMENT primary key count must <= 1.');
    });
  });

  describe('table options (spec §1.19–1.21, §7.1)', () => {
    const pk = [{ name: 'pk', type: 'STRING' }];
    it('requires timeToLive and maxVersions', async () => {
      expectErr(await otsError(create(uniqueTable(), pk, { maxVersions: 1 })), 400, 'OTSParameterInvalid', 'Time-to-live is missing while creating table.');
      expectErr(await otsError(create(uniqueTable(), pk, { timeToLive: -1 })), 400, 'OTSParameterInvalid', 'MaxVersions is missing while creating table.');
      // No table_options at all (the SDK always sends the message; a raw request can omit it).
      const res = await call('CreateTable', {
        tableMeta: { tableName: uniqueTable(), primaryKey: [{ name: 'pk', type: 2 }] },
        reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
      });
      expect([res.status, res.error?.code, res.error?.message]).toEqual([400, 'OTSParameterInvalid', 'Time-to-live is missing while creating table.']);
    });

    it('rejects a TTL of 0 or below -1', async () => {
      for (const ttl of [0, -2]) {
        expectErr(await otsError(create(uniqueTable(), pk, { timeToLive: ttl, maxVersions: 1 })), 400, 'OTSParameterInvalid', 'TimeToLive cannot be 0 or less than -1.');
      }
    });

    it.runIf(onEmulator)('rejects a TTL below one day (emulator decision, spec §14.5)', async () => {
      const e = await otsError(create(uniqueTable(), pk, { timeToLive: 86399, maxVersions: 1 }));
      expectErr(e, 400, 'OTSParameterInvalid', 'TimeToLive must be -1 or at least 86400 seconds.');
      const t = uniqueTable();
      await make(t, pk, { tableOptions: { timeToLive: 86400, maxVersions: 1 } });
      expect((await sdk.describeTable({ tableName: t })).tableOptions.timeToLive).toBe(86400);
    });

    it('rejects maxVersions of 0 or less', async () => {
      for (const v of [0, -1]) {
        expectErr(await otsError(create(uniqueTable(), pk, { timeToLive: -1, maxVersions: v })), 400, 'OTSParameterInvalid', 'The maximum versions cannot be less than or equal to 0.');
      }
    });

    it('rejects a negative max time deviation', async () => {
      const e = await otsError(create(uniqueTable(), pk, { timeToLive: -1, maxVersions: 1, maxTimeDeviation: -1 }));
      expectErr(e, 400, 'OTSParameterInvalid', 'The maximum deviation must be in range [0, INT64_MAX/1000000].');
    });

    it('rejects a negative reserved capacity unit', async () => {
      const e = await otsError(sdk.createTable({
        tableMeta: { tableName: uniqueTable(), primaryKey: pk },
        reservedThroughput: { capacityUnit: { read: -1, write: 0 } },
        tableOptions: { timeToLive: -1, maxVersions: 1 },
      }));
      expectErr(e, 400, 'OTSParameterInvalid', 'Invalid Capacity Unit:-1 . Capacity Unit must be nonnegative.');
    });
  });

  describe('defined columns', () => {
    it('are stored and described', async () => {
      const t = uniqueTable('dc');
      const definedColumn = [
        { name: 'i', type: TableStore.DefinedColumnType.DCT_INTEGER },
        { name: 'd', type: TableStore.DefinedColumnType.DCT_DOUBLE },
        { name: 'b', type: TableStore.DefinedColumnType.DCT_BOOLEAN },
        { name: 's', type: TableStore.DefinedColumnType.DCT_STRING },
        { name: 'x', type: 7 },
      ];
      await make(t, [{ name: 'pk', type: 'STRING' }], { tableMeta: { tableName: t, primaryKey: [{ name: 'pk', type: 'STRING' }], definedColumn } });
      const d = await sdk.describeTable({ tableName: t });
      expect(d.tableMeta.definedColumn.map((c: any) => [c.name, c.type])).toEqual(definedColumn.map((c) => [c.name, c.type]));
    });

    it('are limited to 32', async () => {
      const t = uniqueTable('dc');
      const definedColumn = Array.from({ length: 33 }, (_, i) => ({ name: `c${i}`, type: 1 }));
      const e = await otsError(create(t, [{ name: 'pk', type: 'STRING' }], undefined, { definedColumn }));
      expectErr(e, 400, 'OTSParameterInvalid', 'The number of defined columns must be in range: [0, 32].');
    });
  });

  it('refuses an existing name with 409', async () => {
    const t = uniqueTable();
    await make(t, [{ name: 'pk', type: 'STRING' }]);
    const e = await otsError(create(t, [{ name: 'other', type: 'INTEGER' }]));
    expectErr(e, 409, 'OTSObjectAlreadyExist', 'Requested table already exists.');
  });
});

describe('ListTable', () => {
  it('lists created tables and forgets deleted ones', async () => {
    const t = uniqueTable('lst');
    await createTable(sdk, t, [{ name: 'pk', type: 'STRING' }]);
    expect((await sdk.listTable()).tableNames).toContain(t);
    await sdk.deleteTable({ tableName: t });
    expect((await sdk.listTable()).tableNames).not.toContain(t);
  });
});

describe('DescribeTable', () => {
  it('reports meta, options, reserved throughput, status and indexes', async () => {
    const t = uniqueTable('desc');
    const before = Math.floor(Date.now() / 1000);
    await make(t, [{ name: 'pk', type: 'STRING' }], {
      tableMeta: { tableName: t, primaryKey: [{ name: 'pk', type: 'STRING' }], definedColumn: [{ name: 'c', type: 4 }] },
      reservedThroughput: { capacityUnit: { read: 1, write: 2 } },
      tableOptions: { timeToLive: -1, maxVersions: 1, maxTimeDeviation: 3600, allowUpdate: true },
      indexMetas: [{ name: `${t}_i`, primaryKey: ['c'], definedColumn: [] }],
    });
    const d = await sdk.describeTable({ tableName: t });
    expect(d.tableMeta.tableName).toBe(t);
    expect(d.tableMeta.primaryKey.map((p: any) => [p.name, p.type])).toEqual([['pk', 2]]);
    expect(d.tableMeta.definedColumn.map((p: any) => [p.name, p.type])).toEqual([['c', 4]]);
    expect(d.tableOptions.timeToLive).toBe(-1);
    expect(d.tableOptions.maxVersions).toBe(1);
    expect(num(d.tableOptions.deviationCellVersionInSec)).toBe(3600);
    expect(d.tableOptions.allowUpdate).toBe(true);
    expect(d.reservedThroughputDetails.capacityUnit).toMatchObject({ read: 1, write: 2 });
    const lastIncrease = num(d.reservedThroughputDetails.lastIncreaseTime);
    expect(lastIncrease).toBeGreaterThanOrEqual(before - 1);
    expect(lastIncrease).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 1);
    expect(d.tableStatus).toBe(1); // ACTIVE
    expect(d.indexMetas).toHaveLength(1);
    expect(d.indexMetas[0]).toMatchObject({ name: `${t}_i`, primaryKey: ['c'], definedColumn: [], indexUpdateMode: 0, indexType: 0 });
  });

  it('echoes the defaults: deviation 86400, allowUpdate true', async () => {
    const t = uniqueTable('desc');
    await make(t, [{ name: 'pk', type: 'INTEGER' }]);
    const d = await sdk.describeTable({ tableName: t });
    expect(num(d.tableOptions.deviationCellVersionInSec)).toBe(86400);
    expect(d.tableOptions.allowUpdate).toBe(true);
    expect(d.reservedThroughputDetails.capacityUnit).toMatchObject({ read: 0, write: 0 });
    expect(d.indexMetas).toEqual([]);
  });

  it('answers 404 for a missing table and 400 for an invalid name', async () => {
    expectErr(await otsError(sdk.describeTable({ tableName: uniqueTable('missing') })), 404, 'OTSObjectNotExist', 'Requested table does not exist.');
    expectErr(await otsError(sdk.describeTable({ tableName: '3t' })), 400, 'OTSParameterInvalid', "Invalid table name: '3t'.");
  });
});

describe('UpdateTable', () => {
  const pk = [{ name: 'pk', type: 'STRING' }];

  it('changes TTL, maxVersions, max time deviation and allowUpdate', async () => {
    const t = uniqueTable('upd');
    await make(t, pk);
    const r = await sdk.updateTable({ tableName: t, tableOptions: { timeToLive: 86400 * 2, maxVersions: 3, maxTimeDeviation: 600, allowUpdate: false } });
    expect(r.tableOptions).toMatchObject({ timeToLive: 86400 * 2, maxVersions: 3, allowUpdate: false });
    expect(num(r.tableOptions.deviationCellVersionInSec)).toBe(600);
    expect(r.reservedThroughputDetails.capacityUnit).toMatchObject({ read: 0, write: 0 });
    const d = await sdk.describeTable({ tableName: t });
    expect(d.tableOptions).toMatchObject({ timeToLive: 86400 * 2, maxVersions: 3, allowUpdate: false });
    expect(num(d.tableOptions.deviationCellVersionInSec)).toBe(600);
    // Only what is given changes.
    await sdk.updateTable({ tableName: t, tableOptions: { maxVersions: 5 } });
    const d2 = await sdk.describeTable({ tableName: t });
    expect(d2.tableOptions).toMatchObject({ timeToLive: 86400 * 2, maxVersions: 5, allowUpdate: false });
    // allow_update back to true (S4 table.test.js)
    await sdk.updateTable({ tableName: t, tableOptions: { allowUpdate: true } });
    expect((await sdk.describeTable({ tableName: t })).tableOptions.allowUpdate).toBe(true);
  });

  it('validates the options it changes', async () => {
    const t = uniqueTable('upd');
    await make(t, pk);
    expectErr(await otsError(sdk.updateTable({ tableName: t, tableOptions: { timeToLive: 0 } })), 400, 'OTSParameterInvalid', 'TimeToLive cannot be 0 or less than -1.');
    expectErr(await otsError(sdk.updateTable({ tableName: t, tableOptions: { maxVersions: 0 } })), 400, 'OTSParameterInvalid', 'The maximum versions cannot be less than or equal to 0.');
    expectErr(await otsError(sdk.updateTable({ tableName: t, tableOptions: { maxTimeDeviation: -5 } })), 400, 'OTSParameterInvalid', 'The maximum deviation must be in range [0, INT64_MAX/1000000].');
    const d = await sdk.describeTable({ tableName: t });
    expect(d.tableOptions).toMatchObject({ timeToLive: -1, maxVersions: 1 });
  });

  it('refuses empty table options', async () => {
    const t = uniqueTable('upd');
    await make(t, pk);
    expectErr(await otsError(sdk.updateTable({ tableName: t, tableOptions: {} })), 400, 'OTSParameterInvalid', 'No parameter is specified in table options.');
  });

  it('changes reserved throughput, at most once per 2 minutes (spec §1.24)', async () => {
    const t = uniqueTable('cu');
    await make(t, pk);
    const before = Math.floor(Date.now() / 1000);
    const r = await sdk.updateTable({ tableName: t, reservedThroughput: { capacityUnit: { read: 5, write: 3 } }, tableOptions: { maxVersions: 1 } });
    expect(r.reservedThroughputDetails.capacityUnit).toMatchObject({ read: 5, write: 3 });
    expect(num(r.reservedThroughputDetails.lastIncreaseTime)).toBeGreaterThanOrEqual(before - 1);
    const d = await sdk.describeTable({ tableName: t });
    expect(d.reservedThroughputDetails.capacityUnit).toMatchObject({ read: 5, write: 3 });

    const e = await otsError(sdk.updateTable({ tableName: t, reservedThroughput: { capacityUnit: { read: 1 } }, tableOptions: { maxVersions: 1 } }));
    expectErr(e, 403, 'OTSTooFrequentReservedThroughputAdjustment', 'Capacity unit adjustment is too frequent.');
    expect((await sdk.describeTable({ tableName: t })).reservedThroughputDetails.capacityUnit).toMatchObject({ read: 5, write: 3 });
    // Table options alone may still change.
    await sdk.updateTable({ tableName: t, tableOptions: { maxVersions: 2 } });
  });

  it('refuses a reserved throughput with neither read nor write', async () => {
    const t = uniqueTable('cu');
    await make(t, pk);
    const res = await call('UpdateTable', { tableName: t, reservedThroughput: { capacityUnit: {} } });
    expect([res.status, res.error?.code]).toEqual([400, 'OTSParameterInvalid']);
  });

  it('sets update_full_row only at creation (raw: not in the Node SDK\'s proto)', async () => {
    const t = uniqueTable('ufr');
    const res = await call('CreateTable', {
      tableMeta: { tableName: t, primaryKey: [{ name: 'pk', type: 2 }] },
      reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
      tableOptions: { timeToLive: -1, maxVersions: 1, updateFullRow: true },
    });
    expect(res.status).toBe(200);
    janitor.add(t);
    const d = await call('DescribeTable', { tableName: t });
    expect(d.body.tableOptions.updateFullRow).toBe(true);
    const u = await call('UpdateTable', { tableName: t, tableOptions: { updateFullRow: false } });
    expect([u.status, u.error?.code]).toEqual([400, 'OTSParameterInvalid']);
    expect(u.error?.message).toContain('contain updateFullRow');
  });

  it('answers 404 for a missing table', async () => {
    expectErr(await otsError(sdk.updateTable({ tableName: uniqueTable('missing'), tableOptions: { maxVersions: 2 } })), 404, 'OTSObjectNotExist', 'Requested table does not exist.');
  });
});

describe('DeleteTable', () => {
  it('removes the table and its rows: a re-created table is empty', async () => {
    const t = uniqueTable('del');
    await createTable(sdk, t, [{ name: 'pk', type: 'STRING' }]);
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: [{ pk: 'a' }], attributeColumns: [{ c: Long(1) }] });
    await sdk.deleteTable({ tableName: t });
    expectErr(await otsError(sdk.getRow({ tableName: t, primaryKey: [{ pk: 'a' }] })), 404, 'OTSObjectNotExist', 'Requested table does not exist.');
    await make(t, [{ name: 'pk', type: 'STRING' }]);
    const got = await sdk.getRow({ tableName: t, primaryKey: [{ pk: 'a' }] });
    expect(columns(got.row)).toEqual({});
    const range = await sdk.getRange({
      tableName: t,
      direction: TableStore.Direction.FORWARD,
      inclusiveStartPrimaryKey: [{ pk: TableStore.INF_MIN }],
      exclusiveEndPrimaryKey: [{ pk: TableStore.INF_MAX }],
    });
    expect(range.rows).toEqual([]);
  });

  it('answers 404 for a missing table', async () => {
    expectErr(await otsError(sdk.deleteTable({ tableName: uniqueTable('missing') })), 404, 'OTSObjectNotExist', 'Requested table does not exist.');
  });
});

describe.runIf(onEmulator)('table quota (emulator only, spec §1.1)', () => {
  // A private emulator: filling the shared one to 64 tables would break the test files running beside this one.
  let emu: Awaited<ReturnType<typeof startEmulator>>;
  let own: Sdk;
  afterAll(async () => {
    await emu?.close();
  });

  it('counts data and index tables against 64', async () => {
    emu = await startEmulator({ port: 0, inMemory: true });
    own = connectSdk({ endpoint: emu.endpoint, instancename: emu.instance, accessKeyId: emu.accessKeyId, secretAccessKey: emu.accessKeySecret });
    const names: string[] = [];
    for (let i = 0; i < 62; i++) {
      names.push(`q${i}`);
      await createTable(own, `q${i}`, [{ name: 'pk', type: 'STRING' }]);
    }
    const withIndexes = (name: string, n: number) =>
      own.createTable({
        tableMeta: { tableName: name, primaryKey: [{ name: 'pk', type: 'STRING' }], definedColumn: [{ name: 'c', type: 4 }] },
        reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
        tableOptions: { timeToLive: -1, maxVersions: 1 },
        indexMetas: Array.from({ length: n }, (_, i) => ({ name: `${name}_i${i}`, primaryKey: ['c'], definedColumn: [] })),
      });
    // 62 + a table with 2 indexes = 65 > 64.
    expectErr(await otsError(withIndexes('q_over', 2)), 403, 'OTSQuotaExhausted', 'Number of tables exceeds the quota:64.');
    await withIndexes('q62', 1); // 64 exactly
    expectErr(await otsError(createTable(own, 'q_more', [{ name: 'pk', type: 'STRING' }])), 403, 'OTSQuotaExhausted', 'Number of tables exceeds the quota:64.');
    // ListTable shows data tables only (63), index tables still count.
    expect((await own.listTable()).tableNames).toHaveLength(63);
    await own.deleteTable({ tableName: 'q62' }); // frees the table and its index
    await withIndexes('q_again', 1);
    for (const n of [...names, 'q_again']) await own.deleteTable({ tableName: n });
    expect((await own.listTable()).tableNames).toEqual([]);
  });
});

describe('other actions', () => {
  it('ListSearchIndex answers an empty list', async () => {
    const t = uniqueTable('si');
    await make(t, [{ name: 'pk', type: 'STRING' }]);
    const res = await sdk.listSearchIndex({ tableName: t });
    expect(res.indices).toEqual([]);
  });

  it('answers Search on a table without that index with OTSMetaNotMatch (spec search-index §9)', async () => {
    const t = uniqueTable('si');
    await make(t, [{ name: 'pk', type: 'STRING' }]);
    const e = await otsError(sdk.search({
      tableName: t,
      indexName: 'idx',
      searchQuery: { offset: 0, limit: 10, query: { queryType: TableStore.QueryType.MATCH_ALL_QUERY } },
      columnToGet: { returnType: TableStore.ColumnReturnType.RETURN_ALL },
    }));
    expectErr(e, 400, 'OTSMetaNotMatch', 'search index [idx] does not exist');
  });

  it.runIf(onEmulator)('answers SQLQuery with OTSUnsupportOperation (emulator)', async () => {
    const t = uniqueTable('si');
    await make(t, [{ name: 'pk', type: 'STRING' }]);
    const res = await call('SQLQuery', { query: `select * from ${t}` });
    expect([res.status, res.error?.code, res.error?.message]).toEqual([400, 'OTSUnsupportOperation', 'Operation not supported by the tsorm TableStore emulator: SQLQuery.']);
  });

  it('answers an unknown action with 400', async () => {
    const res = await rawRequest('NoSuchAction', Buffer.alloc(0));
    expect(res.status).toBe(400);
    expect(decodeError(res)).toMatchObject({ code: 'OTSParameterInvalid', message: 'Unsupported operation: `NoSuchAction`.' });
  });
});
