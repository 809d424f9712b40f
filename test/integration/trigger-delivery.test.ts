/**
 * Local TableStore-trigger delivery (issue 12; streams spec §3.3) through `tsorm/testing`'s createTrigger:
 * writes with the official SDK reach a plain FC 3.0 handler as FC's CBOR event, in order and in batches;
 * a failed batch is redelivered (the same records) until it succeeds; a batch that keeps failing past the
 * stream's expiration is dropped and delivery goes on. A private emulator with an injected clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeTriggerEvent } from '../../src/fc/trigger/cbor';
import { createTrigger, formatTriggerInvocation, startEmulator, TriggerDrainTimeoutError, type TestEmulator } from '../../src/testing';
import { sdkFor, type Client } from '../support/emulator-process';
import { IGNORE, Long } from '../support/sdk';

describe.skipIf(!!process.env.TSORM_TEST_ENDPOINT)('local trigger delivery', () => {
  let emu: TestEmulator;
  let sdk: Client;
  let now = 1_700_000_000_000;

  beforeAll(async () => {
    emu = await startEmulator({ clock: () => now });
    sdk = sdkFor(emu.endpoint);
  });
  afterAll(async () => {
    await emu?.close();
  });

  const create = (tableName: string, hours = 24) =>
    sdk.createTable({
      tableMeta: { tableName, primaryKey: [{ name: 'id', type: 'STRING' }] },
      reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
      tableOptions: { timeToLive: -1, maxVersions: 1, maxTimeDeviation: 2_000_000_000 },
      streamSpecification: { enableStream: true, expirationTime: hours },
    });
  const put = (tableName: string, id: string, n: number) =>
    sdk.putRow({ tableName, condition: IGNORE(), primaryKey: [{ id }], attributeColumns: [{ n: Long(n) }] });

  /** A plain FC 3.0 trigger handler recording what it got; fails while `failing` says so. */
  function recorder() {
    const seen: string[][] = [];
    const state = { failing: 0 };
    const mod = {
      handler: async (event: Buffer) => {
        expect(Buffer.isBuffer(event)).toBe(true);
        const ev = decodeTriggerEvent(event);
        expect(ev.version).toBe('Sync-v1');
        seen.push(ev.records.map((r) => `${r.type} ${String(r.primaryKey[0].value.value)}`));
        if (state.failing > 0) {
          state.failing--;
          throw new Error('injected handler failure');
        }
        return 'ok';
      },
    };
    return { mod, seen, state };
  }

  it('delivers changes written after it was created, as CBOR events, in order and in batches', async () => {
    await create('tr_order');
    await put('tr_order', 'before', 0);
    const { mod, seen } = recorder();
    const lines: string[] = [];
    const trigger = await createTrigger(mod, { table: 'tr_order', emulator: emu, batchSize: 2, onInvocation: (i) => lines.push(formatTriggerInvocation(i)) });
    try {
      for (let i = 0; i < 5; i++) await put('tr_order', `r${i}`, i);
      await sdk.deleteRow({ tableName: 'tr_order', condition: IGNORE(), primaryKey: [{ id: 'r0' }] });
      const stats = await trigger.drain();
      expect(seen).toEqual([['PutRow r0', 'PutRow r1'], ['PutRow r2', 'PutRow r3'], ['PutRow r4', 'DeleteRow r0']]);
      expect(stats).toEqual({ invocations: 3, failures: 0, delivered: 6, expired: 0 });
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(/^tsorm trigger requestId=\S+ table=tr_order records=2 attempt=1 status=ok durationMs=\d+\.\d\d calls=0 /);
      // Caught up: nothing more to deliver.
      await trigger.drain();
      expect(seen).toHaveLength(3);
    } finally {
      await trigger.close();
    }
  });

  it('redelivers a failed batch, the same records, until the handler succeeds (at-least-once)', async () => {
    await create('tr_retry');
    const { mod, seen, state } = recorder();
    const trigger = await createTrigger(mod, { table: 'tr_retry', emulator: emu, retryDelayMs: 1 });
    try {
      await put('tr_retry', 'a', 1);
      await put('tr_retry', 'b', 2);
      state.failing = 2;
      const stats = await trigger.drain();
      expect(seen).toEqual([['PutRow a', 'PutRow b'], ['PutRow a', 'PutRow b'], ['PutRow a', 'PutRow b']]);
      expect(stats).toMatchObject({ invocations: 3, failures: 2, delivered: 2 });
      expect(trigger.invocations.map((i) => [i.attempt, i.ok])).toEqual([[1, false], [2, false], [3, true]]);
      // Later writes come after the redelivered batch, never before it.
      await put('tr_retry', 'c', 3);
      await trigger.drain();
      expect(seen.at(-1)).toEqual(['PutRow c']);
    } finally {
      await trigger.close();
    }
  });

  it('gives up on a batch whose records expired (spec §3.3), then goes on; drain() times out while a handler keeps failing', async () => {
    await create('tr_expire', 1);
    const { mod, seen, state } = recorder();
    const events: string[] = [];
    const trigger = await createTrigger(mod, { table: 'tr_expire', emulator: emu, retryDelayMs: 1, maxRetryDelayMs: 2, onEvent: (e) => events.push(e.kind) });
    try {
      await put('tr_expire', 'doomed', 1);
      state.failing = Number.MAX_SAFE_INTEGER;
      await expect(trigger.drain({ timeoutMs: 50 })).rejects.toThrow(TriggerDrainTimeoutError);
      await expect(trigger.drain({ timeoutMs: 50 })).rejects.toThrow(/did not catch up within 50 ms; the last invocation failed: injected handler failure/);
      // Two hours later the record is trimmed; the next write is delivered.
      now += 2 * 3600_000;
      await put('tr_expire', 'fresh', 2);
      state.failing = 0;
      const stats = await trigger.drain();
      expect(stats.expired).toBe(1);
      expect(events).toContain('expired');
      expect(seen.at(-1)).toEqual(['PutRow fresh']);
    } finally {
      await trigger.close();
    }
  });

  it('delivers in the background after start(), and refuses a table without a stream', async () => {
    await create('tr_bg');
    const { mod, seen } = recorder();
    const trigger = await createTrigger(mod, { table: 'tr_bg', emulator: emu, pollIntervalMs: 5 });
    trigger.start();
    await put('tr_bg', 'x', 1);
    for (let i = 0; i < 400 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await trigger.close();
    expect(seen).toEqual([['PutRow x']]);

    await sdk.createTable({
      tableMeta: { tableName: 'tr_none', primaryKey: [{ name: 'id', type: 'STRING' }] },
      reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
      tableOptions: { timeToLive: -1, maxVersions: 1 },
    });
    await expect(createTrigger(mod, { table: 'tr_none', emulator: emu })).rejects.toThrow(/table tr_none has no stream/);
  });
});
