/**
 * Versions (spec §1.22, §5.6, §6.1): the table's maxVersions, read-side maxVersions and time ranges, the
 * version-selector errors, server timestamps that strictly increase per row, the write window of max time
 * deviation and TTL, and TTL hiding expired cells.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { sdkFor } from '../support/emulator-process';
import { call } from '../support/raw';
import { connectSdk, createTable, IGNORE, Long, TableStore, uniqueTable } from '../support/sdk';
import { cells, cond, conditionFailed, get, missing, paramInvalid } from '../support/rows';

const sdk = connectSdk();
const notEmulator = !inject('backend').emulator;

const key = (pk: string) => [{ pk }];
const pkBytes = (pk: string): Buffer => TableStore.PlainBufferBuilder.serializePrimaryKey(key(pk));

describe('maxVersions', () => {
  const t = uniqueTable('ver');
  const base = Date.now() - 100_000;
  beforeAll(async () => {
    await createTable(sdk, t, [{ name: 'pk', type: 'STRING' }], { tableOptions: { timeToLive: -1, maxVersions: 3 } });
    await sdk.putRow({
      tableName: t,
      condition: IGNORE(),
      primaryKey: key('five'),
      attributeColumns: [1, 2, 3, 4, 5].map((i) => ({ v: `v${i}`, timestamp: Long(base + i) })),
    });
  });

  it("the table's maxVersions hides versions beyond the newest N", async () => {
    expect(cells(await get(sdk, t, key('five'), { maxVersions: 10 })).map((c) => c[1])).toEqual(['v5', 'v4', 'v3']);
  });

  it('further updates push the oldest visible version out', async () => {
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('push'), attributeColumns: [1, 2, 3].map((i) => ({ v: `v${i}`, timestamp: Long(base + i) })) });
    await sdk.updateRow({ tableName: t, condition: IGNORE(), primaryKey: key('push'), updateOfAttributeColumns: [{ PUT: [{ v: 'v4', timestamp: Long(base + 4) }] }] });
    expect(cells(await get(sdk, t, key('push'), { maxVersions: 10 })).map((c) => c[1])).toEqual(['v4', 'v3', 'v2']);
    // A version older than every kept one is written but never visible.
    await sdk.updateRow({ tableName: t, condition: IGNORE(), primaryKey: key('push'), updateOfAttributeColumns: [{ PUT: [{ v: 'v0', timestamp: Long(base) }] }] });
    expect(cells(await get(sdk, t, key('push'), { maxVersions: 10 })).map((c) => c[1])).toEqual(['v4', 'v3', 'v2']);
  });

  it('reads return at most the requested maxVersions, newest first', async () => {
    expect(cells(await get(sdk, t, key('five'), { maxVersions: 2 }))).toEqual([
      ['v', 'v5', String(base + 5)],
      ['v', 'v4', String(base + 4)],
    ]);
    expect(cells(await get(sdk, t, key('five'))).map((c) => c[1])).toEqual(['v5']);
  });

  it('lowering the table maxVersions hides older versions at once', async () => {
    const t2 = uniqueTable('verlow');
    await createTable(sdk, t2, [{ name: 'pk', type: 'STRING' }], { tableOptions: { timeToLive: -1, maxVersions: 3 } });
    await sdk.putRow({ tableName: t2, condition: IGNORE(), primaryKey: key('a'), attributeColumns: [1, 2, 3].map((i) => ({ v: `v${i}`, timestamp: Long(base + i) })) });
    await sdk.updateTable({ tableName: t2, tableOptions: { maxVersions: 1 } });
    expect(cells(await get(sdk, t2, key('a'), { maxVersions: 3 })).map((c) => c[1])).toEqual(['v3']);
  });
});

describe('time ranges on reads', () => {
  const t = uniqueTable('tr');
  const base = Date.now() - 100_000;
  beforeAll(async () => {
    await createTable(sdk, t, [{ name: 'pk', type: 'STRING' }], { tableOptions: { timeToLive: -1, maxVersions: 10 } });
    await sdk.putRow({
      tableName: t,
      condition: IGNORE(),
      primaryKey: key('r'),
      attributeColumns: [
        ...[0, 1, 2, 3].map((i) => ({ a: `a${i}`, timestamp: Long(base + i) })),
        { b: 'b2', timestamp: Long(base + 2) },
        { c: 'c9', timestamp: Long(base + 9) },
      ],
    });
  });

  it('[start, end) selects the versions inside the range, capped by maxVersions', async () => {
    expect(cells(await get(sdk, t, key('r'), { maxVersions: 10, timeRange: { startTime: base + 1, endTime: base + 3 } }))).toEqual([
      ['a', 'a2', String(base + 2)],
      ['a', 'a1', String(base + 1)],
      ['b', 'b2', String(base + 2)],
    ]);
    // maxVersions applies inside the range: the newest in range.
    expect(cells(await get(sdk, t, key('r'), { maxVersions: 1, timeRange: { startTime: base, endTime: base + 2 } })).map((c) => c[1])).toEqual(['a1']);
  });

  it('a range matching no version returns no row', async () => {
    expect(missing(await get(sdk, t, key('r'), { maxVersions: 10, timeRange: { startTime: base + 4, endTime: base + 9 } }))).toBe(true);
  });

  // The Node SDK always sends maxVersions (1 by default) beside the time range: the emulator accepts a specific
  // timestamp together with max versions, so the SDK's specific-time reads work (decision; see common.ts).
  it.skipIf(notEmulator)('a specific time selects exactly that version of each column', async () => {
    expect(cells(await get(sdk, t, key('r'), { timeRange: { specificTime: base + 2 } }))).toEqual([
      ['a', 'a2', String(base + 2)],
      ['b', 'b2', String(base + 2)],
    ]);
  });

  it('a specific time without max versions (raw) selects exactly that version', async () => {
    const r = await call('GetRow', { tableName: t, primaryKey: pkBytes('r'), timeRange: { specificTime: base + 9 } });
    expect(r.status).toBe(200);
    const row = TableStore.decoder._parseRowItem(r.body.row);
    expect(cells(row)).toEqual([['c', 'c9', String(base + 9)]]);
  });

  describe('version-selector errors (raw requests: the SDK always sends maxVersions)', () => {
    const getRow = (extra: object) => call('GetRow', { tableName: t, primaryKey: pkBytes('r'), ...extra });
    const expect400 = (r: { status: number; error?: { code: string; message: string } }, message: string) =>
      expect({ status: r.status, ...r.error }).toEqual({ status: 400, code: 'OTSParameterInvalid', message });

    it('neither maxVersions nor a time range', async () => {
      expect400(await getRow({}), 'No version condition is specified.');
    });

    it('start without end, end without start', async () => {
      expect400(await getRow({ timeRange: { startTime: base } }), 'Start and end time must be given at the same time.');
      expect400(await getRow({ timeRange: { endTime: base } }), 'Start and end time must be given at the same time.');
    });

    it('a specific time together with a range, with or without maxVersions', async () => {
      expect400(await getRow({ timeRange: { startTime: base, endTime: base + 5, specificTime: base } }), 'Specific tiemstamp and time range cannot be given at the same time.');
      expect400(
        await getRow({ maxVersions: 1, timeRange: { startTime: base, endTime: base + 5, specificTime: base } }),
        'Specific timestamp, time range and max versions cannot be given at the same time.',
      );
    });

    it('maxVersions 0 or negative', async () => {
      expect400(await getRow({ maxVersions: 0 }), 'Invalid max versions: 0 . Reason: Max versions must be positive.');
      expect400(await getRow({ maxVersions: -3 }), 'Invalid max versions: -3 . Reason: Max versions must be positive.');
    });

    it('negative times, and a start not before the end (emulator decisions for the messages)', async () => {
      expect(await getRow({ timeRange: { specificTime: -1 } })).toMatchObject({ status: 400, error: { code: 'OTSParameterInvalid' } });
      expect(await getRow({ timeRange: { startTime: -5, endTime: 5 } })).toMatchObject({ status: 400, error: { code: 'OTSParameterInvalid' } });
      expect(await getRow({ timeRange: { startTime: base + 5, endTime: base + 5 } })).toMatchObject({ status: 400, error: { code: 'OTSParameterInvalid' } });
    });

    it('the SDK path reports a negative maxVersions too', async () => {
      await paramInvalid(sdk.getRow({ tableName: t, primaryKey: key('r'), maxVersions: -1 }), 'Invalid max versions: -1 . Reason: Max versions must be positive.');
    });
  });
});

describe('server timestamps', () => {
  it('strictly increase per row: three quick updates make three versions', async () => {
    const t = uniqueTable('srvts');
    await createTable(sdk, t, [{ name: 'pk', type: 'STRING' }], { tableOptions: { timeToLive: -1, maxVersions: 3 } });
    for (const v of ['1', '2', '3']) {
      await sdk.updateRow({ tableName: t, condition: IGNORE(), primaryKey: key('seq'), updateOfAttributeColumns: [{ PUT: [{ v }] }] });
    }
    const seq = cells(await get(sdk, t, key('seq'), { maxVersions: 3 }));
    expect(seq.map((c) => c[1])).toEqual(['3', '2', '1']);
    const ts = seq.map((c) => Number(c[2]));
    expect(ts[0]).toBeGreaterThan(ts[1]);
    expect(ts[1]).toBeGreaterThan(ts[2]);

    // Concurrent: every update still gets its own version.
    await Promise.all(['a', 'b', 'c'].map((v) => sdk.updateRow({ tableName: t, condition: IGNORE(), primaryKey: key('par'), updateOfAttributeColumns: [{ PUT: [{ v }] }] })));
    const par = cells(await get(sdk, t, key('par'), { maxVersions: 3 }));
    expect(par.map((c) => c[1]).sort()).toEqual(['a', 'b', 'c']);
    expect(new Set(par.map((c) => c[2])).size).toBe(3);

    // Increments likewise: each one is a new version.
    for (let i = 0; i < 3; i++) {
      await sdk.updateRow({ tableName: t, condition: IGNORE(), primaryKey: key('inc'), updateOfAttributeColumns: [{ INCREMENT: [{ n: Long(1) }] }] });
    }
    expect(cells(await get(sdk, t, key('inc'), { maxVersions: 3 })).map((c) => c[1])).toEqual(['3', '2', '1']);
  });

  it('are the server clock, not pushed past an explicit future version', async () => {
    const t = uniqueTable('srvts');
    await createTable(sdk, t, [{ name: 'pk', type: 'STRING' }], { tableOptions: { timeToLive: -1, maxVersions: 3 } });
    const future = Date.now() + 3_600_000;
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('f'), attributeColumns: [{ v: 'future', timestamp: Long(future) }] });
    const before = Date.now();
    await sdk.updateRow({ tableName: t, condition: IGNORE(), primaryKey: key('f'), updateOfAttributeColumns: [{ PUT: [{ v: 'now' }] }] });
    const got = cells(await get(sdk, t, key('f'), { maxVersions: 3 }));
    // The explicit future version stays the newest; the server-stamped one is about now.
    expect(got.map((c) => c[1])).toEqual(['future', 'now']);
    expect(Number(got[1][2])).toBeLessThan(before + 60_000);
  });
});

describe('timestamp window', () => {
  it('rejects cells outside [now - deviation, now + deviation) with "Invalid timestamp. Cell:`c`."', async () => {
    const t = uniqueTable('dev');
    await createTable(sdk, t, [{ name: 'pk', type: 'STRING' }], { tableOptions: { timeToLive: -1, maxVersions: 1, maxTimeDeviation: 3600 } });
    const now = Date.now();
    const putAt = (ts: number) => sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('w'), attributeColumns: [{ ok: 'x' }, { c: 'x', timestamp: Long(ts) }] });
    const updAt = (ts: number) => sdk.updateRow({ tableName: t, condition: IGNORE(), primaryKey: key('w'), updateOfAttributeColumns: [{ PUT: [{ c: 'x', timestamp: Long(ts) }] }] });
    for (const ts of [now - 7_200_000, now + 7_200_000]) {
      await paramInvalid(putAt(ts), 'Invalid timestamp. Cell:`c`.');
      await paramInvalid(updAt(ts), 'Invalid timestamp. Cell:`c`.');
    }
    await putAt(now - 1_800_000);
    await updAt(now + 1_800_000);
  });

  it('uses the default deviation of one day when the table sets none', async () => {
    const t = uniqueTable('dev');
    await createTable(sdk, t, [{ name: 'pk', type: 'STRING' }]);
    const now = Date.now();
    await paramInvalid(sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('w'), attributeColumns: [{ c: 'x', timestamp: Long(now - 2 * 86_400_000) }] }), 'Invalid timestamp. Cell:`c`.');
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('w'), attributeColumns: [{ c: 'x', timestamp: Long(now - 3_600_000) }] });
  });

  it('rejects timestamps outside [0, INT64_MAX/1000) and accepts INT64_MAX/1000 - 1 with the maximum deviation', async () => {
    const t = uniqueTable('dev');
    await createTable(sdk, t, [{ name: 'pk', type: 'STRING' }], { tableOptions: { timeToLive: -1, maxVersions: 1, maxTimeDeviation: 9223372036854 } });
    const putAt = (ts: string) => sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('x'), attributeColumns: [{ c: 'x', timestamp: Long(ts) }] });
    await paramInvalid(putAt('9223372036854775'), 'Timestamp must be in range [0, INT64_MAX/1000).');
    await paramInvalid(putAt('-1'), 'Timestamp must be in range [0, INT64_MAX/1000).');
    await putAt('9223372036854774');
    expect(cells(await get(sdk, t, key('x')))).toEqual([['c', 'x', '9223372036854774']]);
  });

  it('the TTL narrows the window: a version older than the TTL cannot be written', async () => {
    const t = uniqueTable('ttlw');
    await createTable(sdk, t, [{ name: 'pk', type: 'STRING' }], { tableOptions: { timeToLive: 86400, maxVersions: 1, maxTimeDeviation: 10 * 86400 } });
    const now = Date.now();
    await paramInvalid(sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('x'), attributeColumns: [{ c: 'x', timestamp: Long(now - 2 * 86_400_000) }] }), 'Invalid timestamp. Cell:`c`.');
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('x'), attributeColumns: [{ c: 'x', timestamp: Long(now - 86_000_000) }] });
  });
});

// The real service deletes expired data asynchronously, so this runs on a private in-process emulator whose
// clock the test moves (no sleeping, no wall-clock bounds); skipped against a real instance.
describe.skipIf(!!process.env.TSORM_TEST_ENDPOINT)('TTL (emulator, injected clock)', () => {
  let emu: RunningEmulator | undefined;
  /** The emulator's clock (ms). */
  let now = Date.now();
  afterAll(async () => {
    await emu?.close();
  });

  it('hides cells once they are older than the TTL; a row whose cells all expired is gone', async () => {
    emu = await startEmulator({ port: 0, inMemory: true, clock: () => now });
    const sdk = sdkFor(emu.endpoint);
    const t = uniqueTable('ttl');
    await createTable(sdk, t, [{ name: 'pk', type: 'STRING' }], { tableOptions: { timeToLive: 86400, maxVersions: 2, maxTimeDeviation: 10 * 86400 } });
    // Written 1.5 s before it expires: visible while its age is at most the TTL (the emulator's boundary).
    const almost = now - 86_400_000 + 1500;
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('x'), attributeColumns: [{ old: 'o', timestamp: Long(almost) }, { fresh: 'f' }] });
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: key('y'), attributeColumns: [{ old: 'o', timestamp: Long(almost) }] });
    await sdk.updateRow({ tableName: t, condition: IGNORE(), primaryKey: key('z'), updateOfAttributeColumns: [{ PUT: [{ v: 'old', timestamp: Long(almost) }, { v: 'new' }] }] });
    expect(cells(await get(sdk, t, key('x'))).map((c) => c[0])).toEqual(['fresh', 'old']);
    now += 1500; // its last visible ms
    expect(cells(await get(sdk, t, key('x'))).map((c) => c[0])).toEqual(['fresh', 'old']);
    expect(missing(await get(sdk, t, key('y')))).toBe(false);
    now += 1;
    expect(cells(await get(sdk, t, key('x'))).map((c) => c[0])).toEqual(['fresh']);
    expect(missing(await get(sdk, t, key('y')))).toBe(true);
    expect(cells(await get(sdk, t, key('z'), { maxVersions: 2 })).map((c) => c[1])).toEqual(['new']);
    // The expired row no longer exists for conditions either.
    await conditionFailed(sdk.putRow({ tableName: t, condition: cond('EXPECT_EXIST'), primaryKey: key('y'), attributeColumns: [{ v: 'x' }] }));
    await sdk.putRow({ tableName: t, condition: cond('EXPECT_NOT_EXIST'), primaryKey: key('y'), attributeColumns: [{ v: 'x' }] });
  });
});
