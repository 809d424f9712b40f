/**
 * FunctionsScoreQuery (spec §4, ES `function_score`, inferred): field_value_factor with modifiers, decay
 * functions (gauss / exp / linear over numbers, dates and geo points), random, weight and per-function filters,
 * combined by score_mode and combine_mode, bounded by max_score, and cut by min_score.
 */
import { OtsError } from '../errors';
import { decodeMessage } from '../protocol/proto';
import type { Doc } from './document';
import { haversine, parseGeoPoint, type GeoPoint } from './geo';
import { compileQuery } from './query';
import { hashString } from './message';
import { opt, queryField, type QueryNode, type Scope } from './query-node';
import { FieldType } from './schema';
import { parseDate } from './date-format';

const MODIFIERS: Record<number, (x: number) => number> = {
  1: (x) => x,
  2: (x) => Math.log10(x),
  3: (x) => Math.log10(x + 1),
  4: (x) => Math.log10(x + 2),
  5: (x) => Math.log(x),
  6: (x) => Math.log1p(x),
  7: (x) => Math.log(x + 2),
  8: (x) => x * x,
  9: (x) => Math.sqrt(x),
  10: (x) => 1 / x,
};

const UNIT_MS: Record<number, number> = { 1: 365.25 * 864e5, 2: 91.3125 * 864e5, 3: 30.4375 * 864e5, 4: 7 * 864e5, 5: 864e5, 6: 36e5, 7: 6e4, 8: 1e3, 9: 1 };

function dateTimeMs(v: any, what: string): number {
  const ms = UNIT_MS[v?.unit];
  if (!ms || !(Number(v?.value) >= 0)) throw OtsError.param(`[functions score query] invalid ${what}`);
  return Number(v.value) * ms;
}

type Fn = { filter?: QueryNode; weight: number; value(d: Doc): number };

function decay(scope: Scope, m: any): (d: Doc) => number {
  const f = queryField(scope, m.fieldName, 'decay function', [FieldType.LONG, FieldType.DOUBLE, FieldType.DATE, FieldType.GEO_POINT]);
  let origin: number | GeoPoint;
  let scale: number;
  let offset: number;
  const bytes = m.param ?? new Uint8Array(0);
  try {
    if (f.def.type === FieldType.GEO_POINT) {
      const p = decodeMessage('search.proto.DecayFuncGeoParam', bytes);
      const o = parseGeoPoint(String(opt(p, 'origin') ?? ''));
      if (!o) throw new Error('origin');
      [origin, scale, offset] = [o, Number(opt(p, 'scale')), Number(opt(p, 'offset') ?? 0)];
    } else if (f.def.type === FieldType.DATE) {
      const p = decodeMessage('search.proto.DecayFuncDateParam', bytes);
      const o = opt(p, 'originString') ? parseDate(String(p.originString), f.def.dateFormats ?? []) : Number(opt(p, 'originLong') ?? 0);
      if (o === undefined) throw new Error('origin');
      [origin, scale, offset] = [o, dateTimeMs(opt(p, 'scale'), 'scale'), opt(p, 'offset') ? dateTimeMs(p.offset, 'offset') : 0];
    } else {
      const p = decodeMessage('search.proto.DecayFuncNumericParam', bytes);
      [origin, scale, offset] = [Number(opt(p, 'origin')), Number(opt(p, 'scale')), Number(opt(p, 'offset') ?? 0)];
    }
  } catch (e) {
    if (e instanceof OtsError) throw e;
    throw OtsError.param(`[decay function] invalid param of field [${f.path}]`);
  }
  if (!(scale > 0)) throw OtsError.param(`[decay function] scale must be positive, got ${scale}`);
  const dv = Number(opt(m, 'decay') ?? 0.5);
  if (!(dv > 0 && dv < 1)) throw OtsError.param(`[decay function] decay must be in (0, 1), got ${m.decay}`);
  const math = opt(m, 'mathFunction') ?? 1;
  const curve =
    math === 3 ? (x: number) => Math.max(0, (scale / (1 - dv) - x) / (scale / (1 - dv)))
    : math === 2 ? (x: number) => Math.exp((Math.log(dv) / scale) * x)
    : (x: number) => Math.exp((Math.log(dv) / (scale * scale)) * x * x);
  const mode = opt(m, 'multiValueMode') ?? 1;
  return (d) => {
    const vals = d.values.get(f.path);
    if (!vals?.length) return 1; // ES: a missing field does not decay
    const xs = vals.map((v) => {
      const dist = typeof origin === 'number' ? Math.abs((v as number) - origin) : haversine(origin, v as GeoPoint);
      return curve(Math.max(0, dist - offset));
    });
    return mode === 2 ? Math.min(...xs) : mode === 3 ? xs.reduce((a, b) => a + b, 0) : mode === 4 ? xs.reduce((a, b) => a + b, 0) / xs.length : Math.max(...xs);
  };
}

