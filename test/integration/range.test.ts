/**
 * GetRange (spec §1.17, §2.2, §6.3): directions, INF_MIN/INF_MAX bounds, bound errors, limit, the 5000-row
 * and 4 MB page cut with next_start_primary_key, filters applied after the scan, columnsToGet, maxVersions,
 * and primary-key order for INTEGER, STRING and BINARY.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { call } from '../support/raw';
import { columns, connectSdk, createTable, IGNORE, Long, otsError, TableStore, uniqueTable } from '../support/sdk';
import { tableJanitor } from '../support/janitor';

const sdk = connectSdk();
const { INF_MIN, INF_MAX } = TableStore;
const FORWARD = TableStore.Direction.FORWARD;
const BACKWARD = TableStore.Direction.BACKWARD;
const janitor = tableJanitor(sdk);

async function make(pk: Array<{ name: string; type: string }>, options?: Record<string, unknown>): Promise<string> {
  const t = uniqueTable('rng');
  await createTable(sdk, t, pk, options ? { tableOptions: options } : {});
  janitor.add(t);
  return t;
}

/** Writes rows with BatchWriteRow, 200 at a time. */
async function fill(table: string, rows: Array<{ pk: any[]; cols?: any[] }>): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    const res = await sdk.batchWriteRow({
      tables: [{ tableName: table, rows: rows.slice(i, i + 200).map((r) => ({ type: 'PUT', condition: IGNORE(), primaryKey: r.pk, attributeColumns: r.cols ?? [] })) }],
    });
    expect(res.tables.every((r: any) => r.isOk)).toBe(true);
  }
}

/** A primary key as plain values: INTEGER as string, STRING as string, BINARY as hex prefixed with 0x. */
function pkValues(row: any): string[] {
  return row.primaryKey.map((c: any) => (Buffer.isBuffer(c.value) ? `0x${c.value.toString('hex')}` : String(c.value)));
}

async function range(table: string, start: any[], end: any[], direction = FORWARD, extra: Record<string, unknown> = {}) {
  return sdk.getRange({ tableName: table, direction, inclusiveStartPrimaryKey: start, exclusiveEndPrimaryKey: end, ...extra });
}

/** Reads a whole range page by page; returns the rows and the page sizes. */
async function readAll(table: string, start: any[], end: any[], direction = FORWARD, extra: Record<string, unknown> = {}) {
  const rows: any[] = [];
  const pages: number[] = [];
  let from = start;
  for (;;) {
    const res = await range(table, from, end, direction, extra);
    rows.push(...res.rows);
    pages.push(res.rows.length);
    if (!res.nextStartPrimaryKey) break;
    from = res.nextStartPrimaryKey.map((c: any) => ({ [c.name]: c.value }));
  }
  return { rows, pages };
}

/** A PlainBuffer primary key, encoded by the SDK itself, for raw requests. */
const pkBytes = (pk: any[]): Buffer => Buffer.from(TableStore.PlainBufferBuilder.serializePrimaryKey(pk));

function expectErr(e: { status: number; otsCode: string; otsMessage: string }, status: number, code: string, message: string): void {
  expect([e.status, e.otsCode, e.otsMessage]).toEqual([status, code, message]);
}

