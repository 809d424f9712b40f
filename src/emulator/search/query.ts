/**
 * The one query compiler (spec §4, §12): the protobuf `Query{type, bytes}` tree becomes QueryNodes. Leaf
 * queries are in query-leaf.ts, score functions in functions.ts; this file holds the compound queries
 * (Bool, ConstScore, FunctionScore, FunctionsScore, Nested), MatchAll and KnnVector, and the evaluation of a
 * whole query over an index.
 */
import { OtsError } from '../errors';
import type { Doc, FieldValue } from './document';
import { compileFunctions } from './functions';
import { compileLeaf } from './query-leaf';
import { body, opt, queryField, weightOf, type QueryNode, type Scope } from './query-node';
import { FieldType } from './schema';
import type { SearchIndex } from './search-index';

const MAX_BOOL_CLAUSES = 1024;
const MAX_KNN_TOP_K = 1000;

export function compileQuery(scope: Scope, q: any): QueryNode {
  if (!q) throw OtsError.param('query must not be null');
  const type = Number(q.type);
  const leaf = compileLeaf(scope, type, q.query);
  if (leaf) return leaf;
  switch (type) {
    case 11: return { score: () => 1 };
    case 6: return boolQuery(scope, body('BoolQuery', q.query));
    case 7: {
      const m = body('ConstScoreQuery', q.query);
      const inner = compileQuery(scope, m.filter);
      return { score: (d) => (inner.score(d) === undefined ? undefined : 1), candidates: inner.candidates, cost: inner.cost, candidateOrder: inner.candidateOrder };
    }
    case 8: {
      const m = body('FunctionScoreQuery', q.query);
      const inner = compileQuery(scope, m.query);
      const name = m.fieldValueFactor?.fieldName;
      if (!name) throw OtsError.param('[function score query] field_value_factor.field_name must not be empty');
      const f = queryField(scope, name, 'function score query', [FieldType.LONG, FieldType.DOUBLE]);
      // ES field_value_factor, factor 1, no modifier; a row without the field scores 0 [inferred].
      return {
        score(d) {
          const s = inner.score(d);
          if (s === undefined) return undefined;
          const v = d.values.get(f.path)?.[0];
          return typeof v === 'number' ? s * v : 0;
        },
        candidates: inner.candidates,
        cost: inner.cost,
      };
    }
    case 18: {
      const m = body('FunctionsScoreQuery', q.query);
      return compileFunctions(scope, m, compileQuery(scope, m.query));
    }
    case 9: return nestedQuery(scope, body('NestedQuery', q.query));
    case 17: return knnQuery(scope, body('KnnVectorQuery', q.query));
    default:
      throw OtsError.param(`unknown query type: ${q.type}`);
  }
}

