/**
 * Write conditions (spec §4.1–§4.3, §6.6): row-existence expectations on Put/Update/Delete, single-column
 * conditions with every comparator, passIfMissing, latestVersionOnly, composite AND/OR/NOT trees, conditions on
 * primary-key columns, cross-type comparisons. A failed condition is 403 OTSConditionCheckFail "Condition
 * check failed." and writes nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { columns, connectSdk, createTable, IGNORE, Long, TableStore, uniqueTable } from '../support/sdk';
import { and, cond, conditionFailed, CT, get, missing, not, or, paramInvalid, single } from '../support/rows';

const sdk = connectSdk();
const t = uniqueTable('cond');

beforeAll(async () => {
  await createTable(sdk, t, [{ name: 'pk', type: 'STRING' }, { name: 'k', type: 'INTEGER' }], { tableOptions: { timeToLive: -1, maxVersions: 3 } });
});

const key = (pk: string, k = 1) => [{ pk }, { k: Long(k) }];

async function seed(pk: string, attrs: object[] = [{ v: 'seed' }]): Promise<void> {
  await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key(pk), attributeColumns: attrs });
}

type Op = (pk: string, condition: unknown) => Promise<unknown>;
const ops: Record<'PutRow' | 'UpdateRow' | 'DeleteRow', Op> = {
  PutRow: (pk, condition) => sdk.putRow({ tableName: t, condition, primaryKey: key(pk), attributeColumns: [{ v: 'written' }] }),
  UpdateRow: (pk, condition) => sdk.updateRow({ tableName: t, condition, primaryKey: key(pk), updateOfAttributeColumns: [{ PUT: [{ v: 'written' }] }] }),
  DeleteRow: (pk, condition) => sdk.deleteRow({ tableName: t, condition, primaryKey: key(pk) }),
};

describe('row existence expectations', () => {
  // [operation, expectation, row exists?, succeeds?]
  const matrix: Array<[keyof typeof ops, 'IGNORE' | 'EXPECT_EXIST' | 'EXPECT_NOT_EXIST', boolean, boolean]> = [];
  for (const op of ['PutRow', 'UpdateRow', 'DeleteRow'] as const) {
    matrix.push([op, 'IGNORE', true, true], [op, 'IGNORE', false, true]);
    matrix.push([op, 'EXPECT_EXIST', true, true], [op, 'EXPECT_EXIST', false, false]);
    matrix.push([op, 'EXPECT_NOT_EXIST', true, false], [op, 'EXPECT_NOT_EXIST', false, true]);
  }

  it.each(matrix)('%s with %s on a row that exists=%s: succeeds=%s', async (op, expectation, exists, succeeds) => {
    const pk = `exist-${op}-${expectation}-${exists}`;
    if (exists) await seed(pk);
    const call = ops[op](pk, cond(expectation));
    if (!succeeds) {
      await conditionFailed(call);
      // Nothing changed.
      const row = await get(sdk, t, key(pk));
      if (exists) expect(columns(row)).toEqual({ v: ['seed'] });
      else expect(missing(row)).toBe(true);
      return;
    }
    await call;
    const row = await get(sdk, t, key(pk));
    if (op === 'DeleteRow') expect(missing(row)).toBe(true);
    else expect(columns(row)).toEqual({ v: ['written'] });
  });
});

describe('single-column conditions', () => {
  const pk = 'single';
  const bin = Buffer.from([1, 2, 3]);
  beforeAll(() => seed(pk, [{ n: Long(10) }, { s: 'm' }, { d: 1.5 }, { b: true }, { bin }]));

  // [column, constant, comparator, satisfied?]
  const cases: Array<[string, unknown, keyof typeof CT, boolean]> = [];
  const add = (col: string, lo: unknown, eq: unknown, hi: unknown) => {
    // The row's value compared with a smaller, an equal and a greater constant.
    cases.push([col, eq, 'EQUAL', true], [col, lo, 'EQUAL', false]);
    cases.push([col, lo, 'NOT_EQUAL', true], [col, eq, 'NOT_EQUAL', false]);
    cases.push([col, lo, 'GREATER_THAN', true], [col, eq, 'GREATER_THAN', false], [col, hi, 'GREATER_THAN', false]);
    cases.push([col, lo, 'GREATER_EQUAL', true], [col, eq, 'GREATER_EQUAL', true], [col, hi, 'GREATER_EQUAL', false]);
    cases.push([col, hi, 'LESS_THAN', true], [col, eq, 'LESS_THAN', false], [col, lo, 'LESS_THAN', false]);
    cases.push([col, hi, 'LESS_EQUAL', true], [col, eq, 'LESS_EQUAL', true], [col, lo, 'LESS_EQUAL', false]);
  };
  add('n', Long(9), Long(10), Long(11));
  add('s', 'l', 'm', 'n');
  add('d', 1.25, 1.5, 1.75);
  add('b', false, true, undefined);
  add('bin', Buffer.from([1, 2]), bin, Buffer.from([1, 2, 4]));
  const usable = cases.filter(([, v]) => v !== undefined);

  it.each(usable.map((c) => [c[0], c[2], String(c[1]), c[3], c[1]] as const))(
    '%s %s %s: satisfied=%s',
    async (col, cmp, _label, satisfied, value) => {
      const call = ops.UpdateRow(pk, cond('IGNORE', single(col, value, cmp)));
      if (satisfied) await call;
      else await conditionFailed(call);
    },
  );

  it('INTEGER compares as signed int64, exactly (no double rounding)', async () => {
    await seed('int64', [{ n: Long('9007199254740993') }, { neg: Long('-9223372036854775808') }]);
    await ops.UpdateRow('int64', cond('EXPECT_EXIST', single('n', Long('9007199254740992'), 'GREATER_THAN')));
    await conditionFailed(ops.UpdateRow('int64', cond('EXPECT_EXIST', single('n', Long('9007199254740992'), 'EQUAL'))));
    await ops.UpdateRow('int64', cond('EXPECT_EXIST', single('neg', Long(-1), 'LESS_THAN')));
  });

  it('STRING compares byte-wise on UTF-8 and BINARY unsigned byte-wise', async () => {
    await seed('bytes', [{ s: 'é' }, { bin: Buffer.from([0x80]) }]);
    await ops.UpdateRow('bytes', cond('IGNORE', single('s', 'z', 'GREATER_THAN')));
    await ops.UpdateRow('bytes', cond('IGNORE', single('bin', Buffer.from([0x7f, 0xff]), 'GREATER_THAN')));
  });

  it('a failed column condition writes nothing', async () => {
    await seed('nowrite', [{ n: Long(1) }]);
    await conditionFailed(ops.PutRow('nowrite', cond('IGNORE', single('n', Long(2), 'EQUAL'))));
    await conditionFailed(ops.DeleteRow('nowrite', cond('EXPECT_EXIST', single('n', Long(2), 'EQUAL'))));
    expect(columns(await get(sdk, t, key('nowrite')))).toEqual({ n: ['1'] });
  });

  it('PutRow and DeleteRow honour column conditions', async () => {
    await seed('putdel', [{ n: Long(1) }]);
    await ops.PutRow('putdel', cond('EXPECT_EXIST', single('n', Long(1), 'EQUAL')));
    expect(columns(await get(sdk, t, key('putdel')))).toEqual({ v: ['written'] });
    await ops.DeleteRow('putdel', cond('IGNORE', single('v', 'written', 'EQUAL')));
    expect(missing(await get(sdk, t, key('putdel')))).toBe(true);
  });
});

describe('passIfMissing', () => {
  it('decides for a row that lacks the column: true passes, false fails', async () => {
    await seed('pim', [{ other: 'x' }]);
    await ops.UpdateRow('pim', cond('IGNORE', single('absent', 'x', 'EQUAL', true)));
    await conditionFailed(ops.UpdateRow('pim', cond('IGNORE', single('absent', 'x', 'EQUAL', false))));
    // Every comparator, NOT_EQUAL included, follows passIfMissing when the column is missing.
    for (const cmp of Object.keys(CT) as Array<keyof typeof CT>) {
      await ops.UpdateRow('pim', cond('IGNORE', single('absent', 'x', cmp, true)));
      await conditionFailed(ops.UpdateRow('pim', cond('IGNORE', single('absent', 'x', cmp, false))));
    }
  });

  it('applies to a missing row too: passIfMissing decides, after the existence check', async () => {
    // EXPECT_NOT_EXIST + price == 0 with passIfMissing (default true): the first write succeeds (spec §5.3).
    await ops.UpdateRow('pim-missing-1', cond('EXPECT_NOT_EXIST', single('price', Long(0), 'EQUAL')));
    expect(columns(await get(sdk, t, key('pim-missing-1')))).toEqual({ v: ['written'] });
    await conditionFailed(ops.PutRow('pim-missing-2', cond('IGNORE', single('price', Long(0), 'EQUAL', false))));
    expect(missing(await get(sdk, t, key('pim-missing-2')))).toBe(true);
    await conditionFailed(ops.PutRow('pim-missing-3', cond('EXPECT_NOT_EXIST', single('price', Long(0), 'EQUAL', false))));
    // The existence check comes first: EXPECT_EXIST on a missing row fails even with a passing column condition.
    await conditionFailed(ops.PutRow('pim-missing-4', cond('EXPECT_EXIST', single('price', Long(0), 'EQUAL', true))));
  });
});

describe('latestVersionOnly', () => {
  it('true compares the newest version only; false passes when any version satisfies', async () => {
    const now = Date.now();
    await seed('lvo', [{ v: Long(1), timestamp: Long(now - 3000) }, { v: Long(2), timestamp: Long(now - 2000) }, { v: Long(3), timestamp: Long(now - 1000) }]);
    const upd = (c: unknown) => sdk.updateRow({ tableName: t, condition: c, primaryKey: key('lvo'), updateOfAttributeColumns: [{ PUT: [{ mark: 'x' }] }] });
    await upd(cond('IGNORE', single('v', Long(3), 'EQUAL', true, true)));
    await conditionFailed(upd(cond('IGNORE', single('v', Long(1), 'EQUAL', true, true))));
    await upd(cond('IGNORE', single('v', Long(1), 'EQUAL', true, false)));
    await upd(cond('IGNORE', single('v', Long(2), 'LESS_THAN', true, false)));
    await conditionFailed(upd(cond('IGNORE', single('v', Long(4), 'EQUAL', true, false))));
  });
});

describe('composite conditions', () => {
  const pk = 'comp';
  beforeAll(() => seed(pk, [{ n: Long(10) }, { s: 'b' }, { flag: true }]));
  const yes = (p: Promise<unknown>) => p;
  const T = () => single('n', Long(10), 'EQUAL');
  const F = () => single('s', 'x', 'EQUAL');

  it('AND', async () => {
    await yes(ops.UpdateRow(pk, cond('IGNORE', and(T(), single('s', 'b', 'EQUAL')))));
    await conditionFailed(ops.UpdateRow(pk, cond('IGNORE', and(T(), F()))));
    await conditionFailed(ops.UpdateRow(pk, cond('IGNORE', and(F(), T()))));
    await conditionFailed(ops.UpdateRow(pk, cond('IGNORE', and(F(), F()))));
  });

  it('OR', async () => {
    await yes(ops.UpdateRow(pk, cond('IGNORE', or(T(), F()))));
    await yes(ops.UpdateRow(pk, cond('IGNORE', or(F(), T()))));
    await conditionFailed(ops.UpdateRow(pk, cond('IGNORE', or(F(), single('n', Long(11), 'GREATER_EQUAL')))));
  });

  it('NOT', async () => {
    await conditionFailed(ops.UpdateRow(pk, cond('IGNORE', not(T()))));
    await yes(ops.UpdateRow(pk, cond('IGNORE', not(F()))));
    // NOT of a missing column follows passIfMissing, then negates.
    await conditionFailed(ops.UpdateRow(pk, cond('IGNORE', not(single('absent', 'x', 'EQUAL', true)))));
    await yes(ops.UpdateRow(pk, cond('IGNORE', not(single('absent', 'x', 'EQUAL', false)))));
  });

  it('nested trees', async () => {
    // (n > 5 AND (s == 'x' OR flag == true)) AND NOT(n == 11)
    const tree = and(and(single('n', Long(5), 'GREATER_THAN'), or(F(), single('flag', true, 'EQUAL'))), not(single('n', Long(11), 'EQUAL')));
    await yes(ops.UpdateRow(pk, cond('EXPECT_EXIST', tree)));
    // NOT(OR(NOT(n == 10), s == 'x')) == (n == 10 AND s != 'x')
    await yes(ops.UpdateRow(pk, cond('IGNORE', not(or(not(T()), F())))));
    await conditionFailed(ops.UpdateRow(pk, cond('IGNORE', not(and(T(), not(F()))))));
  });

  it('rejects NOT with two sub-conditions and AND/OR with one', async () => {
    const bad = (op: number, subs: unknown[]) => {
      const c = new TableStore.CompositeCondition(op);
      for (const s of subs) c.addSubCondition(s);
      return c;
    };
    await paramInvalid(ops.UpdateRow(pk, cond('IGNORE', bad(TableStore.LogicalOperator.NOT, [T(), F()]))), 'Invalid NOT operator: the number of sub-filters must be 1.');
    await paramInvalid(ops.UpdateRow(pk, cond('IGNORE', bad(TableStore.LogicalOperator.AND, [T()]))), 'Invalid AND/OR operator: the number of sub-filters must be 2.');
    await paramInvalid(ops.UpdateRow(pk, cond('IGNORE', bad(TableStore.LogicalOperator.OR, [T(), F(), T()]))), 'Invalid AND/OR operator: the number of sub-filters must be 2.');
  });

  it('rejects a column-pagination filter as a write condition', async () => {
    await paramInvalid(ops.UpdateRow(pk, cond('IGNORE', new TableStore.ColumnPaginationFilter(1, 0))));
  });
});

describe('conditions on primary-key columns', () => {
  it('compare the row key like any column', async () => {
    await seed('pkcond');
    await ops.UpdateRow('pkcond', cond('EXPECT_EXIST', single('pk', 'pkcond', 'EQUAL')));
    await ops.UpdateRow('pkcond', cond('EXPECT_EXIST', and(single('k', Long(0), 'GREATER_THAN'), single('pk', 'pkc', 'GREATER_THAN'))));
    await conditionFailed(ops.UpdateRow('pkcond', cond('EXPECT_EXIST', single('pk', 'other', 'EQUAL'))));
    await conditionFailed(ops.UpdateRow('pkcond', cond('IGNORE', single('k', Long(1), 'NOT_EQUAL', false))));
  });

  it('on a row that does not exist yet, compare against the request key (emulator decision)', async () => {
    // [inferred] The row's key is known from the request, so a PK-column condition on a missing row is
    // evaluated against it rather than treated as a missing column.
    await ops.PutRow('pkcond-new', cond('EXPECT_NOT_EXIST', single('pk', 'pkcond-new', 'EQUAL', false)));
    await conditionFailed(ops.PutRow('pkcond-new2', cond('IGNORE', single('k', Long(1), 'NOT_EQUAL', true))));
    expect(missing(await get(sdk, t, key('pkcond-new2')))).toBe(true);
  });
});

describe('cross-type comparisons (decided: never satisfied)', () => {
  it('a value of another type satisfies no comparator, NOT_EQUAL included; INTEGER and DOUBLE differ', async () => {
    await seed('xtype', [{ n: Long(10) }, { s: '10' }, { d: 10 }]);
    for (const cmp of Object.keys(CT) as Array<keyof typeof CT>) {
      await conditionFailed(ops.UpdateRow('xtype', cond('IGNORE', single('n', 10, cmp))));
      await conditionFailed(ops.UpdateRow('xtype', cond('IGNORE', single('n', '10', cmp))));
      await conditionFailed(ops.UpdateRow('xtype', cond('IGNORE', single('s', Long(10), cmp))));
      await conditionFailed(ops.UpdateRow('xtype', cond('IGNORE', single('d', Long(10), cmp))));
      await conditionFailed(ops.UpdateRow('xtype', cond('IGNORE', single('s', Buffer.from('10'), cmp))));
    }
    // NOT over a cross-type comparison is therefore satisfied.
    await ops.UpdateRow('xtype', cond('IGNORE', not(single('n', '10', 'EQUAL'))));
  });
});
