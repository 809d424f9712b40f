/**
 * Runs a Search (spec §1, §6): matching (with the index's TTL), total count, aggregations and group-bys over all
 * matches, collapse, sort, offset/limit or token paging, and the rows, scores, highlights and inner hits.
 */
import { OtsError } from '../errors';
import type { Engine } from '../engine/engine';
import type { TableMeta } from '../engine/catalog';
import { decodeRow } from '../model/plainbuffer';
import { decodeMessage, encodeMessage } from '../protocol/proto';
import { runAggregations } from './aggregations';
import type { Doc } from './document';
import { runGroupBys } from './group-by';
import { compileHighlight, highlightDoc, type HighlightSpec } from './highlight';
import { compileQuery } from './query';
import { opt, type QueryNode, type Scope } from './query-node';
import type { SearchHitResult, SearchResult } from './response';
import { allFromIndex, decodeColumns, encodeDocRows, type Columns } from './rows';
import type { SearchIndex } from './search-index';
import { FieldType, type FieldDef } from './schema';
import { compareKey, compareKeys, compileSort, sortableField, type SortKey, type Sorter } from './sort';
import { decodeToken, encodeToken, queryHash } from './token';

export const SEARCH_LIMITS = { defaultLimit: 10, maxLimit: 100, maxLimitFromIndex: 1000, maxOffsetPlusLimit: 100_000 };

export interface Hit {
  doc: Doc;
  score: number;
}

const EVERY_DOC = (): boolean => true;
/** QueryType of a FunctionsScoreQuery (spec §1.2): sorted by score when the request has no sort. */
const QUERY_FUNCTIONS_SCORE = 18;

/** The documents an index serves now: not expired by the index TTL or the table TTL (spec §2.5, §8). */
export function liveDocs(index: SearchIndex, table: TableMeta, now: number): (d: Doc) => boolean {
  const ttls = [index.def.ttl, table.options.timeToLive].filter((t) => t > 0);
  if (!ttls.length) return EVERY_DOC;
  const cutoff = now - Math.min(...ttls) * 1000;
  return (d) => d.ts >= cutoff;
}

/**
 * Every live document the query matches and its score [performance: no object per hit]. `docs` may be the
 * candidates' own array (read only).
 */
export interface Matches {
  docs: readonly Doc[];
  score(i: number): number;
  /** The field the matches ascend by (QueryNode.candidateOrder: '' = the row key), if any. */
  order?: string;
}

export function matchAll(index: SearchIndex, node: QueryNode, live: (d: Doc) => boolean): Matches {
  const docs: Doc[] = [];
  const scores: number[] = [];
  // Filtering keeps the candidates' order.
  const order = node.candidates && node.candidateOrder?.();
  const constant = node.candidates && node.constantScore?.();
  if (constant !== undefined) {
    const candidates = node.candidates!();
    const score = () => constant;
    // Exactly the matches, all live: no copy [performance: a posting's or a range's documents as they are].
    if (live === EVERY_DOC && Array.isArray(candidates)) return { docs: candidates as readonly Doc[], score, order };
    for (const doc of candidates) if (live(doc)) docs.push(doc);
    return { docs, score, order };
  }
  // A document from the candidates may skip the test they already passed (QueryNode.scoreCandidate).
  const scoreOf = node.candidates && node.scoreCandidate ? node.scoreCandidate.bind(node) : node.score.bind(node);
  for (const doc of node.candidates ? node.candidates() : index.docs.values()) {
    if (!live(doc)) continue;
    const score = scoreOf(doc);
    if (score === undefined) continue;
    docs.push(doc);
    scores.push(score);
  }
  return { docs, score: (i) => scores[i], order };
}

const STORED = new WeakMap<FieldDef[], Set<string>>();

/** The fields whose values the index stores (ALL_FROM_INDEX), once per schema [performance: not per search]. */
function storedFields(fields: FieldDef[]): Set<string> {
  let set = STORED.get(fields);
  if (!set) STORED.set(fields, (set = new Set(fields.filter((f) => f.store !== false && !f.virtual).map((f) => f.name))));
  return set;
}

function int(m: any, field: string): number | undefined {
  return m && Object.prototype.hasOwnProperty.call(m, field) && m[field] !== null ? Number(m[field]) : undefined;
}

export interface SearchContext {
  engine: Engine;
  table: TableMeta;
  index: SearchIndex;
  now: number;
}

