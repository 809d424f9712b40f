// tsorm dev's timer schedules (cli/dev/schedule.ts): FC's `@every` and six-field cron, UTC or CRON_TZ.
import { describe, expect, it } from 'vitest';
import { parseSchedule } from '../../cli/dev/schedule';

const at = (iso: string) => Date.parse(iso);
const next = (expr: string, after: string) => new Date(parseSchedule(expr).next(at(after))).toISOString();

describe('timer schedules', () => {
  it.each([
    ['* * * * * *', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z'],
    ['* * * * * *', '2026-01-01T00:00:00.400Z', '2026-01-01T00:00:01.000Z'],
    ['0 0 4 * * *', '2026-01-01T04:00:00.000Z', '2026-01-02T04:00:00.000Z'],
    ['0 */5 * * * *', '2026-01-01T00:07:00.000Z', '2026-01-01T00:10:00.000Z'],
    ['15,45 * * * * *', '2026-01-01T00:00:20.000Z', '2026-01-01T00:00:45.000Z'],
    ['0 0 0 1 1 ?', '2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    ['0 0 9 ? * MON-FRI', '2026-01-02T10:00:00.000Z', '2026-01-05T09:00:00.000Z'], // Friday after 9 → Monday
    ['0 0 9 ? * 0', '2026-01-01T00:00:00.000Z', '2026-01-04T09:00:00.000Z'], // 0 = Sunday
    ['0 0 9 ? * 7', '2026-01-01T00:00:00.000Z', '2026-01-04T09:00:00.000Z'], // 7 = Sunday too
    ['0 0 0 13 * FRI', '2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z'], // both days restricted: either
    ['0 30 2 * FEB *', '2026-01-01T00:00:00.000Z', '2026-02-01T02:30:00.000Z'],
    ['CRON_TZ=Asia/Shanghai 0 0 4 * * *', '2026-01-01T00:00:00.000Z', '2026-01-01T20:00:00.000Z'], // 04:00 UTC+8
    ['0 0 4 * *', '2026-01-01T00:00:00.000Z', '2026-01-01T04:00:00.000Z'], // day-of-week left out
  ])('%s after %s → %s', (expr, after, expected) => {
    expect(next(expr, after)).toBe(expected);
  });

  it('@every counts from the start, and warns below FC\'s minute', () => {
    const before = Date.now();
    const s = parseSchedule('@every 1m30s');
    const first = s.next(before);
    expect(first - before).toBeGreaterThanOrEqual(89_000);
    expect(first - before).toBeLessThanOrEqual(91_000);
    expect(s.next(first) - first).toBe(90_000);
    expect(s.warning).toBeUndefined();
    expect(parseSchedule('@every 2s').warning).toMatch(/FC requires at least one minute between runs; tsorm dev runs it every 2 s/);
  });

  it.each([
    ['* * *', /expected six fields \(seconds minutes hours day-of-month month day-of-week\), got 3/],
    ['61 * * * * *', /seconds field "61": 61 is out of range \(allowed 0–59/],
    ['0 0 0 * FOO *', /month field "FOO": "FOO" is not a value/],
    ['0 0 5-2 * * *', /hours field "5-2": range 5-2 is backwards/],
    ['*/0 * * * * *', /seconds field "\*\/0": step "0"/],
    ['@every 5x', /@every takes a duration like 30s, 5m or 1h30m/],
    ['CRON_TZ=Mars/Base 0 0 4 * * *', /CRON_TZ=Mars\/Base is not a time zone/],
  ])('rejects %s, naming the field and the rule', (expr, message) => {
    expect(() => parseSchedule(expr)).toThrow(message);
  });
});
