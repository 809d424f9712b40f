/**
 * GetRange's verbatim path (stored rows copied into the response without decode/re-encode, a performance
 * path) must answer byte for byte what the general path answers. `start_column: ''` selects every column but
 * forces the general path, so each request is sent both ways and the responses compared: rows, next start
 * key and consumed capacity, over versions, TTL-expired versions, PK-only rows, page cuts and both directions.
 */
import { describe, expect, it } from 'vitest';
import { encodeRow } from '../../src/emulator/model/plainbuffer';
import { type Value, VT } from '../../src/emulator/model/value';
import { call } from '../support/raw';
import { connectSdk, IGNORE, Long, uniqueTable } from '../support/sdk';

const sdk = connectSdk();
const key = (id: Value) => encodeRow({ pk: [{ name: 'id', value: id }], cells: [], deleteMarker: false });
const INT = (n: number): Value => ({ t: VT.INTEGER, v: BigInt(n) });

async function bothWays(tableName: string, extra: Record<string, unknown>) {
  const base = { tableName, direction: 0, inclusiveStartPrimaryKey: key({ t: VT.INF_MIN }), exclusiveEndPrimaryKey: key({ t: VT.INF_MAX }), ...extra };
  const fast = await call('GetRange', base);
  const general = await call('GetRange', { ...base, startColumn: '' });
  expect(fast.error).toBeUndefined();
  expect(general.error).toBeUndefined();
  const view = (r: any) => ({
    rows: Buffer.from(r.body.rows).toString('hex'),
    next: r.body.nextStartPrimaryKey ? Buffer.from(r.body.nextStartPrimaryKey).toString('hex') : null,
    consumed: JSON.stringify(r.body.consumed),
  });
  expect(view(fast)).toEqual(view(general));
  return fast.body;
}

describe('GetRange verbatim path equals the general path', () => {
  it('over versions, TTL-expired versions, PK-only rows, page cuts and both directions', async () => {
    const t = uniqueTable('verbatim');
    const day = 86_400_000;
    await sdk.createTable({
      tableMeta: { tableName: t, primaryKey: [{ name: 'id', type: 'INTEGER' }] },
      reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
      tableOptions: { timeToLive: -1, maxVersions: 3, maxTimeDeviation: 10 * 86_400 },
    });
    const now = Date.now();
    for (let i = 0; i < 60; i++) {
      const cols: any[] = [{ a: `v${i}`, timestamp: now - 1000 }];
      if (i % 2) cols.push({ b: Long(i), timestamp: now - 2000 }, { b: Long(i + 1), timestamp: now - 1500 });
      if (i % 3 === 0) cols.push({ c: 1.5, timestamp: now - 3000 }, { c: 2.5, timestamp: now - 2500 }, { c: 3.5, timestamp: now - 2200 });
      if (i % 5 === 0) cols.push({ old: 'expired', timestamp: now - 3 * day }); // beyond the TTL set below
      if (i % 7 === 0) cols.push({ bin: Buffer.from([i, 0, 255]), timestamp: now - 100 }, { flag: true, timestamp: now - 100 });
      if (i % 11 === 0) cols.length = 0;
      await sdk.updateRow({
        tableName: t,
        condition: IGNORE(),
        primaryKey: [{ id: Long(i) }],
        updateOfAttributeColumns: cols.length ? [{ PUT: cols.map((c) => ({ ...c, timestamp: Long(c.timestamp) })) }] : [{ DELETE_ALL: ['nothing'] }],
      });
    }
    // a PK-only row, and rows whose only columns are expired
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: [{ id: Long(1000) }], attributeColumns: [] });
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: [{ id: Long(1001) }], attributeColumns: [{ gone: 'x', timestamp: Long(now - 2 * day) }] });

    const compare = async () => {
      for (const maxVersions of [1, 2, 3, 10]) {
        const all = await bothWays(t, { maxVersions });
        expect(Buffer.from(all.rows).length).toBeGreaterThan(0);
        await bothWays(t, { maxVersions, direction: 1, inclusiveStartPrimaryKey: key({ t: VT.INF_MAX }), exclusiveEndPrimaryKey: key({ t: VT.INF_MIN }) });
        for (const limit of [1, 7, 50]) {
          const page = await bothWays(t, { maxVersions, limit });
          expect(page.nextStartPrimaryKey).toBeTruthy();
        }
        await bothWays(t, { maxVersions, inclusiveStartPrimaryKey: key(INT(13)), exclusiveEndPrimaryKey: key(INT(40)) });
      }
    };
    await compare();
    // now a one-day TTL (some versions expire) and fewer versions than some rows hold
    await sdk.updateTable({ tableName: t, tableOptions: { timeToLive: 86_400, maxVersions: 2 } });
    await compare();
    await sdk.deleteTable({ tableName: t });
  });
});
