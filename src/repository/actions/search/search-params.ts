/**
 * The Search request of `repository.search(…)`, built without a server: the compiled query, sort, paging
 * (offset/limit or the token behind a cursor), the total count, highlight, collapse, routing and
 * ColumnsToGet (by default the entity's own columns; spec §6.3: absent would return the key only).
 */
import { encodeFieldValue } from '../../../codec/value';
import { QueryError } from '../../../query/errors';
import { compileHighlight, compileSearchQuery, compileSort, TOP, type SearchContext } from '../../../query/search/compile';
import type { HighlightNode, SearchNode, SortNode } from '../../../query/search/nodes';
import type { SearchIndexSchema } from '../../../schema/search-index';
import type { TableSchema } from '../../../schema/types';
import { InvalidCursorError, RepositoryUsageError } from '../../errors';

/** The service's largest Search `limit` when columns come from the table (spec §2.6). */
export const MAX_SEARCH_LIMIT = 100;
/** [decision] A page of 20 when no limit is given (the service's own default is unspecified, spec §6.1). */
export const DEFAULT_SEARCH_LIMIT = 20;
/** Spec §2.6: offset + limit ≤ 100,000. */
const MAX_OFFSET_PLUS_LIMIT = 100_000;
// ColumnReturnType (tablestore lib/search.js).
const RETURN_SPECIFIED = 2;
const RETURN_NONE = 3;

/** Highlight (TEXT fields declared with `highlight: true`, spec §2.1 field 14, §4.1). */
export interface HighlightOptions<K extends string = string> extends Omit<HighlightNode, 'fields'> {
  fields: readonly K[];
}

/** What the compiled search needs, resolved from the options by the repository. */
export interface SearchPlan {
  readonly query: SearchNode;
  readonly sort?: readonly SortNode[];
  readonly limit: number;
  /** Whether the caller chose the limit (`all()` otherwise pages by the maximum). */
  readonly limitGiven?: boolean;
  readonly offset?: number;
  readonly token?: Buffer;
  readonly count?: boolean;
  /** Entity properties to return; every column when absent. */
  readonly columns?: readonly string[];
  readonly highlight?: HighlightOptions;
  readonly collapse?: string;
  readonly routing?: readonly object[];
  readonly timeoutMs?: number;
}

export function searchIndexOf(schema: TableSchema, name: string): SearchIndexSchema {
  const ix = schema.searchIndexes.find((i) => i.name === name);
  if (!ix) throw new RepositoryUsageError('UNKNOWN_INDEX', schema.entityName, undefined, `declares no search index named '${name}' (@SearchIndex)`);
  return ix;
}

/** [performance] The default ColumnsToGet (every column) of each schema, built once: the SDK only reads it. */
const allColumns = new WeakMap<TableSchema, Record<string, unknown>>();

/** ColumnsToGet of a search: the asked properties' stored names (default every column), keys come anyway. */
export function columnsToGet(schema: TableSchema, columns: readonly string[] | undefined): Record<string, unknown> {
  if (columns) return columnsOf(schema, columns);
  let all = allColumns.get(schema);
  if (!all) allColumns.set(schema, (all = columnsOf(schema, schema.columns.map((c) => c.property))));
  return all;
}

/**
 * `entity` reduced to the asked properties and the key (the request read a union of several asks, as TopRows of
 * one request share its ColumnsToGet); unchanged without `columns`.
 */
export function pickColumns<E extends object>(schema: TableSchema, entity: E, columns: readonly string[] | undefined): E {
  if (!columns) return entity;
  const keep = new Set([...columns, ...schema.primaryKeys.map((k) => k.property)]);
  for (const p of Object.keys(entity)) if (!keep.has(p)) delete (entity as Record<string, unknown>)[p];
  return entity;
}

function columnsOf(schema: TableSchema, columns: readonly string[]): Record<string, unknown> {
  const names = columns.flatMap((p) => {
    const f = schema.byProperty[p];
    if (!f) throw new QueryError('UNKNOWN_PROPERTY', schema.entityName, p, `'${p}' is not a mapped property of ${schema.entityName}`);
    // Keys come with every row (spec §6.3); asking for them again is harmless but pointless.
    return f.kind === 'primaryKey' ? [] : [f.name];
  });
  return names.length ? { returnType: RETURN_SPECIFIED, returnNames: names } : { returnType: RETURN_NONE };
}

