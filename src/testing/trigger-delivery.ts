/**
 * Local delivery of a table's stream to a TableStore-trigger function, as FC does it (streams spec §3.3), for
 * `tsorm invoke --stream`, `tsorm/testing`'s `createTrigger` and `tsorm dev`:
 *
 * - every change reaches the handler as the CBOR event FC sends (`{Version: "Sync-v1", Records}`, §3.1–3.2,
 *   written by `fc/trigger/cbor.ts`), in batches of up to `batchSize` records (FC's batch size is unspecified,
 *   §3.3; default 100, spec §7);
 * - one shard is delivered serially, in order; the next batch is read only after the handler succeeded;
 * - a failed batch is retried, the *same* records, with capped exponential backoff, until it succeeds or its
 *   records expire from the stream (`OTSTrimmedDataAccess`), after which delivery moves on to the oldest data
 *   still retained (§3.3: "retries until the log data expires"; at-least-once, so handlers must be idempotent).
 *
 * The loop reads the stream through the client (`StreamReader`), never through the emulator's internals, so
 * it works against any endpoint that serves the stream APIs. What it calls is a {@link TriggerSink}: the
 * testing helper and the CLI each wrap their own way of invoking the handler around it.
 */
import type { RawChange } from '../client/changes';
import type { TableStoreClient } from '../client/client';
import { StreamReader, StreamTrimmedError, type StreamStart } from '../client/stream-reader';
import { CallScope, type Usage } from '../client/usage';
import { encodeTriggerEvent } from '../fc/trigger/cbor-encode';
import { LocalInvocationError } from './errors';

/** One batch handed to the function: the event bytes and what they hold. */
export interface TriggerBatch {
  table: string;
  shardId: string;
  records: RawChange[];
  /** The CBOR event, as FC passes it to the handler. */
  event: Buffer;
  /** 1 for the first delivery of these records, 2… for retries. */
  attempt: number;
}

/** Invokes the function with a batch; rejects when the invocation failed (it is then retried). */
export type TriggerSink = (batch: TriggerBatch) => Promise<void>;

export interface TriggerDeliveryOptions {
  /** Where delivery starts: `'latest'` (default: changes from now on, as a newly created trigger), `'oldest'`. */
  start?: StreamStart;
  /** Resume from a checkpoint of an earlier delivery (`delivery.checkpoint()`). */
  checkpoint?: string;
  /** Most records per invocation (1–1000; default 100). */
  batchSize?: number;
  /** First wait before retrying a failed batch (ms; default 100), doubled per attempt up to `maxRetryDelayMs`. */
  retryDelayMs?: number;
  /** Longest wait between retries (ms; default 5000). */
  maxRetryDelayMs?: number;
  /** Wait between reads when caught up, in `run()` (ms; default 50: one cheap GetStreamRecord per poll on a local emulator). */
  pollIntervalMs?: number;
  /** How waits happen (tests inject it); default a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Told of every failed invocation and of records that expired before they were delivered. */
  onEvent?: (event: DeliveryEvent) => void;
}

export type DeliveryEvent =
  | { kind: 'failed'; table: string; shardId: string; records: number; attempt: number; error: unknown; retryInMs: number }
  | { kind: 'expired'; table: string; shardId: string; records: number; error: StreamTrimmedError };

export interface DeliveryStats {
  /** Handler invocations, successful or not. */
  invocations: number;
  failures: number;
  /** Records delivered successfully (a record delivered twice after a partial failure counts twice). */
  delivered: number;
  /** Records that expired before a delivery of them succeeded. */
  expired: number;
}

/** `drain()` did not catch up in time (a handler that keeps failing, or writes that never stop). */
export class TriggerDrainTimeoutError extends LocalInvocationError {
  constructor(table: string, timeoutMs: number, lastError: unknown) {
    const why = lastError === undefined ? '' : `; the last invocation failed: ${(lastError as Error)?.message ?? String(lastError)}`;
    super(`trigger delivery of ${table} did not catch up within ${timeoutMs} ms${why}`, { code: 'TsormTriggerDrainTimeout', cause: lastError });
  }
}