export function runSearch(ctx: SearchContext, req: any): SearchResult {
  const { index, table, now } = ctx;
  let sq: any;
  try {
    sq = decodeMessage('search.proto.SearchQuery', req.searchQuery ?? new Uint8Array(0));
  } catch {
    throw OtsError.param('failed to parse search_query, please check the request parameter');
  }
  const cols: Columns = decodeColumns(req.columnsToGet);
  const maxLimit = allFromIndex(cols, storedFields(index.def.fields)) ? SEARCH_LIMITS.maxLimitFromIndex : SEARCH_LIMITS.maxLimit;
  const limit = int(sq, 'limit') ?? Math.min(SEARCH_LIMITS.defaultLimit, maxLimit);
  const offset = int(sq, 'offset') ?? 0;
  if (limit < 0) throw OtsError.param(`limit must be non-negative, got ${limit}`);
  if (offset < 0) throw OtsError.param(`offset must be non-negative, got ${offset}`);
  if (limit > maxLimit) throw OtsError.param(`limit is too large: ${limit}, the maximum is ${maxLimit}`);
  const token: Uint8Array | undefined = sq.token && sq.token.length ? sq.token : undefined;
  if (!token && offset + limit > SEARCH_LIMITS.maxOffsetPlusLimit) {
    throw OtsError.param(`offset + limit is too large: ${offset + limit}, the maximum is ${SEARCH_LIMITS.maxOffsetPlusLimit}; page with next_token instead`);
  }
  for (const rv of req.routingValues ?? []) checkRoutingValue(rv, index.def.routing);

  const scope: Scope = { index, limit, highlights: new Map(), innerHits: [] };
  const node = sq.query ? compileQuery(scope, sq.query) : { score: () => 1 };
  const highlight = compileHighlight(index.def.fields, sq.highlight);
  const collapse = sq.collapse?.fieldName ? String(sq.collapse.fieldName) : undefined;
  if (collapse) {
    const f = sortableField(index.def.fields, collapse, 'collapse');
    if (f.isArray || ![FieldType.LONG, FieldType.DOUBLE, FieldType.KEYWORD, FieldType.DATE].includes(f.type as never) || collapse.includes('.')) {
      throw OtsError.param(`collapse field [${collapse}] must be a non-array long, double or keyword field`);
    }
    if (token) throw OtsError.param('collapse can not be used with a token');
  }
  // Only a token read or made needs the query's hash.
  const qh = () => queryHash(sq.query ? encodeMessage('search.proto.Query', sq.query) : undefined, collapse);
  let sortMsg = sq.sort;
  let after: SortKey[] | undefined;
  if (token) {
    const t = decodeToken(token, `${table.name}/${index.def.name}`, qh());
    // The token carries the sort; a request sort beside it is ignored (spec §6.1).
    sortMsg = t.sort ? decodeMessage('search.proto.Sort', Buffer.from(t.sort, 'base64')) : undefined;
    after = t.after;
  }
  const sorters: Sorter[] = compileSort(scope, sortMsg, sq.query?.type === QUERY_FUNCTIONS_SCORE);

  const hits = matchAll(index, node, liveDocs(index, table, now));
  const total = hits.docs.length;
  // Java sends track_total_count (MAX_INT = count, -1 = don't) instead of get_total_count (spec §1.2).
  const track = opt<number>(sq, 'trackTotalCount');
  const wantCount = !!sq.getTotalCount || (track !== undefined && track > 0);
  const aggCtx = () => ({ ...ctx, scope, columns: cols });
  const aggs = sq.aggs ? encodeMessage('search.proto.AggregationsResult', runAggregations(aggCtx(), hits.docs, sq.aggs)) : undefined;
  const groupBys = sq.groupBys ? encodeMessage('search.proto.GroupBysResult', runGroupBys(aggCtx(), hits.docs, sq.groupBys)) : undefined;

  // Sort keys, made on first use. A walk reads the first sorter's key of the hits it passes and keys by hit only
  // those it must order or resume after; a sort keys every hit, in one flat array with hits as indexes into it
  // [performance: no object per hit, and no array sized by the matches (2,000 for bench/search.js's range) for
  // a walk that reads a page of 100].
  const ns = sorters.length;
  const walk = !collapse && hits.order !== undefined && hits.order === sorters[0].field;
  const { key, keysOf } = walk ? keysByHit(hits, sorters) : flatKeys(hits, sorters);
  const byKeys = (a: number, b: number) => {
    for (let j = 0; j < ns; j++) {
      const c = compareKey(sorters[j], key(a, j), key(b, j));
      if (c) return c;
    }
    return 0;
  };
  const past = (i: number) => !after || compareKeys(sorters, keysOf(i), after) > 0;
  const need = (token ? 0 : offset) + limit;
  let order: number[];
  if (walk) {
    // After a token, the hits whose first key sorts before the token's are not past it: skip them by bisection.
    const first = (i: number) => sorters[0].key(hits.docs[i], hits.score(i));
    const skip = after ? firstAtOrAfter(total, sorters[0].desc, (i) => compareKey(sorters[0], first(i), after![0])) : 0;
    order = walkPage(total, sorters[0].desc, need, first, past, byKeys, skip);
  } else {
    order = [];
    for (let i = 0; i < total; i++) if (past(i)) order.push(i);
    // Collapse needs the whole order (groups are found in sort order); a page needs only its first rows.
    order = collapse ? order.sort(byKeys) : smallest(order, need, byKeys);
  }
  if (collapse) {
    const seen = new Set<string>();
    order = order.filter((i) => {
      // Rows missing the field form one group of their own (spec §6.4).
      const v = hits.docs[i].values.get(collapse)?.[0];
      const g = v === undefined ? '\u0000missing' : `v${String(v)}`;
      if (seen.has(g)) return false;
      seen.add(g);
      return true;
    });
  }
  const page = order.slice(token ? 0 : offset, (token ? 0 : offset) + limit).map((i) => ({ doc: hits.docs[i], score: hits.score(i) }));

  const rows = encodeDocRows(ctx.engine, table, page.map((h) => h.doc), cols, now);
  const searchHits = page.map((h) => searchHit(h, scope, highlight));
  // A token iff the page is full; none for an index without index_sort queried without a sort, none with collapse (§6.1, §6.4).
  const unsorted = !sq.sort && !token && !index.def.indexSort.length;
  const full = limit > 0 && page.length === limit;
  const nextToken = full && !collapse && !unsorted
    ? encodeToken({ v: 1, index: `${table.name}/${index.def.name}`, query: qh(), sort: sortMsg ? encodeMessage('search.proto.Sort', sortMsg).toString('base64') : '', after: keysOf(order[(token ? 0 : offset) + page.length - 1]) })
    : undefined;
  return {
    totalHits: !wantCount ? -1 : track !== undefined && track > 0 && !sq.getTotalCount ? Math.min(total, track) : total,
    rows,
    isAllSucceeded: true,
    searchHits,
    ...(nextToken ? { nextToken } : {}),
    ...(aggs ? { aggs } : {}),
    ...(groupBys ? { groupBys } : {}),
    consumed: { capacityUnit: { read: Math.max(1, rows.length), write: 0 } },
  };
}

