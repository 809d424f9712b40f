/**
 * GetRow reads (spec §2.4, §6.2, §6.6): columns_to_get, start/end column, filters (single, composite, column
 * pagination), and a missing row answered as an empty row rather than an error.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { columns, connectSdk, createTable, IGNORE, Long, TableStore, uniqueTable } from '../support/sdk';
import { and, cells, get, missing, not, or, paramInvalid, pkOf, single } from '../support/rows';

const sdk = connectSdk();
const t = uniqueTable('read');
const key = (pk: string) => [{ pk }, { n: Long(7) }];
const names = (row: any) => (row.attributes ?? []).map((a: any) => a.columnName);

beforeAll(async () => {
  await createTable(sdk, t, [{ name: 'pk', type: 'STRING' }, { name: 'n', type: 'INTEGER' }], { tableOptions: { timeToLive: -1, maxVersions: 3 } });
  await sdk.putRow({
    tableName: t,
    condition: IGNORE(),
    primaryKey: key('r'),
    attributeColumns: [{ e: Long(5) }, { a: 'va' }, { c: 3.5 }, { b: true }, { d: Buffer.from('d') }],
  });
});

describe('GetRow of a missing row', () => {
  it('succeeds with an empty row', async () => {
    const r = await sdk.getRow({ tableName: t, primaryKey: key('nothing-here') });
    expect(r.row).toEqual({});
  });
});

describe('columnsToGet', () => {
  it('returns only the named columns, in name order, each once; unknown names are ignored', async () => {
    const row = await get(sdk, t, key('r'), { columnsToGet: ['e', 'a', 'nope', 'a'] });
    expect(pkOf(row)).toEqual([['pk', 'r'], ['n', '7']]);
    expect(names(row)).toEqual(['a', 'e']);
  });

  it('returns no row when none of the named columns exist', async () => {
    expect(missing(await get(sdk, t, key('r'), { columnsToGet: ['x', 'y'] }))).toBe(true);
  });

  it('may name primary-key columns: the row (its key) is returned even without attributes', async () => {
    const row = await get(sdk, t, key('r'), { columnsToGet: ['pk', 'zz'] });
    expect(pkOf(row)).toEqual([['pk', 'r'], ['n', '7']]);
    expect(row.attributes ?? []).toEqual([]);
    expect(names(await get(sdk, t, key('r'), { columnsToGet: ['n', 'b'] }))).toEqual(['b']);
  });

  it('accepts 1024 names and rejects 1025', async () => {
    const many = (k: number) => Array.from({ length: k }, (_, i) => `c${i}`);
    expect(names(await get(sdk, t, key('r'), { columnsToGet: [...many(1023), 'a'] }))).toEqual(['a']);
    await paramInvalid(
      sdk.getRow({ tableName: t, primaryKey: key('r'), columnsToGet: many(1025) }),
      'The number of columns from the request exceeds the limit, limit count: 1024, column count: 1025.',
    );
  });
});

describe('startColumn / endColumn', () => {
  it('selects [start, end) in name order', async () => {
    expect(names(await get(sdk, t, key('r'), { startColumn: 'b', endColumn: 'd' }))).toEqual(['b', 'c']);
    expect(names(await get(sdk, t, key('r'), { startColumn: 'c' }))).toEqual(['c', 'd', 'e']);
    expect(names(await get(sdk, t, key('r'), { endColumn: 'b' }))).toEqual(['a']);
    expect(names(await get(sdk, t, key('r'), { startColumn: 'bb', endColumn: 'dd' }))).toEqual(['c', 'd']);
  });

  it('combines with columnsToGet', async () => {
    expect(names(await get(sdk, t, key('r'), { columnsToGet: ['a', 'c', 'e'], startColumn: 'b' }))).toEqual(['c', 'e']);
  });
});

describe('filters', () => {
  it('a single-column filter returns the row when satisfied and no row otherwise', async () => {
    expect(names(await get(sdk, t, key('r'), { columnFilter: single('e', Long(5), 'EQUAL') }))).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(missing(await get(sdk, t, key('r'), { columnFilter: single('e', Long(5), 'GREATER_THAN') }))).toBe(true);
    expect(missing(await get(sdk, t, key('r'), { columnFilter: single('a', 'va', 'NOT_EQUAL') }))).toBe(true);
    expect(missing(await get(sdk, t, key('r'), { columnFilter: single('c', 3.5, 'LESS_EQUAL') }))).toBe(false);
  });

  it('passIfMissing decides for a column the row lacks', async () => {
    expect(missing(await get(sdk, t, key('r'), { columnFilter: single('zz', 'x', 'EQUAL', true) }))).toBe(false);
    expect(missing(await get(sdk, t, key('r'), { columnFilter: single('zz', 'x', 'EQUAL', false) }))).toBe(true);
  });

  it('a filter sees only the columns read: a column outside columnsToGet counts as missing', async () => {
    expect(missing(await get(sdk, t, key('r'), { columnsToGet: ['a'], columnFilter: single('e', Long(5), 'EQUAL', false) }))).toBe(true);
    expect(names(await get(sdk, t, key('r'), { columnsToGet: ['a', 'e'], columnFilter: single('e', Long(5), 'EQUAL', false) }))).toEqual(['a', 'e']);
  });

  it('a filter on a primary-key column', async () => {
    expect(missing(await get(sdk, t, key('r'), { columnFilter: single('n', Long(7), 'EQUAL') }))).toBe(false);
    expect(missing(await get(sdk, t, key('r'), { columnFilter: single('pk', 'r', 'NOT_EQUAL') }))).toBe(true);
  });

  it('cross-type comparisons never match (decision)', async () => {
    expect(missing(await get(sdk, t, key('r'), { columnFilter: single('e', 5, 'EQUAL') }))).toBe(true);
    expect(missing(await get(sdk, t, key('r'), { columnFilter: single('e', '5', 'NOT_EQUAL') }))).toBe(true);
  });

  it('composite filters: AND, OR, NOT and nesting', async () => {
    const yes = single('a', 'va', 'EQUAL');
    const no = single('b', false, 'EQUAL');
    expect(missing(await get(sdk, t, key('r'), { columnFilter: and(yes, single('b', true, 'EQUAL')) }))).toBe(false);
    expect(missing(await get(sdk, t, key('r'), { columnFilter: and(yes, no) }))).toBe(true);
    expect(missing(await get(sdk, t, key('r'), { columnFilter: or(no, yes) }))).toBe(false);
    expect(missing(await get(sdk, t, key('r'), { columnFilter: or(no, single('e', Long(6), 'GREATER_EQUAL')) }))).toBe(true);
    expect(missing(await get(sdk, t, key('r'), { columnFilter: not(no) }))).toBe(false);
    expect(missing(await get(sdk, t, key('r'), { columnFilter: and(not(no), or(no, and(yes, single('c', 3.0, 'GREATER_THAN')))) }))).toBe(false);
  });

  it('latestVersionOnly=false lets an older version match', async () => {
    const now = Date.now();
    const pk = key('versions');
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: pk, attributeColumns: [{ v: Long(1), timestamp: Long(now - 2000) }, { v: Long(2), timestamp: Long(now - 1000) }] });
    expect(missing(await get(sdk, t, pk, { columnFilter: single('v', Long(1), 'EQUAL') }))).toBe(true);
    expect(missing(await get(sdk, t, pk, { maxVersions: 2, columnFilter: single('v', Long(1), 'EQUAL', true, false) }))).toBe(false);
  });

  it('ColumnPaginationFilter returns `limit` columns from `offset`, in name order', async () => {
    expect(names(await get(sdk, t, key('r'), { columnFilter: new TableStore.ColumnPaginationFilter(2, 1) }))).toEqual(['b', 'c']);
    expect(names(await get(sdk, t, key('r'), { columnFilter: new TableStore.ColumnPaginationFilter(10, 3) }))).toEqual(['d', 'e']);
    expect(names(await get(sdk, t, key('r'), { columnFilter: new TableStore.ColumnPaginationFilter(1, 0), startColumn: 'c' }))).toEqual(['c']);
    // All versions of a paged column come with it.
    const now = Date.now();
    const pk = key('paged');
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: pk, attributeColumns: [{ a: '1', timestamp: Long(now - 2) }, { a: '2', timestamp: Long(now - 1) }, { b: 'x' }] });
    expect(cells(await get(sdk, t, pk, { maxVersions: 3, columnFilter: new TableStore.ColumnPaginationFilter(1, 0) })).map((c) => c[1])).toEqual(['2', '1']);
  });

  it('rejects a ColumnPaginationFilter with limit 0 or a negative offset', async () => {
    await paramInvalid(sdk.getRow({ tableName: t, primaryKey: key('r'), columnFilter: new TableStore.ColumnPaginationFilter(0, 0) }));
    await paramInvalid(sdk.getRow({ tableName: t, primaryKey: key('r'), columnFilter: new TableStore.ColumnPaginationFilter(1, -1) }));
  });

  it('reads of a PK-only row return its key', async () => {
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('bare'), attributeColumns: [] });
    const row = await get(sdk, t, key('bare'));
    expect(pkOf(row)).toEqual([['pk', 'bare'], ['n', '7']]);
    expect(columns(row)).toEqual({});
  });
});
