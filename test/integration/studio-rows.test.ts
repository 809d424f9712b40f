/**
 * The studio's data calls (src/studio/rows.ts, edit.ts, tables.ts) against the suite's backend: pages in both
 * directions and both orders with their cursors, key prefixes and starts (a full key included), filters, the
 * request budget of a filtered page, one GetRange per unfiltered page wherever it starts, versions, and the
 * version conditions of edits on raw and @Version entity tables.
 */
import { IsEmail } from 'class-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Column, PrimaryKey, Table, Version } from '../../src';
import { CallScope } from '../../src/client/usage';
import { toSdkInt64 } from '../../src/codec/sdk-values';
import { EntityValidationError } from '../../src/repository/errors';
import { getTableSchema } from '../../src/schema';
import { createRow, deleteRow, updateRow } from '../../src/studio/edit';
import type { Cell, RowsPage, RowsQuery, TableView } from '../../src/studio/protocol';
import { MAX_REQUESTS_PER_PAGE, readRows } from '../../src/studio/rows';
import { describeTableView } from '../../src/studio/tables';
import { StudioInputError } from '../../src/studio/values';
import { ConditionCheckFailedError } from '../../src/client/errors';
import { tableJanitor } from '../support/janitor';
import { connectDb, createTables } from '../support/orm';
import { connectSdk, createTable, IGNORE, uniqueTable } from '../support/sdk';

const sdk = connectSdk();
const db = connectDb();
const client = db.client;
const janitor = tableJanitor(sdk);
const ACCOUNTS = uniqueTable('studio_acc');

@Table(ACCOUNTS)
class Account {
  @PrimaryKey() id!: string;
  @Column() @IsEmail() email!: string;
  @Version() version!: bigint;
}

let table: string;
let view: TableView;
const s = (v: string): Cell => ({ t: 'STRING', v });
const i = (v: number | string): Cell => ({ t: 'INTEGER', v: String(v) });

async function page(q: Omit<RowsQuery, 'table'>): Promise<RowsPage> {
  return readRows(client, view.primaryKey, view.options.maxVersions, { table, ...q });
}
const ns = (p: RowsPage) => p.rows.map((r) => `${r.key[0].value.v}/${r.key[1].value.v}`);

beforeAll(async () => {
  table = uniqueTable('studio');
  await createTable(sdk, table, [{ name: 'g', type: 'STRING' }, { name: 'n', type: 'INTEGER' }], { tableOptions: { timeToLive: -1, maxVersions: 3 } });
  janitor.add(table);
  for (const g of ['a', 'b']) {
    const rows = [];
    for (let n = 0; n < 30; n++) rows.push({ type: 'PUT', condition: IGNORE(), primaryKey: [{ g }, { n: toSdkInt64(BigInt(n)) }], attributeColumns: [{ v: toSdkInt64(BigInt(n % 7)) }] });
    await sdk.batchWriteRow({ tables: [{ tableName: table, rows }] });
  }
  view = await describeTableView(client, table, undefined);
  await createTables(db, Account);
  janitor.add(ACCOUNTS);
});

afterAll(() => db.close());

