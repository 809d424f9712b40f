/**
 * DATE fields (spec §2.2): values parsed strictly with the field's `date_formats`, Java DateTimeFormatter
 * patterns (`yyyy-MM-dd HH:mm:ss.SSS`, `'T'` literals, `X`/`Z` offsets) or `epoch_second|millis|micros|nanos` for
 * integers. A doubled pattern letter has a fixed width (`dd` refuses `5`), which is what makes the observed
 * `2022-05-1` a dirty value. Values are kept as milliseconds since epoch (fractions keep µs/ns) [decision].
 */
import { OtsError } from '../errors';

const EPOCH_UNITS: Record<string, number> = { epoch_second: 1000, epoch_millis: 1, epoch_micros: 1e-3, epoch_nanos: 1e-6 };
/** [1970-01-01, 2262-04-11 23:47:16.854775807] (spec §2.2). */
const MAX_MS = 9223372036854.775;

type Part =
  | { kind: 'lit'; text: string }
  | { kind: 'num'; field: 'y' | 'M' | 'd' | 'H' | 'h' | 'K' | 'k' | 'm' | 's' | 'S'; min: number; max: number }
  | { kind: 'ampm' }
  | { kind: 'zone'; letter: string; count: number };

const NUM_LETTERS = new Set(['y', 'u', 'M', 'd', 'H', 'h', 'K', 'k', 'm', 's', 'S']);
const cache = new Map<string, Part[]>();

function compile(fmt: string): Part[] {
  let parts = cache.get(fmt);
  if (parts) return parts;
  parts = [];
  let i = 0;
  while (i < fmt.length) {
    const c = fmt[i];
    if (c === "'") {
      const end = fmt.indexOf("'", i + 1);
      if (end < 0) throw new Error('unterminated quote');
      parts.push({ kind: 'lit', text: end === i + 1 ? "'" : fmt.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      let n = 1;
      while (fmt[i + n] === c) n++;
      if (NUM_LETTERS.has(c)) {
        const field = (c === 'u' ? 'y' : c) as 'y';
        // Java: one letter = variable width; a doubled letter = that exact width; `yyyy` = at least four digits.
        const [min, max] = c === 'S' ? [n, n] : n === 1 ? [1, c === 'y' || c === 'u' ? 9 : 2] : c === 'y' || c === 'u' ? (n === 2 ? [2, 2] : [n, 9]) : [n, n];
        parts.push({ kind: 'num', field, min, max });
      } else if (c === 'a') parts.push({ kind: 'ampm' });
      else if (c === 'X' || c === 'x' || c === 'Z') parts.push({ kind: 'zone', letter: c, count: n });
      else throw new Error(`unsupported pattern letter ${c}`);
      i += n;
      continue;
    }
    parts.push({ kind: 'lit', text: c });
    i++;
  }
  cache.set(fmt, parts);
  return parts;
}

/** Refuses a format the emulator cannot parse, naming the field. */
export function checkDateFormat(fmt: string, field: string): void {
  if (fmt in EPOCH_UNITS) return;
  try {
    if (!fmt) throw new Error('empty');
    compile(fmt);
  } catch (e) {
    throw OtsError.param(`field [${field}]: invalid date format [${fmt}]: ${(e as Error).message}`);
  }
}

function parsePattern(s: string, parts: Part[]): number | undefined {
  // [performance] Fields in locals and digits read by code: no object, substring or Number() per value.
  let y = 1970, M = 1, d = 1, H = 0, m = 0, sec = 0;
  let frac = 0;
  let pm: boolean | undefined;
  let hour12: number | undefined;
  let offsetMin = 0;
  let p = 0;
  for (const part of parts) {
    if (part.kind === 'lit') {
      if (!s.startsWith(part.text, p)) return undefined;
      p += part.text.length;
    } else if (part.kind === 'num') {
      let q = p;
      let n = 0;
      for (let c = s.charCodeAt(q); q - p < part.max && c >= 48 && c <= 57; c = s.charCodeAt(++q)) n = n * 10 + (c - 48);
      if (q - p < part.min) return undefined;
      switch (part.field) {
        case 'S': frac = Number(`0.${s.slice(p, q)}`) * 1000; break;
        case 'h': case 'K': hour12 = n; break;
        case 'k': H = n % 24; break;
        case 'y': y = n; break;
        case 'M': M = n; break;
        case 'd': d = n; break;
        case 'H': H = n; break;
        case 'm': m = n; break;
        case 's': sec = n; break;
      }
      p = q;
    } else if (part.kind === 'ampm') {
      const t = s.slice(p, p + 2).toUpperCase();
      if (t !== 'AM' && t !== 'PM') return undefined;
      pm = t === 'PM';
      p += 2;
    } else {
      if (s[p] === 'Z' && part.letter !== 'x') {
        p++;
        continue;
      }
      const match = /^([+-])(\d{2})(?::?(\d{2}))?/.exec(s.slice(p));
      if (!match) return undefined;
      offsetMin = (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3] ?? 0));
      p += match[0].length;
    }
  }
  if (p !== s.length) return undefined;
  if (hour12 !== undefined) H = (hour12 % 12) + (pm ? 12 : 0);
  if (M < 1 || M > 12 || d < 1 || H > 23 || m > 59 || sec > 59) return undefined;
  const ms = Date.UTC(y, M - 1, d, H, m, sec);
  // Date.UTC rolls 2022-02-30 over to March: strict parsing refuses it.
  if (new Date(ms).getUTCDate() !== d) return undefined;
  return ms + frac - offsetMin * 60_000;
}

/** The value as ms since epoch by the first format that parses it, or undefined (a dirty value). */
export function parseDate(value: string | bigint | number, formats: readonly string[]): number | undefined {
  for (const fmt of formats) {
    let ms: number | undefined;
    const unit = EPOCH_UNITS[fmt];
    if (unit !== undefined) {
      if (typeof value === 'string') {
        if (!/^-?\d+$/.test(value)) continue;
        ms = Number(value) * unit;
      } else ms = Number(value) * unit;
    } else if (typeof value === 'string') ms = parsePattern(value, compile(fmt));
    if (ms !== undefined && ms >= 0 && ms <= MAX_MS) return ms;
  }
  return undefined;
}
