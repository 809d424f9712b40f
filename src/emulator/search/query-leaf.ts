/**
 * Leaf queries (spec §4): Match, MatchPhrase, Term, Terms, Range, Prefix, Suffix, Wildcard, Exists and the geo
 * queries. A document lacking the field never matches; arrays match when any element does.
 */
import { OtsError } from '../errors';
import { analyzerOf } from './analyzers';
import type { Doc, FieldValue, TextValue } from './document';
import { haversine, inBox, inPolygon, parseGeoPoint, type GeoPoint } from './geo';
import { body, queryField, SCALAR_TYPES, weightOf, type Field, type QueryNode, type Scope } from './query-node';
import { bm25 } from './scoring';
import { termKey } from './search-index';
import { FieldType } from './schema';
import { coerce, compareScalars, variant, type Scalar } from './values';

const MAX_WILDCARD = 32;
const MAX_PREFIX_BYTES = 1000;

/** Candidates of exact terms: postings (KEYWORD, TEXT, BOOLEAN) or equal ranges of the sorted column (numbers, dates). */
function termCandidates(scope: Scope, f: Field, terms: Scalar[], keys: Iterable<string>): Pick<QueryNode, 'candidates' | 'cost'> {
  if (scope.nestedPath) return {};
  const index = scope.index;
  if (index.hasPostings(f.path)) {
    const list = [...keys];
    return {
      cost: () => list.reduce((n, k) => n + index.postingSize(f.path, k), 0),
      ...(list.length === 1 ? { candidateOrder: () => '' } : {}),
      candidates: () => {
        if (list.length === 1) return index.postingInKeyOrder(f.path, list[0]);
        const out = new Set<Doc>();
        for (const k of list) for (const d of index.posting(f.path, k) ?? []) out.add(d);
        return out;
      },
    };
  }
  if (!index.hasSortedColumn(f.path)) return {};
  return {
    cost: () => terms.reduce<number>((n, t) => n + rangeCost(scope, f.path, t, t, true, true), 0),
    candidates: () => {
      const out = new Set<Doc>();
      for (const t of terms) for (const d of rangeCandidates(scope, f.path, t, t, true, true) ?? []) out.add(d);
      return out;
    },
  };
}

function highlight(scope: Scope, f: Field, test: (term: string) => boolean): void {
  if (f.def.type !== FieldType.TEXT) return;
  let list = scope.highlights.get(f.path);
  if (!list) scope.highlights.set(f.path, (list = []));
  list.push(test);
}

/**
 * The score function of a leaf that matches when any of the document's values of `path` passes `test` (an array
 * when any element does), read through the index's value columns.
 */
function anyValue<T>(scope: Scope, path: string, score: number, test: (v: T) => boolean): (doc: Doc) => number | undefined {
  const valuesOf = scope.index.valuesOf(path);
  const any = (doc: Doc) => {
    const vals = valuesOf(doc) as T[] | undefined;
    if (vals) for (const v of vals) if (test(v)) return score;
    return undefined;
  };
  // A numeric field's single value from its number column (SearchIndex.numberOf, inlined); NaN (none,
  // several) and documents no longer indexed read the values.
  const num = scope.index.numberColumn(path);
  if (!num) return any;
  return (doc) => {
    const ord = doc.ord ?? -1;
    const x = ord >= 0 ? num.at[ord] : NaN;
    if (x !== x) return any(doc);
    return test(x as T) ? score : undefined;
  };
}

/** Exact-value match of a coerced scalar (TEXT compares single tokens, un-analyzed). */
function termNode(scope: Scope, f: Field, terms: Scalar[], weight: number): QueryNode {
  if (f.def.type === FieldType.TEXT) return textTermsNode(scope, f, [...new Set(terms.map(String))], 1, weight);
  const keySet = new Set(terms.map((t) => termKey(t)!));
  return {
    score: anyValue<FieldValue>(scope, f.path, weight, (v) => {
      const k = termKey(v);
      return k !== undefined && keySet.has(k);
    }),
    ...termCandidates(scope, f, terms, keySet),
    // A posting holds exactly the documents with the term: each matches with the query's weight.
    ...(scope.nestedPath || !scope.index.hasPostings(f.path) ? {} : { constantScore: () => weight }),
  };
}