describe('GetRange directions and bounds', () => {
  let t: string;
  beforeAll(async () => {
    t = await make([{ name: 'k', type: 'STRING' }, { name: 'n', type: 'STRING' }]);
    await fill(t, ['a:x', 'a:y', 'b:x', 'b:y', 'c:x'].map((s) => ({ pk: [{ k: s[0] }, { n: s[2] }], cols: [{ v: s }] })));
  });
  const keys = (res: any) => res.rows.map((r: any) => pkValues(r).join(':'));

  it('reads forward and backward (S3 row_op_test example)', async () => {
    expect(keys(await range(t, [{ k: 'a' }, { n: INF_MIN }], [{ k: 'a' }, { n: 'y' }]))).toEqual(['a:x']);
    expect(keys(await range(t, [{ k: 'a' }, { n: 'y' }], [{ k: 'a' }, { n: INF_MIN }], BACKWARD))).toEqual(['a:y', 'a:x']);
    expect(keys(await range(t, [{ k: 'a' }, { n: INF_MAX }], [{ k: 'c' }, { n: INF_MIN }]))).toEqual(['b:x', 'b:y']);
    expect(keys(await range(t, [{ k: INF_MIN }, { n: INF_MIN }], [{ k: INF_MAX }, { n: INF_MAX }]))).toEqual(['a:x', 'a:y', 'b:x', 'b:y', 'c:x']);
    expect(keys(await range(t, [{ k: INF_MAX }, { n: INF_MAX }], [{ k: INF_MIN }, { n: INF_MIN }], BACKWARD))).toEqual(['c:x', 'b:y', 'b:x', 'a:y', 'a:x']);
  });

  it('returns the attribute columns with the rows', async () => {
    const res = await range(t, [{ k: 'b' }, { n: 'x' }], [{ k: 'b' }, { n: 'y' }]);
    expect(res.rows.map(columns)).toEqual([{ v: ['b:x'] }]);
    expect(res.nextStartPrimaryKey).toBeNull();
  });

  it('answers an empty range with no rows and no next key', async () => {
    const res = await range(t, [{ k: 'a' }, { n: 'z' }], [{ k: 'b' }, { n: INF_MIN }]);
    expect(res.rows).toEqual([]);
    expect(res.nextStartPrimaryKey).toBeNull();
  });

  it('refuses start == end and a start on the wrong side, without a trailing period', async () => {
    const fwd = 'Begin key must less than end key in FORWARD';
    const bwd = 'Begin key must more than end key in BACKWARD';
    expectErr(await otsError(range(t, [{ k: 'a' }, { n: 'x' }], [{ k: 'a' }, { n: 'x' }])), 400, 'OTSParameterInvalid', fwd);
    expectErr(await otsError(range(t, [{ k: 'a' }, { n: 'x' }], [{ k: 'a' }, { n: 'x' }], BACKWARD)), 400, 'OTSParameterInvalid', bwd);
    expectErr(await otsError(range(t, [{ k: 'b' }, { n: INF_MIN }], [{ k: 'a' }, { n: INF_MAX }])), 400, 'OTSParameterInvalid', fwd);
    expectErr(await otsError(range(t, [{ k: 'a' }, { n: INF_MIN }], [{ k: 'b' }, { n: INF_MAX }], BACKWARD)), 400, 'OTSParameterInvalid', bwd);
    expectErr(await otsError(range(t, [{ k: INF_MAX }, { n: INF_MIN }], [{ k: INF_MAX }, { n: INF_MIN }])), 400, 'OTSParameterInvalid', fwd);
  });

  it('validates the bounds against the schema', async () => {
    expectErr(await otsError(range(t, [{ k: 'a' }], [{ k: 'b' }])), 400, 'OTSInvalidPK', 'Validate PK size fail. Input: 1, Meta: 2.');
    expectErr(await otsError(range(t, [{ n: 'a' }, { k: 'a' }], [{ k: 'b' }, { n: 'a' }])), 400, 'OTSInvalidPK', 'Validate PK name fail. Input: n, Meta: k.');
    expectErr(await otsError(range(t, [{ k: Long(1) }, { n: 'a' }], [{ k: 'b' }, { n: 'a' }])), 400, 'OTSInvalidPK', 'Validate PK type fail. Input: VT_INTEGER, Meta: VT_STRING.');
    expectErr(await otsError(range(uniqueTable('missing'), [{ k: 'a' }], [{ k: 'b' }])), 404, 'OTSObjectNotExist', 'Requested table does not exist.');
  });

  it('stops at the limit and hands out the next start key', async () => {
    const first = await range(t, [{ k: INF_MIN }, { n: INF_MIN }], [{ k: INF_MAX }, { n: INF_MAX }], FORWARD, { limit: 2 });
    expect(keys(first)).toEqual(['a:x', 'a:y']);
    expect(first.nextStartPrimaryKey.map((c: any) => [c.name, c.value])).toEqual([['k', 'b'], ['n', 'x']]);
    const all = await readAll(t, [{ k: INF_MIN }, { n: INF_MIN }], [{ k: INF_MAX }, { n: INF_MAX }], FORWARD, { limit: 2 });
    expect(all.rows.map((r) => pkValues(r).join(':'))).toEqual(['a:x', 'a:y', 'b:x', 'b:y', 'c:x']);
    expect(all.pages).toEqual([2, 2, 1]);
    const back = await readAll(t, [{ k: INF_MAX }, { n: INF_MAX }], [{ k: INF_MIN }, { n: INF_MIN }], BACKWARD, { limit: 3 });
    expect(back.rows.map((r) => pkValues(r).join(':'))).toEqual(['c:x', 'b:y', 'b:x', 'a:y', 'a:x']);
    expect(back.pages).toEqual([3, 2]);
  });

  it('refuses a limit of 0 or below', async () => {
    expectErr(await otsError(range(t, [{ k: INF_MIN }, { n: INF_MIN }], [{ k: INF_MAX }, { n: INF_MAX }], FORWARD, { limit: -1 })), 400, 'OTSParameterInvalid', 'The limit must be greater than 0.');
    // The SDK drops limit 0 (falsy): send it raw.
    const res = await call('GetRange', {
      tableName: t, direction: 0, maxVersions: 1, limit: 0,
      inclusiveStartPrimaryKey: pkBytes([{ k: INF_MIN }, { n: INF_MIN }]), exclusiveEndPrimaryKey: pkBytes([{ k: INF_MAX }, { n: INF_MAX }]),
    });
    expect([res.status, res.error?.code, res.error?.message]).toEqual([400, 'OTSParameterInvalid', 'The limit must be greater than 0.']);
  });

  it('refuses INF_MIN / INF_MAX outside range bounds', async () => {
    expectErr(await otsError(sdk.getRow({ tableName: t, primaryKey: [{ k: INF_MIN }, { n: 'x' }] })), 400, 'OTSParameterInvalid', 'VT_INF_MIN is an invalid type for the primary key.');
    expectErr(await otsError(sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: [{ k: 'a' }, { n: INF_MAX }], attributeColumns: [{ v: 'x' }] })), 400, 'OTSParameterInvalid', 'VT_INF_MAX is an invalid type for the primary key.');
  });
});

