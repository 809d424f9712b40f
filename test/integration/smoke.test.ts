import { describe, expect, it } from 'vitest';
import { columns, connectSdk, createTable, IGNORE, Long, otsError, uniqueTable } from '../support/sdk';

describe('emulator smoke (official SDK over HTTP)', () => {
  const sdk = connectSdk();

  it('creates a table, writes, reads and reports errors with OTS codes', async () => {
    const t = uniqueTable();
    await createTable(sdk, t, [{ name: 'pk', type: 'STRING' }]);
    expect((await sdk.listTable()).tableNames).toContain(t);
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: [{ pk: 'a' }], attributeColumns: [{ s: 'x' }, { n: Long('9007199254740993') }] });
    const got = await sdk.getRow({ tableName: t, primaryKey: [{ pk: 'a' }] });
    expect(columns(got.row)).toEqual({ n: ['9007199254740993'], s: ['x'] });
    const err = await otsError(sdk.getRow({ tableName: uniqueTable('missing'), primaryKey: [{ pk: 'a' }] }));
    expect([err.status, err.otsCode, err.otsMessage]).toEqual([404, 'OTSObjectNotExist', 'Requested table does not exist.']);
  });
});
