import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VersionClock } from '../../src/emulator/engine/versions';
import { decodeStoredRow, encodeRow, encodeStoredRow } from '../../src/emulator/model/plainbuffer';
import { compareNames, type Cell, type RowData, type Version } from '../../src/emulator/model/row';
import { VT, type Value } from '../../src/emulator/model/value';
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
});
