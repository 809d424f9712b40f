import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VersionClock } from '../../src/emulator/engine/versions';
import { compareKeys } from '../../src/emulator/storage/memory';

describe('emulator write path', () => {
  it('compareKeys orders keys as Buffer.compare does', () => {
    const keys = [Buffer.alloc(0), Buffer.from([0]), Buffer.from([0, 0]), Buffer.from([0xff]), Buffer.alloc(300, 1), Buffer.alloc(301, 1)];
    for (let n = 0; n < 200; n++) keys.push(randomBytes(n % 7), Buffer.concat([Buffer.from('R\0\0\0\x01\x02'), randomBytes(n % 5)]));
    for (const a of keys) for (const b of keys) expect(compareKeys(a, b)).toBe(Buffer.compare(a, b));
  });

  it('VersionClock: strictly increasing per row within a millisecond, the clock alone once it passes', () => {
    const clock = new VersionClock();
    const a = Buffer.from('a');
    const b = Buffer.from('b');
    expect([clock.stamp(a, 100), clock.stamp(a, 100), clock.stamp(b, 100), clock.stamp(a, 100)]).toEqual([100, 101, 100, 102]);
    // 102 is still ahead of 101: a's next stamp follows it
    expect(clock.stamp(a, 101)).toBe(103);
    expect(clock.stamp(b, 101)).toBe(101);
    // past every stamp held: plain clock values again
    expect([clock.stamp(a, 200), clock.stamp(b, 200), clock.stamp(a, 200)]).toEqual([200, 200, 201]);
    // a clock that steps back still sees the stamps ahead of it
    expect(clock.stamp(a, 150)).toBe(202);
  });
});