describe('INF_MIN / INF_MAX in any bound column', () => {
  let t: string;
  const all: string[] = [];
  beforeAll(async () => {
    t = await make([{ name: 'p', type: 'STRING' }, { name: 'q', type: 'INTEGER' }, { name: 'r', type: 'BINARY' }, { name: 's', type: 'INTEGER' }]);
    const rows = [];
    for (const p of ['A', 'B']) {
      for (const q of [1, 2, 3]) {
        for (const r of [0, 1]) {
          rows.push({ pk: [{ p }, { q: Long(q) }, { r: Buffer.from([r]) }, { s: Long(10) }] });
          all.push(`${p}${q}${r}`);
        }
      }
    }
    await fill(t, rows);
  });
  const keys = (res: any) => res.rows.map((row: any) => { const v = pkValues(row); return `${v[0]}${v[1]}${Number(v[2])}`; });

  it('bounds a range by a prefix', async () => {
    const res = await range(t, [{ p: 'A' }, { q: Long(2) }, { r: INF_MIN }, { s: INF_MIN }], [{ p: 'B' }, { q: INF_MIN }, { r: INF_MIN }, { s: INF_MIN }]);
    expect(keys(res)).toEqual(['A20', 'A21', 'A30', 'A31']);
  });

  it('starts after a prefix with INF_MAX', async () => {
    const res = await range(t, [{ p: 'A' }, { q: INF_MAX }, { r: INF_MIN }, { s: INF_MIN }], [{ p: 'B' }, { q: Long(2) }, { r: INF_MAX }, { s: INF_MIN }]);
    expect(keys(res)).toEqual(['B10', 'B11', 'B20', 'B21']);
  });

  it('mixes values and INF in the middle (spec: (\'A\', INF_MIN, 10, 1) is legal)', async () => {
    const res = await range(t, [{ p: 'A' }, { q: INF_MIN }, { r: Buffer.from([1]) }, { s: Long(1) }], [{ p: 'A' }, { q: Long(2) }, { r: Buffer.from([1]) }, { s: Long(10) }]);
    expect(keys(res)).toEqual(['A10', 'A11', 'A20']);
  });

  it('reads backward between mixed bounds, end exclusive', async () => {
    const res = await range(t, [{ p: 'B' }, { q: Long(2) }, { r: INF_MAX }, { s: INF_MAX }], [{ p: 'A' }, { q: Long(3) }, { r: Buffer.from([0]) }, { s: Long(10) }], BACKWARD);
    expect(keys(res)).toEqual(['B21', 'B20', 'B11', 'B10', 'A31']);
  });

  it('ignores the columns after an INF in the first column', async () => {
    const res = await range(t, [{ p: INF_MIN }, { q: Long(99) }, { r: INF_MAX }, { s: Long(5) }], [{ p: INF_MAX }, { q: Long(-5) }, { r: INF_MIN }, { s: Long(0) }]);
    expect(keys(res)).toEqual(all);
  });
});

