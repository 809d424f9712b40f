/**
 * The batch engine under injected faults: throttled requests and failed rows are retried until every row is
 * stored exactly once. Runs on its own emulator (faults are an emulator feature).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Column, connect, PrimaryKey, PrimaryKeys, Table, type Database } from '../../src';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { createEntityTable } from '../../src/migrations/spec/entity-table';
import { getTableSchema } from '../../src/schema';
import { testTransport } from '../support/orm';

@Table(`fault_rows_${randomBytes(3).toString('hex')}`)
class Item {
  declare readonly [PrimaryKeys]?: 'part' | 'n';
  @PrimaryKey() part!: string;
  @PrimaryKey({ type: 'int64' }) n!: number;
  @Column({ type: 'int64' }) writes!: number;
  @Column() payload!: string;
}

describe.skipIf(!!process.env.TSORM_TEST_ENDPOINT)('batchSave with 10% throttling and 10% per-row failures', () => {
  let emu: RunningEmulator;
  let db: Database;

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, inMemory: true, faults: 'busy=0.1,rowError=0.1,seed=7' });
    db = connect({ endpoint: emu.endpoint, instance: emu.instance, accessKeyId: emu.accessKeyId, accessKeySecret: emu.accessKeySecret, transport: testTransport(), retry: { baseDelayMs: 1, maxDelayMs: 20 } });
    emu.faults.options.busy = 0; // create the table without faults
    await createEntityTable(db.client, getTableSchema(Item));
    emu.faults.options.busy = 0.1;
  });

  afterAll(async () => {
    db?.close();
    await emu?.close();
  });

  it('stores every one of 20,000 rows exactly once', async () => {
    const repo = db.repository(Item);
    const items = Array.from({ length: 20_000 }, (_, i) => Object.assign(new Item(), { part: `p${i % 7}`, n: i, writes: 1, payload: `row-${i}` }));
    const res = await repo.batchSave(items, { baseDelayMs: 1, maxDelayMs: 20, maxAttempts: 30 });
    expect(res.results).toHaveLength(20_000);
    expect(res.failures).toHaveLength(0);
    // Faults really fired: the client saw throttled requests and the engine saw failed rows.
    expect(db.usage.requests).toBeGreaterThan(db.usage.calls);

    emu.faults.options.busy = 0;
    emu.faults.options.rowError = 0;
    const seen = new Map<number, number>();
    for await (const row of repo.find({})) {
      seen.set(row.n, (seen.get(row.n) ?? 0) + 1);
      expect(row.payload).toBe(`row-${row.n}`);
    }
    expect(seen.size).toBe(20_000);
    expect([...seen.values()].every((c) => c === 1)).toBe(true);
  }, 120_000);
});