/** Hit `i`'s key for sorter `j`, and all its keys (an array the caller may keep). */
interface HitKeys {
  key(i: number, j: number): SortKey;
  keysOf(i: number): SortKey[];
}

/** Sort keys kept by hit: for the few hits a walk reads. */
function keysByHit(hits: Matches, sorters: Sorter[]): HitKeys {
  const byHit = new Map<number, SortKey[]>();
  const keysOf = (i: number) => {
    let k = byHit.get(i);
    if (!k) byHit.set(i, (k = sorters.map((s) => s.key(hits.docs[i], hits.score(i)))));
    return k;
  };
  return { keysOf, key: (i, j) => keysOf(i)[j] };
}

/** Sort keys in one flat array, hits as indexes into it: for a sort, which keys every hit. */
function flatKeys(hits: Matches, sorters: Sorter[]): HitKeys {
  const ns = sorters.length;
  const keys = new Array<SortKey>(hits.docs.length * ns);
  const keyed = new Uint8Array(hits.docs.length);
  const key = (i: number, j: number): SortKey => {
    if (!keyed[i]) {
      for (let x = 0; x < ns; x++) keys[i * ns + x] = sorters[x].key(hits.docs[i], hits.score(i));
      keyed[i] = 1;
    }
    return keys[i * ns + j];
  };
  return { key, keysOf: (i) => (key(i, 0), keys.slice(i * ns, i * ns + ns)) };
}

/**
 * The first `need` hits in sort order when the hits already ascend by the first sorter's key: read from the front
 * (ASC) or the back (DESC), one run of equal first keys at a time, each run ordered by all the sorters
 * [performance: a page of 100 costs ~100 keys instead of a key and a comparison per match]. `skip`: hits to
 * pass over first, in reading order (those before a token's position).
 */