function boolQuery(scope: Scope, m: any): QueryNode {
  const list = (xs: any[] | undefined) => (xs ?? []).map((x) => compileQuery(scope, x));
  const must = list(m.mustQueries);
  const mustNot = list(m.mustNotQueries);
  const filter = list(m.filterQueries);
  const should = list(m.shouldQueries);
  const total = must.length + mustNot.length + filter.length + should.length;
  if (total > MAX_BOOL_CLAUSES) throw OtsError.param(`[bool query] too many clauses: ${total} > ${MAX_BOOL_CLAUSES}`);
  const sent = Object.prototype.hasOwnProperty.call(m, 'minimumShouldMatch');
  // msm absent: 1 when only should clauses, else 0 (ES, spec §4 inferred).
  const msm = sent ? Number(m.minimumShouldMatch) : must.length || filter.length || mustNot.length ? 0 : should.length ? 1 : 0;
  if (sent && (msm < 0 || msm > should.length)) {
    throw OtsError.param(`[bool query] minimum_should_match ${msm} must be in [0, ${should.length}] (the number of should queries)`);
  }
  const required = [...must, ...filter];
  /**
   * The score, `known` being a clause the document is known to match with score `knownScore` (or none), testing
   * the filter clauses `filters` (all, or those the candidates were not already narrowed by).
   */
  const scoreWith = (d: Doc, known: QueryNode | undefined, knownScore: number, filters: QueryNode[]): number | undefined => {
    let s = 0;
    for (let i = 0; i < must.length; i++) {
      const x = must[i] === known ? knownScore : must[i].score(d);
      if (x === undefined) return undefined;
      s += x;
    }
    for (let i = 0; i < filters.length; i++) if (filters[i] !== known && filters[i].score(d) === undefined) return undefined;
    for (let i = 0; i < mustNot.length; i++) if (mustNot[i].score(d) !== undefined) return undefined;
    let hits = 0;
    for (let i = 0; i < should.length; i++) {
      const x = should[i].score(d);
      if (x !== undefined) {
        hits++;
        s += x;
      }
    }
    return hits < msm ? undefined : s;
  };
  const { supplier, cheapest, ...candidates } = boolCandidates(scope.index, required, filter, msm > 0 && !required.length ? should : []);
  return {
    score: (d) => scoreWith(d, undefined, 0, filter),
    ...candidates,
    // The clause that supplied the candidates, when its candidates are exactly its matches, is not tested again,
    // nor the filters they were narrowed by [performance: a Bool's must term query re-checked every document of
    // its own posting].
    scoreCandidate(d) {
      const c = supplier.current;
      return c ? scoreWith(d, c.node, c.score, NO_CLAUSES) : scoreWith(d, undefined, 0, filter);
    },
    // Only required clauses, the cheapest exact and the others filters (which do not score): the narrowed
    // candidates are exactly the matches, all scoring the cheapest clause's score when it is a must (else 0).
    constantScore() {
      if (!cheapest || mustNot.length || should.length) return undefined;
      const c = cheapest();
      const k = c.constantScore?.();
      if (k === undefined || must.some((q) => q !== c)) return undefined;
      return must.length ? k : 0;
    },
  };
}

const NO_CLAUSES: QueryNode[] = [];

/**
 * The documents matching filter `q`, in order. A list whose slots the index knows is tested by slot where `q`
 * can (QueryNode.testSlot), and the kept list's slots are recorded for the next filter and the group-bys
 * [performance: SearchIndex.listSlots].
 */
function narrow(index: SearchIndex, docs: Iterable<Doc>, q: QueryNode): Doc[] {
  const kept: Doc[] = [];
  const slots = Array.isArray(docs) ? index.slotsOf(docs) : undefined;
  if (!slots || !q.testSlot) {
    for (const d of docs) if (q.score(d) !== undefined) kept.push(d);
    return kept;
  }
  const list = docs as readonly Doc[];
  const keptSlots = new Int32Array(slots.length);
  for (let i = 0; i < slots.length; i++) {
    const t = slots[i] >= 0 ? q.testSlot(slots[i]) : undefined;
    if (t === false || (t === undefined && q.score(list[i]) === undefined)) continue;
    keptSlots[kept.length] = slots[i];
    kept.push(list[i]);
  }
  index.keepSlots(kept, keptSlots.subarray(0, kept.length));
  return kept;
}

/**
 * Candidates of a Bool: those of its cheapest required clause - when exactly its matches, narrowed by every other
 * filter clause in one pass each; with no required clause, the union of the should clauses when at least one
 * must match. Otherwise none (every document is scored).
 */
function boolCandidates(index: SearchIndex, required: QueryNode[], filter: QueryNode[], should: QueryNode[]): Pick<QueryNode, 'candidates' | 'cost' | 'candidateOrder'> & { supplier: { current?: { node: QueryNode; score: number } }; cheapest?: () => QueryNode } {
  const costed = required.filter((q) => q.cost && q.candidates);
  if (costed.length) {
    const cheapest = () => costed.reduce((a, b) => (b.cost!() < a.cost!() ? b : a));
    /**
     * The required clause whose candidates `candidates()` last gave, when they are exactly its matches (then
     * narrowed by the other filter clauses), and their score (the index does not change during a search).
     */
    const supplier: { current?: { node: QueryNode; score: number } } = {};
    return {
      supplier,
      cheapest,
      cost: () => Math.min(...costed.map((q) => q.cost!())),
      candidates: () => {
        const node = cheapest();
        const score = node.constantScore?.();
        supplier.current = score === undefined ? undefined : { node, score };
        if (score === undefined) return node.candidates!();
        // [performance] one tight loop per filter instead of every clause per document; order kept.
        let docs: Iterable<Doc> = node.candidates!();
        for (const q of filter) {
          if (q !== node) docs = narrow(index, docs, q);
        }
        return docs;
      },
      candidateOrder: () => cheapest().candidateOrder?.(),
    };
  }
  const none = { supplier: {} };
  if (!should.length || !should.every((q) => q.cost && q.candidates)) return none;
  return {
    ...none,
    cost: () => should.reduce((n, q) => n + q.cost!(), 0),
    candidates: () => {
      const out = new Set<Doc>();
      for (const q of should) for (const d of q.candidates!()) out.add(d);
      return out;
    },
  };
}

