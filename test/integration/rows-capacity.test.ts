/**
 * Consumed capacity units of single-row operations (spec §12: 4 KB per unit, rounded up; condition checks
 * cost read units; a GetRow of a missing row still costs one), and atomicity under concurrent requests.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { columns, connectSdk, createTable, IGNORE, Long, otsError, TableStore, uniqueTable } from '../support/sdk';
import { cond, get, single } from '../support/rows';

const sdk = connectSdk();
const t = uniqueTable('cu');
const key = (pk: string) => [{ pk }];
const cu = (r: any) => ({ read: r.consumed.capacityUnit.read ?? 0, write: r.consumed.capacityUnit.write ?? 0 });

beforeAll(async () => {
  await createTable(sdk, t, [{ name: 'pk', type: 'STRING' }]);
});

describe('consumed capacity units', () => {
  it('PutRow: IGNORE costs (0 read, 1 write); EXPECT_NOT_EXIST or EXPECT_EXIST also reads 1', async () => {
    expect(cu(await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('p1'), attributeColumns: [{ v: 'x' }] }))).toEqual({ read: 0, write: 1 });
    expect(cu(await sdk.putRow({ tableName: t, condition: cond('EXPECT_NOT_EXIST'), primaryKey: key('p2'), attributeColumns: [{ v: 'x' }] }))).toEqual({ read: 1, write: 1 });
    expect(cu(await sdk.putRow({ tableName: t, condition: cond('EXPECT_EXIST'), primaryKey: key('p2'), attributeColumns: [{ v: 'y' }] }))).toEqual({ read: 1, write: 1 });
    // A column condition under IGNORE reads too.
    expect(cu(await sdk.putRow({ tableName: t, condition: cond('IGNORE', single('v', 'y', 'EQUAL')), primaryKey: key('p2'), attributeColumns: [{ v: 'z' }] })).read).toBeGreaterThanOrEqual(1);
  });

  it('write units grow with the data written: 4 KB each, rounded up', async () => {
    // pk name + value (2 + 2 bytes) + column name (1) + value: 7,787 bytes (7.6 KB) => 2 units.
    const r = await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('p3'), attributeColumns: [{ v: 'x'.repeat(7782) }] });
    expect(cu(r)).toEqual({ read: 0, write: 2 });
    const big = await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('p4'), attributeColumns: [{ v: Buffer.alloc(1024 * 1024) }] });
    expect(cu(big).write).toBe(257);
  });

  it('GetRow: a missing row costs 1 read unit; a 4,090-byte row 1; a row just over 4 KB 2', async () => {
    expect(cu(await sdk.getRow({ tableName: t, primaryKey: key('missing') }))).toEqual({ read: 1, write: 0 });
    // 'pk' + 'r1' + 'c' + 4085 bytes of value = 4,090 bytes; 'r2' holds 4,105.
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('r1'), attributeColumns: [{ c: 'x'.repeat(4085) }] });
    expect(cu(await sdk.getRow({ tableName: t, primaryKey: key('r1') }))).toEqual({ read: 1, write: 0 });
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('r2'), attributeColumns: [{ c: 'x'.repeat(4100) }] });
    expect(cu(await sdk.getRow({ tableName: t, primaryKey: key('r2') }))).toEqual({ read: 2, write: 0 });
  });

  it('UpdateRow and DeleteRow: IGNORE costs no read unit, an expectation costs one', async () => {
    expect(cu(await sdk.updateRow({ tableName: t, condition: IGNORE(), primaryKey: key('u'), updateOfAttributeColumns: [{ PUT: [{ v: 'x' }] }] }))).toEqual({ read: 0, write: 1 });
    expect(cu(await sdk.updateRow({ tableName: t, condition: cond('EXPECT_EXIST'), primaryKey: key('u'), updateOfAttributeColumns: [{ PUT: [{ v: 'y' }] }] }))).toEqual({ read: 1, write: 1 });
    expect(cu(await sdk.deleteRow({ tableName: t, condition: IGNORE(), primaryKey: key('u') }))).toEqual({ read: 0, write: 1 });
    expect(cu(await sdk.deleteRow({ tableName: t, condition: cond('EXPECT_NOT_EXIST'), primaryKey: key('u') }))).toEqual({ read: 1, write: 1 });
  });
});

describe('concurrency', () => {
  it('50 concurrent INCREMENTs of one counter end exactly at 50, each seeing a distinct value', async () => {
    const clients = [sdk, connectSdk(), connectSdk()];
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        clients[i % clients.length].updateRow({
          tableName: t,
          condition: IGNORE(),
          primaryKey: key('counter'),
          updateOfAttributeColumns: [{ INCREMENT: [{ n: Long(1) }] }],
          returnContent: { returnType: TableStore.ReturnType.AfterModify, returnColumns: ['n'] },
        }),
      ),
    );
    expect(columns(await get(sdk, t, key('counter')))).toEqual({ n: ['50'] });
    const seen = results.map((r) => Number(r.row.attributes[0].columnValue.toString())).sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('20 concurrent EXPECT_NOT_EXIST puts of one key: exactly one succeeds', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        sdk
          .putRow({ tableName: t, condition: cond('EXPECT_NOT_EXIST'), primaryKey: key('once'), attributeColumns: [{ writer: Long(i) }] })
          .then(() => 'ok')
          .catch(async (e) => {
            const err = await otsError(Promise.reject(e));
            return `${err.status} ${err.otsCode}`;
          }),
      ),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o === '403 OTSConditionCheckFail')).toHaveLength(19);
    const winner = outcomes.indexOf('ok');
    expect(columns(await get(sdk, t, key('once')))).toEqual({ writer: [String(winner)] });
  });
});
