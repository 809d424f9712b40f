/**
 * The Search form's two calls, through `client/` like the rest of the studio: DescribeSearchIndex as the
 * fields the form offers, and a Search built from the form (a bool of match / term / range clauses, one field
 * sort, a limit, the total count, highlights for match clauses on highlightable text fields, and an optional
 * group-by-field). Form values arrive as text and are parsed by the field's index type here, so a bad value is
 * a message naming the clause's field, never a request the service (or the SDK's encoder) chokes on.
 */
import type { SdkRow } from '../client/actions';
import type { TableStoreClient } from '../client/client';
import type { CellValue } from '../client/values';
import { fromSdkInt64, isSdkInt64 } from '../codec/sdk-values';
import { HIGHLIGHT_POST, HIGHLIGHT_PRE, type SearchClause, type SearchFieldType, type SearchFieldView, type SearchIndexView, type SearchRequest, type SearchResultView } from './protocol';
import { fromCell, rowView, StudioInputError } from './values';

/** The service's largest Search `limit` (spec §7: at most 100 rows per request). */
export const MAX_SEARCH_ROWS = 100;
export const DEFAULT_SEARCH_ROWS = 20;
/** Clauses per form; a bool query takes up to 1024 sub-queries [decision: a form needs far fewer]. */
export const MAX_SEARCH_CLAUSES = 20;
/** Buckets the group-by chart shows (GroupByField `size`). */
export const GROUP_BY_BUCKETS = 10;

// The SDK's enums (tablestore lib/search.js: QueryType, FieldType, SortOrder, GroupByType, ColumnReturnType).
const QUERY = { match: 1, term: 3, range: 4, bool: 6, matchAll: 11 } as const;
const FIELD_TYPES: Record<number, SearchFieldType> = { 1: 'LONG', 2: 'DOUBLE', 3: 'BOOLEAN', 4: 'KEYWORD', 5: 'TEXT', 6: 'NESTED', 7: 'GEO_POINT', 8: 'DATE', 9: 'VECTOR' };
const SORT_ORDER = { asc: 0, desc: 1 } as const;
const GROUP_BY_FIELD = 1;
const RETURN_ALL = 1;

interface SdkFieldSchema {
  fieldName?: string;
  fieldType?: number;
  isArray?: boolean;
  enableSortAndAgg?: boolean;
  enableHighlighting?: boolean;
}

/** The index's top-level fields as the form offers them. */
export async function describeSearchIndex(client: TableStoreClient, table: unknown, index: unknown): Promise<SearchIndexView> {
  const t = requireName(table, 'table');
  const i = requireName(index, 'index');
  const d = (await client.call('describeSearchIndex', { tableName: t, indexName: i })) as { schema?: { fieldSchemas?: SdkFieldSchema[] } };
  const fields = (d.schema?.fieldSchemas ?? []).map(
    (f): SearchFieldView => ({
      name: String(f.fieldName ?? ''),
      type: FIELD_TYPES[f.fieldType ?? 0] ?? 'UNKNOWN',
      array: !!f.isArray,
      sortable: !!f.enableSortAndAgg,
      highlight: !!f.enableHighlighting,
    }),
  );
  return { table: t, index: i, fields };
}

function requireName(v: unknown, field: string): string {
  if (typeof v !== 'string' || v === '') throw new StudioInputError(`${field}: a name is required`, field);
  return v;
}

/** A form value as the SDK value of a query on a field of this type. */
function termValue(f: SearchFieldView, text: string, label: string): CellValue {
  switch (f.type) {
    case 'LONG':
      return fromCell({ t: 'INTEGER', v: text }, label);
    case 'DOUBLE':
      return fromCell({ t: 'DOUBLE', v: text }, label);
    case 'BOOLEAN':
      return fromCell({ t: 'BOOLEAN', v: text.trim() }, label);
    case 'DATE':
      // A DATE field takes epoch milliseconds or a string in one of its formats (spec §7).
      return /^\s*-?\d+\s*$/.test(text) ? fromCell({ t: 'INTEGER', v: text }, label) : text;
    case 'KEYWORD':
    case 'TEXT':
      return text;
    default:
      throw new StudioInputError(`${label}: the form does not query ${f.type} fields`, f.name);
  }
}

