import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/emulator/actions';
import { encodeResponse } from '../../src/emulator/actions/batch-write-row';
import { Engine } from '../../src/emulator/engine/engine';
import { OtsError } from '../../src/emulator/errors';
import { Faults } from '../../src/emulator/faults';
import { decodeMessage, encodeMessage } from '../../src/emulator/protocol/proto';
import { SearchIndexes } from '../../src/emulator/search/catalog';
import { LmdbStore } from '../../src/emulator/storage/lmdb';
import type { KVStore } from '../../src/emulator/storage/kv';
import { StreamLog } from '../../src/emulator/stream/log';
import { encodeKey, rowKey, tablePrefix } from '../../src/emulator/engine/keys';
import { VersionClock } from '../../src/emulator/engine/versions';
import { decodeStoredRow, encodeRow, encodeStoredRow } from '../../src/emulator/model/plainbuffer';
import { compareNames, type Cell, type RowData, type Version } from '../../src/emulator/model/row';
import { VT, type Value } from '../../src/emulator/model/value';
import { MemoryStore } from '../../src/emulator/storage/memory';
import { compareKeys } from '../../src/emulator/storage/memory';

/** One value of every type a stored column holds, edge values included. */
const VALUES: Value[] = [
  { t: VT.INTEGER, v: 0n },
  { t: VT.INTEGER, v: -9223372036854775808n },
  { t: VT.INTEGER, v: 9223372036854775807n },
  { t: VT.DOUBLE, v: -0.5 },
  { t: VT.DOUBLE, v: 1e308 },
  { t: VT.BOOLEAN, v: true },
  { t: VT.BOOLEAN, v: false },
  { t: VT.STRING, v: Buffer.from('') },
  { t: VT.STRING, v: Buffer.from('héllo ✓') },
  { t: VT.BLOB, v: Buffer.from([0, 1, 0xff, 0]) },
  { t: VT.BLOB, v: Buffer.alloc(100, 7) },
];

/** The stored row as one cell per version, encoded by the generic row encoder: what encodeStoredRow must equal. */
function viaCells(row: RowData): Buffer {
  const cells: Cell[] = [];
  for (const name of [...row.cols.keys()].sort(compareNames)) for (const v of row.cols.get(name)!) cells.push({ name, value: v.value, ts: v.ts });
  return encodeRow({ pk: row.pk, cells, deleteMarker: false });
}