function matchQuery(scope: Scope, m: any): QueryNode {
  const f = queryField(scope, m.fieldName, 'match query', SCALAR_TYPES);
  const weight = weightOf(m);
  const text = String(m.text ?? '');
  if (f.def.type !== FieldType.TEXT) {
    // KEYWORD and numeric fields take the whole text as one term (spec §4, EX test).
    return termNode(scope, f, [coerce(f.def, { t: 0x03, v: Buffer.from(text) } as never, f.path)], weight);
  }
  const terms = [...new Set(analyzerOf(f.def).tokens(text).map((t) => t.term))];
  const and = m.operator === 2;
  const msm = Object.prototype.hasOwnProperty.call(m, 'minimumShouldMatch') ? Number(m.minimumShouldMatch) : 0;
  const need = and ? terms.length : Math.max(1, msm);
  return textTermsNode(scope, f, terms, need, weight);
}

/**
 * A TEXT field holding at least `need` of the distinct `terms`, scored by the BM25 sum over the terms it holds
 * (in query-term order). A Term/Terms query on TEXT is the `need` = 1 case of Match.
 */
function textTermsNode(scope: Scope, f: Field, terms: string[], need: number, weight: number): QueryNode {
  const slot = new Map(terms.map((t, i) => [t, i]));
  const tf = new Array<number>(terms.length);
  highlight(scope, f, (t) => slot.has(t));
  return {
    score(doc) {
      const vals = doc.values.get(f.path) as TextValue[] | undefined;
      if (!vals || !terms.length) return undefined;
      tf.fill(0);
      let dl = 0;
      let held = 0;
      for (const v of vals) {
        dl += v.terms.length;
        for (const term of v.terms) {
          const i = slot.get(term);
          if (i !== undefined && tf[i]++ === 0) held++;
        }
      }
      if (held < need) return undefined;
      let s = 0;
      for (let i = 0; i < terms.length; i++) if (tf[i]) s += bm25(scope.index, f.path, terms[i], tf[i], dl);
      return s * weight;
    },
    ...termCandidates(scope, f, terms, terms),
  };
}

/**
 * Number of places where `q` occurs as consecutive terms. Dictionary analyzers (min_word / max_word) emit
 * overlapping words, so there "consecutive" means adjacent offsets, found by analyzing the value again.
 */
function phraseCount(f: Field, v: TextValue, q: string[]): number {
  const analyzer = f.def.analyzer;
  if (analyzer !== 'min_word' && analyzer !== 'max_word') {
    let n = 0;
    for (let i = 0; i + q.length <= v.terms.length; i++) if (q.every((t, k) => v.terms[i + k] === t)) n++;
    return n;
  }
  const toks = analyzerOf(f.def).tokens(v.text);
  let n = 0;
  for (let i = 0; i < toks.length; i++) {
    if (toks[i].term !== q[0]) continue;
    let prev = toks[i];
    let ok = true;
    for (let k = 1; k < q.length && ok; k++) {
      const next = toks.find((t) => t.term === q[k] && (t.pos === prev.pos + 1 || t.start === prev.end));
      if (next) prev = next;
      else ok = false;
    }
    if (ok) n++;
  }
  return n;
}

function matchPhraseQuery(scope: Scope, m: any): QueryNode {
  const f = queryField(scope, m.fieldName, 'match phrase query', SCALAR_TYPES);
  const weight = weightOf(m);
  const text = String(m.text ?? '');
  if (f.def.type !== FieldType.TEXT) return termNode(scope, f, [coerce(f.def, { t: 0x03, v: Buffer.from(text) } as never, f.path)], weight);
  const analyzer = analyzerOf(f.def);
  if (analyzer.substring) {
    // The fuzzy analyzer's phrase is a case-folded substring test (spec §3).
    const needle = text.toLowerCase();
    highlight(scope, f, (t) => t === needle);
    return {
      score(doc) {
        const vals = doc.values.get(f.path) as TextValue[] | undefined;
        return vals?.some((v) => v.text.toLowerCase().includes(needle)) ? weight : undefined;
      },
    };
  }
  const q = analyzer.tokens(text).map((t) => t.term);
  const set = new Set(q);
  highlight(scope, f, (t) => set.has(t));
  return {
    score(doc) {
      const vals = doc.values.get(f.path) as TextValue[] | undefined;
      if (!vals || !q.length) return undefined;
      let count = 0;
      let dl = 0;
      for (const v of vals) {
        count += phraseCount(f, v, q);
        dl += v.terms.length;
      }
      if (!count) return undefined;
      return q.reduce((s, t) => s + bm25(scope.index, f.path, t, count, dl), 0) * weight;
    },
    ...termCandidates(scope, f, q.slice(0, 1), q.slice(0, 1)),
  };
}