function clauseQuery(c: SearchClause, fields: Map<string, SearchFieldView>, n: number): { queryType: number; query: Record<string, unknown> } {
  const label = `clause ${n} (${typeof c?.field === 'string' && c.field ? c.field : 'no field'})`;
  if (!c || typeof c.field !== 'string' || c.field === '') throw new StudioInputError(`clause ${n}: choose a field`);
  const f = fields.get(c.field);
  if (!f) throw new StudioInputError(`${label}: not a field of the index`, c.field);
  const text = (v: unknown, what: string) => {
    if (v !== undefined && typeof v !== 'string') throw new StudioInputError(`${label}: the ${what} must be text`, c.field);
    return (v as string | undefined) ?? '';
  };
  switch (c.kind) {
    case 'match': {
      if (f.type !== 'TEXT' && f.type !== 'KEYWORD') throw new StudioInputError(`${label}: match takes a TEXT or KEYWORD field, ${c.field} is ${f.type}`, c.field);
      const v = text(c.value, 'text');
      if (v.trim() === '') throw new StudioInputError(`${label}: match needs some text`, c.field);
      return { queryType: QUERY.match, query: { fieldName: c.field, text: v } };
    }
    case 'term': {
      const v = text(c.value, 'value');
      if (v === '') throw new StudioInputError(`${label}: term needs a value`, c.field);
      return { queryType: QUERY.term, query: { fieldName: c.field, term: termValue(f, v, label) } };
    }
    case 'range': {
      const from = text(c.from, 'lower bound').trim();
      const to = text(c.to, 'upper bound').trim();
      if (from === '' && to === '') throw new StudioInputError(`${label}: a range needs a lower or an upper bound`, c.field);
      return {
        queryType: QUERY.range,
        query: {
          fieldName: c.field,
          ...(from !== '' ? { rangeFrom: termValue(f, from, `${label} lower bound`), includeLower: true } : {}),
          ...(to !== '' ? { rangeTo: termValue(f, to, `${label} upper bound`), includeUpper: true } : {}),
        },
      };
    }
    default:
      throw new StudioInputError(`${label}: the kind is match, term or range, got ${JSON.stringify((c as { kind?: unknown }).kind)}`, c.field);
  }
}

const OCCURS = { must: 'mustQueries', must_not: 'mustNotQueries', should: 'shouldQueries' } as const;

