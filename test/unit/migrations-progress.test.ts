/** The backfill progress display: a bar redrawn in place on a terminal, plain periodic lines otherwise. */
/* eslint-disable no-control-regex -- the terminal output is control characters */
import { describe, expect, it } from 'vitest';
import { Progress } from '../../src/migrations/run/progress';

function sink(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { isTTY, write: (s: string) => writes.push(s) }, writes };
}

describe('Progress', () => {
  it('on a terminal: a bar with percentage redrawn with \\r, then a final line', async () => {
    const { stream, writes } = sink(true);
    let t = 1_000_000;
    const p = new Progress('backfill t', 200, { stream, now: () => t });
    expect(writes).toEqual([]); // nothing until there is progress
    t += 1000;
    p.update(50);
    expect(writes[0]).toBe('\rbackfill t: [██████░░░░░░░░░░░░░░░░░░] 25% 50/200 rows · 50 rows/s\x1b[K');
    t += 99;
    p.update(60); // within 100 ms: not redrawn
    expect(writes).toHaveLength(1);
    t += 1;
    p.update(100); // 100 ms later: redrawn
    expect(writes[1]).toBe('\rbackfill t: [████████████░░░░░░░░░░░░] 50% 100/200 rows · 91 rows/s\x1b[K');
    t += 400;
    p.finish('200 rows, 200 changed');
    expect(writes[writes.length - 1]).toBe('\rbackfill t: 200 rows, 200 changed in 1.5 s\x1b[K\n');
  });

  it('elsewhere: a start line, a line per interval, a final line; no control characters', async () => {
    const { stream, writes } = sink(false);
    const p = new Progress('backfill t', 10_000, { stream, lineIntervalMs: 0 }, 3_000);
    expect(writes).toEqual(['backfill t: resuming after 3,000 rows of 10,000\n']);
    p.update(5_000);
    expect(writes[1]).toMatch(/^backfill t: 50% 5,000\/10,000 rows · [\d,]+ rows\/s\n$/);
    p.finish();
    expect(writes[2]).toMatch(/^backfill t: 5,000 rows in \d+\.\d s\n$/);
    expect(writes.join('')).not.toMatch(/[\r\x1b]/);
  });

  it('without a total: counts and rate only; silent writes nothing', () => {
    const { stream, writes } = sink(false);
    const p = new Progress('b', undefined, { stream, lineIntervalMs: 0 });
    p.update(7);
    expect(writes).toEqual(['b: starting\n', expect.stringMatching(/^b: 7 rows · [\d,]+ rows\/s\n$/)]);
    const quiet = sink(true);
    const q = new Progress('b', 5, { stream: quiet.stream, silent: true });
    q.update(5);
    q.finish();
    expect(quiet.writes).toEqual([]);
  });
});
