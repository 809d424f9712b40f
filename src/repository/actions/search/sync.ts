/**
 * Near-real-time: search indexes are fed asynchronously from the table (spec §8), so a write is not visible to
 * Search at once on the service (99 % within 3 s, spec §2.6). The emulator applies writes at once unless its
 * sync delay is set (`searchSyncDelayMs`), which is how tests exercise this wait.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { TableStoreClient } from '../../../client/client';
import { SearchSyncTimeoutError } from '../../errors';
import { sdkNumber } from '../../../client/values';

/** Options of {@link waitForSearchIndex}. */
export interface WaitForSearchOptions {
  /** Give up after this long (default 120 s: a new index may take a minute to initialize, spec §2.6). */
  timeoutMs?: number;
  /** Poll interval (default 200 ms). */
  intervalMs?: number;
}

/**
 * Waits until the index has caught up with every write made before the call: DescribeSearchIndex reports
 * the incremental phase and a sync timestamp (ns, spec §1.4/§8) at or after the moment of the call. Search is
 * eventually consistent on the service (99 % of writes visible within 3 s, spec §2.6); use this in tests and
 * read-after-write flows.
 */
export async function waitForSearchIndex(client: TableStoreClient, table: string, index: string, options: WaitForSearchOptions = {}): Promise<void> {
  const since = BigInt(Date.now()) * 1_000_000n;
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    const d = (await client.call('describeSearchIndex', { tableName: table, indexName: index })) as { syncStat?: { syncPhase?: number; currentSyncTimestamp?: unknown } };
    const phase = sdkNumber(d.syncStat?.syncPhase ?? 0);
    const ts = d.syncStat?.currentSyncTimestamp;
    const at = ts === undefined || ts === null ? 0n : BigInt(String(ts));
    // Phase 2 = INCR: the backfill of rows that existed at creation is done.
    if (phase === 2 && at >= since) return;
    if (Date.now() >= deadline) throw new SearchSyncTimeoutError(table, index, options.timeoutMs ?? 120_000);
    await sleep(options.intervalMs ?? 200);
  }
}