/** The SDK's `searchQuery` for the form (exported for its unit checks). */
export function searchQueryOf(req: SearchRequest, index: SearchIndexView): Record<string, unknown> {
  const fields = new Map(index.fields.map((f) => [f.name, f]));
  const clauses = req.clauses ?? [];
  if (!Array.isArray(clauses)) throw new StudioInputError('clauses: a list of match / term / range clauses', 'clauses');
  if (clauses.length > MAX_SEARCH_CLAUSES) throw new StudioInputError(`clauses: at most ${MAX_SEARCH_CLAUSES}, got ${clauses.length}`, 'clauses');
  const limit = req.limit ?? DEFAULT_SEARCH_ROWS;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_ROWS) throw new StudioInputError(`limit: a whole number from 1 to ${MAX_SEARCH_ROWS} (the service's most per Search)`, 'limit');

  // The Node SDK's encoder refuses should clauses without an integer minimumShouldMatch (spec search-index.md,
  // Bool): send the service's own default, 1 when only should clauses are given, else 0.
  const bool: Record<string, Array<{ queryType: number; query: Record<string, unknown> }>> = {};
  clauses.forEach((c, i) => {
    const occur = c?.occur ?? 'must';
    if (!(occur in OCCURS)) throw new StudioInputError(`clause ${i + 1}: occur is must, must_not or should, got ${JSON.stringify(occur)}`, c?.field);
    (bool[OCCURS[occur]] ??= []).push(clauseQuery(c, fields, i + 1));
  });
  const query = clauses.length === 0 ? { queryType: QUERY.matchAll, query: {} } : { queryType: QUERY.bool, query: { ...bool, ...(bool.shouldQueries ? { minimumShouldMatch: bool.mustQueries || bool.mustNotQueries ? 0 : 1 } : {}) } };

  const searchQuery: Record<string, unknown> = { offset: 0, limit, getTotalCount: true, query };
  if (req.sort && req.sort.field) {
    const f = fields.get(req.sort.field);
    if (!f) throw new StudioInputError(`sort: ${req.sort.field} is not a field of the index`, 'sort');
    if (req.sort.order !== 'asc' && req.sort.order !== 'desc') throw new StudioInputError(`sort: the order is asc or desc, got ${JSON.stringify(req.sort.order)}`, 'sort');
    searchQuery.sort = { sorters: [{ fieldSort: { fieldName: f.name, order: SORT_ORDER[req.sort.order] } }] };
  }
  // Highlight the fields match clauses search, when the index allows it (spec §7: enable_highlighting).
  const highlighted = [...new Set(clauses.filter((c) => c.kind === 'match' && c.occur !== 'must_not' && fields.get(c.field)?.highlight).map((c) => c.field))];
  if (highlighted.length) searchQuery.highlight = { highlightParameters: highlighted.map((fieldName) => ({ fieldName, preTag: HIGHLIGHT_PRE, postTag: HIGHLIGHT_POST })) };
  if (req.groupBy) {
    const f = fields.get(req.groupBy);
    if (!f) throw new StudioInputError(`group by: ${req.groupBy} is not a field of the index`, 'groupBy');
    if (f.type !== 'KEYWORD' && f.type !== 'LONG') throw new StudioInputError(`group by: a KEYWORD or LONG field, ${f.name} is ${f.type}`, 'groupBy');
    searchQuery.groupBys = { groupBys: [{ name: 'g', type: GROUP_BY_FIELD, body: { fieldName: f.name, size: GROUP_BY_BUCKETS } }] };
  }
  return searchQuery;
}

const int64Text = (v: unknown) => (isSdkInt64(v) ? fromSdkInt64(v).toString() : String(v ?? '0'));

interface SdkSearchResult {
  rows?: SdkRow[];
  totalCounts?: unknown;
  searchHits?: Array<{ highlightResultItem?: { highlightFields?: Map<string, { fragments?: string[] }> } }>;
  groupBys?: { groupByResults?: Array<{ groupByResult?: { items?: Array<{ key?: unknown; rowCount?: unknown }> } }> };
}

/** Runs the form's search on the index (described first, to parse the values by the fields' types). */
export async function runSearch(client: TableStoreClient, req: SearchRequest): Promise<SearchResultView> {
  const index = await describeSearchIndex(client, req.table, req.index);
  const searchQuery = searchQueryOf(req, index);
  const res = (await client.call('search', { tableName: index.table, indexName: index.index, searchQuery, columnToGet: { returnType: RETURN_ALL } })) as SdkSearchResult;
  const rows = res.rows ?? [];
  const highlights = rows.map((_, i) => {
    const out: Record<string, string[]> = {};
    for (const [field, h] of res.searchHits?.[i]?.highlightResultItem?.highlightFields ?? new Map()) out[field] = h.fragments ?? [];
    return out;
  });
  const items = res.groupBys?.groupByResults?.[0]?.groupByResult?.items;
  return {
    rows: rows.map(rowView),
    total: int64Text(res.totalCounts),
    highlights,
    ...(req.groupBy && items ? { groupBy: { field: req.groupBy, buckets: items.map((it) => ({ key: int64Text(it.key), count: int64Text(it.rowCount) })) } } : {}),
  };
}