function termQuery(scope: Scope, m: any): QueryNode {
  const f = queryField(scope, m.fieldName, 'term query', SCALAR_TYPES);
  const v = variant(m.term, 'term');
  if (!v) throw OtsError.param('[term query] term must not be null');
  return termNode(scope, f, [coerce(f.def, v, f.path)], weightOf(m));
}

function termsQuery(scope: Scope, m: any): QueryNode {
  const f = queryField(scope, m.fieldName, 'terms query', SCALAR_TYPES);
  const list: Uint8Array[] = m.terms ?? [];
  if (!list.length) throw OtsError.param('[terms query] terms must not be empty');
  if (list.length > 1024) throw OtsError.param(`[terms query] at most 1024 terms, got ${list.length}`);
  return termNode(scope, f, list.map((t, i) => coerce(f.def, variant(t, `terms[${i}]`)!, f.path)), weightOf(m));
}

function rangeQuery(scope: Scope, m: any): QueryNode {
  const f = queryField(scope, m.fieldName, 'range query', [FieldType.LONG, FieldType.DOUBLE, FieldType.DATE, FieldType.KEYWORD, FieldType.TEXT]);
  const fromV = variant(m.rangeFrom, 'range_from');
  const toV = variant(m.rangeTo, 'range_to');
  const from = fromV && coerce(f.def, fromV, f.path);
  const to = toV && coerce(f.def, toV, f.path);
  const incLower = !!m.includeLower;
  const incUpper = !!m.includeUpper;
  const inRange = (x: Scalar): boolean => {
    if (from !== undefined) {
      const c = compareScalars(x, from);
      if (c < 0 || (c === 0 && !incLower)) return false;
    }
    if (to !== undefined) {
      const c = compareScalars(x, to);
      if (c > 0 || (c === 0 && !incUpper)) return false;
    }
    return true;
  };
  const text = f.def.type === FieldType.TEXT;
  const num = scope.nestedPath ? undefined : scope.index.numberColumn(f.path);
  return {
    score: text ? anyValue<TextValue>(scope, f.path, 1, (v) => v.terms.some(inRange)) : anyValue(scope, f.path, 1, inRange),
    ...(num
      ? {
          testSlot: (slot: number) => {
            const x = num.at[slot];
            return x === x ? inRange(x) : undefined;
          },
        }
      : {}),
    ...(scope.nestedPath || !scope.index.hasSortedColumn(f.path)
      ? {}
      : {
          candidates: () => rangeCandidates(scope, f.path, from, to, incLower, incUpper) ?? [],
          cost: () => rangeCost(scope, f.path, from, to, incLower, incUpper),
          // Bounds found by binary search are exact, so on a one-value-per-document column they are the matches.
          constantScore: () => (scope.index.sortedColumn(f.path)!.multi ? undefined : 1),
          candidateOrder: () => (scope.index.sortedColumn(f.path)!.multi ? undefined : f.path),
        }),
  };
}