describe('emulator write path', () => {
  it('encodeStoredRow writes what the generic encoder writes for the row of one cell per version', () => {
    const pk: Cell[] = [{ name: 'id', value: { t: VT.STRING, v: Buffer.from('k1') } }, { name: 'n', value: { t: VT.INTEGER, v: -3n } }, { name: 'b', value: { t: VT.BLOB, v: Buffer.from([0]) } }];
    const rows: RowData[] = [{ pk, cols: new Map() }];
    // each type alone, then all of them under names out of order, several versions each, non-ASCII names
    for (const v of VALUES) rows.push({ pk, cols: new Map([['c', [{ ts: 1700000000000, value: v }]]]) });
    const names = ['zeta', 'a', 'ü-col', 'B', 'a2', 'x'.repeat(255)];
    const cols = new Map<string, Version[]>();
    names.forEach((name, i) => cols.set(name, VALUES.slice(i, i + 1 + (i % 3)).map((value, k) => ({ ts: 2 ** 40 + 10 - k, value }))));
    rows.push({ pk, cols });
    rows.push({ pk, cols: new Map([['big', [{ ts: 0, value: { t: VT.STRING, v: Buffer.alloc(3000, 0x61) } }, { ts: 9007199254740991, value: VALUES[0] }]]]) });
    for (const row of rows) {
      const bytes = encodeStoredRow(row);
      expect(bytes.equals(viaCells(row))).toBe(true);
      const back = decodeStoredRow(bytes);
      expect(back.pk).toEqual(row.pk);
      expect(new Map([...back.cols].sort(([a], [b]) => compareNames(a, b)))).toEqual(new Map([...row.cols].sort(([a], [b]) => compareNames(a, b))));
    }
  });

  it('compareKeys orders keys as Buffer.compare does', () => {
    const keys = [Buffer.alloc(0), Buffer.from([0]), Buffer.from([0, 0]), Buffer.from([0xff]), Buffer.alloc(300, 1), Buffer.alloc(301, 1)];
    for (let n = 0; n < 200; n++) keys.push(randomBytes(n % 7), Buffer.concat([Buffer.from('R\0\0\0\x01\x02'), randomBytes(n % 5)]));
    const wrong: string[] = [];
    for (const a of keys) for (const b of keys) if (compareKeys(a, b) !== Buffer.compare(a, b)) wrong.push(`${a.toString('hex')} ${b.toString('hex')}`);
    expect(wrong).toEqual([]);
  });

  it('rowKey is the table prefix, then the encoded key', () => {
    const keys: Cell[][] = [[], [{ name: 'a', value: { t: VT.STRING, v: Buffer.from([0, 1, 0]) } }], VALUES.filter((v) => v.t === VT.INTEGER || v.t === VT.BLOB).map((value, k) => ({ name: `k${k}`, value })), [{ name: 'x', value: { t: VT.INF_MIN } }, { name: 'y', value: { t: VT.INF_MAX } }]];
    for (const id of [0, 1, 0x12345678, 0xffffffff]) for (const pk of keys) expect(rowKey({ id }, pk).toString('hex')).toBe(encodeKey(tablePrefix(id), pk).toString('hex'));
  });

  it('VersionClock: strictly increasing per row within a millisecond, the clock alone once it passes', () => {
    const clock = new VersionClock();
    const a = Buffer.from('a');
    const b = Buffer.from('b');
    expect([clock.stamp(a, 100), clock.stamp(a, 100), clock.stamp(b, 100), clock.stamp(a, 100)]).toEqual([100, 101, 100, 102]);
    // 102 is still ahead of 101: a's next stamp follows it
    expect(clock.stamp(a, 101)).toBe(103);
    expect(clock.stamp(b, 101)).toBe(101);
    // past every stamp held: plain clock values again
    expect([clock.stamp(a, 200), clock.stamp(b, 200), clock.stamp(a, 200)]).toEqual([200, 200, 201]);
    // a clock that steps back still sees the stamps ahead of it
    expect(clock.stamp(a, 150)).toBe(202);
  });

  it('encodes the BatchWriteRow response as encodeMessage does, OK rows from its cache or not', () => {
    const ok = (read: number, write: number, row?: Buffer) => ({ isOk: true, consumed: { capacityUnit: { read, write } }, row });
    const failed = { isOk: false, error: { code: 'OTSConditionCheckFail', message: 'Condition check failed.' }, consumed: { capacityUnit: { read: 0, write: 0 } } };
    const returned = encodeRow({ pk: [{ name: 'id', value: { t: VT.INTEGER, v: 7n } }], cells: [], deleteMarker: false });
    const responses = [
      [{ tableName: 't', rows: [ok(0, 1), ok(0, 1), ok(0, 2), failed, ok(1, 1), ok(0, 1, returned), ok(0, 1000)] }],
      [{ tableName: 'a', rows: [failed] }, { tableName: 'tbl_ü', rows: [ok(0, 1), ok(0, 2), { ...failed }] }],
      [],
    ];
    for (const tables of responses) expect(encodeResponse(tables).toString('hex')).toBe(encodeMessage('BatchWriteRowResponse', { tables }).toString('hex'));
  });

  describe.each([
    ['in memory', () => ({ kv: new MemoryStore() as KVStore, done: () => {} })],
    ['LMDB', () => {
      const dir = mkdtempSync(join(tmpdir(), 'tsorm-wp-'));
      const kv = new LmdbStore(dir, {});
      return { kv: kv as KVStore, done: async () => { await kv.close(); rmSync(dir, { recursive: true, force: true }); } };
    }],
  ])('BatchWriteRow, %s', (_label, open) => {
    /** An engine on its own store with the server's listeners, its clock at `now` until moved. */
    function emulator() {
      const { kv, done } = open();
      const now = 1_700_000_000_000;
      const engine = new Engine(kv, {}, () => now);
      const ctx = { engine, faults: new Faults(undefined), streams: new StreamLog(engine), search: new SearchIndexes(engine, { syncDelayMs: 0 }) };
      const call = (name: string, req: object): any => {
        const def = ACTIONS.get(name)!;
        const type = def.requestType ?? `${name}Request`;
        const res = def.handle(decodeMessage(type, encodeMessage(type, req)), ctx);
        return Buffer.isBuffer(res) ? decodeMessage(def.responseType ?? `${name}Response`, res) : res;
      };
      call('CreateTable', { tableMeta: { tableName: 't', primaryKey: [{ name: 'id', type: 2 }, { name: 'n', type: 1 }] }, reservedThroughput: { capacityUnit: { read: 0, write: 0 } }, tableOptions: { timeToLive: -1, maxVersions: 3, deviationCellVersionInSec: 86400 * 365 } });
      return { engine, call, done };
    }
    const pk = (id: string, n = 1n): Cell[] => [{ name: 'id', value: { t: VT.STRING, v: Buffer.from(id) } }, { name: 'n', value: { t: VT.INTEGER, v: n } }];
    /** Rows of every value type, explicit timestamps, a name given twice, non-ASCII names, a key written twice. */
    const rows = (): Array<{ pk: Cell[]; cells: Cell[] }> => [
      ...VALUES.map((value, k) => ({ pk: pk(`v${k}`), cells: [{ name: 'c', value }, { name: 'a', value: VALUES[(k + 1) % VALUES.length] }] })),
      { pk: pk('ts'), cells: [{ name: 'x', value: VALUES[0], ts: 1_699_999_999_000 }, { name: 'x', value: VALUES[1], ts: 1_699_999_999_001 }, { name: 'x', value: VALUES[2] }, { name: 'ü', value: VALUES[8] }] },
      { pk: pk('same'), cells: [{ name: 'y', value: VALUES[3] }, { name: 'y', value: VALUES[4] }] },
      { pk: pk('twice'), cells: [{ name: 'z', value: VALUES[5] }] },
      { pk: pk('twice'), cells: [{ name: 'z', value: VALUES[6] }, { name: 'w', value: VALUES[7] }] },
    ];
    const stored = (engine: Engine, r: { pk: Cell[] }) => engine.kv.get(engine.rowKey(engine.table('t'), r.pk));

    it('stores what PutRow stores, row by row, and answers every row OK', async () => {
      const batch = emulator();
      const single = emulator();
      try {
        const res = batch.call('BatchWriteRow', { tables: [{ tableName: 't', rows: rows().map((r) => ({ type: 1, rowChange: encodeRow({ ...r, deleteMarker: false }), condition: { rowExistence: 0 } })) }] });
        expect(res.tables[0].rows.map((r: any) => r.isOk)).toEqual(rows().map(() => true));
        for (const r of rows()) single.call('PutRow', { tableName: 't', row: encodeRow({ ...r, deleteMarker: false }), condition: { rowExistence: 0 } });
        for (const r of rows()) expect(stored(batch.engine, r)?.toString('hex')).toBe(stored(single.engine, r)?.toString('hex'));
        // the key written twice in one batch holds the later row (repeated rows apply in order, spec §5.5)
        expect(decodeStoredRow(stored(batch.engine, rows().at(-1)!)!).cols.get('w')).toHaveLength(1);
      } finally {
        await batch.done();
        await single.done();
      }
    });

    it('keeps the order of whole-request errors: decoding, row count, data size, then the first rule broken', async () => {
      const e = emulator();
      const row = (cells: Cell[], key = pk('k')) => ({ type: 1, rowChange: encodeRow({ pk: key, cells, deleteMarker: false }), condition: { rowExistence: 0 } });
      const fails = (tableRows: object[]) => {
        try {
          e.call('BatchWriteRow', { tables: [{ tableName: 't', rows: tableRows }] });
        } catch (err) {
          return (err as OtsError).message;
        }
        return 'no error';
      };
      try {
        const pkNamed = row([{ name: 'id', value: VALUES[0] }]);
        const infKey = row([], [{ name: 'id', value: { t: VT.INF_MIN } }, { name: 'n', value: VALUES[0] }]);
        const broken = { type: 1, rowChange: Buffer.from([0x75, 0, 0, 0, 1]), condition: { rowExistence: 0 } };
        expect(fails([pkNamed, broken])).toBe('Invalid row: missing checksum.');
        expect(fails([pkNamed, ...Array.from({ length: 200 }, (_, k) => row([], pk(`r${k}`)))])).toBe('Rows count exceeds the upper limit: 200.');
        const big = { name: 'b', value: { t: VT.BLOB, v: Buffer.alloc(2 * 1024 * 1024) } } as Cell;
        expect(fails([infKey, row([big], pk('b1')), row([big], pk('b2'))])).toMatch(/^The total data size of BatchWriteRow request exceeds the limit/);
        expect(fails([row([], pk('fine')), pkNamed, infKey])).toBe('Duplicated attribute column name with primary key column: `id`.');
        expect(fails([row([], pk('fine')), infKey, pkNamed])).toBe('VT_INF_MIN is an invalid type for the primary key.');
        const conditioned = { ...row([], pk('rep')), condition: { rowExistence: 1 } };
        expect(fails([row([], pk('rep')), row([], pk('other')), conditioned])).toBe('Repeated rows do not support row exist expectation check in BatchModify.');
      } finally {
        await e.done();
      }
    });
  });
});
