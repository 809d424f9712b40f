/**
 * parallelScan under injected faults (30 % of requests answer OTSServerBusy; the client gives up after 2
 * attempts, so the scan's own retry from the split's last token is exercised): every one of 20,000 rows comes
 * back exactly once. Runs on its own emulator (faults are an emulator feature).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Column, connect, defineSearchIndex, PrimaryKey, PrimaryKeys, SearchIndex, Table, type Database } from '../../src';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { createEntityTable } from '../../src/migrations/spec/entity-table';
import { getTableSchema } from '../../src/schema';

const suffix = randomBytes(3).toString('hex');
const scanIndex = defineSearchIndex<Row>()(`scan_rows_search_${suffix}`, { fields: { part: 'keyword', n: 'long' } });

@Table(`scan_rows_${suffix}`)
@SearchIndex(scanIndex)
class Row {
  declare readonly [PrimaryKeys]?: 'part' | 'n';
  @PrimaryKey('string') part!: string;
  @PrimaryKey({ mode: 'number' }) n!: number;
  @Column('string') payload!: string;
}

describe.skipIf(!!process.env.TSORM_TEST_ENDPOINT)('parallelScan with 30% throttled requests', () => {
  let emu: RunningEmulator;
  let db: Database;

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, inMemory: true, faults: 'busy=0.3,seed=11' });
    emu.faults.options.busy = 0;
    db = connect({ endpoint: emu.endpoint, instance: emu.instance, accessKeyId: emu.accessKeyId, accessKeySecret: emu.accessKeySecret, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } });
    await createEntityTable(db.client, getTableSchema(Row));
    const repo = db.repository(Row);
    await repo.batchSave(Array.from({ length: 20_000 }, (_, i) => Object.assign(new Row(), { part: `p${i % 7}`, n: i, payload: `row-${i}` })));
    await repo.waitForSearch(scanIndex);
  }, 120_000);

  afterAll(async () => {
    db?.close();
    await emu?.close();
  });

  it('returns every one of 20,000 rows exactly once', async () => {
    const repo = db.repository(Row);
    emu.faults.options.busy = 0.3;
    const before = { requests: db.usage.requests, calls: db.usage.calls };
    const seen = new Map<number, number>();
    for await (const row of repo.parallelScan(scanIndex, (q) => q.matchAll(), { pageSize: 500, concurrency: 4 })) {
      seen.set(row.n, (seen.get(row.n) ?? 0) + 1);
      expect(row.payload).toBe(`row-${row.n}`);
    }
    emu.faults.options.busy = 0;
    expect(seen.size).toBe(20_000);
    expect([...seen.values()].every((c) => c === 1)).toBe(true);
    // Faults really fired: more HTTP requests than calls.
    expect(db.usage.requests - before.requests).toBeGreaterThan(db.usage.calls - before.calls);
  }, 120_000);

  it('filters by the query and returns partial entities', async () => {
    const repo = db.repository(Row);
    const rows: Array<{ n: number; part: string }> = [];
    for await (const row of repo.parallelScan(scanIndex, (q) => q.n.range({ lt: 50 }), { columns: [] })) rows.push(row);
    expect(rows.map((r) => r.n).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Object.keys(rows[0]).sort()).toEqual(['n', 'part']);
  });
});
