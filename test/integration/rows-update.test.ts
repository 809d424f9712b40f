/**
 * UpdateRow (spec §5.2, §5.3): PUT / DELETE (one version) / DELETE_ALL / INCREMENT, creation of missing rows,
 * return content, allow_update, and the request errors of §5.2 (some sent raw: the SDK cannot express them).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeRow } from '../../src/emulator/model/plainbuffer';
import { type Cell } from '../../src/emulator/model/row';
import { call } from '../support/raw';
import { columns, connectSdk, createTable, IGNORE, Long, TableStore, uniqueTable } from '../support/sdk';
import { cells, cond, expectError, get, missing, paramInvalid, pkOf, single } from '../support/rows';

const sdk = connectSdk();
const t = uniqueTable('upd');

beforeAll(async () => {
  await createTable(sdk, t, [{ name: 'pk', type: 'STRING' }], { tableOptions: { timeToLive: -1, maxVersions: 5 } });
});

const key = (pk: string) => [{ pk }];
const update = (pk: string, ops: object[], extra: Record<string, unknown> = {}) =>
  sdk.updateRow({ tableName: t, condition: IGNORE(), primaryKey: key(pk), updateOfAttributeColumns: ops, ...extra });
const put = (pk: string, attrs: object[]) => sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key(pk), attributeColumns: attrs });
const read = (pk: string, maxVersions = 5) => get(sdk, t, key(pk), { maxVersions });

describe('UpdateRow PUT', () => {
  it('adds and overwrites columns, leaving the others untouched', async () => {
    await put('put', [{ a: 'a1' }, { b: 'b1' }]);
    await update('put', [{ PUT: [{ b: 'b2' }, { c: Long(3) }] }]);
    const row = await get(sdk, t, key('put'));
    expect(columns(row)).toEqual({ a: ['a1'], b: ['b2'], c: ['3'] });
  });

  it('writes a version with an explicit timestamp; the same timestamp overwrites that version', async () => {
    const ts = Date.now() - 60_000;
    await update('putts', [{ PUT: [{ v: 'old', timestamp: Long(ts) }] }]);
    await update('putts', [{ PUT: [{ v: 'new', timestamp: Long(ts + 1) }] }]);
    await update('putts', [{ PUT: [{ v: 'OLD', timestamp: Long(ts) }] }]);
    expect(cells(await read('putts'))).toEqual([
      ['v', 'new', String(ts + 1)],
      ['v', 'OLD', String(ts)],
    ]);
  });

  it('creates a missing row', async () => {
    await update('created', [{ PUT: [{ v: 'x' }] }]);
    expect(columns(await read('created'))).toEqual({ v: ['x'] });
  });
});

describe('UpdateRow DELETE and DELETE_ALL', () => {
  it('DELETE removes exactly one version; a version that does not exist is a no-op', async () => {
    const ts = Date.now() - 60_000;
    await put('del1', [{ v: 'v1', timestamp: Long(ts) }, { v: 'v2', timestamp: Long(ts + 1) }, { v: 'v3', timestamp: Long(ts + 2) }, { w: 'w' }]);
    await update('del1', [{ DELETE: [{ v: Long(ts + 1) }] }]);
    expect(cells(await read('del1')).filter((c) => c[0] === 'v')).toEqual([
      ['v', 'v3', String(ts + 2)],
      ['v', 'v1', String(ts)],
    ]);
    await update('del1', [{ DELETE: [{ v: Long(ts + 1000) }] }]);
    expect(cells(await read('del1')).filter((c) => c[0] === 'v')).toHaveLength(2);
  });

  it('DELETE_ALL removes every version of the column', async () => {
    const ts = Date.now() - 60_000;
    await put('delall', [{ v: 'v1', timestamp: Long(ts) }, { v: 'v2', timestamp: Long(ts + 1) }, { w: 'w' }]);
    await update('delall', [{ DELETE_ALL: ['v', 'nonexistent'] }]);
    expect(columns(await read('delall'))).toEqual({ w: ['w'] });
  });

  it('deleting every attribute column leaves a PK-only row, which still exists', async () => {
    await put('allgone', [{ a: 'x' }, { b: 'y' }]);
    await update('allgone', [{ DELETE_ALL: ['a', 'b'] }]);
    const row = await read('allgone');
    expect(pkOf(row)).toEqual([['pk', 'allgone']]);
    expect(row.attributes ?? []).toEqual([]);
    await sdk.putRow({ tableName: t, condition: cond('EXPECT_EXIST'), primaryKey: key('allgone'), attributeColumns: [{ back: 'y' }] });
  });

  it('a missing row is not created by an update holding only deletes', async () => {
    await update('onlydel1', [{ DELETE_ALL: ['a'] }]);
    expect(missing(await read('onlydel1'))).toBe(true);
    await update('onlydel2', [{ DELETE: [{ a: Long(Date.now() - 1000) }] }]);
    expect(missing(await read('onlydel2'))).toBe(true);
    await update('onlydel3', [{ DELETE: [{ a: Long(Date.now() - 1000) }] }, { DELETE_ALL: ['b'] }]);
    expect(missing(await read('onlydel3'))).toBe(true);
  });

  it('mixes operations in one request, applied to different columns', async () => {
    const ts = Date.now() - 60_000;
    await put('mixed', [{ keep: 'k' }, { gone: 'g' }, { ver: 'a', timestamp: Long(ts) }, { ver: 'b', timestamp: Long(ts + 1) }, { n: Long(1) }]);
    await update('mixed', [{ PUT: [{ added: true }] }, { DELETE_ALL: ['gone'] }, { DELETE: [{ ver: Long(ts) }] }, { INCREMENT: [{ n: Long(41) }] }]);
    expect(columns(await get(sdk, t, key('mixed')))).toEqual({ added: ['true'], keep: ['k'], n: ['42'], ver: ['b'] });
  });
});

describe('UpdateRow INCREMENT', () => {
  it('starts a missing column (and a missing row) at 0, accepts negative deltas, and writes a new version', async () => {
    await update('inc', [{ INCREMENT: [{ n: Long(10) }] }]);
    expect(columns(await get(sdk, t, key('inc')))).toEqual({ n: ['10'] });
    await update('inc', [{ INCREMENT: [{ n: Long(-15) }] }]);
    expect(columns(await get(sdk, t, key('inc')))).toEqual({ n: ['-5'] });
    // Each increment wrote a version; the newest holds the result.
    expect(cells(await read('inc')).map((c) => c[1])).toEqual(['-5', '10']);
    await update('inc', [{ PUT: [{ other: 'x' }] }, { INCREMENT: [{ m: Long('9223372036854775807') }] }]);
    expect(columns(await get(sdk, t, key('inc'))).m).toEqual(['9223372036854775807']);
  });

  it('is exact at the int64 limits and rejects overflow both ways (400), leaving the value unchanged', async () => {
    await put('overflow', [{ hi: Long('9223372036854775806') }, { lo: Long('-9223372036854775807') }]);
    await update('overflow', [{ INCREMENT: [{ hi: Long(1) }] }, { INCREMENT: [{ lo: Long(-1) }] }]);
    expect(columns(await get(sdk, t, key('overflow')))).toEqual({ hi: ['9223372036854775807'], lo: ['-9223372036854775808'] });
    await expectError(update('overflow', [{ INCREMENT: [{ hi: Long(1) }] }]), 400, 'OTSParameterInvalid');
    await expectError(update('overflow', [{ INCREMENT: [{ lo: Long(-1) }] }]), 400, 'OTSParameterInvalid');
    expect(columns(await get(sdk, t, key('overflow')))).toEqual({ hi: ['9223372036854775807'], lo: ['-9223372036854775808'] });
  });

  it('rejects incrementing a column whose latest value is not INTEGER (400)', async () => {
    await put('nonint', [{ s: '5' }, { d: 5 }, { b: true }, { bin: Buffer.from([5]) }]);
    for (const c of ['s', 'd', 'b', 'bin']) {
      await expectError(update('nonint', [{ INCREMENT: [{ [c]: Long(1) }] }]), 400, 'OTSParameterInvalid');
    }
    expect(columns(await get(sdk, t, key('nonint')))).toEqual({ b: ['true'], bin: ['\u0005'], d: ['5'], s: ['5'] });
  });

  it('rejects a non-INTEGER delta and a delta with a timestamp (400)', async () => {
    await paramInvalid(update('baddelta', [{ INCREMENT: [{ n: 1.5 }] }]));
    await paramInvalid(update('baddelta', [{ INCREMENT: [{ n: 'one' }] }]));
    await paramInvalid(update('baddelta', [{ INCREMENT: [{ n: Long(1), timestamp: Long(Date.now()) }] }]));
    expect(missing(await read('baddelta'))).toBe(true);
  });

  it('rejects a column that is incremented and also PUT or deleted in the same request (400)', async () => {
    await put('incput', [{ n: Long(1) }]);
    await paramInvalid(update('incput', [{ INCREMENT: [{ n: Long(1) }] }, { PUT: [{ n: Long(5) }] }]));
    await paramInvalid(update('incput', [{ PUT: [{ n: Long(5) }] }, { INCREMENT: [{ n: Long(1) }] }]));
    await paramInvalid(update('incput', [{ INCREMENT: [{ n: Long(1) }] }, { DELETE_ALL: ['n'] }]));
    expect(columns(await get(sdk, t, key('incput')))).toEqual({ n: ['1'] });
  });

  it('works with conditions', async () => {
    await update('inccond', [{ INCREMENT: [{ price: Long(1) }] }], { condition: cond('EXPECT_NOT_EXIST', single('price', Long(0), 'EQUAL')) });
    await update('inccond', [{ INCREMENT: [{ price: Long(1) }] }], { condition: cond('EXPECT_EXIST', single('price', Long(1), 'EQUAL')) });
    await expectError(update('inccond', [{ INCREMENT: [{ price: Long(1) }] }], { condition: cond('EXPECT_EXIST', single('price', Long(1), 'EQUAL')) }), 403, 'OTSConditionCheckFail', 'Condition check failed.');
    expect(columns(await get(sdk, t, key('inccond')))).toEqual({ price: ['2'] });
  });

  it('returns the new values with RT_AFTER_MODIFY: the PK plus the named increment columns', async () => {
    await put('after', [{ n: Long(100) }, { s: 'x' }]);
    const r = await update('after', [{ INCREMENT: [{ n: Long(5) }] }, { INCREMENT: [{ m: Long(-2) }] }, { PUT: [{ s: 'y' }] }], {
      returnContent: { returnType: TableStore.ReturnType.AfterModify, returnColumns: ['n', 'm'] },
    });
    expect(pkOf(r.row)).toEqual([['pk', 'after']]);
    expect(r.row.attributes.map((a: any) => [a.columnName, a.columnValue.toString()])).toEqual([
      ['m', '-2'],
      ['n', '105'],
    ]);
    // Only the named ones.
    const r2 = await update('after', [{ INCREMENT: [{ n: Long(1) }] }, { INCREMENT: [{ m: Long(1) }] }], {
      returnContent: { returnType: TableStore.ReturnType.AfterModify, returnColumns: ['m'] },
    });
    expect(r2.row.attributes.map((a: any) => [a.columnName, a.columnValue.toString()])).toEqual([['m', '-1']]);
  });

  it('rejects RT_AFTER_MODIFY naming a column that is not incremented by the request; nothing is written', async () => {
    await put('afterbad', [{ n: Long(1) }, { s: 'x' }]);
    for (const name of ['s', 'nope']) {
      await paramInvalid(
        update('afterbad', [{ INCREMENT: [{ n: Long(1) }] }, { PUT: [{ s: 'y' }] }], {
          returnContent: { returnType: TableStore.ReturnType.AfterModify, returnColumns: [name] },
        }),
      );
    }
    expect(columns(await get(sdk, t, key('afterbad')))).toEqual({ n: ['1'], s: ['x'] });
  });

  it('rejects RT_AFTER_MODIFY on PutRow and DeleteRow (nothing to return after a put or a delete)', async () => {
    const afterModify = { returnType: TableStore.ReturnType.AfterModify };
    await paramInvalid(sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('rtam'), attributeColumns: [{ v: 'x' }], returnContent: afterModify }));
    await paramInvalid(sdk.deleteRow({ tableName: t, condition: IGNORE(), primaryKey: key('rtam'), returnContent: afterModify }));
    expect(missing(await read('rtam'))).toBe(true);
  });

  it('rejects RT_PK with return column names', async () => {
    await paramInvalid(update('rtpkcols', [{ INCREMENT: [{ n: Long(1) }] }], { returnContent: { returnType: TableStore.ReturnType.Primarykey, returnColumns: ['n'] } }));
  });

  it('returns the primary key with RT_PK', async () => {
    const r = await update('rtpk', [{ PUT: [{ v: 'x' }] }], { returnContent: { returnType: TableStore.ReturnType.Primarykey } });
    expect(pkOf(r.row)).toEqual([['pk', 'rtpk']]);
    expect(r.row.attributes ?? []).toEqual([]);
  });
});

describe('UpdateRow on a table with allow_update=false', () => {
  it('is refused (400) while PutRow still works', async () => {
    const t2 = uniqueTable('noupd');
    await createTable(sdk, t2, [{ name: 'pk', type: 'STRING' }], { tableOptions: { timeToLive: -1, maxVersions: 1, allowUpdate: false } });
    await sdk.putRow({ tableName: t2, condition: IGNORE(), primaryKey: key('a'), attributeColumns: [{ v: 'x' }] });
    await expectError(sdk.updateRow({ tableName: t2, condition: IGNORE(), primaryKey: key('a'), updateOfAttributeColumns: [{ PUT: [{ v: 'y' }] }] }), 400, 'OTSParameterInvalid');
    expect(columns(await get(sdk, t2, key('a')))).toEqual({ v: ['x'] });
  });
});

describe('malformed row changes (§5.1, §5.2, §5.4 messages; sent raw where the SDK cannot express them)', () => {
  const S = (s: string) => ({ t: 0x03, v: Buffer.from(s) }) as never;
  const pkCell = (v = 'raw'): Cell => ({ name: 'pk', value: S(v) });
  const rowBytes = (cellsIn: Cell[], opts: { pk?: Cell[]; deleteMarker?: boolean } = {}) =>
    encodeRow({ pk: opts.pk ?? [pkCell()], cells: cellsIn, deleteMarker: !!opts.deleteMarker });
  const rawUpdate = (rowChange: Buffer) => call('UpdateRow', { tableName: t, rowChange, condition: { rowExistence: 0 } });
  const rawPut = (row: Buffer) => call('PutRow', { tableName: t, row, condition: { rowExistence: 0 } });
  const rawDelete = (primaryKey: Buffer) => call('DeleteRow', { tableName: t, primaryKey, condition: { rowExistence: 0 } });
  const expect400 = (r: { status: number; error?: { code: string; message: string } }, message: string) =>
    expect({ status: r.status, ...r.error }).toEqual({ status: 400, code: 'OTSParameterInvalid', message });

  it('UpdateRow with no cells', async () => {
    await paramInvalid(update('nocells', []), 'Invalid update row request: missing cells in request.');
  });

  it('a value on DELETE / DELETE_ALL', async () => {
    const ts = Date.now() - 1000;
    expect400(await rawUpdate(rowBytes([{ name: 'c', value: S('x'), op: 0x03, ts }])), 'Column value cannot be given when type is DELETE_ONE_VERSION,DELETE_ALL_VERSION.');
    expect400(await rawUpdate(rowBytes([{ name: 'c', value: S('x'), op: 0x01 }])), 'Column value cannot be given when type is DELETE_ONE_VERSION,DELETE_ALL_VERSION.');
  });

  it('DELETE without a timestamp, DELETE_ALL with one', async () => {
    expect400(await rawUpdate(rowBytes([{ name: 'c', op: 0x03 }])), 'Timestamp must be given when type is DELETE_ONE_VERSION.');
    expect400(await rawUpdate(rowBytes([{ name: 'c', op: 0x01, ts: Date.now() - 1000 }])), 'Timestamp cannot be given when type is DELETE_ALL_VERSION.');
  });

  it('an unknown op type', async () => {
    expect400(await rawUpdate(rowBytes([{ name: 'c', value: S('x'), op: 0x02 }])), 'Invalid op type of cell: `2`.');
  });

  it('a delete marker in PutRow / UpdateRow', async () => {
    const msg = 'Invalid request of put/update row: unexpected RowDeleteMarker in request.';
    expect400(await rawUpdate(rowBytes([{ name: 'c', value: S('x') }], { deleteMarker: true })), msg);
    expect400(await rawPut(rowBytes([{ name: 'c', value: S('x') }], { deleteMarker: true })), msg);
  });

  it('an op type in PutRow', async () => {
    expect400(await rawPut(rowBytes([{ name: 'c', op: 0x01 }])), 'OpType cannot be given for column name:`c` in PutRow.');
  });

  it('a timestamp or op type on a primary-key cell', async () => {
    expect400(await rawPut(rowBytes([], { pk: [{ ...pkCell(), ts: 1 }] })), 'Timestamp cannot be given for primary key name:`pk`.');
    expect400(await rawPut(rowBytes([], { pk: [{ ...pkCell(), op: 0x01 }] })), 'OpType cannot be given for primary key name :`pk`.');
  });

  it('DeleteRow without the delete marker, or with cells', async () => {
    expect400(await rawDelete(rowBytes([])), 'Invalid request of delete row: missing RowDeleteMarker in request.');
    expect400(await rawDelete(rowBytes([{ name: 'c', value: S('x') }], { deleteMarker: true })), 'Invalid delete row request: unexpected cells in request.');
  });
});