const DEFAULTS = { batchSize: 100, retryDelayMs: 100, maxRetryDelayMs: 5000, pollIntervalMs: 50 };

/** A plain timer, not unref'd: a delivery loop waiting for its next retry or poll is what keeps `tsorm invoke --stream` alive. */
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class TriggerDelivery {
  readonly table: string;
  readonly stats: DeliveryStats = { invocations: 0, failures: 0, delivered: 0, expired: 0 };
  private readonly reader: StreamReader;
  private readonly sink: TriggerSink;
  private readonly options: Required<Pick<TriggerDeliveryOptions, 'batchSize' | 'retryDelayMs' | 'maxRetryDelayMs' | 'pollIntervalMs' | 'sleep'>> &
    Pick<TriggerDeliveryOptions, 'onEvent'>;
  /** The batch being retried: its size and attempt count (the records are read again, unchanged). */
  private pending: { shardId: string; size: number; attempt: number } | undefined;
  private lastError: unknown;
  private busy: Promise<unknown> = Promise.resolve();

  constructor(client: TableStoreClient, table: string, sink: TriggerSink, options: TriggerDeliveryOptions = {}) {
    this.table = table;
    this.sink = sink;
    this.options = {
      batchSize: options.batchSize ?? DEFAULTS.batchSize,
      retryDelayMs: options.retryDelayMs ?? DEFAULTS.retryDelayMs,
      maxRetryDelayMs: options.maxRetryDelayMs ?? DEFAULTS.maxRetryDelayMs,
      pollIntervalMs: options.pollIntervalMs ?? DEFAULTS.pollIntervalMs,
      sleep: options.sleep ?? defaultSleep,
      onEvent: options.onEvent,
    };
    for (const name of ['retryDelayMs', 'maxRetryDelayMs', 'pollIntervalMs'] as const) {
      const v = this.options[name];
      if (!Number.isFinite(v) || v < 0) throw new LocalInvocationError(`trigger delivery option ${name} must be a number of ms ≥ 0, got ${String(v)}`);
    }
    this.reader = new StreamReader(client, table, {
      start: options.start ?? 'latest',
      batchSize: this.options.batchSize,
      ...(options.checkpoint === undefined ? {} : { checkpoint: options.checkpoint }),
    });
  }

  /** Where delivery stands: pass it back as `checkpoint` to resume after a restart. */
  checkpoint(): string {
    return this.reader.checkpoint();
  }

  /** Reads the stream's current end now, so that `start: 'latest'` means "from the moment of this call". */
  async open(): Promise<void> {
    await this.serial(() => this.reader.open());
  }

  /**
   * One invocation at most: `'idle'` (nothing to deliver), `'delivered'`, `'failed'` (to be retried after
   * {@link retryDelay}), or `'expired'` (a failing batch's records expired; delivery moved past them).
   */
  step(): Promise<'idle' | 'delivered' | 'failed' | 'expired'> {
    return this.serial(() => this.stepNow());
  }

  /** The wait before the next retry of the failing batch (0 when none is failing). */
  retryDelay(): number {
    if (!this.pending) return 0;
    return Math.min(this.options.maxRetryDelayMs, this.options.retryDelayMs * 2 ** Math.min(30, this.pending.attempt - 1));
  }

  /**
   * Delivers until caught up with the stream, retrying failures (with backoff): when it resolves, every change
   * written before the call has been processed by the handler. Rejects with a {@link TriggerDrainTimeoutError}
   * after `timeoutMs` (default 30 000) of not catching up.
   */
  async drain(options: { timeoutMs?: number } = {}): Promise<DeliveryStats> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const until = Date.now() + timeoutMs;
    for (;;) {
      const r = await this.step();
      if (r === 'idle') return { ...this.stats };
      if (Date.now() >= until) throw new TriggerDrainTimeoutError(this.table, timeoutMs, this.lastError);
      if (r === 'failed') await this.options.sleep(this.retryDelay());
    }
  }

  /** Delivers until `signal` aborts: drains, then polls every `pollIntervalMs`. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const r = await this.step();
      if (signal.aborted) return;
      if (r === 'idle') await this.options.sleep(this.options.pollIntervalMs);
      else if (r === 'failed') await this.options.sleep(this.retryDelay());
    }
  }

  private serial<R>(fn: () => Promise<R>): Promise<R> {
    const next = this.busy.then(fn, fn);
    this.busy = next.catch(() => undefined);
    return next;
  }

  private async stepNow(): Promise<'idle' | 'delivered' | 'failed' | 'expired'> {
    let batch;
    try {
      // A retry reads the failing batch again: the same position and size, hence the same records (the log
      // is append-only), unless they expired meanwhile.
      batch = await this.reader.read(this.pending?.size ?? this.options.batchSize);
    } catch (e) {
      if (e instanceof StreamTrimmedError && this.pending) {
        const { shardId, size } = this.pending;
        this.stats.expired += size;
        this.pending = undefined;
        this.reader.restartShard(shardId);
        this.options.onEvent?.({ kind: 'expired', table: this.table, shardId, records: size, error: e });
        return 'expired';
      }
      throw e;
    }
    if (batch === undefined) return 'idle';
    const attempt = this.pending && this.pending.shardId === batch.shardId ? this.pending.attempt + 1 : 1;
    const event = encodeTriggerEvent({ version: 'Sync-v1', records: batch.records });
    this.stats.invocations++;
    try {
      await this.sink({ table: this.table, shardId: batch.shardId, records: batch.records, event, attempt });
    } catch (error) {
      this.stats.failures++;
      this.lastError = error;
      this.pending = { shardId: batch.shardId, size: batch.records.length, attempt };
      this.options.onEvent?.({ kind: 'failed', table: this.table, shardId: batch.shardId, records: batch.records.length, attempt, error, retryInMs: this.retryDelay() });
      return 'failed';
    }
    this.pending = undefined;
    this.lastError = undefined;
    this.stats.delivered += batch.records.length;
    this.reader.advance(batch);
    return 'delivered';
  }
}

/** What one trigger invocation did, for the line `tsorm invoke --stream` prints and tests read. */
export interface TriggerInvocation {
  requestId: string;
  table: string;
  shardId: string;
  records: number;
  attempt: number;
  ok: boolean;
  error?: unknown;
  durationMs: number;
  /** TableStore calls the handler made and the capacity they consumed. */
  usage: Usage;
}