const SCORE_MODES: Record<number, (xs: number[]) => number> = {
  1: () => 0,
  2: (xs) => xs.reduce((a, b) => a + b, 0) / xs.length,
  3: (xs) => Math.max(...xs),
  4: (xs) => xs.reduce((a, b) => a + b, 0),
  5: (xs) => Math.min(...xs),
};

function nestedQuery(scope: Scope, m: any): QueryNode {
  const path = String(m.path ?? '');
  const f = queryField(scope, path, 'nested query', [FieldType.NESTED]);
  const inner = compileQuery({ ...scope, nestedPath: f.path }, m.query);
  // Score mode: absent = AVG (the Node SDK's default; Python sends NONE explicitly).
  const mode = SCORE_MODES[opt(m, 'scoreMode') ?? 2];
  if (!mode) throw OtsError.param(`[nested query] invalid score_mode ${m.scoreMode}`);
  const weight = weightOf(m);
  const node: QueryNode = {
    score(d) {
      const kids = d.nested.get(f.path);
      if (!kids) return undefined;
      const scores: number[] = [];
      for (const k of kids) {
        const s = inner.score(k);
        if (s !== undefined) scores.push(s);
      }
      return scores.length ? mode(scores) * weight : undefined;
    },
  };
  if (opt(m, 'innerHits')) scope.innerHits.push({ path: f.path, node: inner, spec: m.innerHits });
  return node;
}

function vectorScore(metric: number, a: number[], b: number[]): number {
  let dot = 0, na = 0, nb = 0, d2 = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
    d2 += (a[i] - b[i]) ** 2;
  }
  // The scores Lucene's vector similarities give (all in (0, 1], higher is nearer) [inferred].
  if (metric === 1) return (1 + dot / (Math.sqrt(na * nb) || 1)) / 2;
  if (metric === 2) return dot < 0 ? 1 / (1 - dot) : dot + 1;
  return 1 / (1 + d2);
}

function knnQuery(scope: Scope, m: any): QueryNode {
  const f = queryField(scope, m.fieldName, 'knn vector query', [FieldType.VECTOR]);
  const vector: number[] = (m.float32QueryVector ?? []).map(Number);
  const dim = f.def.vector!.dimension;
  if (vector.length !== dim) throw OtsError.param(`[knn vector query] the query vector has ${vector.length} dimensions, field [${f.path}] has ${dim}`);
  const topK = Number(opt(m, 'topK') ?? 0);
  if (!(topK >= 1 && topK <= MAX_KNN_TOP_K)) throw OtsError.param(`[knn vector query] top_k must be in [1, ${MAX_KNN_TOP_K}], got ${m.topK}`);
  const filter = opt(m, 'filter') ? compileQuery(scope, m.filter) : undefined;
  const weight = weightOf(m);
  // Exact nearest neighbours; top_k < limit means limit is used (spec §4).
  const k = Math.max(topK, scope.limit);
  let top: Map<Doc, number> | undefined;
  const nearest = (): Map<Doc, number> => {
    if (top) return top;
    const scored: Array<[Doc, number]> = [];
    for (const d of filter?.candidates ? filter.candidates() : scope.index.docs.values()) {
      const v = d.values.get(f.path)?.[0] as FieldValue as number[] | undefined;
      if (!v || (filter && filter.score(d) === undefined)) continue;
      scored.push([d, vectorScore(f.def.vector!.metric, vector, v) * weight]);
    }
    scored.sort((a, b) => b[1] - a[1] || (a[0].key < b[0].key ? -1 : 1));
    return (top = new Map(scored.slice(0, k)));
  };
  return { score: (d) => nearest().get(d), candidates: () => nearest().keys(), cost: () => nearest().size };
}
