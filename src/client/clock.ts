/**
 * Time as the client sees it: reading it (deadlines, budgets) and waiting (backoff). Injected through
 * `RetryPolicy` (as its jitter source is) so tests can run a retry schedule in simulated time instead of
 * sleeping and bounding wall time on a shared, noisy machine.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms` milliseconds (of this clock). */
  sleep(ms: number): Promise<void>;
}

/** The real clock: `Date.now()` and a timer. */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  sleep: (ms: number) => sleep(ms),
});
