/**
 * Bucketing shared by histogram, date_histogram and composite group-bys (spec §7.2): numeric buckets
 * floor((v − offset)/interval)·interval + offset, date buckets by fixed units or calendar months/quarters/years
 * in the request's time zone, and composite key combinations paged by an after-key token.
 */
import { OtsError } from '../errors';
import type { AggContext } from './aggregations';
import { aggField } from './aggregations';
import type { Doc } from './document';
import { byValue, keyString, NUMERIC, sortGroups, subs } from './group-by';
import { body, opt } from './query-node';
import { FieldType, type FieldDef } from './schema';
import { coerce, compareScalars, variant } from './values';

export interface Keyer {
  f: FieldDef;
  minDocs: number;
  keys(d: Doc): number[];
}

/** A variant of the request (interval, missing, bounds) as a number of field `f` (DATE: ms). */
function numberOf(f: FieldDef, name: string): (b: Uint8Array | undefined, what: string) => number | undefined {
  return (b, what) => {
    const v = variant(b, what);
    return v === undefined ? undefined : (coerce(f, v, name) as number);
  };
}

export function histogramKeyer(ctx: AggContext, m: any): Keyer {
  const f = aggField(ctx, m.fieldName, 'group by histogram', NUMERIC);
  const num = numberOf(f, m.fieldName);
  const interval = num(m.interval, 'interval');
  if (!(interval !== undefined && interval > 0)) throw OtsError.param('[group by histogram] interval must be a positive number');
  const offset = num(m.offset, 'offset') ?? 0;
  const missing = num(m.missing, 'missing');
  const min = num(m.fieldRange?.min, 'field_range.min') ?? -Infinity;
  const max = num(m.fieldRange?.max, 'field_range.max') ?? Infinity;
  return {
    f,
    minDocs: Number(opt(m, 'minDocCount') ?? 0),
    keys(d) {
      const vals = (d.values.get(m.fieldName) as number[] | undefined) ?? (missing !== undefined ? [missing] : []);
      return vals.filter((v) => v >= min && v <= max).map((v) => Math.floor((v - offset) / interval) * interval + offset);
    },
  };
}

const FIXED_MS: Record<number, number> = { 4: 7 * 864e5, 5: 864e5, 6: 36e5, 7: 6e4, 8: 1e3, 9: 1 };
const MONTHS: Record<number, number> = { 1: 12, 2: 3, 3: 1 };

function tzOffsetMs(tz: unknown): number {
  if (tz === undefined || tz === null || tz === '') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(String(tz));
  if (!m) throw OtsError.param(`[group by date histogram] invalid time_zone [${String(tz)}], expect e.g. +08:00`);
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
}

function dateTimeValue(v: any, what: string): { n: number; unit: number } {
  const n = Number(v?.value);
  const unit = Number(v?.unit);
  if (!(n > 0) || !(FIXED_MS[unit] || MONTHS[unit])) throw OtsError.param(`[group by date histogram] invalid ${what}`);
  return { n, unit };
}

export function dateKeyer(ctx: AggContext, m: any): Keyer {
  const f = aggField(ctx, m.fieldName, 'group by date histogram', [FieldType.DATE]);
  const iv = dateTimeValue(m.interval, 'interval');
  const tz = tzOffsetMs(opt(m, 'timeZone'));
  const off = opt(m, 'offset') ? dateTimeValue(m.offset, 'offset') : undefined;
  const offMs = off ? (FIXED_MS[off.unit] ?? MONTHS[off.unit] * 30.4375 * 864e5) * off.n : 0;
  const date = numberOf(f, m.fieldName);
  const missing = date(m.missing, 'missing');
  const min = date(m.fieldRange?.min, 'field_range.min') ?? -Infinity;
  const max = date(m.fieldRange?.max, 'field_range.max') ?? Infinity;
  const bucket = (v: number): number => {
    const local = v + tz - offMs;
    if (FIXED_MS[iv.unit]) {
      const w = FIXED_MS[iv.unit] * iv.n;
      return Math.floor(local / w) * w - tz + offMs;
    }
    const d = new Date(local);
    const months = MONTHS[iv.unit] * iv.n;
    const idx = Math.floor((d.getUTCFullYear() * 12 + d.getUTCMonth()) / months) * months;
    return Date.UTC(Math.floor(idx / 12), idx % 12, 1) - tz + offMs;
  };
  return {
    f,
    minDocs: Number(opt(m, 'minDocCount') ?? 0),
    keys(d) {
      const vals = (d.values.get(m.fieldName) as number[] | undefined) ?? (missing !== undefined ? [missing] : []);
      return vals.filter((v) => v >= min && v <= max).map(bucket);
    },
  };
}

