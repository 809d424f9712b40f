/**
 * The rows a Search / ParallelScan page returns: `encodeDocRows` writes table rows straight from their stored
 * bytes (a performance path) and must give, byte for byte, what the general path gives (`encodeRow(buildRow(…))`:
 * decode, visibleRow, re-encode) over versions, TTL-hidden versions, PK-only rows, rows with every column hidden,
 * booleans, doubles, blobs, non-ASCII names, ALL and SPECIFIED (absent and key names included), and rows gone
 * from the table; pages read by key order (one scan) or one by one; in memory and on disk.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TableMeta } from '../../src/emulator/engine/catalog';
import { Engine } from '../../src/emulator/engine/engine';
import { encodeRow, encodeStoredRow, writeLatestOfStoredRow } from '../../src/emulator/model/plainbuffer';
import type { RowData, Version } from '../../src/emulator/model/row';
import { type Value, VT } from '../../src/emulator/model/value';
import type { Doc } from '../../src/emulator/search/document';
import { buildRow, encodeDocRows, ReturnType, type Columns } from '../../src/emulator/search/rows';
import type { KVStore } from '../../src/emulator/storage/kv';
import { LmdbStore } from '../../src/emulator/storage/lmdb';
import { MemoryStore } from '../../src/emulator/storage/memory';

/** A small deterministic generator, so a failure replays. */
function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

const NOW = 1_760_000_000_000;
const DAY = 86_400_000;
const NAMES = ['a', 'b', 'flag', 'long_column_name', 'x', 'zz', 'é名', 'ü'];

function value(r: (n: number) => number): Value {
  switch (r(5)) {
    case 0:
      return { t: VT.INTEGER, v: BigInt(r(1000)) - 500n };
    case 1:
      return { t: VT.DOUBLE, v: r(1000) / 7 };
    case 2:
      return { t: VT.BOOLEAN, v: r(2) === 1 };
    case 3:
      return { t: VT.STRING, v: Buffer.from(`s${r(100)}é`, 'utf8') };
    default:
      return { t: VT.BLOB, v: Buffer.from([r(256), 0, 255]) };
  }
}

function row(r: (n: number) => number, i: number): RowData {
  const cols = new Map<string, Version[]>();
  for (const name of NAMES) {
    if (r(3) === 0) continue;
    // Newest first, some older than the TTLs below.
    const n = 1 + r(3);
    const versions: Version[] = [];
    let ts = NOW - r(3) * DAY;
    for (let k = 0; k < n; k++, ts -= 1 + r(DAY)) versions.push({ ts, value: value(r) });
    cols.set(name, versions);
  }
  return { pk: [{ name: 'id', value: { t: VT.INTEGER, v: BigInt(i) } }, { name: 'part', value: { t: VT.STRING, v: Buffer.from(`p${i % 3}`) } }], cols };
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const stores: Array<[string, () => KVStore]> = [
  ['in memory', () => new MemoryStore()],
  ['on disk (LMDB)', () => new LmdbStore(dirs[dirs.push(mkdtempSync(join(tmpdir(), 'tsorm-search-rows-'))) - 1])],
];

describe.each(stores)('search rows (%s): encodeDocRows equals encodeRow(buildRow(…))', (_, store) => {
  const engine = new Engine(store());
  afterAll(() => engine.kv.close());
  const r = rng(7);
  const docs: Doc[] = [];
  let plain = 0;
  for (let i = 0; i < 300; i++) {
    const data = row(r, i);
    const key = Buffer.from(`k${String(i).padStart(4, '0')}`, 'latin1');
    const stored = encodeStoredRow(data);
    if (writeLatestOfStoredRow(stored, Buffer.alloc(stored.length), 0, undefined, -Infinity) >= 0) plain++;
    // Every 17th row is not in the table (the index is behind a delete).
    if (i % 17) engine.kv.write([{ key, value: stored }]);
    docs.push({ key: key.toString('latin1'), pk: data.pk, ts: NOW, values: new Map(), nested: new Map() });
  }

  const columns: Columns[] = [
    { type: ReturnType.ALL, names: [] },
    { type: ReturnType.SPECIFIED, names: ['b', 'é名', 'missing'] },
    { type: ReturnType.SPECIFIED, names: ['id', 'flag', 'zz', 'ü', 'a'] },
    { type: ReturnType.SPECIFIED, names: ['long_column_name'] },
    { type: ReturnType.NONE, names: [] },
  ];
  for (const ttl of [-1, 1, 2]) {
    for (const maxVersions of [1, 3]) {
      it(`TTL ${ttl} days, max versions ${maxVersions}`, () => {
        const table = { name: 't', options: { timeToLive: ttl === -1 ? -1 : ttl * 86_400, maxVersions } } as unknown as TableMeta;
        // Every doc, and every 5th (sparse: a key-order read exhausts its scan budget and reads the rest one by one).
        for (const page of [docs, docs.filter((_, i) => i % 5 === 0)]) {
          for (const keyOrder of [false, true]) {
            for (const cols of columns) {
              const fast = encodeDocRows(engine, table, page, cols, NOW, keyOrder);
              expect(fast).toHaveLength(page.length);
              page.forEach((d, i) => expect(fast[i].toString('hex'), `row ${d.key}, ${JSON.stringify(cols)}`).toBe(encodeRow(buildRow(engine, table, d, cols, NOW)).toString('hex')));
            }
          }
        }
      });
    }
  }

  it('takes the stored-bytes path for the rows the codec stored', () => {
    expect(plain).toBe(300);
  });

  it('refuses a row that is not plain (a delete marker), so the caller decodes it', () => {
    const bytes = encodeRow({ pk: [{ name: 'id', value: { t: VT.INTEGER, v: 1n } }], cells: [], deleteMarker: true });
    expect(writeLatestOfStoredRow(bytes, Buffer.alloc(bytes.length), 0, undefined, -Infinity)).toBe(-1);
  });
});