/** [start, end) of the sorted column's values within the bounds. */
function rangeBounds(scope: Scope, path: string, from: Scalar | undefined, to: Scalar | undefined, incLower: boolean, incUpper: boolean): [number, number] | undefined {
  const col = scope.index.sortedColumn(path);
  if (!col) return undefined;
  /** The first index whose value is > x (after = true) or >= x. */
  const bound = (x: Scalar, after: boolean) => {
    let lo = 0, hi = col.values.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareScalars(col.values[mid], x);
      if (c < 0 || (after && c === 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return [from === undefined ? 0 : bound(from, !incLower), to === undefined ? col.values.length : bound(to, incUpper)];
}

function rangeCost(scope: Scope, path: string, from: Scalar | undefined, to: Scalar | undefined, incLower: boolean, incUpper: boolean): number {
  const b = rangeBounds(scope, path, from, to, incLower, incUpper);
  return b ? Math.max(0, b[1] - b[0]) : Infinity;
}

/** Documents with a value within the bounds, by binary search over the sorted column. */
function rangeCandidates(scope: Scope, path: string, from: Scalar | undefined, to: Scalar | undefined, incLower: boolean, incUpper: boolean): Iterable<Doc> | undefined {
  const b = rangeBounds(scope, path, from, to, incLower, incUpper);
  if (!b) return undefined;
  const col = scope.index.sortedColumn(path)!;
  if (b[1] <= b[0]) return [];
  return col.multi ? new Set(col.docs.slice(b[0], b[1])) : col.docs.slice(b[0], b[1]);
}

/** Prefix, Suffix and Wildcard: a string test on KEYWORD values or TEXT tokens. */
function stringTest(scope: Scope, m: any, query: string, test: (s: string) => boolean): QueryNode {
  const f = queryField(scope, m.fieldName, query, [FieldType.KEYWORD, FieldType.TEXT]);
  const weight = weightOf(m);
  const text = f.def.type === FieldType.TEXT;
  highlight(scope, f, test);
  return { score: text ? anyValue<TextValue>(scope, f.path, weight, (v) => v.terms.some(test)) : anyValue(scope, f.path, weight, test) };
}

export function wildcardRegExp(pattern: string): RegExp {
  const src = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]');
  return new RegExp(`^${src}$`, 'u');
}

function point(s: unknown, what: string): GeoPoint {
  const p = typeof s === 'string' ? parseGeoPoint(s) : undefined;
  if (!p) throw OtsError.param(`[${what}] invalid geo point [${String(s)}], expect "lat,lon" with lat in [-90, 90] and lon in [-180, 180]`);
  return p;
}

function geoNode(scope: Scope, m: any, query: string, test: (p: GeoPoint) => boolean): QueryNode {
  const f = queryField(scope, m.fieldName, query, [FieldType.GEO_POINT]);
  return { score: anyValue(scope, f.path, 1, test) };
}

export function compileLeaf(scope: Scope, type: number, bytes: Uint8Array | undefined): QueryNode | undefined {
  switch (type) {
    case 1: return matchQuery(scope, body('MatchQuery', bytes));
    case 2: return matchPhraseQuery(scope, body('MatchPhraseQuery', bytes));
    case 3: return termQuery(scope, body('TermQuery', bytes));
    case 15: return termsQuery(scope, body('TermsQuery', bytes));
    case 4: return rangeQuery(scope, body('RangeQuery', bytes));
    case 5: {
      const m = body('PrefixQuery', bytes);
      const prefix = String(m.prefix ?? '');
      if (Buffer.byteLength(prefix) > MAX_PREFIX_BYTES) throw OtsError.param(`length of prefix is longer than ${MAX_PREFIX_BYTES} for the [PREFIX_QUERY] query`);
      return stringTest(scope, m, 'prefix query', (s) => s.startsWith(prefix));
    }
    case 19: {
      // SuffixQuery (Java) has the PrefixQuery layout: 1 field_name, 2 suffix, 3 weight.
      const m = body('PrefixQuery', bytes);
      const suffix = String(m.prefix ?? '');
      return stringTest(scope, m, 'suffix query', (s) => s.endsWith(suffix));
    }
    case 10: {
      const m = body('WildcardQuery', bytes);
      const value = String(m.value ?? '');
      if ([...value].length > MAX_WILDCARD) throw OtsError.param(`length of field value is longer than ${MAX_WILDCARD} for the [WILDCARD_QUERY] query`);
      const re = wildcardRegExp(value);
      return stringTest(scope, m, 'wildcard query', (s) => re.test(s));
    }
    case 16: {
      const m = body('ExistsQuery', bytes);
      const f = queryField(scope, m.fieldName, 'exists query');
      return { score: (doc) => (doc.values.has(f.path) || doc.nested.has(f.path) ? 1 : undefined) };
    }
    case 12: {
      const m = body('GeoBoundingBoxQuery', bytes);
      const tl = point(m.topLeft, 'geo bounding box query');
      const br = point(m.bottomRight, 'geo bounding box query');
      if (tl.lat < br.lat) throw OtsError.param('[geo bounding box query] top_left must be north of bottom_right');
      return geoNode(scope, m, 'geo bounding box query', (p) => inBox(p, tl, br));
    }
    case 13: {
      const m = body('GeoDistanceQuery', bytes);
      const c = point(m.centerPoint, 'geo distance query');
      const d = Number(m.distance);
      if (!(d >= 0)) throw OtsError.param(`[geo distance query] distance must be a non-negative number of metres, got ${m.distance}`);
      return geoNode(scope, m, 'geo distance query', (p) => haversine(c, p) <= d);
    }
    case 14: {
      const m = body('GeoPolygonQuery', bytes);
      const pts: GeoPoint[] = (m.points ?? []).map((s: unknown) => point(s, 'geo polygon query'));
      if (pts.length < 3) throw OtsError.param(`[geo polygon query] a polygon needs at least 3 points, got ${pts.length}`);
      return geoNode(scope, m, 'geo polygon query', (p) => inPolygon(p, pts));
    }
    default:
      return undefined;
  }
}