/**
 * `tsorm trigger requestId=… table=notes records=3 attempt=1 status=ok durationMs=4.10 calls=3 requests=3
 * failures=0 readCU=1 writeCU=3`: the invocation's cost line, in the key=value form of the adapter's own line.
 */
export function formatTriggerInvocation(i: TriggerInvocation): string {
  const u = i.usage;
  const status = i.ok ? 'ok' : `failed error=${(i.error as Error)?.name ?? 'Error'}`;
  return (
    `tsorm trigger requestId=${i.requestId} table=${i.table} records=${i.records} attempt=${i.attempt} status=${status} ` +
    `durationMs=${i.durationMs.toFixed(2)} calls=${u.calls} requests=${u.requests} failures=${u.failures} readCU=${u.readCU} writeCU=${u.writeCU}`
  );
}

/**
 * A sink that runs `call` (one handler invocation) inside a {@link CallScope}, so the TableStore calls the
 * handler makes are counted, and reports each invocation (success or failure) to `report`.
 */
export function measuredSink(call: (batch: TriggerBatch, requestId: string) => Promise<unknown>, report: (i: TriggerInvocation) => void): TriggerSink {
  let n = 0;
  return async (batch) => {
    const requestId = `trigger-${batch.table}-${++n}`;
    const scope = new CallScope();
    const started = performance.now();
    const base = { requestId, table: batch.table, shardId: batch.shardId, records: batch.records.length, attempt: batch.attempt };
    try {
      await scope.run(() => call(batch, requestId));
    } catch (error) {
      report({ ...base, ok: false, error, durationMs: performance.now() - started, usage: scope.usage });
      throw error;
    }
    report({ ...base, ok: true, durationMs: performance.now() - started, usage: scope.usage });
  };
}