describe('studio rows', () => {
  it('describes the table: key, options, no entity', () => {
    expect(view.primaryKey).toEqual([{ name: 'g', type: 'STRING', autoIncrement: false }, { name: 'n', type: 'INTEGER', autoIncrement: false }]);
    expect(view.options.maxVersions).toBe(3);
    expect(view.entity).toBeUndefined();
  });

  it('pages forward and back with cursors; the ends have no cursor', async () => {
    const p1 = await page({ limit: 25 });
    expect(ns(p1)).toEqual(Array.from({ length: 25 }, (_, n) => `a/${n}`));
    expect(p1.prev).toBeUndefined();
    const p2 = await page({ limit: 25, cursor: p1.next });
    expect(ns(p2)).toEqual([...Array.from({ length: 5 }, (_, n) => `a/${25 + n}`), ...Array.from({ length: 20 }, (_, n) => `b/${n}`)]);
    const p3 = await page({ limit: 25, cursor: p2.next });
    expect(ns(p3)).toEqual(Array.from({ length: 10 }, (_, n) => `b/${20 + n}`));
    expect(p3.next).toBeUndefined();
    const back = await page({ limit: 25, cursor: p3.prev });
    expect(ns(back)).toEqual(ns(p2));
    const first = await page({ limit: 25, cursor: back.prev });
    expect(ns(first)).toEqual(ns(p1));
    expect(first.prev).toBeUndefined();
  });

  it('pages in descending order', async () => {
    const p1 = await page({ order: 'desc', limit: 40 });
    expect(ns(p1).slice(0, 2)).toEqual(['b/29', 'b/28']);
    const p2 = await page({ order: 'desc', limit: 40, cursor: p1.next });
    expect(ns(p2)).toEqual(Array.from({ length: 20 }, (_, n) => `a/${19 - n}`));
    expect(p2.next).toBeUndefined();
    const again = await page({ order: 'desc', limit: 40, cursor: p2.prev });
    expect(ns(again)).toEqual(ns(p1));
  });

  it('takes a key prefix, a start key, and a full key either way', async () => {
    expect(ns(await page({ key: { g: s('b') }, limit: 100 }))).toHaveLength(30);
    expect(ns(await page({ key: { g: s('b') }, order: 'desc', limit: 2 }))).toEqual(['b/29', 'b/28']);
    expect(ns(await page({ key: { g: s('a'), n: i(7) }, limit: 100 }))).toEqual(['a/7']);
    expect(ns(await page({ key: { g: s('a'), n: i(7) }, order: 'desc', limit: 100 }))).toEqual(['a/7']);
    const from = await page({ keyMode: 'from', key: { g: s('a'), n: i(28) }, limit: 3 });
    expect(ns(from)).toEqual(['a/28', 'a/29', 'b/0']);
    // Back from there stops at the start key, which is itself included.
    const before = await page({ keyMode: 'from', key: { g: s('a'), n: i(28) }, limit: 3, cursor: (await page({ keyMode: 'from', key: { g: s('a'), n: i(28) }, limit: 3, cursor: from.next })).prev });
    expect(ns(before)).toEqual(['a/28', 'a/29', 'b/0']);
    expect(before.prev).toBeUndefined();
  });

  it('filters with column conditions (and, or), typed', async () => {
    const eq = await page({ filter: { combinator: 'and', conditions: [{ column: 'v', op: '=', value: i(3) }] }, limit: 100 });
    expect(ns(eq)).toEqual(['a/3', 'a/10', 'a/17', 'a/24', 'b/3', 'b/10', 'b/17', 'b/24']);
    const or = await page({ key: { g: s('a') }, filter: { combinator: 'or', conditions: [{ column: 'v', op: '=', value: i(0) }, { column: 'v', op: '>=', value: i(6) }] }, limit: 100 });
    expect(ns(or)).toEqual(['a/0', 'a/6', 'a/7', 'a/13', 'a/14', 'a/20', 'a/21', 'a/27', 'a/28']);
    await expect(page({ filter: { combinator: 'and', conditions: [{ column: 'v', op: '=', value: i('x') }] } })).rejects.toThrow(StudioInputError);
    await expect(page({ cursor: 'F.bm90IGEgY3Vyc29y' })).rejects.toThrow(/cursor/);
  });

  it('costs one GetRange per unfiltered page, wherever the page starts', async () => {
    const first = await page({ limit: 10 });
    const deep = new CallScope();
    await deep.run(() => page({ limit: 10, cursor: first.next }));
    expect(deep.usage.calls).toBe(1);
    const back = new CallScope();
    await back.run(() => page({ limit: 10, order: 'desc' }));
    expect(back.usage.calls).toBe(1);
  });

  it('stops a filtered page at its request budget and continues from where the scan got', async () => {
    // A filter nothing matches: each GetRange of at most 2 rows returns none, so the budget ends the page.
    const scope = new CallScope();
    const p = await scope.run(() => page({ limit: 1, filter: { combinator: 'and', conditions: [{ column: 'v', op: '=', value: i(99) }] } }));
    expect(scope.usage.calls).toBeLessThanOrEqual(MAX_REQUESTS_PER_PAGE);
    expect(p.rows).toEqual([]);
    if (p.partial) {
      expect(p.next).toBeDefined();
      const rest = await page({ limit: 1, cursor: p.next, filter: { combinator: 'and', conditions: [{ column: 'v', op: '=', value: i(99) }] } });
      expect(rest.rows).toEqual([]);
    }
  });

  it('shows every kept version of a cell, newest first, with its timestamp', async () => {
    const key = [{ g: 'c' }, { n: toSdkInt64(1n) }];
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 60_000; // within the max time deviation
    await sdk.putRow({ tableName: table, condition: IGNORE(), primaryKey: key, attributeColumns: [{ x: 'old', timestamp: t0 }] });
    await sdk.updateRow({ tableName: table, condition: IGNORE(), primaryKey: key, updateOfAttributeColumns: [{ PUT: [{ x: 'new', timestamp: t0 + 1000 }] }] });
    const p = await page({ key: { g: s('c') } });
    expect(p.rows[0].columns.x).toEqual([
      { value: s('new'), ts: String(t0 + 1000) },
      { value: s('old'), ts: String(t0) },
    ]);
  });
});

