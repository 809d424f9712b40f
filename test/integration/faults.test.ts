/**
 * Fault injection (issue 2, item 7): throttling errors at the configured rate with the service's exact codes
 * and messages, per-row BatchWriteRow failures that are not applied while the other rows are, added latency,
 * and spec validation. Each test starts its own in-process emulator with faults (never the shared backend,
 * whose faults are off); against a real instance (TSORM_TEST_ENDPOINT) the file is skipped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseFaults, startEmulator, type RunningEmulator } from '../../src/emulator';
import { sdkFor, type Client } from '../support/emulator-process';
import { decodeSdkError, IGNORE, Long, TableStore } from '../support/sdk';

const N = 400;
const tableArgs = (tableName: string) => ({
  tableMeta: { tableName, primaryKey: [{ name: 'id', type: 'INTEGER' }] },
  reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
  tableOptions: { timeToLive: -1, maxVersions: 1 },
});

/** Runs the call; returns 'ok' or "<status> <code> <message>" of the OTS error. */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    const err = decodeSdkError(e);
    return `${err.status} ${err.otsCode} ${err.otsMessage}`;
  }
}

function tally(outcomes: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const o of outcomes) m.set(o, (m.get(o) ?? 0) + 1);
  return m;
}

/** Binomial(n, p) count within ±4.5 standard deviations: wrong rates fail, seeds and noise do not. */
function expectRate(count: number, n: number, p: number): void {
  const sd = Math.sqrt(n * p * (1 - p));
  expect(count).toBeGreaterThanOrEqual(Math.floor(n * p - 4.5 * sd));
  expect(count).toBeLessThanOrEqual(Math.ceil(n * p + 4.5 * sd));
}

