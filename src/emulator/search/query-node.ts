/**
 * What a compiled query is: a predicate that scores a document (undefined = no match), optionally with a
 * candidate set (a superset of the matches, from postings) so that selective queries don't scan, and what
 * it contributes to highlighting. The compiler (query.ts) builds these from the protobuf `Query` tree.
 */
import { OtsError } from '../errors';
import type { Doc } from './document';
import { body, opt } from './message';
import type { SearchIndex } from './search-index';
import { FIELD_TYPE_NAMES, FieldType, resolveField, type FieldDef } from './schema';

export interface QueryNode {
  score(doc: Doc): number | undefined;
  /** A superset of the matching documents (top scope only); absent = every document. */
  candidates?(): Iterable<Doc>;
  /** How many candidates `candidates()` would give, found without building them (Bool picks the cheapest). */
  cost?(): number;
  /** When the candidates are exactly the matches, all with this score: a top-level search may skip `score`. */
  constantScore?(): number | undefined;
  /**
   * The score of a document known to come from `candidates()`: may skip the test the candidates already passed
   * (a Bool's clause that supplied them). Absent = `score`.
   */
  scoreCandidate?(doc: Doc): number | undefined;
  /**
   * The field whose value the candidates come in ascending order of ('' = the row key, i.e. the PK), each
   * candidate holding exactly one value of it; undefined = no order. A search sorted by that field then reads its
   * page off one end instead of sorting every match.
   */
  candidateOrder?(): string | undefined;
  /**
   * Whether the indexed document in slot `slot` matches, read from a number column without the document;
   * undefined = the column can't tell (none or several values): test the document. Top scope only.
   */
  testSlot?(slot: number): boolean | undefined;
}

/** Term matchers per TEXT field, for Highlight (spec §4.1). */
export type Highlights = Map<string, Array<(term: string) => boolean>>;

/** Inner-hits requests met while compiling (NestedQuery.inner_hits), evaluated per returned row. */
export interface InnerHitsRequest {
  path: string;
  node: QueryNode;
  spec: any;
}

export interface Scope {
  index: SearchIndex;
  /** NESTED path the query runs in (inside NestedQuery), undefined at the top. */
  nestedPath?: string;
  /** The request's limit: KNN uses max(top_k, limit) (spec §4). */
  limit: number;
  highlights: Highlights;
  innerHits: InnerHitsRequest[];
}

export interface Field {
  def: FieldDef;
  path: string;
}

/**
 * The queried field: it must exist (spec §4: `field: X does not exist`), be indexed, have an accepted type,
 * and a nested sub-field must be queried inside a NestedQuery on its path (spec §2.4).
 */
export function queryField(scope: Scope, name: unknown, query: string, types?: readonly number[]): Field {
  if (typeof name !== 'string' || !name) throw OtsError.param(`[${query}] field_name must not be empty`);
  const r = resolveField(scope.index.def.fields, name);
  if (!r) throw OtsError.param(`[${query}] field: ${name} does not exist`);
  if (r.parentPath && !(scope.nestedPath && (r.parentPath === scope.nestedPath || r.parentPath.startsWith(`${scope.nestedPath}.`)))) {
    throw OtsError.param(`[${query}] field: ${name} is a nested field, query it inside a NestedQuery with path [${r.parentPath}]`);
  }
  if (r.def.index === false) throw OtsError.param(`[${query}] field: ${name} is not indexed (index=false)`);
  if (types && !types.includes(r.def.type)) {
    throw OtsError.param(`[${query}] field_name:${name} type:${FIELD_TYPE_NAMES[r.def.type]} is invalid, allow [${types.map((t) => FIELD_TYPE_NAMES[t]).join(', ')}]`);
  }
  return { def: r.def, path: name };
}

export { body, opt };

export const SCALAR_TYPES = [FieldType.LONG, FieldType.DOUBLE, FieldType.BOOLEAN, FieldType.KEYWORD, FieldType.TEXT, FieldType.DATE, FieldType.GEO_POINT];

/** The request weight (boost) of a leaf query; absent = 1. */
export function weightOf(m: any): number {
  const w = m && Object.prototype.hasOwnProperty.call(m, 'weight') ? Number(m.weight) : 1;
  if (!(w > 0) || !Number.isFinite(w)) throw OtsError.param(`weight must be a positive number, got ${w}`);
  return w;
}
