/**
 * Sorting search results (spec §5): FieldSort (order, mode over arrays and nested values, nested_filter,
 * missing_value / missing_field), ScoreSort, PrimaryKeySort, GeoDistanceSort, DocSort; the index_sort when the
 * request has none; and a PK ASC tie-breaker appended unless the sorters already end on the PK.
 * Sort keys are plain JSON values so that a page token can carry the last row's keys.
 */
import { OtsError } from '../errors';
import type { Doc, FieldValue } from './document';
import { haversine, parseGeoPoint, planeDistance, type GeoPoint } from './geo';
import { compileQuery } from './query';
import type { Scope } from './query-node';
import { FIELD_TYPE_NAMES, FieldType, resolveField, type FieldDef, type IndexSorter } from './schema';
import { coerce, compareScalars, scalarOf, variant, type Scalar } from './values';

/** null = the document has no value (sorts last in either order). */
export type SortKey = Scalar | null;

export interface Sorter {
  desc: boolean;
  key(doc: Doc, score: number): SortKey;
  /**
   * The top-level field whose single value is the key ('' = the row key), when the key is just that value for
   * every document holding exactly one (no nested filter); lets a search walk candidates already in that order.
   */
  field?: string;
}


const DESC = 1;
const MODE_MIN = 0, MODE_MAX = 1, MODE_AVG = 2;

function own(m: any, f: string): boolean {
  return !!m && Object.prototype.hasOwnProperty.call(m, f);
}

/** A field that may be sorted or aggregated: not TEXT/GEO/VECTOR/NESTED, and sort-and-agg not turned off (spec §2.3). */
export function sortableField(fields: FieldDef[], name: unknown, what: string, allowGeo = false): FieldDef {
  if (typeof name !== 'string' || !name) throw OtsError.param(`[${what}] field_name must not be empty`);
  const r = resolveField(fields, name);
  if (!r) throw OtsError.param(`[${what}] field: ${name} does not exist`);
  const f = r.def;
  const bad = f.type === FieldType.TEXT || f.type === FieldType.NESTED || f.type === FieldType.VECTOR || (f.type === FieldType.GEO_POINT && !allowGeo);
  if (bad) throw OtsError.param(`[${what}] field: ${name} of type ${FIELD_TYPE_NAMES[f.type]} can not be sorted or aggregated`);
  if (f.sortAndAgg === false) {
    throw OtsError.param(`Search engine: [${what}] field:${name} must enable enable_sort_and_agg, but enable_sort_and_agg is not enabled`);
  }
  return f;
}

function pick(xs: number[] | Scalar[], mode: number): Scalar {
  if (mode === MODE_AVG) return (xs as number[]).reduce((a, b) => a + b, 0) / xs.length;
  let best = xs[0];
  for (const x of xs) if (mode === MODE_MAX ? compareScalars(x, best) > 0 : compareScalars(x, best) < 0) best = x;
  return best;
}

/** The values of `path` a sort sees, restricted to the children matching `nested_filter`. */
function valuesFor(scope: Scope, path: string, filter: { path: string; node: ReturnType<typeof compileQuery> } | undefined): (d: Doc) => FieldValue[] | undefined {
  if (!filter) return scope.index.valuesOf(path);
  return (d) => {
    const out: FieldValue[] = [];
    for (const k of d.nested.get(filter.path) ?? []) if (filter.node.score(k) !== undefined) out.push(...(k.values.get(path) ?? []));
    return out.length ? out : undefined;
  };
}

function nestedFilter(scope: Scope, nf: any): { path: string; node: ReturnType<typeof compileQuery> } | undefined {
  if (!nf) return undefined;
  const path = String(nf.path ?? '');
  const r = resolveField(scope.index.def.fields, path);
  if (!r || r.def.type !== FieldType.NESTED) throw OtsError.param(`[nested filter] path [${path}] is not a nested field`);
  return { path, node: compileQuery({ ...scope, nestedPath: path }, nf.filter) };
}

function fieldSorter(scope: Scope, m: any): Sorter {
  const fields = scope.index.def.fields;
  const f = sortableField(fields, m.fieldName, 'field sort');
  const desc = m.order === DESC;
  const mode = own(m, 'mode') ? Number(m.mode) : desc ? MODE_MAX : MODE_MIN;
  if (mode === MODE_AVG && f.type !== FieldType.LONG && f.type !== FieldType.DOUBLE && f.type !== FieldType.DATE) {
    throw OtsError.param(`[field sort] mode AVG needs a numeric field, field ${m.fieldName} is ${FIELD_TYPE_NAMES[f.type]}`);
  }
  const nf = nestedFilter(scope, m.nestedFilter);
  const values = valuesFor(scope, m.fieldName, nf);
  const mv = variant(m.missingValue, 'missing_value');
  const missingValue = mv ? coerce(f, mv, m.fieldName) : undefined;
  const missingField = m.missingField ? sortableField(fields, m.missingField, 'field sort missing_field') && String(m.missingField) : undefined;
  const keyOf = (vals: FieldValue[] | undefined): SortKey => {
    if (!vals || !vals.length) return null;
    // [performance] most fields hold one value: no arrays built per document and sort.
    if (vals.length === 1) return scalarOf(vals[0]) ?? null;
    const xs = vals.map(scalarOf).filter((x): x is Scalar => x !== undefined);
    return xs.length ? pick(xs, mode) : null;
  };
  // A top-level number field's single value from its number column (SearchIndex.numberColumn): one read of a
  // Float64Array instead of the values array and its boxed number [performance: a page of 100 read off the
  // sorted column keyed ~100 documents this way]. NaN (none, several) and unindexed documents read the values.
  const num = nf ? undefined : scope.index.numberColumn(m.fieldName);
  return {
    desc,
    ...(nf ? {} : { field: String(m.fieldName) }),
    key(d) {
      if (num) {
        const ord = d.ord ?? -1;
        const x = ord >= 0 ? num.at[ord] : NaN;
        if (x === x) return x;
      }
      const k = keyOf(values(d));
      if (k !== null) return k;
      if (missingField) {
        const alt = keyOf(d.values.get(missingField));
        if (alt !== null) return alt;
      }
      return missingValue ?? null;
    },
  };
}