function walkPage(total: number, desc: boolean, need: number, first: (i: number) => SortKey, past: (i: number) => boolean, cmp: (a: number, b: number) => number, skip = 0): number[] {
  const out: number[] = [];
  const step = desc ? -1 : 1;
  let i = desc ? total - 1 - skip : skip;
  const inside = () => i >= 0 && i < total;
  let k = inside() ? first(i) : null;
  while (out.length < need && inside()) {
    // One run of equal first keys, each hit's first key read once [performance: no array per run].
    const start = out.length;
    const run = k;
    do {
      if (past(i)) out.push(i);
      i += step;
    } while (inside() && (k = first(i)) === run);
    if (out.length - start > 1) out.push(...out.splice(start).sort(cmp));
  }
  if (out.length > need) out.length = need;
  return out;
}

/**
 * How many hits, in the reading order of walkPage, come before the first whose `vs` (its first key against the
 * token's) is ≥ 0. The reading order ascends by that key, so bisection finds it [performance: the page after a
 * token costs log n keys, not one per earlier hit; token paging through 200,000 matches was quadratic].
 */
function firstAtOrAfter(total: number, desc: boolean, vs: (i: number) => number): number {
  let lo = 0;
  let hi = total;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (vs(desc ? total - 1 - mid : mid) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The k smallest items in order: a full sort when k is a good part of n, else one pass keeping a sorted window
 * [performance: a page of 100 out of 100,000 hits costs n·log k comparisons instead of n·log n].
 */
export function smallest<T>(items: T[], k: number, cmp: (a: T, b: T) => number): T[] {
  if (k <= 0) return [];
  if (k * 8 >= items.length) return items.sort(cmp).slice(0, k);
  const out: T[] = [];
  for (const it of items) {
    if (out.length === k && cmp(it, out[k - 1]) >= 0) continue;
    if (out.length && cmp(it, out[0]) < 0) {
      // Input in reverse order (a DESC sort over an ascending range) lands here: no search needed.
      out.unshift(it);
      if (out.length > k) out.pop();
      continue;
    }
    let lo = 0, hi = out.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp(out[mid], it) <= 0) lo = mid + 1;
      else hi = mid;
    }
    out.splice(lo, 0, it);
    if (out.length > k) out.pop();
  }
  return out;
}

function searchHit(h: Hit, scope: Scope, highlight: HighlightSpec | undefined): SearchHitResult {
  const hit: SearchHitResult = { score: h.score, highlightResult: highlightDoc(h.doc, highlight, scope.highlights) };
  if (scope.innerHits.length) hit.searchInnerHits = scope.innerHits.map((ih) => innerHits(h.doc, ih, scope, highlight));
  return hit;
}

function innerHits(doc: Doc, ih: Scope['innerHits'][number], scope: Scope, parentHighlight: HighlightSpec | undefined): object {
  const kids = doc.nested.get(ih.path) ?? [];
  const matched: Hit[] = [];
  for (const k of kids) {
    const s = ih.node.score(k);
    if (s !== undefined) matched.push({ doc: k, score: s });
  }
  const sorters = ih.spec.sort ? compileSort({ ...scope, nestedPath: ih.path }, ih.spec.sort) : undefined;
  if (sorters) {
    const keyed = matched.map((h) => ({ h, k: sorters.map((s) => s.key(h.doc, h.score)) }));
    keyed.sort((a, b) => compareKeys(sorters, a.k, b.k));
    matched.splice(0, matched.length, ...keyed.map((x) => x.h));
  } else matched.sort((a, b) => (a.doc.offset ?? 0) - (b.doc.offset ?? 0));
  const offset = int(ih.spec, 'offset') ?? 0;
  const limit = int(ih.spec, 'limit') ?? 3;
  const hl = ih.spec.highlight ? compileHighlight(scope.index.def.fields, ih.spec.highlight) : parentHighlight;
  return {
    path: ih.path,
    searchHits: matched.slice(offset, offset + limit).map((h) => ({
      score: h.score,
      highlightResult: highlightDoc(h.doc, hl, scope.highlights),
      nestedDocOffset: h.doc.offset ?? 0,
    })),
  };
}

/** Routing values are PlainBuffer rows of the routing PK columns; with one shard they don't filter (spec §2.5). */
function checkRoutingValue(rv: Uint8Array, routing: string[]): void {
  let row;
  try {
    row = decodeRow(Buffer.from(rv));
  } catch {
    throw OtsError.param('invalid routing value: not a PlainBuffer row');
  }
  const names = row.pk.map((c) => c.name);
  const want = routing.length ? routing : undefined;
  if (want && (names.length !== want.length || names.some((n, i) => n !== want[i]))) {
    throw OtsError.param(`routing value columns [${names.join(', ')}] do not match the routing fields [${want.join(', ')}]`);
  }
}
