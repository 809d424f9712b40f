/**
 * Fault injection (off by default): throttling errors, per-row failures inside BatchWriteRow, and added
 * latency, so that clients' retry and batch logic can be tested. A failed request or row is rejected before
 * anything is applied, exactly like the service's retryable errors.
 *
 * Spec string: comma-separated `name=value`, e.g. `busy=0.1,rowError=0.1,latency=2-10`.
 *   busy      probability of 503 OTSServerBusy "Server is busy." on any data action
 *   conflict  probability of 409 OTSRowOperationConflict on any data action
 *   quota     probability of 403 OTSQuotaExhausted "Too frequent table operations." on table actions
 *   rowError  probability that one BatchWriteRow row fails (OTSServerBusy or OTSRowOperationConflict)
 *   latency   added delay in ms: `N` or `MIN-MAX`
 *   seed      a number, for a reproducible sequence
 */
import { OtsError } from './errors';

export interface FaultOptions {
  busy?: number;
  conflict?: number;
  quota?: number;
  rowError?: number;
  latency?: number | [number, number];
  seed?: number;
}

/** Waits `ms` milliseconds; injectable so tests assert the delays asked for instead of timing them. */
export type Delay = (ms: number) => Promise<void>;

export const realDelay: Delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const KEYS = new Set(['busy', 'conflict', 'quota', 'rowError', 'latency', 'seed']);

export function parseFaults(spec: string | FaultOptions | undefined): FaultOptions {
  if (spec === undefined || spec === '') return {};
  if (typeof spec !== 'string') return spec;
  const out: FaultOptions = {};
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq).trim();
    const v = eq < 0 ? undefined : part.slice(eq + 1).trim();
    if (!KEYS.has(k) || v === undefined) throw new Error(`Invalid fault "${part}": expected one of ${[...KEYS].join(', ')} as name=value.`);
    if (k in out) throw new Error(`Invalid fault "${part}": ${k} is given twice.`);
    if (k === 'latency') {
      const m = /^(\d+)(?:-(\d+))?$/.exec(v);
      if (!m || (m[2] !== undefined && Number(m[2]) < Number(m[1]))) throw new Error(`Invalid fault latency "${v}": expected N or MIN-MAX milliseconds.`);
      out.latency = m[2] ? [Number(m[1]), Number(m[2])] : Number(m[1]);
      continue;
    }
    const n = Number(v);
    if (k === 'seed') {
      if (!/^\d+$/.test(v)) throw new Error(`Invalid fault seed=${v}: expected a non-negative integer.`);
    } else if (!/^(\d+(\.\d*)?|\.\d+)$/.test(v) || n < 0 || n > 1) {
      throw new Error(`Invalid fault ${k}=${v}: expected a probability between 0 and 1.`);
    }
    (out as Record<string, number>)[k] = n;
  }
  return out;
}

export class Faults {
  readonly options: FaultOptions;
  private state: number;
  readonly enabled: boolean;

  constructor(
    spec?: string | FaultOptions,
    private readonly delay: Delay = realDelay,
  ) {
    this.options = parseFaults(spec);
    this.state = (this.options.seed ?? Date.now()) >>> 0 || 1;
    const o = this.options;
    this.enabled = !!(o.busy || o.conflict || o.quota || o.rowError || o.latency);
  }

  /** xorshift32: deterministic with a seed. */
  private random(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 0x100000000;
  }

  private hit(p: number | undefined): boolean {
    return !!p && this.random() < p;
  }

  latencyMs(): number {
    const l = this.options.latency;
    if (!l) return 0;
    if (typeof l === 'number') return l;
    return l[0] + Math.floor(this.random() * (l[1] - l[0] + 1));
  }

  /** Waits the configured latency (none when latency is off). */
  async addLatency(): Promise<void> {
    const ms = this.latencyMs();
    if (ms) await this.delay(ms);
  }

  /** The whole-request fault for this call, if one fires. */
  requestFault(tableLevel: boolean): OtsError | undefined {
    if (!this.enabled) return undefined;
    if (tableLevel) return this.hit(this.options.quota) ? new OtsError('OTSQuotaExhausted', 'Too frequent table operations.', 403) : undefined;
    if (this.hit(this.options.busy)) return new OtsError('OTSServerBusy', 'Server is busy.', 503);
    if (this.hit(this.options.conflict)) return OtsError.conflict();
    return undefined;
  }

  /** A per-row failure inside BatchWriteRow, if one fires. */
  rowFault(): OtsError | undefined {
    if (!this.enabled || !this.hit(this.options.rowError)) return undefined;
    return this.random() < 0.5 ? new OtsError('OTSServerBusy', 'Server is busy.', 503) : OtsError.conflict();
  }
}