function geoSorter(scope: Scope, m: any): Sorter {
  const f = sortableField(scope.index.def.fields, m.fieldName, 'geo distance sort', true);
  if (f.type !== FieldType.GEO_POINT) throw OtsError.param(`[geo distance sort] field: ${m.fieldName} is not a geo_point field`);
  const points: GeoPoint[] = (m.points ?? []).map((s: string) => {
    const p = parseGeoPoint(String(s));
    if (!p) throw OtsError.param(`[geo distance sort] invalid geo point [${s}]`);
    return p;
  });
  if (!points.length) throw OtsError.param('[geo distance sort] points must not be empty');
  const desc = m.order === DESC;
  const mode = own(m, 'mode') ? Number(m.mode) : desc ? MODE_MAX : MODE_MIN;
  const dist = m.distanceType === 1 ? planeDistance : haversine;
  const values = valuesFor(scope, m.fieldName, nestedFilter(scope, m.nestedFilter));
  return {
    desc,
    key(d) {
      const vals = values(d) as GeoPoint[] | undefined;
      if (!vals?.length) return null;
      // Distance of a value = to the nearest query point [inferred]; mode picks among the document's values.
      const xs = vals.map((v) => Math.min(...points.map((p) => dist(p, v))));
      return pick(xs, mode);
    },
  };
}

const pkSorter = (desc: boolean): Sorter => ({ desc, key: (d) => d.key, field: '' });

/**
 * Compiles the request's sorters (or the default), ending with the PK tie-breaker. The default is the index_sort
 * (spec §5), except under a FunctionsScoreQuery (`byScore`): the official Node SDK's own test expects an Exists +
 * linear-decay query without a sort to return the best-scoring row first (spec §4, "top row col_double 1";
 * in index order that row is second) [inferred].
 */
export function compileSort(scope: Scope, sort: any | undefined, byScore = false): Sorter[] {
  const out: Sorter[] = [];
  for (const s of sort?.sorter ?? []) {
    if (s.fieldSort) out.push(fieldSorter(scope, s.fieldSort));
    else if (s.scoreSort) out.push({ desc: own(s.scoreSort, 'order') ? s.scoreSort.order === DESC : true, key: (_d, score) => score });
    else if (s.pkSort) out.push(pkSorter(s.pkSort.order === DESC));
    else if (s.geoDistanceSort) out.push(geoSorter(scope, s.geoDistanceSort));
    else if (s.docSort) out.push(pkSorter(s.docSort.order === DESC));
    else throw OtsError.param('a sorter must hold one of field_sort, geo_distance_sort, score_sort, pk_sort, doc_sort');
  }
  const requested = sort?.sorter ?? [];
  const last = requested.length ? requested[requested.length - 1] : undefined;
  let endsOnPk = !!(last?.pkSort || last?.docSort);
  if (!out.length && byScore) out.push({ desc: true, key: (_d, score) => score });
  if (!out.length) {
    for (const s of scope.index.def.indexSort) out.push(indexSorter(scope, s));
    const lastIndexSorter = scope.index.def.indexSort[scope.index.def.indexSort.length - 1];
    endsOnPk = !!lastIndexSorter && 'pk' in lastIndexSorter;
  }
  // The PK ASC tie-breaker, unless the sorters end on the PK or Java/Go turn it off (spec §5).
  if (!endsOnPk && !sort?.disableDefaultPkSorter) out.push(pkSorter(false));
  return out;
}

function indexSorter(scope: Scope, s: IndexSorter): Sorter {
  if ('pk' in s) return pkSorter(s.order === DESC);
  return fieldSorter(scope, { fieldName: s.field, order: s.order, ...(s.mode !== undefined ? { mode: s.mode } : {}) });
}

/** One sorter's order of two keys; a missing value sorts last in either order [inferred: ES `_last`]. */
export function compareKey(sorter: Sorter, x: SortKey, y: SortKey): number {
  if (x === y) return 0;
  if (x === null) return 1;
  if (y === null) return -1;
  const c = compareScalars(x, y);
  return sorter.desc ? -c : c;
}

export function compareKeys(sorters: Sorter[], a: SortKey[], b: SortKey[]): number {
  for (let i = 0; i < sorters.length; i++) {
    const c = compareKey(sorters[i], a[i], b[i]);
    if (c) return c;
  }
  return 0;
}

