/**
 * Capacity-unit and call accounting, per client and per scope.
 *
 * A {@link CallScope} is an AsyncLocalStorage frame: every call made by any tsorm client inside
 * `scope.run(fn)` (however deep in `fn`'s async work) adds its consumed capacity units to that scope and to
 * every enclosing scope. A scope can also carry a deadline that every call inside it honours (the FC adapter
 * uses this for the function's remaining time).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { CapacityUnit } from './actions';
import { earliest } from './transport';

/** A snapshot of what calls consumed. */
export interface Usage {
  /** Logical calls (`client.call`), whatever their outcome. */
  calls: number;
  /** HTTP requests sent (attempts, retries included). */
  requests: number;
  /** Calls that ended in an error. */
  failures: number;
  /** Read capacity units consumed, as reported by the service. */
  readCU: number;
  /** Write capacity units consumed, as reported by the service. */
  writeCU: number;
}

function emptyUsage(): Usage {
  return { calls: 0, requests: 0, failures: 0, readCU: 0, writeCU: 0 };
}

/** A mutable counter behind a client or a scope. */
export class UsageMeter {
  private readonly counts: Usage = emptyUsage();

  /** A copy of the counts so far. */
  snapshot(): Usage {
    return { ...this.counts };
  }

  reset(): void {
    Object.assign(this.counts, emptyUsage());
  }

  add(delta: Partial<Usage>): void {
    const c = this.counts;
    c.calls += delta.calls ?? 0;
    c.requests += delta.requests ?? 0;
    c.failures += delta.failures ?? 0;
    c.readCU += delta.readCU ?? 0;
    c.writeCU += delta.writeCU ?? 0;
  }
}

export interface CallScopeOptions {
  /** Absolute time (ms since epoch, or a Date) by which every call inside the scope must finish. */
  deadline?: number | Date;
}

/** One `run()` of a scope, with what every call inside it needs, computed once here rather than per call. */
interface Frame {
  readonly scope: CallScope;
  /** This scope and every enclosing one, each once (a scope run inside itself counts its calls once). */
  readonly scopes: readonly CallScope[];
  /** The earliest deadline of `scopes`. */
  readonly deadline: number | undefined;
}

const storage = new AsyncLocalStorage<Frame>();

export class CallScope {
  readonly meter = new UsageMeter();
  readonly deadline: number | undefined;

  constructor(options: CallScopeOptions = {}) {
    this.deadline = options.deadline === undefined ? undefined : toEpochMs(options.deadline);
  }

  /** What the calls made inside this scope (and its nested scopes) consumed so far. */
  get usage(): Usage {
    return this.meter.snapshot();
  }

  /** Runs `fn` inside this scope (nested in the current one, if any) and returns what `fn` returns. */
  run<T>(fn: () => T): T {
    const parent = storage.getStore();
    const scopes = parent === undefined ? [this] : parent.scopes.includes(this) ? parent.scopes : [this, ...parent.scopes];
    return storage.run({ scope: this, scopes, deadline: earliest(this.deadline, parent?.deadline) }, fn);
  }

  /** The innermost scope of the current async context, if any. */
  static current(): CallScope | undefined {
    return storage.getStore()?.scope;
  }

  /** @internal Adds to every scope enclosing the current async context. */
  static record(delta: Partial<Usage>): void {
    const frame = storage.getStore();
    if (frame === undefined) return;
    for (const scope of frame.scopes) scope.meter.add(delta);
  }

  /** @internal The earliest deadline of the scopes enclosing the current async context. */
  static deadline(): number | undefined {
    return storage.getStore()?.deadline;
  }
}

export function toEpochMs(t: number | Date): number {
  const ms = t instanceof Date ? t.getTime() : t;
  if (!Number.isFinite(ms)) throw new RangeError(`tsorm: invalid deadline ${String(t)}`);
  return ms;
}

// ---------------------------------------------------------------------------------------------------------
// Reading consumed capacity from decoded responses (shapes of lib/protocol/decoder.js)
// ---------------------------------------------------------------------------------------------------------

function toCount(v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  // protobufjs may hand back a Long for int64 fields; CU fields are int32, but be tolerant.
  if (v !== null && typeof v === 'object' && typeof (v as { toNumber?: unknown }).toNumber === 'function') {
    return (v as { toNumber(): number }).toNumber();
  }
  return 0;
}

/**
 * The capacity units a decoded response reports:
 * - single-row ops, GetRange, Search: `consumed.capacityUnit.{read,write}`;
 * - BatchWriteRow: `tables` is a flat list of rows, each with `capacityUnit` (or `''`);
 * - BatchGetRow: `tables` is a list of per-table row lists, each row with `capacityUnit` (or `''`);
 * - SQLQuery: `consumes[].consumed.capacityUnit`.
 */
export function consumedCapacity(data: unknown): { read: number; write: number } {
  const total = { read: 0, write: 0 };
  if (data === null || typeof data !== 'object') return total;
  const d = data as { consumed?: unknown; tables?: unknown; consumes?: unknown };
  if (d.consumed !== undefined) addConsumed(total, d.consumed);
  if (Array.isArray(d.tables)) {
    // [performance] Row by row without an object or array per row: a batch of hundreds of rows passes here.
    for (const entry of d.tables) {
      if (Array.isArray(entry)) for (const row of entry) addRow(total, row);
      else addRow(total, entry);
    }
  }
  if (Array.isArray(d.consumes)) {
    for (const c of d.consumes) if (c !== null && typeof c === 'object') addConsumed(total, (c as { consumed?: unknown }).consumed);
  }
  return total;
}

function addConsumed(total: { read: number; write: number }, consumed: unknown): void {
  if (consumed !== null && typeof consumed === 'object') addCu(total, (consumed as { capacityUnit?: unknown }).capacityUnit);
}

function addRow(total: { read: number; write: number }, row: unknown): void {
  if (row !== null && typeof row === 'object' && 'capacityUnit' in row) addCu(total, (row as { capacityUnit: unknown }).capacityUnit);
}

function addCu(total: { read: number; write: number }, value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  const cu = value as Partial<CapacityUnit>;
  total.read += toCount(cu.read);
  total.write += toCount(cu.write);
}