describe('studio edits', () => {
  const target = () => ({ view });

  it('creates, refuses a duplicate, edits under the values condition, reports a concurrent change, deletes', async () => {
    const key = { g: s('e'), n: i('9007199254740993') };
    expect(await createRow(client, target(), { table, key, set: { label: s('one'), raw: { t: 'BINARY', v: '00ff', enc: 'hex' } } })).toEqual([
      { name: 'g', value: s('e') },
      { name: 'n', value: i('9007199254740993') },
    ]);
    await expect(createRow(client, target(), { table, key, set: { label: s('two') } })).rejects.toThrow(ConditionCheckFailedError);
    await updateRow(client, target(), { table, key, set: { label: s('two') }, expected: { label: s('one') } });
    // The page still believes label is "one": its write must fail and change nothing.
    await expect(updateRow(client, target(), { table, key, set: { label: s('three') }, expected: { label: s('one') } })).rejects.toThrow(ConditionCheckFailedError);
    // A column the page saw absent must still be absent.
    await sdk.updateRow({ tableName: table, condition: IGNORE(), primaryKey: [{ g: 'e' }, { n: toSdkInt64(9007199254740993n) }], updateOfAttributeColumns: [{ PUT: [{ note: 'added elsewhere' }] }] });
    await expect(updateRow(client, target(), { table, key, set: { note: s('mine') }, expected: { label: s('two') } })).rejects.toThrow(ConditionCheckFailedError);
    const row = (await page({ key: { g: s('e') } })).rows[0];
    expect(row.columns.label[0].value).toEqual(s('two'));
    expect(row.columns.raw[0].value).toEqual({ t: 'BINARY', v: Buffer.from([0, 255]).toString('base64') });
    await expect(deleteRow(client, target(), { key, expected: { label: s('one') } })).rejects.toThrow(ConditionCheckFailedError);
    await deleteRow(client, target(), { key, expected: { label: s('two'), note: s('added elsewhere') } });
    expect((await page({ key: { g: s('e') } })).rows).toEqual([]);
  });

  it('refuses a primary-key change and bad cells, naming the field', async () => {
    const key = { g: s('a'), n: i(1) };
    await expect(updateRow(client, target(), { table, key, set: { n: i(2) } })).rejects.toThrow(/primary-key column cannot be changed/);
    await expect(updateRow(client, target(), { table, key, set: { v: i('1e3') } })).rejects.toMatchObject({ field: 'v' });
    await expect(updateRow(client, target(), { table, key, set: { v: { t: 'DOUBLE', v: 'NaN' } } })).rejects.toMatchObject({ field: 'v' });
    await expect(updateRow(client, target(), { table, key, set: { v: i('9223372036854775808') } })).rejects.toThrow(/outside the int64 range/);
  });

  it('writes an entity with @Version through the repository: validation, then the version check', async () => {
    const entityView = await describeTableView(client, ACCOUNTS, { schema: getTableSchema(Account), source: 'test' });
    expect(entityView.entity).toMatchObject({ name: 'Account', version: 'version', differences: [] });
    const t = { view: entityView, entity: { schema: getTableSchema(Account), source: 'test' } };
    await expect(createRow(client, t, { table: ACCOUNTS, key: { id: s('u1') }, set: { email: s('not an email') } })).rejects.toThrow(EntityValidationError);
    await createRow(client, t, { table: ACCOUNTS, key: { id: s('u1') }, set: { email: s('a@example.com') } });
    await updateRow(client, t, { table: ACCOUNTS, key: { id: s('u1') }, set: { email: s('b@example.com') }, expected: { version: i(1) } });
    await expect(updateRow(client, t, { table: ACCOUNTS, key: { id: s('u1') }, set: { email: s('c@example.com') }, expected: { version: i(1) } })).rejects.toThrow(ConditionCheckFailedError);
    await expect(deleteRow(client, t, { key: { id: s('u1') }, expected: { version: i(1) } })).rejects.toThrow(ConditionCheckFailedError);
    await deleteRow(client, t, { key: { id: s('u1') }, expected: { version: i(2) } });
  });
});
