/**
 * The backfill engine and the migration lock against the suite's backend (emulator or a real instance):
 * a crash between a page's batch write and its checkpoint (the worst moment) is replayed exactly once thanks to
 * the marker; entity rows decode and encode through the schema; the lock admits one holder and lets an expired
 * lease be taken over.
 */
import Long from 'long';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Column, getTableSchema, PrimaryKey, PrimaryKeys, Table, type Database } from '../../src';
import { runBackfill, MARKER_COLUMN, type BackfillEnv } from '../../src/migrations/run/backfill';
import { LockHeldError, LockLostError } from '../../src/migrations/errors';
import { HistoryStore, type Cells } from '../../src/migrations/run/history';
import { MigrationLock } from '../../src/migrations/run/lock';
import { SimulatedClock } from '../support/clock';
import { connectDb, createTables } from '../support/orm';

@Table('mig_bf_counters')
class Counter {
  declare readonly [PrimaryKeys]?: 'bucket' | 'n';
  @PrimaryKey() bucket!: string;
  @PrimaryKey() n!: Long;
  @Column({ type: 'int64' }) hits!: number;
  @Column() label?: string;
}

/** A history store that "crashes" (throws) on its `failAt`-th checkpoint write. */
class CrashingHistory extends HistoryStore {
  writes = 0;
  constructor(db: Database, table: string, private readonly failAt: number) {
    super(db.client, table);
  }
  override async put(kind: string, name: string, cells: Cells, cond?: Parameters<HistoryStore['put']>[3]): Promise<void> {
    if (kind === 'backfill' && ++this.writes === this.failAt) throw new Error('simulated crash after the batch, before the checkpoint');
    return super.put(kind, name, cells, cond);
  }
}

let db: Database;
const HISTORY = 'mig_bf_history';
const N = 1000;

function env(history: HistoryStore, token: string, extra: Partial<BackfillEnv> = {}): BackfillEnv {
  return { client: db.client, history, migration: '20250101000000_bf', token, ordinal: 0, assertHeld: () => undefined, progress: { silent: true }, resolveSchema: getTableSchema, ...extra };
}

async function hits(): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for await (const c of db.repository(Counter).find({})) out.set(c.hits, (out.get(c.hits) ?? 0) + 1);
  return out;
}

beforeAll(async () => {
  db = connectDb();
  await createTables(db, Counter);
  await new HistoryStore(db.client, HISTORY).ensure();
  const rows = Array.from({ length: N }, (_, i) => Object.assign(new Counter(), { bucket: `b${i % 3}`, n: Long.fromNumber(i), hits: 0 }));
  await db.repository(Counter).batchSave(rows);
});
afterAll(() => db?.close());

