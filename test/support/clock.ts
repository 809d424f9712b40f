/**
 * A simulated clock for `RetryPolicy` (src/client/clock.ts): time starts at the real now and moves only when
 * something waits on it, so a retry schedule runs at once and its waits can be asserted exactly, instead of
 * sleeping and bounding wall time on a shared machine.
 */
import type { Clock } from '../../src/client/clock';

export class SimulatedClock implements Clock {
  private t = Date.now();
  /** Every wait asked of this clock, in order (ms). */
  readonly sleeps: number[] = [];

  now(): number {
    return this.t;
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += ms;
  }

  /** Simulated time since the clock was made. */
  elapsedSince(start: number): number {
    return this.t - start;
  }
}