describe('primary-key order', () => {
  it('orders INTEGER as signed int64', async () => {
    const t = await make([{ name: 'k', type: 'INTEGER' }]);
    const values = ['-9223372036854775808', '-4611686018427387904', '-5', '-1', '0', '1', '255', '256', '1099511627776', '9223372036854775807'];
    await fill(t, [...values].reverse().map((v) => ({ pk: [{ k: Long(v) }] })));
    const fwd = await range(t, [{ k: INF_MIN }], [{ k: INF_MAX }]);
    expect(fwd.rows.map((r: any) => pkValues(r)[0])).toEqual(values);
    const bwd = await range(t, [{ k: INF_MAX }], [{ k: INF_MIN }], BACKWARD);
    expect(bwd.rows.map((r: any) => pkValues(r)[0])).toEqual([...values].reverse());
    const mid = await range(t, [{ k: Long(-5) }], [{ k: Long(256) }]);
    expect(mid.rows.map((r: any) => pkValues(r)[0])).toEqual(['-5', '-1', '0', '1', '255']);
  });

  it('orders STRING by UTF-8 bytes, a prefix first', async () => {
    const t = await make([{ name: 'k', type: 'STRING' }]);
    // Byte order of the UTF-8 encoding: '😀' (F0 9F 98 80) sorts after 'ｚ' (EF BD 9A), unlike UTF-16 order.
    const values = ['', 'A', 'Z', '_', 'a', 'a b', 'aa', 'ab', 'b', 'é', '中', '中文', 'ｚ', '😀'];
    await fill(t, [...values].reverse().map((v) => ({ pk: [{ k: v }] })));
    const fwd = await range(t, [{ k: INF_MIN }], [{ k: INF_MAX }]);
    expect(fwd.rows.map((r: any) => pkValues(r)[0])).toEqual(values);
    const sorted = [...values].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect(values).toEqual(sorted);
    const bwd = await range(t, [{ k: 'b' }], [{ k: 'a' }], BACKWARD);
    expect(bwd.rows.map((r: any) => pkValues(r)[0])).toEqual(['b', 'ab', 'aa', 'a b']);
    const prefix = await range(t, [{ k: 'a' }], [{ k: 'b' }]);
    expect(prefix.rows.map((r: any) => pkValues(r)[0])).toEqual(['a', 'a b', 'aa', 'ab']);
  });

  it('orders BINARY unsigned byte-wise, a prefix first', async () => {
    const t = await make([{ name: 'k', type: 'BINARY' }]);
    const values = ['', '00', '0000', '0001', '01', '7f', '80', 'ff', 'ff00', 'ffff'];
    await fill(t, [...values].reverse().map((v) => ({ pk: [{ k: Buffer.from(v, 'hex') }] })));
    const fwd = await range(t, [{ k: INF_MIN }], [{ k: INF_MAX }]);
    expect(fwd.rows.map((r: any) => pkValues(r)[0])).toEqual(values.map((v) => `0x${v}`));
    const mid = await range(t, [{ k: Buffer.from('00', 'hex') }], [{ k: Buffer.from('80', 'hex') }]);
    expect(mid.rows.map((r: any) => pkValues(r)[0])).toEqual(['0x00', '0x0000', '0x0001', '0x01', '0x7f']);
  });
});

