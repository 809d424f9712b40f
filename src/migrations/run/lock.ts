/**
 * The migration lock: one row (`lock` / `migrate`) of the history table, so that two `tsorm migrate` runs
 * (two CI jobs, two developers) never apply migrations at the same time.
 *
 * - Taken with a conditional put, EXPECT_NOT_EXIST: of two racing runs exactly one succeeds.
 * - The row carries a lease (`expires_at`) that the holder renews every third of the lease. A crashed run stops
 *   renewing; once the lease has passed, another run steals the lock with a put conditioned on EXPECT_EXIST and
 *   the exact `owner` and `expires_at` it read, so of two stealers only one wins.
 * - A renewal is conditioned on `owner` being this run; if that fails the lock was lost (this run paused longer
 *   than its lease and another took over): the run stops before its next step (`LockLostError`).
 * - Leases compare the holder's clock with the waiter's: keep the lease well above the clock skew between
 *   machines (the default 30 s is).
 */
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../../client/clock';
import { ConditionCheckFailedError } from '../../client/errors';
import { ComparatorType, CompositeCondition, Condition, Int64LE, LogicalOperator, RowExistenceExpectation, SingleColumnCondition } from '../../client/values';
import { LockHeldError, LockLostError, type LockHolder } from '../errors';
import { condition, toColumns, type HistoryStore } from './history';

export interface LockOptions {
  leaseMs: number;
  /** How long to wait for a held lock (0 = fail at once). */
  waitMs: number;
  /** What this run is, shown to waiters (e.g. `tsorm migrate`). */
  command: string;
  /** Called once when the lock is found held and this run starts waiting. */
  onWait?: (holder: LockHolder) => void;
  /** Time of leases and waits (default the real clock); tests inject a simulated one instead of sleeping. */
  clock?: Clock;
}

const KIND = 'lock';
const NAME = 'migrate';

function ownedBy(owner: string, expiresAt?: number) {
  const isOwner = new SingleColumnCondition('owner', owner, ComparatorType.EQUAL, false, true);
  if (expiresAt === undefined) return new Condition(RowExistenceExpectation.EXPECT_EXIST as 1, isOwner);
  const both = new CompositeCondition(LogicalOperator.AND);
  both.addSubCondition(isOwner);
  both.addSubCondition(new SingleColumnCondition('expires_at', new Int64LE(String(expiresAt), 10), ComparatorType.EQUAL, false, true));
  return new Condition(RowExistenceExpectation.EXPECT_EXIST as 1, both);
}

export class MigrationLock {
  readonly owner = randomUUID();
  private timer: NodeJS.Timeout | undefined;
  private expiresAt = 0;
  private lostReason: string | undefined;
  private renewing: Promise<void> | undefined;
  private readonly clock: Clock;

  constructor(
    private readonly history: HistoryStore,
    private readonly options: LockOptions,
  ) {
    this.clock = options.clock ?? systemClock;
  }

  private cells(now: number) {
    return {
      owner: this.owner,
      host: this.history.host,
      pid: process.pid,
      command: this.options.command,
      acquired_at: now,
      expires_at: now + this.options.leaseMs,
    };
  }

  /** Takes the lock, waiting for a live holder up to `waitMs`. Throws `LockHeldError` when it cannot. */
  async acquire(): Promise<void> {
    const start = this.clock.now();
    let announced = false;
    for (;;) {
      const now = this.clock.now();
      try {
        await this.history.put(KIND, NAME, this.cells(now), condition.notExist());
        return this.held(now);
      } catch (e) {
        if (!(e instanceof ConditionCheckFailedError)) throw e;
      }
      const row = await this.history.get(KIND, NAME);
      if (!row) continue; // released in between: try again at once
      const holder = holderOf(row);
      if (holder.expiresAt < this.clock.now()) {
        const now2 = this.clock.now();
        try {
          await this.history.put(KIND, NAME, this.cells(now2), ownedBy(holder.owner, holder.expiresAt));
          return this.held(now2);
        } catch (e) {
          if (!(e instanceof ConditionCheckFailedError)) throw e;
          continue; // someone renewed or stole it first
        }
      }
      const waited = this.clock.now() - start;
      if (waited >= this.options.waitMs) throw new LockHeldError(holder, this.options.waitMs > 0 ? waited : 0);
      if (!announced) {
        announced = true;
        this.options.onWait?.(holder);
      }
      await this.clock.sleep(Math.min(1000, Math.max(50, holder.expiresAt - this.clock.now() + 10), Math.max(50, this.options.waitMs - waited)));
    }
  }

  private held(now: number): void {
    this.expiresAt = now + this.options.leaseMs;
    const every = Math.max(50, Math.floor(this.options.leaseMs / 3));
    this.timer = setInterval(() => void this.renewNow(), every);
    this.timer.unref();
  }

  /** Renews the lease now, as the timer does every third of a lease (one renewal in flight at a time). */
  renewNow(): Promise<void> {
    this.renewing ??= this.renew().finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  private async renew(): Promise<void> {
    if (this.lostReason) return;
    const now = this.clock.now();
    try {
      await this.history.client.call('updateRow', {
        tableName: this.history.table,
        condition: ownedBy(this.owner),
        primaryKey: this.history.key(KIND, NAME),
        updateOfAttributeColumns: [{ PUT: toColumns({ expires_at: now + this.options.leaseMs }) }],
      });
      this.expiresAt = now + this.options.leaseMs;
    } catch (e) {
      if (e instanceof ConditionCheckFailedError) this.lostReason = 'another run took it after this run\'s lease expired';
      else if (this.clock.now() > this.expiresAt) this.lostReason = `the lease could not be renewed in time: ${(e as Error).message}`;
    }
  }

  /** Throws `LockLostError` when the lease was lost. Called before every step. */
  assertHeld(): void {
    if (this.lostReason) throw new LockLostError(this.lostReason);
    if (this.timer && this.clock.now() > this.expiresAt) throw new LockLostError('the lease expired before it could be renewed');
  }

  /** Releases the lock (only if this run still holds it). */
  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.renewing;
    try {
      await this.history.client.call('deleteRow', { tableName: this.history.table, condition: ownedBy(this.owner), primaryKey: this.history.key(KIND, NAME) });
    } catch (e) {
      if (!(e instanceof ConditionCheckFailedError)) throw e;
    }
  }
}

export function holderOf(row: Record<string, unknown>): LockHolder {
  return {
    owner: String(row.owner ?? ''),
    host: String(row.host ?? '?'),
    pid: Number(row.pid ?? 0),
    command: String(row.command ?? 'tsorm migrate'),
    acquiredAt: Number(row.acquired_at ?? 0),
    expiresAt: Number(row.expires_at ?? 0),
  };
}
