/**
 * `repository.search(index, q => …, options)`: a `SearchCall`, awaited for one page, or iterated with `all()`
 * over every match token by token (memory bounded by one page), or `count()`ed (limit 0 with the total).
 * Rows are decoded by the codec like any read; with `columns`, into partial entities.
 */
import { decodeRow } from '../../../codec/row';
import type { ReadRow } from '../../../client/actions';
import type { SearchIndexSchema } from '../../../schema/search-index';
import type { RowTarget } from '../target';
import { QueryError } from '../../../query/errors';
import { searchQueryBuilder, sortBuilder, type NestedItem, type NestedKeys } from '../../../query/search/builder';
import { SearchQuery, Sorter } from '../../../query/search/nodes';
import type { PrimaryKeyNames } from '../../../schema/entity-types';
import { decodeSearchCursor, DEFAULT_SEARCH_LIMIT, encodeSearchCursor, MAX_SEARCH_LIMIT, searchIndexOf, searchParams, type HighlightOptions, type SearchPlan } from './search-params';

/** A matching child of a nested field (inner hits, spec §4 Nested), beside its parent hit. */
export interface InnerHit<C> {
  /** The child: element `offset` of the parent's nested property (undefined when `columns` left it out). */
  item: C | undefined;
  /** Its position in the parent's array. */
  offset: number;
  score: number;
  /** Highlighted fragments by sub-field, with an inner-hits highlight. */
  highlight?: Record<string, string[]>;
}

/** Inner hits by nested path, typed by the index's nested fields. */
export type InnerHitsOf<T, F> = { [K in NestedKeys<F>]?: Array<InnerHit<NestedItem<T, K>>> };

/** One search hit: the item, its relevance score, its highlight and its nested inner hits. */
export interface SearchHit<I, N = Record<string, never>> {
  item: I;
  /**
   * Relevance (BM25 and query weights; spec §4). Meaningful when the query scores and the sort includes
   * `s.score()` (the service sorts by the index order otherwise, spec §5); 0 when the service sent none.
   */
  score: number;
  /** With `highlight`: field → highlighted fragments. */
  highlight?: Record<string, string[]>;
  /** With a nested query's `innerHits`: nested path → its matching children. */
  innerHits?: N;
}

/** One page of search results. */
export interface SearchPage<I, N = Record<string, never>> {
  items: I[];
  /** The same rows as `items`, each with its score, highlight and inner hits. */
  hits: Array<SearchHit<I, N>>;
  /** The number of matches (with `count: true`). */
  total?: number;
  /** Pass as `cursor` for the next page; absent on the last one. */
  cursor?: string;
  /** With `highlight`: per item (same order), field → highlighted fragments. */
  highlights?: Array<Record<string, string[]>>;
}

type SdkHighlight = { highlightFields?: Map<string, { fragments?: string[] }> };
interface SdkHit {
  score?: number;
  nestedDocOffset?: number;
  highlightResultItem?: SdkHighlight;
  searchInnerHits?: Map<string, { subSearchHits?: SdkHit[] }>;
}
interface SdkSearchResult {
  rows?: ReadRow[];
  totalCounts?: unknown;
  nextToken?: Uint8Array | null;
  searchHits?: SdkHit[];
}

/** Highlight fragments by declared key (the service names index fields; `keyOf` maps them back). */
function fragmentsOf(h: SdkHighlight | undefined, keyOf: ReadonlyMap<string, string>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, f] of h?.highlightFields ?? new Map()) out[keyOf.get(name) ?? name] = f.fragments ?? [];
  return out;
}

/** Index field name → declared key, top level and (`path.sub`) nested, per index. */
const keyMaps = new WeakMap<SearchIndexSchema, Map<string, string>>();
function keysOf(index: SearchIndexSchema): Map<string, string> {
  let m = keyMaps.get(index);
  if (!m) {
    m = new Map();
    for (const f of index.fields) {
      m.set(f.name, f.key);
      for (const sub of f.fields ?? []) m.set(`${f.name}.${sub.name}`, sub.key);
    }
    keyMaps.set(index, m);
  }
  return m;
}

export class SearchCall<I, N = Record<string, never>> implements PromiseLike<SearchPage<I, N>> {
  constructor(
    private readonly target: RowTarget<any>,
    private readonly index: SearchIndexSchema,
    private readonly plan: SearchPlan & { cursor?: string },
  ) {}

  private async run(plan: SearchPlan): Promise<SearchPage<I, N>> {
    const { schema, client } = this.target;
    const res = (await client.call('search', searchParams(schema, this.index, plan))) as SdkSearchResult;
    const rows = res.rows ?? [];
    const items = rows.map((r) => decodeRow(schema, r) as I);
    const keyOf = keysOf(this.index);
    const hits = items.map((item, i) => this.hit(item, res.searchHits?.[i], keyOf, !!plan.highlight));
    const page: SearchPage<I, N> = { items, hits };
    if (res.totalCounts !== undefined) page.total = Number(res.totalCounts);
    if (res.nextToken && res.nextToken.length > 0) page.cursor = encodeSearchCursor(schema.tableName, this.index.name, Buffer.from(res.nextToken));
    if (plan.highlight) page.highlights = hits.map((h) => h.highlight!);
    return page;
  }