describe('GetRange projections', () => {
  let t: string;
  beforeAll(async () => {
    t = await make([{ name: 'k', type: 'STRING' }], { timeToLive: -1, maxVersions: 3 });
    for (const k of ['a', 'b', 'c']) {
      for (let v = 1; v <= 3; v++) {
        const cols = [{ x: `${k}${v}` }, ...(k !== 'b' ? [{ y: Long(v) }] : [])];
        await sdk.updateRow({ tableName: t, condition: IGNORE(), primaryKey: [{ k }], updateOfAttributeColumns: [{ PUT: cols }] });
      }
    }
  });

  it('returns the newest version by default and up to maxVersions, newest first', async () => {
    const one = await range(t, [{ k: INF_MIN }], [{ k: INF_MAX }]);
    expect(one.rows.map(columns)).toEqual([{ x: ['a3'], y: ['3'] }, { x: ['b3'] }, { x: ['c3'], y: ['3'] }]);
    const two = await range(t, [{ k: 'a' }], [{ k: 'b' }], FORWARD, { maxVersions: 2 });
    expect(two.rows.map(columns)).toEqual([{ x: ['a3', 'a2'], y: ['3', '2'] }]);
    const all = await range(t, [{ k: 'a' }], [{ k: 'b' }], FORWARD, { maxVersions: 10 });
    expect(all.rows.map(columns)).toEqual([{ x: ['a3', 'a2', 'a1'], y: ['3', '2', '1'] }]);
  });

  it('returns only columnsToGet, and leaves out rows that have none of them', async () => {
    const res = await range(t, [{ k: INF_MIN }], [{ k: INF_MAX }], FORWARD, { columnsToGet: ['y'] });
    expect(res.rows.map((r: any) => [pkValues(r)[0], columns(r)])).toEqual([['a', { y: ['3'] }], ['c', { y: ['3'] }]]);
    const withPk = await range(t, [{ k: INF_MIN }], [{ k: INF_MAX }], FORWARD, { columnsToGet: ['k', 'y'] });
    expect(withPk.rows.map((r: any) => [pkValues(r)[0], columns(r)])).toEqual([['a', { y: ['3'] }], ['b', {}], ['c', { y: ['3'] }]]);
  });

  it('applies a filter to each row', async () => {
    const filter = new TableStore.SingleColumnCondition('x', 'b3', TableStore.ComparatorType.NOT_EQUAL, true);
    const res = await range(t, [{ k: INF_MIN }], [{ k: INF_MAX }], FORWARD, { columnFilter: filter });
    expect(res.rows.map((r: any) => pkValues(r)[0])).toEqual(['a', 'c']);
  });

  it('requires a version condition', async () => {
    const res = await call('GetRange', { tableName: t, direction: 0, inclusiveStartPrimaryKey: pkBytes([{ k: INF_MIN }]), exclusiveEndPrimaryKey: pkBytes([{ k: INF_MAX }]) });
    expect([res.status, res.error?.code, res.error?.message]).toEqual([400, 'OTSParameterInvalid', 'No version condition is specified.']);
  });
});