function compileFn(scope: Scope, m: any): Fn {
  const weight = Number(opt(m, 'weight') ?? 1);
  const filter = opt(m, 'filter') ? compileQuery(scope, m.filter) : undefined;
  if (m.fieldValueFactor) {
    const fv = m.fieldValueFactor;
    const f = queryField(scope, fv.fieldName, 'field value factor function', [FieldType.LONG, FieldType.DOUBLE]);
    const factor = Number(opt(fv, 'factor') ?? 1);
    const mod = MODIFIERS[opt(fv, 'modifier') ?? 1];
    if (!mod) throw OtsError.param(`[field value factor function] invalid modifier ${fv.modifier}`);
    const missing = opt<number>(fv, 'missing');
    return {
      filter,
      weight,
      value(d) {
        const v = d.values.get(f.path)?.[0] as number | undefined;
        const x = v ?? missing;
        if (x === undefined) throw OtsError.param(`[field value factor function] field [${f.path}] is missing in a document and no missing value is given`);
        return mod(x * factor);
      },
    };
  }
  if (m.decay) return { filter, weight, value: decay(scope, m.decay) };
  if (m.random) return { filter, weight, value: (d) => (hashString(d.key) % 1_000_000) / 1_000_000 };
  return { filter, weight, value: () => 1 };
}

export function compileFunctions(scope: Scope, m: any, inner: QueryNode): QueryNode {
  const fns = (m.functions ?? []).map((x: any) => compileFn(scope, x));
  if (!fns.length) throw OtsError.param('[functions score query] functions must not be empty');
  const scoreMode = opt(m, 'scoreMode') ?? 5;
  const combine = opt(m, 'combineMode') ?? 1;
  const maxScore = Number(opt(m, 'maxScore') ?? Infinity);
  const minScore = Number(opt(m, 'minScore') ?? -Infinity);
  return {
    score(d) {
      const q = inner.score(d);
      if (q === undefined) return undefined;
      const xs: number[] = [];
      for (const fn of fns) if (!fn.filter || fn.filter.score(d) !== undefined) xs.push(fn.value(d) * fn.weight);
      let fs = 1;
      if (xs.length) {
        fs = scoreMode === 1 ? xs.reduce((a, b) => a + b, 0) / xs.length
          : scoreMode === 2 ? Math.max(...xs)
          : scoreMode === 3 ? xs.reduce((a, b) => a + b, 0)
          : scoreMode === 4 ? Math.min(...xs)
          : scoreMode === 6 ? xs[0]
          : xs.reduce((a, b) => a * b, 1);
      }
      fs = Math.min(fs, maxScore);
      const s = combine === 2 ? (q + fs) / 2 : combine === 3 ? Math.max(q, fs) : combine === 4 ? q + fs : combine === 5 ? Math.min(q, fs) : combine === 6 ? fs : q * fs;
      return s < minScore ? undefined : s;
    },
    candidates: inner.candidates,
    cost: inner.cost,
  };
}