/** Each routing key as the row of the index's routing columns (spec §2.5: PlainBuffer PK rows of those columns). */
function routingValues(schema: TableSchema, index: SearchIndexSchema, keys: readonly object[]): unknown[] {
  if (index.routing.length === 0) throw new RepositoryUsageError('INVALID_OPTION', schema.entityName, undefined, `search index '${index.name}' declares no routing fields`);
  return keys.map((key) =>
    index.routing.map((name) => {
      const f = schema.byName[name];
      const v = (key as Record<string, unknown>)[f.property];
      if (v === undefined || v === null) throw new RepositoryUsageError('INVALID_OPTION', schema.entityName, f.property, `a routing key needs the routing field '${f.property}'`);
      return { [name]: encodeFieldValue(schema, f, v) };
    }),
  );
}

/** The SDK's Search parameters. */
export function searchParams(schema: TableSchema, index: SearchIndexSchema, plan: SearchPlan): Record<string, unknown> {
  const ctx: SearchContext = { schema, index };
  const { limit } = plan;
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_SEARCH_LIMIT) {
    throw new RepositoryUsageError('INVALID_OPTION', schema.entityName, undefined, `search limit must be an integer from 0 to ${MAX_SEARCH_LIMIT} (spec §2.6), got ${String(limit)}`);
  }
  const offset = plan.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0 || offset + limit > MAX_OFFSET_PLUS_LIMIT) {
    throw new RepositoryUsageError('INVALID_OPTION', schema.entityName, undefined, `offset must be a non-negative integer with offset + limit ≤ ${MAX_OFFSET_PLUS_LIMIT} (spec §2.6); page further with the cursor`);
  }
  if (plan.token && plan.offset) throw new RepositoryUsageError('INVALID_OPTION', schema.entityName, undefined, 'a cursor continues where its page ended: give either cursor or offset');
  if (plan.collapse !== undefined && plan.token) throw new RepositoryUsageError('INVALID_OPTION', schema.entityName, undefined, 'collapse cannot be paged with a cursor (spec §6.4): use offset');
  const searchQuery: Record<string, unknown> = {
    offset,
    limit,
    query: compileSearchQuery(ctx, plan.query),
    getTotalCount: !!plan.count,
  };
  // The token carries the sort (spec §6.1: Java and Go clear the sort when a token is set); sending both only
  // invites a mismatch.
  if (plan.token) searchQuery.token = plan.token;
  else if (plan.sort?.length) searchQuery.sort = compileSort(ctx, plan.sort);
  if (plan.highlight) searchQuery.highlight = compileHighlight(ctx, TOP(ctx), plan.highlight);
  if (plan.collapse !== undefined) {
    const f = index.byKey[plan.collapse];
    if (!f || !['keyword', 'long', 'double'].includes(f.type) || f.array) {
      throw new QueryError('UNSUPPORTED_COMPARISON', schema.entityName, plan.collapse, 'collapse takes a keyword, long or double field that is not an array (spec §6.4)');
    }
    searchQuery.collapse = { fieldName: f.name };
  }
  return {
    tableName: schema.tableName,
    indexName: index.name,
    searchQuery,
    columnToGet: columnsToGet(schema, plan.columns),
    ...(plan.routing ? { routingValues: routingValues(schema, index, plan.routing) } : {}),
    ...(plan.timeoutMs !== undefined ? { timeoutMs: plan.timeoutMs } : {}),
  };
}

/** An opaque cursor: the service's token, bound to the table and the index. */
export function encodeSearchCursor(table: string, index: string, token: Buffer): string {
  return Buffer.from(JSON.stringify({ t: table, s: index, k: token.toString('base64') })).toString('base64url');
}

export function decodeSearchCursor(table: string, index: string, cursor: string): Buffer {
  let parsed: { t?: unknown; s?: unknown; k?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('the cursor is not one tsorm produced');
  }
  if (parsed.t !== table || parsed.s !== index || typeof parsed.k !== 'string') throw new InvalidCursorError(`the cursor does not belong to search index ${table}.${index}`);
  return Buffer.from(parsed.k, 'base64');
}