describe('GetRange pages', () => {
  const N = 5321;
  let t: string;
  const key = (i: number) => `r${String(i).padStart(5, '0')}`;
  beforeAll(async () => {
    t = await make([{ name: 'k', type: 'STRING' }]);
    await fill(t, Array.from({ length: N }, (_, i) => ({ pk: [{ k: key(i) }], cols: [{ n: Long(i) }] })));
  }, 120_000);

  it('cuts a page at 5000 rows and resumes at next_start_primary_key: every row once, in order', async () => {
    const first = await range(t, [{ k: INF_MIN }], [{ k: INF_MAX }]);
    expect(first.rows).toHaveLength(5000);
    expect(first.nextStartPrimaryKey.map((c: any) => [c.name, c.value])).toEqual([['k', key(5000)]]);
    const fwd = await readAll(t, [{ k: INF_MIN }], [{ k: INF_MAX }]);
    expect(fwd.pages).toEqual([5000, N - 5000]);
    expect(fwd.rows.map((r) => pkValues(r)[0])).toEqual(Array.from({ length: N }, (_, i) => key(i)));
    const bwd = await readAll(t, [{ k: INF_MAX }], [{ k: INF_MIN }], BACKWARD);
    expect(bwd.pages).toEqual([5000, N - 5000]);
    expect(bwd.rows.map((r) => pkValues(r)[0])).toEqual(Array.from({ length: N }, (_, i) => key(N - 1 - i)));
    // A limit above 5000 is capped by the service's page size.
    const capped = await range(t, [{ k: INF_MIN }], [{ k: INF_MAX }], FORWARD, { limit: 6000 });
    expect(capped.rows).toHaveLength(5000);
    expect(capped.nextStartPrimaryKey).not.toBeNull();
  });

  it('applies a filter after the scan: a page may be empty while next_start_primary_key is set', async () => {
    const filter = new TableStore.SingleColumnCondition('n', Long(5200), TableStore.ComparatorType.EQUAL, false);
    const first = await range(t, [{ k: INF_MIN }], [{ k: INF_MAX }], FORWARD, { columnFilter: filter });
    expect(first.rows).toEqual([]);
    expect(first.nextStartPrimaryKey.map((c: any) => c.value)).toEqual([key(5000)]);
    const all = await readAll(t, [{ k: INF_MIN }], [{ k: INF_MAX }], FORWARD, { columnFilter: filter });
    expect(all.pages).toEqual([0, 1]);
    expect(all.rows.map((r) => pkValues(r)[0])).toEqual([key(5200)]);
  });
});

describe('GetRange 4 MB page', () => {
  it('cuts a page before it passes 4 MB of row data, at a row boundary', async () => {
    const t = await make([{ name: 'k', type: 'INTEGER' }]);
    const big = 'x'.repeat(1_000_000);
    for (let i = 0; i < 7; i++) {
      await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: [{ k: Long(i) }], attributeColumns: [{ v: big }] });
    }
    // 4 rows of ~1,000,000 bytes fit in 4 MB (4,194,304 bytes); a fifth would not.
    const all = await readAll(t, [{ k: INF_MIN }], [{ k: INF_MAX }]);
    expect(all.pages).toEqual([4, 3]);
    expect(all.rows.map((r) => pkValues(r)[0])).toEqual(['0', '1', '2', '3', '4', '5', '6']);
    expect(all.rows.every((r) => columns(r).v[0].length === 1_000_000)).toBe(true);
    const bwd = await readAll(t, [{ k: INF_MAX }], [{ k: INF_MIN }], BACKWARD);
    expect(bwd.pages).toEqual([4, 3]);
  }, 60_000);

  it.skipIf(!inject('backend').emulator)('returns a row larger than 4 MB alone on its page (emulator decision)', async () => {
    const t = await make([{ name: 'k', type: 'INTEGER' }]);
    const cell = 'y'.repeat(2_000_000);
    for (const c of ['c1', 'c2', 'c3']) {
      await sdk.updateRow({ tableName: t, condition: IGNORE(), primaryKey: [{ k: Long(0) }], updateOfAttributeColumns: [{ PUT: [{ [c]: cell }] }] });
    }
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: [{ k: Long(1) }], attributeColumns: [{ v: 'small' }] });
    const all = await readAll(t, [{ k: INF_MIN }], [{ k: INF_MAX }]);
    expect(all.pages).toEqual([1, 1]);
    expect(Object.keys(columns(all.rows[0]))).toEqual(['c1', 'c2', 'c3']);
  }, 60_000);
});
