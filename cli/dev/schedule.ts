/**
 * Timer-trigger schedules as FC writes them in `triggerConfig.cronExpression` [inferred: FC's timer-trigger
 * page; the same grammar as Go's robfig/cron, which FC's scheduler follows]:
 *
 * - `@every <duration>`: Go durations, `30s`, `5m`, `1h30m` (FC requires at least one minute in the cloud;
 *   tsorm dev accepts shorter, with a warning, so a schedule can be watched firing);
 * - six fields `seconds minutes hours day-of-month month day-of-week`, optionally prefixed `CRON_TZ=<zone>`
 *   (UTC otherwise), with `*`, `?`, lists `a,b`, ranges `a-b`, steps `*\/n` `a-b/n` `a/n`, month names JAN–DEC
 *   and day names SUN–SAT (0 = Sunday; 7 is Sunday too). When both day fields are restricted, a day matching
 *   either fires (cron's rule).
 */

export interface Schedule {
  /** The first firing time strictly after `after` (epoch ms). */
  next(after: number): number;
  /** A warning to print (a schedule FC itself would refuse), when any. */
  warning?: string;
}

export class ScheduleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleError';
  }
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function every(expr: string, text: string): Schedule {
  let ms = 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let consumed = '';
  for (let m = re.exec(text); m; m = re.exec(text)) {
    ms += Number(m[1]) * UNITS[m[2]];
    consumed += m[0];
  }
  if (consumed !== text || ms <= 0) throw new ScheduleError(`cronExpression ${JSON.stringify(expr)}: @every takes a duration like 30s, 5m or 1h30m`);
  const start = Date.now();
  return {
    next: (after) => start + Math.max(1, Math.floor((after - start) / ms) + 1) * ms, // the first run one interval after start
    warning: ms < 60_000 ? `cronExpression ${JSON.stringify(expr)}: FC requires at least one minute between runs; tsorm dev runs it every ${ms / 1000} s` : undefined,
  };
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const FIELDS = [
  { name: 'seconds', min: 0, max: 59 },
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, offset: 1 },
  { name: 'day-of-week', min: 0, max: 7, names: DAYS, offset: 0 },
] as const;

/** One field → the set of values it allows (and whether it was `*` / `?`). */
function field(expr: string, text: string, f: (typeof FIELDS)[number]): { values: Set<number>; any: boolean } {
  const fail = (why: string): never => {
    throw new ScheduleError(`cronExpression ${JSON.stringify(expr)}: ${f.name} field ${JSON.stringify(text)}: ${why} (allowed ${f.min}–${f.max === 7 ? 6 : f.max}${'names' in f ? ' or names' : ''}, with * ? , - /)`);
  };
  const value = (t: string): number => {
    const names = 'names' in f ? (f.names as readonly string[]) : undefined;
    const i = names ? names.indexOf(t.toUpperCase()) : -1;
    const n = i >= 0 ? i + (f as { offset: number }).offset : /^\d+$/.test(t) ? Number(t) : fail(`${JSON.stringify(t)} is not a value`);
    if (n < f.min || n > f.max) fail(`${n} is out of range`);
    return n;
  };
  const values = new Set<number>();
  const any = text === '*' || text === '?';
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : /^\d+$/.test(stepText) && Number(stepText) > 0 ? Number(stepText) : fail(`step ${JSON.stringify(stepText)}`);
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') [lo, hi] = [f.min, f.max === 7 ? 6 : f.max];
    else if (range.includes('-')) {
      const [a, b] = range.split('-');
      [lo, hi] = [value(a), value(b)];
      if (lo > hi) fail(`range ${range} is backwards`);
    } else {
      lo = value(range);
      hi = stepText === undefined ? lo : f.max === 7 ? 6 : f.max;
    }
    for (let v = lo; v <= hi; v += step) values.add(f.max === 7 && v === 7 ? 0 : v);
  }
  return { values, any };
}

/** The calendar fields of an instant in a time zone (UTC by default). */
function partsIn(zone: string | undefined): (t: number) => number[] {
  if (!zone) {
    return (t) => {
      const d = new Date(t);
      return [d.getUTCSeconds(), d.getUTCMinutes(), d.getUTCHours(), d.getUTCDate(), d.getUTCMonth() + 1, d.getUTCDay()];
    };
  }
  const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'short' });
  return (t) => {
    const p = Object.fromEntries(format.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
    return [Number(p.second), Number(p.minute), Number(p.hour), Number(p.day), Number(p.month), DAYS.indexOf(String(p.weekday).toUpperCase())];
  };
}

function cron(expr: string, text: string, zone: string | undefined): Schedule {
  const parts = text.split(/\s+/);
  // day-of-week may be left out (FC's six fields include it; robfig's optional form omits it)
  if (parts.length === 5) parts.push('?');
  if (parts.length !== 6) throw new ScheduleError(`cronExpression ${JSON.stringify(expr)}: expected six fields (seconds minutes hours day-of-month month day-of-week), got ${parts.length}`);
  if (zone) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
    } catch {
      throw new ScheduleError(`cronExpression ${JSON.stringify(expr)}: CRON_TZ=${zone} is not a time zone`);
    }
  }
  const f = parts.map((p, i) => field(expr, p, FIELDS[i]));
  const fields = partsIn(zone);
  const seconds = [...f[0].values].sort((a, b) => a - b);
  /** Do the minute-level fields of `t` match (minutes, hours, days, month)? */
  const minuteMatches = ([, mi, h, dom, mon, dow]: number[]): boolean => {
    if (!f[1].values.has(mi) || !f[2].values.has(h) || !f[4].values.has(mon)) return false;
    const domOk = f[3].values.has(dom);
    const dowOk = f[5].values.has(dow);
    return f[3].any || f[5].any ? domOk && dowOk : domOk || dowOk;
  };
  return {
    next(after) {
      // Minute by minute over at most a year and a day, in the zone's own calendar (so DST needs no rule):
      // ~527k checks at worst, for a schedule that fires once a year.
      let t = Math.floor(after / 1000) * 1000 + 1000;
      const limit = t + 366 * 24 * 3600 * 1000;
      while (t <= limit) {
        const now = fields(t);
        const second = minuteMatches(now) ? seconds.find((x) => x >= now[0]) : undefined;
        if (second !== undefined) return t + (second - now[0]) * 1000;
        t += (60 - now[0]) * 1000;
      }
      throw new ScheduleError(`cronExpression ${JSON.stringify(expr)}: never fires`);
    },
  };
}

export function parseSchedule(expr: string): Schedule {
  const text = expr.trim();
  const every_ = /^@every\s+(\S+)$/i.exec(text);
  if (every_) return every(expr, every_[1]);
  const tz = /^CRON_TZ=(\S+)\s+(.*)$/.exec(text);
  return cron(expr, tz ? tz[2] : text, tz?.[1]);
}