describe.skipIf(!!process.env.TSORM_TEST_ENDPOINT)('fault injection', () => {
  let emu: RunningEmulator | undefined;
  afterEach(async () => {
    await emu?.close();
    emu = undefined;
  });

  /** An emulator with faults, its table created before the faults are switched on. */
  async function withFaults(spec: string): Promise<Client> {
    emu = await startEmulator({ port: 0, inMemory: true, faults: spec });
    const sdk = sdkFor(emu.endpoint);
    // Table actions may be throttled too (quota); retry until the table exists.
    for (let i = 0; i < 50; i++) if ((await outcome(sdk.createTable(tableArgs('t')))) === 'ok') break;
    return sdk;
  }

  it('answers 503 OTSServerBusy "Server is busy." at about the configured rate, on data actions only', async () => {
    const sdk = await withFaults('busy=0.2,seed=1');
    const results: string[] = [];
    for (let i = 0; i < N; i++) {
      results.push(await outcome(i % 2 ? sdk.getRow({ tableName: 't', primaryKey: [{ id: Long(i) }], maxVersions: 1 }) : sdk.putRow({ tableName: 't', condition: IGNORE(), primaryKey: [{ id: Long(i) }], attributeColumns: [{ v: i }] })));
    }
    const t = tally(results);
    expect([...t.keys()].sort()).toEqual(['503 OTSServerBusy Server is busy.', 'ok']);
    expectRate(t.get('503 OTSServerBusy Server is busy.')!, N, 0.2);
    // table actions are never "busy"
    for (let i = 0; i < 50; i++) expect(await outcome(sdk.listTable())).toBe('ok');
  });

  it('answers 403 OTSQuotaExhausted "Too frequent table operations." on table actions only', async () => {
    const sdk = await withFaults('quota=0.3,seed=2');
    const table: string[] = [];
    for (let i = 0; i < N; i++) table.push(await outcome(i % 2 ? sdk.listTable() : sdk.describeTable({ tableName: 't' })));
    const t = tally(table);
    expect([...t.keys()].sort()).toEqual(['403 OTSQuotaExhausted Too frequent table operations.', 'ok']);
    expectRate(t.get('403 OTSQuotaExhausted Too frequent table operations.')!, N, 0.3);
    for (let i = 0; i < 50; i++) expect(await outcome(sdk.getRow({ tableName: 't', primaryKey: [{ id: Long(1) }], maxVersions: 1 }))).toBe('ok');
  });

  it('answers 409 OTSRowOperationConflict, and a refused write is not applied', async () => {
    const sdk = await withFaults('conflict=0.25,seed=3');
    const results: string[] = [];
    for (let i = 0; i < N; i++) {
      results.push(await outcome(sdk.putRow({ tableName: 't', condition: IGNORE(), primaryKey: [{ id: Long(i) }], attributeColumns: [{ v: 'x' }] })));
    }
    const t = tally(results);
    expect([...t.keys()].sort()).toEqual(['409 OTSRowOperationConflict Data is being modified by the other request.', 'ok']);
    expectRate(t.get('409 OTSRowOperationConflict Data is being modified by the other request.')!, N, 0.25);
    // read back (reads are refused at the same rate: retry them)
    const present = new Set<number>();
    for (let i = 0; i < N; i++) {
      for (let attempt = 0; ; attempt++) {
        const r = await outcome(sdk.getRow({ tableName: 't', primaryKey: [{ id: Long(i) }], maxVersions: 1 }).then((g: any) => { if (g.row?.primaryKey) present.add(i); }));
        if (r === 'ok' || attempt > 50) break;
      }
    }
    results.forEach((r, i) => expect(present.has(i), `row ${i}: ${r}`).toBe(r === 'ok'));
  });

  it('fails BatchWriteRow rows at about the configured rate; failed rows are not applied, the others are', async () => {
    const sdk = await withFaults('rowError=0.2,seed=4');
    const outcomes: Array<{ id: number; ok: boolean; code?: string; message?: string }> = [];
    for (let batch = 0; batch < 5; batch++) {
      const ids = Array.from({ length: 200 }, (_, k) => batch * 200 + k);
      const r = await sdk.batchWriteRow({
        tables: [{ tableName: 't', rows: ids.map((id) => ({ type: 'PUT', condition: IGNORE(), primaryKey: [{ id: Long(id) }], attributeColumns: [{ v: `row${id}` }] })) }],
      });
      expect(r.tables).toHaveLength(200);
      r.tables.forEach((row: any, k: number) => outcomes.push({ id: ids[k], ok: row.isOk, code: row.errorCode, message: row.errorMessage }));
    }
    const failed = outcomes.filter((o) => !o.ok);
    expectRate(failed.length, outcomes.length, 0.2);
    const kinds = tally(failed.map((f) => `${f.code} ${f.message}`));
    expect([...kinds.keys()].sort()).toEqual(['OTSRowOperationConflict Data is being modified by the other request.', 'OTSServerBusy Server is busy.']);
    // rowError does not touch GetRange: read everything back
    const rows: any[] = [];
    let start: any = [{ id: TableStore.INF_MIN }];
    while (start) {
      const page = await sdk.getRange({ tableName: 't', direction: TableStore.Direction.FORWARD, inclusiveStartPrimaryKey: start, exclusiveEndPrimaryKey: [{ id: TableStore.INF_MAX }], maxVersions: 1 });
      rows.push(...page.rows);
      start = page.nextStartPrimaryKey?.map((c: any) => ({ [c.name]: c.value }));
    }
    const stored = new Map(rows.map((r) => [Number(r.primaryKey[0].value.toString()), r.attributes[0].columnValue]));
    for (const o of outcomes) {
      if (o.ok) expect(stored.get(o.id)).toBe(`row${o.id}`);
      else expect(stored.has(o.id), `failed row ${o.id} must not be applied`).toBe(false);
    }
    expect(stored.size).toBe(outcomes.length - failed.length);
  });

  /** The delays an emulator's faults asked for over `calls` GetRows (an injected delay: no wall clock). */
  async function delaysAskedFor(spec: string, calls: number): Promise<number[]> {
    const asked: number[] = [];
    emu = await startEmulator({ port: 0, inMemory: true, faults: spec, faultDelay: async (ms) => void asked.push(ms) });
    const sdk = sdkFor(emu.endpoint);
    await sdk.createTable(tableArgs('t'));
    asked.length = 0; // only the GetRows'
    for (let i = 0; i < calls; i++) await sdk.getRow({ tableName: 't', primaryKey: [{ id: Long(1) }], maxVersions: 1 });
    await emu.close();
    emu = undefined;
    return asked;
  }

  it('adds the configured latency: N exactly, MIN-MAX within the range and reproducible with a seed', async () => {
    expect(await delaysAskedFor('latency=60', 5)).toEqual([60, 60, 60, 60, 60]);

    const ranged = await delaysAskedFor('latency=20-40,seed=5', 20);
    expect(ranged).toHaveLength(20);
    for (const ms of ranged) {
      expect(Number.isInteger(ms)).toBe(true);
      expect(ms).toBeGreaterThanOrEqual(20);
      expect(ms).toBeLessThanOrEqual(40);
    }
    expect(new Set(ranged).size).toBeGreaterThan(1); // drawn from the range, not one fixed value
    expect(await delaysAskedFor('latency=20-40,seed=5', 20)).toEqual(ranged);
  });

  it('delays the response by a real latency (a lower bound only: a loaded machine may add any amount)', async () => {
    const sdk = await withFaults('latency=60');
    const t0 = performance.now();
    await sdk.getRow({ tableName: 't', primaryKey: [{ id: Long(1) }], maxVersions: 1 });
    // 1 ms below: libuv timers count from the loop's cached ms time, so a timer may end up to 1 ms early.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(59);
  });

  it('is reproducible with a seed', async () => {
    const run = async () => {
      const sdk = await withFaults('busy=0.5,seed=42');
      const out: string[] = [];
      for (let i = 0; i < 60; i++) out.push(await outcome(sdk.getRow({ tableName: 't', primaryKey: [{ id: Long(1) }], maxVersions: 1 })));
      await emu!.close();
      emu = undefined;
      return out.join('|');
    };
    expect(await run()).toBe(await run());
  });

  it('is off by default and reports no fault', async () => {
    emu = await startEmulator({ port: 0, inMemory: true });
    expect(emu.faults.enabled).toBe(false);
    const sdk = sdkFor(emu.endpoint);
    await sdk.createTable(tableArgs('t'));
    for (let i = 0; i < 100; i++) expect(await outcome(sdk.putRow({ tableName: 't', condition: IGNORE(), primaryKey: [{ id: Long(i) }], attributeColumns: [{ v: 'x' }] }))).toBe('ok');
  });

  it('parses specs and rejects bad ones with a clear message', async () => {
    expect(parseFaults('busy=0.1, rowError=0.2,latency=2-10,seed=3,quota=0,conflict=1')).toEqual({ busy: 0.1, rowError: 0.2, latency: [2, 10], seed: 3, quota: 0, conflict: 1 });
    expect(parseFaults('latency=5')).toEqual({ latency: 5 });
    expect(parseFaults('')).toEqual({});
    expect(parseFaults(undefined)).toEqual({});
    for (const [spec, message] of [
      ['busy', /Invalid fault "busy"/],
      ['nope=1', /Invalid fault "nope=1": expected one of busy, conflict, quota, rowError, latency, seed/],
      ['busy=2', /Invalid fault busy=2: expected a probability between 0 and 1/],
      ['busy=-0.1', /probability between 0 and 1/],
      ['rowError=abc', /probability between 0 and 1/],
      ['busy=', /probability between 0 and 1|Invalid fault/],
      ['latency=abc', /Invalid fault latency "abc"/],
      ['latency=5-', /Invalid fault latency "5-"/],
      ['latency=-5', /Invalid fault latency "-5"/],
      ['seed=x', /Invalid fault seed=x/],
      ['seed=-1', /Invalid fault seed=-1/],
      ['latency=10-2', /Invalid fault latency "10-2"/],
      ['busy=0.1,busy=0.2', /busy is given twice/],
      ['busy=0.1=2', /probability between 0 and 1/],
      ['busy=0x1', /probability between 0 and 1/],
    ] as Array<[string, RegExp]>) {
      expect(() => parseFaults(spec), spec).toThrow(message);
    }
    await expect(startEmulator({ port: 0, inMemory: true, faults: 'busy=2' })).rejects.toThrow(/probability/);
  });
});
