/**
 * Cost estimates from measured usage, priced with `tariffs.ts`: one invocation of a function (FC calls,
 * memory × duration, vCPU × duration, TableStore CU) or one studio request (TableStore CU only).
 *
 * Local durations are estimates of the cloud's: the function ran on this machine, not on an FC instance, and
 * FC bills whole milliseconds of its own measure. Every report says so.
 */
import { TARIFFS } from './tariffs';

export interface InvocationSample {
  durationMs: number;
  readCU: number;
  writeCU: number;
}

export interface FunctionShape {
  /** Memory of the function in MB (s.yaml `memorySize`, or `--memory`). */
  memoryMb: number;
  /** vCPUs of the function (s.yaml `cpu`), when known. */
  vcpu?: number;
}

export interface InvocationCost {
  /** Average per invocation. */
  durationMs: number;
  gbSeconds: number;
  readCU: number;
  writeCU: number;
  /** USD per invocation beyond the free quota: FC (calls, memory, vCPU) and TableStore. */
  usd: { fcCall: number; fcMemory: number; fcVcpu: number; tablestore: number; total: number };
  /** Invocations a month inside FC's free quota (the lower of the calls and the GB-seconds limits). */
  freeInvocationsPerMonth: number;
  /** Which FC limit binds first. */
  freeLimit: 'calls' | 'gbSeconds';
  assumptions: string[];
}

/** TableStore's price of some CU (pay-per-use). */
export function tablestoreUsd(readCU: number, writeCU: number): number {
  return readCU * TARIFFS.tablestore.readCuPrice + writeCU * TARIFFS.tablestore.writeCuPrice;
}

export function assumptions(withFc: boolean): string[] {
  const out = [`prices of ${TARIFFS.date} (${TARIFFS.currency}) from src/cost/tariffs.ts`];
  if (withFc) out.push('local durations are estimates of the cloud\'s: FC measures on its own instances');
  if (!TARIFFS.tablestore.writeCuPriceFound) out.push('the write CU price was not found in the sources: the read CU price stands in');
  return out;
}

export function invocationCost(samples: readonly InvocationSample[], shape: FunctionShape): InvocationCost {
  if (samples.length === 0) throw new RangeError('invocationCost: no invocations measured');
  const n = samples.length;
  const durationMs = samples.reduce((s, x) => s + x.durationMs, 0) / n;
  const readCU = samples.reduce((s, x) => s + x.readCU, 0) / n;
  const writeCU = samples.reduce((s, x) => s + x.writeCU, 0) / n;
  const gb = shape.memoryMb / 1024;
  const gbSeconds = gb * (durationMs / 1000);
  const fc = TARIFFS.fc;
  const fcCall = fc.cuPerCall * fc.cuPrice;
  const fcMemory = gbSeconds * fc.cuPerGbSecond * fc.cuPrice;
  const fcVcpu = (shape.vcpu ?? 0) * (durationMs / 1000) * fc.cuPerVcpuSecond * fc.cuPrice;
  const tablestore = tablestoreUsd(readCU, writeCU);
  const byGb = gbSeconds > 0 ? Math.floor(fc.freeGbSecondsPerMonth / gbSeconds) : Infinity;
  const freeLimit = byGb < fc.freeCallsPerMonth ? 'gbSeconds' : 'calls';
  const notes = assumptions(true);
  if (shape.vcpu === undefined) notes.push('vCPU time not priced: the function\'s cpu is unknown (set `cpu` in s.yaml)');
  notes.push('TableStore CU have no free quota here; reserved throughput and storage are not included');
  return {
    durationMs,
    gbSeconds,
    readCU,
    writeCU,
    usd: { fcCall, fcMemory, fcVcpu, tablestore, total: fcCall + fcMemory + fcVcpu + tablestore },
    freeInvocationsPerMonth: Math.min(byGb, fc.freeCallsPerMonth),
    freeLimit,
    assumptions: notes,
  };
}

const usd = (v: number) => (v === 0 ? '$0' : v < 0.01 ? `$${v.toPrecision(3)}` : `$${v.toFixed(2)}`);

/** The closing summary of `tsorm invoke --repeat N`: readable lines. */
export function formatInvocationCost(c: InvocationCost, shape: FunctionShape, count: number): string[] {
  const per = c.usd;
  const million = (v: number) => usd(v * 1_000_000);
  return [
    `Cost estimate over ${count} invocation${count > 1 ? 's' : ''} (${shape.memoryMb} MB${shape.vcpu !== undefined ? `, ${shape.vcpu} vCPU` : ''}): ` +
      `${c.durationMs.toFixed(1)} ms, ${c.gbSeconds.toPrecision(3)} GB-s, ${c.readCU.toFixed(2)} read CU, ${c.writeCU.toFixed(2)} write CU per invocation`,
    `  FC free tier: ${Number.isFinite(c.freeInvocationsPerMonth) ? c.freeInvocationsPerMonth.toLocaleString('en-US') : 'unlimited'} invocations a month ` +
      `(${c.freeLimit === 'calls' ? `the ${TARIFFS.fc.freeCallsPerMonth.toLocaleString('en-US')} free calls` : `the ${TARIFFS.fc.freeGbSecondsPerMonth.toLocaleString('en-US')} free GB-seconds`} run out first)`,
    `  beyond it, per 1,000,000 invocations: FC calls ${million(per.fcCall)}, FC memory ${million(per.fcMemory)}, FC vCPU ${million(per.fcVcpu)}, TableStore CU ${million(per.tablestore)}; total ${million(per.total)}`,
    ...c.assumptions.map((a) => `  note: ${a}`),
  ];
}