  private hit(item: I, h: SdkHit | undefined, keyOf: ReadonlyMap<string, string>, highlight: boolean): SearchHit<I, N> {
    const hit: SearchHit<I, N> = { item, score: h?.score ?? 0 };
    if (highlight) hit.highlight = fragmentsOf(h?.highlightResultItem, keyOf);
    if (h?.searchInnerHits?.size) {
      const inner: Record<string, Array<InnerHit<unknown>>> = {};
      for (const [path, ih] of h.searchInnerHits) {
        const key = keyOf.get(path) ?? path;
        const children = (item as Record<string, unknown>)[key];
        inner[key] = (ih.subSearchHits ?? []).map((c) => {
          const offset = c.nestedDocOffset ?? 0;
          const child: InnerHit<unknown> = { item: Array.isArray(children) ? children[offset] : undefined, offset, score: c.score ?? 0 };
          if (c.highlightResultItem?.highlightFields?.size) child.highlight = fragmentsOf(c.highlightResultItem, keyOf);
          return child;
        });
      }
      hit.innerHits = inner as N;
    }
    return hit;
  }

  private resolved(): SearchPlan {
    const { cursor, ...plan } = this.plan;
    return cursor ? { ...plan, token: decodeSearchCursor(this.target.schema.tableName, this.index.name, cursor) } : plan;
  }

  /** One page (what `await` gives). */
  async page(): Promise<SearchPage<I, N>> {
    return this.run(this.resolved());
  }

  then<R1 = SearchPage<I, N>, R2 = never>(onfulfilled?: ((value: SearchPage<I, N>) => R1 | PromiseLike<R1>) | null, onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null): Promise<R1 | R2> {
    return this.page().then(onfulfilled, onrejected);
  }

  /**
   * Every match, page after page by the service's token (spec §6.1: unbounded by the offset limit), from the
   * cursor if one was given. Memory stays bounded by one page (`limit`, default the service's maximum, 100).
   */
  async *all(): AsyncIterableIterator<I> {
    let plan: SearchPlan = { ...this.resolved(), count: false, limit: this.plan.limitGiven ? this.plan.limit : MAX_SEARCH_LIMIT };
    // An index with nested fields has no index sort, and the service returns no token for it unless the request
    // sorts (spec §6.1, observed): sort by the primary key so every match is reached.
    if (!plan.sort?.length && !plan.token && this.index.fields.some((f) => f.type === 'nested')) plan = { ...plan, sort: [{ kind: 'primaryKey', order: 'asc' }] };
    for (;;) {
      const page = await this.run(plan);
      yield* page.items;
      if (!page.cursor || page.items.length === 0) return;
      plan = { ...plan, offset: undefined, token: decodeSearchCursor(this.target.schema.tableName, this.index.name, page.cursor) };
    }
  }

  /** The number of matches (a Search with limit 0 and the total count, spec §6.1/§6.2). */
  async count(): Promise<number> {
    const { cursor: _, ...plan } = this.plan;
    const page = await this.run({ ...plan, limit: 0, offset: 0, count: true, highlight: undefined, sort: undefined });
    return page.total ?? 0;
  }
}

/** Options of `repository.search`. `S` is the sort builder, `K` the index's field keys, `C` the columns asked. */
export interface SearchOptions<T, S, K extends string, C extends string> {
  /** `s => [s.createdAt.desc(), s.score()]`; default the index sort (spec §5). */
  sort?: (s: S) => Array<Sorter<T>>;
  /** Rows per page, 0 to 100 (default 20; `all()` pages by 100 unless given). */
  limit?: number;
  /** Rows to skip (offset + limit ≤ 100,000); prefer the cursor. */
  offset?: number;
  /** The `cursor` of the previous page. */
  cursor?: string;
  /** Also return the number of matches (`total`). */
  count?: boolean;
  /** Properties to return (partial entities, keys always included); default every column. */
  columns?: readonly C[];
  /** Highlight matches in these text fields (declared with `highlight: true`). */
  highlight?: HighlightOptions<K>;
  /** One row per distinct value of this keyword/long/double field (spec §6.4). */
  collapse?: K;
  /** Routing keys: objects holding the index's routing properties (spec §2.5). */
  routing?: ReadonlyArray<Partial<Record<PrimaryKeyNames<T>, unknown>>>;
  timeoutMs?: number;
}

export type { SearchItem } from '../../../query/search/builder';

/** Builds the call (nothing is sent until it is awaited or iterated). */
export function startSearch<I, N>(target: RowTarget<any>, indexName: string, build: (q: any) => SearchQuery<any>, options: SearchOptions<any, any, string, string> = {}): SearchCall<I, N> {
  const index = searchIndexOf(target.schema, indexName);
  const query = build(searchQueryBuilder(target.schema.entityName, index));
  if (!(query instanceof SearchQuery)) {
    throw new QueryError('INVALID_CONDITION', target.schema.entityName, undefined, 'the search callback must return a query built by its builder (q.title.match(…), q.bool(…), …)');
  }
  const sort = options.sort ? options.sort(sortBuilder(target.schema.entityName, index)) : undefined;
  if (sort && (!Array.isArray(sort) || !sort.every((s) => s instanceof Sorter))) {
    throw new QueryError('INVALID_CONDITION', target.schema.entityName, undefined, 'sort must return an array of sorters (s.field.asc(), s.score(), …)');
  }
  return new SearchCall<I, N>(target, index, {
    query: query.node,
    ...(sort ? { sort: sort.map((s) => s.node) } : {}),
    limit: options.limit ?? DEFAULT_SEARCH_LIMIT,
    limitGiven: options.limit !== undefined,
    ...(options.offset !== undefined ? { offset: options.offset } : {}),
    ...(options.cursor !== undefined ? { cursor: options.cursor } : {}),
    ...(options.count ? { count: true } : {}),
    ...(options.columns ? { columns: [...options.columns] } : {}),
    ...(options.highlight ? { highlight: options.highlight } : {}),
    ...(options.collapse !== undefined ? { collapse: options.collapse } : {}),
    ...(options.routing ? { routing: options.routing as object[] } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
}
