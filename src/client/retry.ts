/**
 * tsorm's retry policy: exponential backoff with full jitter, an attempt budget and a time budget.
 * Which failures are retryable at all is decided where errors are built (`errors.ts`: `retryable`); the
 * policy only decides whether budget remains and how long to wait.
 *
 * The SDK's own retry loop is switched off for tsorm's requests (see `transport.ts`).
 */
import { systemClock, type Clock } from './clock';
import { ThrottledError, type TableStoreError } from './errors';

export interface RetryOptions {
  /** Total HTTP attempts per call, the first included. 1 = never retry. Default 8. */
  maxAttempts: number;
  /** Backoff base for transient errors: attempt n waits up to `base × 2^(n-1)`. Default 50 ms. */
  baseDelayMs: number;
  /** Backoff base after a throttling error ({@link ThrottledError}). Default 200 ms. */
  throttledBaseDelayMs: number;
  /** Cap of one backoff wait. Default 3 000 ms (the SDK's cap). */
  maxDelayMs: number;
  /**
   * Time budget of one call, retries and waits included, from the moment it is made. The call's deadline is
   * the earliest of this, the per-call `deadline`/`timeoutMs` and any enclosing scope's deadline.
   * Default 30 000 ms.
   */
  timeBudgetMs: number;
  /**
   * Longest one HTTP attempt may take before it is aborted and treated as a network failure (retried only for
   * idempotent actions). 0 = no per-attempt limit (the deadline still applies). Default 15 000 ms.
   */
  attemptTimeoutMs: number;
}

export const DEFAULT_RETRY_OPTIONS: Readonly<RetryOptions> = Object.freeze({
  maxAttempts: 8,
  baseDelayMs: 50,
  throttledBaseDelayMs: 200,
  maxDelayMs: 3_000,
  timeBudgetMs: 30_000,
  attemptTimeoutMs: 15_000,
});

export class RetryPolicy {
  readonly options: Readonly<RetryOptions>;
  /** The time deadlines are measured in and backoff waits are spent in. */
  readonly clock: Clock;
  private readonly random: () => number;

  /**
   * @param random source of jitter in [0, 1); inject a constant to make delays deterministic in tests.
   * @param clock time for deadlines and waits; inject a simulated clock to test a schedule without sleeping.
   */
  constructor(options: Partial<RetryOptions> = {}, random: () => number = Math.random, clock: Clock = systemClock) {
    const merged = { ...DEFAULT_RETRY_OPTIONS, ...dropUndefined(options) };
    for (const [key, value] of Object.entries(merged)) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new RangeError(`tsorm: retry option ${key} must be a finite number ≥ 0, got ${String(value)}`);
      }
    }
    if (merged.maxAttempts < 1) throw new RangeError('tsorm: retry option maxAttempts must be ≥ 1');
    this.options = Object.freeze(merged);
    this.random = random;
    this.clock = clock;
  }

  /** A policy that never retries (on `clock`). */
  static none(clock: Clock = systemClock): RetryPolicy {
    return new RetryPolicy({ maxAttempts: 1 }, Math.random, clock);
  }

  /** This policy with some options replaced. */
  with(overrides: Partial<RetryOptions>): RetryPolicy {
    return new RetryPolicy({ ...this.options, ...dropUndefined(overrides) }, this.random, this.clock);
  }

  /**
   * Whether another attempt may be made after `attempt` attempts failed, the last with `error`.
   * (The deadline is checked separately, against the delay.)
   */
  shouldRetry(error: TableStoreError, attempt: number): boolean {
    return error.retryable && attempt < this.options.maxAttempts;
  }

  /**
   * How long to wait before attempt `attempt + 1`, after `attempt` attempts (≥ 1) failed, the last with
   * `error`: full jitter, uniform in [0, min(cap, base × 2^(attempt-1))].
   * The batch engine uses the same function for per-row retries (`rowRetryPolicy`).
   */
  delayMs(attempt: number, error?: TableStoreError): number {
    const base = error instanceof ThrottledError ? this.options.throttledBaseDelayMs : this.options.baseDelayMs;
    const exp = Math.min(this.options.maxDelayMs, base * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
    return Math.floor(this.random() * exp);
  }
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