/** Documents per bucket key (once per document), empty buckets never made. */
export function bucketize(docs: readonly Doc[], keyer: Keyer): Array<{ key: number; docs: Doc[]; count: number }> {
  const buckets = new Map<number, { key: number; docs: Doc[]; count: number }>();
  for (const d of docs) {
    for (const key of new Set(keyer.keys(d))) {
      let b = buckets.get(key);
      if (!b) buckets.set(key, (b = { key, docs: [], count: 0 }));
      b.docs.push(d);
      b.count++;
    }
  }
  return [...buckets.values()].filter((b) => b.count >= Math.max(1, keyer.minDocs));
}

export function dateHistogram(ctx: AggContext, docs: readonly Doc[], m: any): object {
  const sorted = sortGroups(ctx, bucketize(docs, dateKeyer(ctx, m)), m.sort, m.subAggs, [(a, b) => a.key - b.key]);
  return { groupByDateHistogramItems: sorted.map((b) => ({ timestamp: Math.trunc(b.key), rowCount: b.count, ...subs(ctx, b.docs, m) })) };
}

const MAX_COMPOSITE = 2000;

/** Composite: every combination of the sources' keys, ordered key by key, paged by `next_token` (spec §7.2). */
export function compositeGroups(ctx: AggContext, docs: readonly Doc[], m: any): object {
  const sources: any[] = m.sources?.groupBys ?? [];
  if (!sources.length) throw OtsError.param('[group by composite] sources must not be empty');
  const size = Number(opt(m, 'size') ?? 10);
  if (!(size >= 1 && size <= MAX_COMPOSITE)) throw OtsError.param(`[group by composite] size must be in [1, ${MAX_COMPOSITE}], got ${size}`);
  const keyers: Array<(d: Doc) => Array<string | number>> = sources.map((s) => {
    if (s.type === 1) {
      const b = body('GroupByField', s.body);
      const f = aggField(ctx, b.fieldName, 'group by composite', [FieldType.LONG, FieldType.DOUBLE, FieldType.BOOLEAN, FieldType.KEYWORD, FieldType.DATE]);
      return (d: Doc) => [...byValue([d], b.fieldName, f).values()].map((g) => g.key);
    }
    if (s.type === 5) return histogramKeyer(ctx, body('GroupByHistogram', s.body)).keys;
    if (s.type === 6) return dateKeyer(ctx, body('GroupByDateHistogram', s.body)).keys;
    throw OtsError.param('[group by composite] sources must be group by field, histogram or date histogram');
  });
  const groups = new Map<string, { keys: Array<string | number>; docs: Doc[] }>();
  for (const d of docs) {
    let combos: Array<Array<string | number>> = [[]];
    for (const k of keyers) combos = combos.flatMap((c) => [...new Set(k(d))].map((x) => [...c, x]));
    for (const c of combos) {
      const id = JSON.stringify(c);
      let g = groups.get(id);
      if (!g) groups.set(id, (g = { keys: c, docs: [] }));
      if (g.docs[g.docs.length - 1] !== d) g.docs.push(d);
    }
  }
  const cmp = (a: Array<string | number>, b: Array<string | number>) => {
    for (let i = 0; i < a.length; i++) {
      const c = compareScalars(a[i], b[i]);
      if (c) return c;
    }
    return 0;
  };
  let list = [...groups.values()].sort((a, b) => cmp(a.keys, b.keys));
  if (opt(m, 'nextToken')) {
    let after: Array<string | number>;
    try {
      after = JSON.parse(Buffer.from(String(m.nextToken), 'base64').toString('utf8'));
      if (!Array.isArray(after) || after.length !== keyers.length) throw new Error('shape');
    } catch {
      throw OtsError.param('[group by composite] invalid next_token');
    }
    list = list.filter((g) => cmp(g.keys, after) > 0);
  }
  const page = list.slice(0, size);
  const more = list.length > size;
  const str = (k: string | number, i: number) => {
    const s = sources[i];
    if (s.type !== 1) return String(k);
    const f = aggField(ctx, body('GroupByField', s.body).fieldName, 'group by composite');
    return typeof k === 'number' ? keyString(f, k) : k;
  };
  return {
    groupByCompositeResultItems: page.map((g) => ({ keys: g.keys.map(str), rowCount: g.docs.length, ...subs(ctx, g.docs, m) })),
    sourceGroupByNames: sources.map((s) => s.name),
    ...(more ? { nextToken: Buffer.from(JSON.stringify(page[page.length - 1].keys)).toString('base64') } : {}),
  };
}