describe('backfill', () => {
  it('a crash between a batch and its checkpoint is replayed exactly once (marker)', async () => {
    const crashing = new CrashingHistory(db, HISTORY, 3);
    const fn = () => ({ increment: { hits: 1 } });
    await expect(runBackfill(env(crashing, 'tok-a'), Counter, fn, { pageSize: 100, count: false })).rejects.toThrow(/simulated crash/);
    // Pages 1 and 2 are checkpointed, page 3 was written but not checkpointed.
    expect(await hits()).toEqual(new Map([[1, 300], [0, N - 300]]));

    const resumed = await runBackfill(env(new HistoryStore(db.client, HISTORY), 'tok-a'), Counter, fn, { pageSize: 100, count: false });
    expect(resumed).toMatchObject({ table: 'mig_bf_counters', rows: N, resumed: true });
    expect(resumed.alreadyDone).toBe(100); // page 3 again: every row's change had been applied
    expect(resumed.changed).toBe(N - 100);
    expect(await hits()).toEqual(new Map([[1, N]]));

    // Done: running it again is a no-op; a new application (another token) backfills again.
    expect((await runBackfill(env(new HistoryStore(db.client, HISTORY), 'tok-a'), Counter, fn, { pageSize: 100 })).changed).toBe(N - 100);
    expect(await hits()).toEqual(new Map([[1, N]]));
    const again = await runBackfill(env(new HistoryStore(db.client, HISTORY), 'tok-b'), Counter, fn, { pageSize: 200 });
    expect([again.rows, again.changed, again.resumed]).toEqual([N, N, false]);
    expect(await hits()).toEqual(new Map([[2, N]]));
  });

  it('decodes entity rows, applies set/remove, leaves rows alone when fn returns nothing, reads raw rows by table name', async () => {
    const seen: string[] = [];
    const r = await runBackfill(env(new HistoryStore(db.client, HISTORY), 'tok-c', { ordinal: 1 }), Counter, (c: Counter) => {
      seen.push(typeof c.hits);
      return Number(c.n.toString()) % 2 === 0 ? { set: { label: `even ${c.n.toString()}` } } : undefined;
    });
    expect([r.changed, r.unchanged]).toEqual([N / 2, N / 2]);
    expect(new Set(seen)).toEqual(new Set(['number']));
    expect((await db.repository(Counter).get({ bucket: 'b1', n: Long.fromNumber(4) }))?.label).toBe('even 4');

    const raw = await runBackfill(env(new HistoryStore(db.client, HISTORY), 'tok-c', { ordinal: 2 }), 'mig_bf_counters', (row) => {
      expect(typeof row.key.n).toBe('bigint');
      expect(typeof row.columns.hits).toBe('bigint');
      expect(typeof row.columns[MARKER_COLUMN]).toBe('string');
      return row.columns.label ? { remove: ['label'], set: { hits: 7n } } : undefined;
    });
    expect(raw.changed).toBe(N / 2);
    const got = await db.repository(Counter).get({ bucket: 'b1', n: Long.fromNumber(4) });
    expect([got?.label, got?.hits]).toEqual([undefined, 7]);
  });

  it('splits a page whose changes exceed the 4 MB request limit', async () => {
    const big = 'x'.repeat(100_000);
    // Bucket b0 comes first: its rows n < 150 (50 of them, 5 MB of changes) are in the first page of 200.
    const r = await runBackfill(env(new HistoryStore(db.client, HISTORY), 'tok-e', { ordinal: 4 }), Counter, (c: Counter) =>
      c.bucket === 'b0' && Number(c.n.toString()) < 150 ? { set: { label: big } } : undefined,
    );
    expect(r.changed).toBe(50);
    expect((await db.repository(Counter).get({ bucket: 'b0', n: Long.fromNumber(147) }))?.label).toHaveLength(100_000);
  });

  it('names the row when fn throws or returns an int64 out of range', async () => {
    await expect(
      runBackfill(env(new HistoryStore(db.client, HISTORY), 'tok-d', { ordinal: 3 }), Counter, () => {
        throw new Error('bad row');
      }),
    ).rejects.toThrow(/backfill of table 'mig_bf_counters' failed at row \[\{"n":"bucket","s":"b0"\},\{"n":"n","i":"0"\}\]: bad row/);
    // A raw int64 outside the range is refused, not wrapped (the SDK's Int64LE would wrap 2^63 to -2^63).
    await expect(runBackfill(env(new HistoryStore(db.client, HISTORY), 'tok-d', { ordinal: 5 }), 'mig_bf_counters', () => ({ set: { hits: 2n ** 63n } }))).rejects.toThrow(
      /failed at row .*: .*hits = 9223372036854775808 is outside the int64 range/,
    );
  });
});

describe('the migration lock', () => {
  it('admits one holder; a waiter gives up with who holds it; an expired lease is taken over and the old holder learns it lost', async () => {
    // Leases and waits run on a simulated clock (time moves when the test or a waiter says so), so nothing
    // sleeps and no bound on wall time is needed.
    const clock = new SimulatedClock();
    const history = new HistoryStore(db.client, HISTORY);
    const a = new MigrationLock(history, { leaseMs: 1500, waitMs: 0, command: 'A', clock });
    const b = new MigrationLock(history, { leaseMs: 1500, waitMs: 0, command: 'B', clock });
    await a.acquire();
    const err = await b.acquire().catch((e) => e);
    expect(err).toBeInstanceOf(LockHeldError);
    expect(err.holder).toMatchObject({ command: 'A', pid: process.pid });
    // A renews while held (the timer's work, done here at chosen times): B still cannot get it after more than
    // one lease.
    await clock.sleep(1000);
    await a.renewNow();
    await clock.sleep(1000);
    expect(await b.acquire().catch((e) => e)).toBeInstanceOf(LockHeldError);
    a.assertHeld();
    await a.release();
    await b.acquire();

    // B "crashes" (stops renewing: its timer is cleared without deleting the row); C takes over after the lease.
    clearInterval((b as unknown as { timer?: NodeJS.Timeout }).timer);
    const c = new MigrationLock(history, { leaseMs: 1500, waitMs: 10_000, command: 'C', clock });
    const waited = clock.now();
    const sleepsBefore = clock.sleeps.length;
    await c.acquire();
    expect(clock.sleeps.length).toBeGreaterThan(sleepsBefore); // C waited for the lease…
    expect(clock.now() - waited).toBeGreaterThanOrEqual(1500); // …until it had expired
    expect(() => b.assertHeld()).toThrow(LockLostError);
    await c.release();
  });
});
