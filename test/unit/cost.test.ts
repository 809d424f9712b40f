/** Cost estimates (src/cost): the free-tier arithmetic, the prices from the one tariff file, and `tsorm invoke`'s memory lookup. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { functionShape } from '../../cli/commands/invoke';
import { formatInvocationCost, invocationCost, tablestoreUsd } from '../../src/cost/estimate';
import { TARIFFS } from '../../src/cost/tariffs';

const ROOT = join(__dirname, '..', '..');

describe('invocationCost', () => {
  it('averages the samples and finds the limit of the free tier that binds first', () => {
    // 1 GB × 1 s = 1 GB-s per call: 400,000 calls use the free GB-seconds before the free calls.
    const heavy = invocationCost([{ durationMs: 900, readCU: 1, writeCU: 0 }, { durationMs: 1100, readCU: 3, writeCU: 2 }], { memoryMb: 1024 });
    expect(heavy.durationMs).toBe(1000);
    expect(heavy.gbSeconds).toBe(1);
    expect(heavy.readCU).toBe(2);
    expect(heavy.writeCU).toBe(1);
    expect(heavy.freeInvocationsPerMonth).toBe(400_000);
    expect(heavy.freeLimit).toBe('gbSeconds');
    expect(heavy.usd.fcMemory).toBeCloseTo(1 * TARIFFS.fc.cuPerGbSecond * TARIFFS.fc.cuPrice, 12);
    expect(heavy.usd.tablestore).toBeCloseTo(tablestoreUsd(2, 1), 15);
    // 128 MB × 10 ms: the free calls run out first.
    const light = invocationCost([{ durationMs: 10, readCU: 0, writeCU: 0 }], { memoryMb: 128, vcpu: 0.1 });
    expect(light.freeInvocationsPerMonth).toBe(TARIFFS.fc.freeCallsPerMonth);
    expect(light.freeLimit).toBe('calls');
    expect(light.usd.fcVcpu).toBeCloseTo(0.1 * 0.01 * TARIFFS.fc.cuPerVcpuSecond * TARIFFS.fc.cuPrice, 15);
    expect(light.usd.total).toBeCloseTo(light.usd.fcCall + light.usd.fcMemory + light.usd.fcVcpu, 15);
  });

  it('says that local durations are estimates, and what is assumed', () => {
    const c = invocationCost([{ durationMs: 20, readCU: 1, writeCU: 1 }], { memoryMb: 512 });
    const text = formatInvocationCost(c, { memoryMb: 512 }, 1).join('\n');
    expect(text).toMatch(/local durations are estimates/);
    expect(text).toMatch(/FC free tier: 1,000,000 invocations a month/);
    expect(text).toMatch(/vCPU time not priced/);
    expect(text).toContain(TARIFFS.date);
  });

  it('refuses an empty measurement', () => {
    expect(() => invocationCost([], { memoryMb: 128 })).toThrow(RangeError);
  });
});

describe('functionShape (tsorm invoke)', () => {
  it('reads memorySize of the function whose handler is the module, from s.yaml', () => {
    expect(functionShape(join(ROOT, 'examples/app/index.ts'), 'handler', undefined)).toMatchObject({ memoryMb: 512 });
    expect(functionShape(join(ROOT, 'examples/app/events.ts'), 'handler', undefined)).toMatchObject({ memoryMb: 256 });
    expect(functionShape(join(ROOT, 'examples/app/events.ts'), 'handler', 1024)).toEqual({ memoryMb: 1024, from: '--memory' });
  });
});
