/**
 * `repository.aggregate(index, q => …, a => ({ … }))`: one Search with limit 0 carrying the aggregations and
 * group-bys (spec §7: computed over every match, independent of paging), whose results are read back by name
 * into the shape the request's types promise. `compositeBuckets` pages one composite group-by by its own token.
 */
import type { ReadRow } from '../../../client/actions';
import { decodeRow } from '../../../codec/row';
import { QueryError } from '../../../query/errors';
import { Agg, aggBuilder, type AggNode } from '../../../query/search/aggregations';
import { searchQueryBuilder } from '../../../query/search/builder';
import { compileSearchQuery } from '../../../query/search/compile';
import { compileAggregations } from '../../../query/search/compile-aggregations';
import { SearchQuery } from '../../../query/search/nodes';
import type { SearchIndexSchema } from '../../../schema/search-index';
import type { TableSchema } from '../../../schema/types';
import type { RowTarget } from '../target';
import { columnsToGet, pickColumns, searchIndexOf } from './search-params';
import { sdkNumber } from '../../../client/values';

type Named = Array<{ name?: string; aggResult?: any; groupByResult?: any }>;
interface SdkAggResults {
  aggs?: { aggResults?: Named };
  groupBys?: { groupByResults?: Named };
}

// ColumnReturnType NONE (tablestore lib/search.js): no row is read unless a TopRows asks for one.
const RETURN_NONE = { returnType: 3 };
const finite = (name: 'from' | 'to', v: unknown) => {
  const n = sdkNumber(v);
  return Number.isFinite(n) ? { [name]: n } : {};
};
const latLon = (p: { lat?: unknown; lon?: unknown } | undefined) => ({ lat: sdkNumber(p?.lat ?? 0), lon: sdkNumber(p?.lon ?? 0) });

function decode(schema: TableSchema, nodes: Readonly<Record<string, AggNode>>, res: SdkAggResults | undefined): Record<string, unknown> {
  const aggs = new Map((res?.aggs?.aggResults ?? []).map((r) => [r.name, r.aggResult]));
  const groups = new Map((res?.groupBys?.groupByResults ?? []).map((r) => [r.name, r.groupByResult]));
  const out: Record<string, unknown> = {};
  for (const [name, n] of Object.entries(nodes)) {
    if (n.kind === 'metric') {
      // protobufjs keeps an absent field's default on the prototype: only an own `value` was sent.
      const r = aggs.get(name);
      const v = r && Object.prototype.hasOwnProperty.call(r, 'value') ? sdkNumber(r.value) : undefined;
      if (n.type === 'count' || n.type === 'distinctCount') out[name] = v ?? 0;
      // An empty set has no average, minimum…: the value is left out (or a non-finite filler): undefined.
      else out[name] = v !== undefined && Number.isFinite(v) ? v : undefined;
      continue;
    }
    if (n.kind === 'percentiles') {
      out[name] = ((aggs.get(name)?.items ?? []) as Array<{ item: { key: unknown; value: unknown } }>).map(({ item }) => ({ percent: sdkNumber(item.key), value: sdkNumber(item.value) }));
      continue;
    }
    if (n.kind === 'topRows') {
      out[name] = ((aggs.get(name)?.rows ?? []) as ReadRow[]).map((row) => pickColumns(schema, decodeRow(schema, row), n.columns));
      continue;
    }
    const result = groups.get(name);
    const items = (result?.items ?? []) as Array<Record<string, any>>;
    const bucket = (it: Record<string, any>, fields: object) => ({ ...fields, ...decode(schema, n.subs, { aggs: it.subAggsResult, groupBys: it.subGroupBysResult }) });
    switch (n.kind) {
      case 'groupByField':
        out[name] = items.map((it) => bucket(it, { key: String(it.key), count: sdkNumber(it.rowCount) }));
        break;
      case 'histogram':
        out[name] = items.map((it) => bucket(it, { key: sdkNumber(it.key), count: sdkNumber(it.value) }));
        break;
      case 'dateHistogram':
        out[name] = items.map((it) => bucket(it, { key: new Date(sdkNumber(it.timeStamp)), count: sdkNumber(it.rowCount) }));
        break;
      case 'groupByRange':
      case 'groupByGeoDistance':
        out[name] = items.map((it) => bucket(it, { ...finite('from', it.from), ...finite('to', it.to), count: sdkNumber(it.rowCount) }));
        break;
      case 'geoGrid':
        out[name] = items.map((it) => bucket(it, { key: String(it.key), topLeft: latLon(it.geoGrid?.topLeft), bottomRight: latLon(it.geoGrid?.bottomRight), count: sdkNumber(it.rowCount) }));
        break;
      case 'groupByFilter':
        // Items come in request order (spec §7.2), one per named filter.
        out[name] = Object.fromEntries(n.filters.map((f, i) => [f.name, bucket(items[i] ?? {}, { count: sdkNumber(items[i]?.rowCount ?? 0) })]));
        break;
      case 'composite': {
        const keyOf = n.sources.map((s) => (s.node.kind === 'histogram' ? (k: string) => Number(k) : s.node.kind === 'dateHistogram' ? (k: string) => new Date(Number(k)) : (k: string) => k));
        const buckets = items.map((it) => bucket(it, { key: Object.fromEntries(n.sources.map((s, i) => [s.name, keyOf[i](String(it.keys?.[i]))])), count: sdkNumber(it.rowCount) }));
        out[name] = { buckets, ...(result?.nextToken ? { nextToken: String(result.nextToken) } : {}) };
        break;
      }
    }
  }
  return out;
}

/** The TopRows of a tree (sub-aggregations included). */
function topRowsOf(nodes: Readonly<Record<string, AggNode>>): Array<Extract<AggNode, { kind: 'topRows' }>> {
  return Object.values(nodes).flatMap((n) => (n.kind === 'topRows' ? [n] : 'subs' in n ? topRowsOf(n.subs) : []));
}

/**
 * ColumnsToGet of an aggregation search: none without TopRows; else the union of their columns (every column if
 * one asks for all). The request has one ColumnsToGet, which TopRows follow (spec §7.1, [inferred]).
 */
function aggregationColumns(schema: TableSchema, nodes: Readonly<Record<string, AggNode>>): Record<string, unknown> {
  const tops = topRowsOf(nodes);
  if (tops.length === 0) return RETURN_NONE;
  if (tops.some((t) => !t.columns)) return columnsToGet(schema, undefined);
  return columnsToGet(schema, [...new Set(tops.flatMap((t) => t.columns!))]);
}

interface AggregationRequest {
  readonly index: SearchIndexSchema;
  readonly query: SearchQuery<unknown>;
  readonly nodes: Readonly<Record<string, AggNode>>;
}

function request(target: RowTarget<any>, indexName: string, build: (q: any) => SearchQuery<any>, aggs: (a: any) => Record<string, unknown>): AggregationRequest {
  const { schema } = target;
  const index = searchIndexOf(schema, indexName);
  const query = build(searchQueryBuilder(schema.entityName, index));
  if (!(query instanceof SearchQuery)) throw new QueryError('INVALID_CONDITION', schema.entityName, undefined, 'the query callback must return a query built by its builder');
  const requested = aggs(aggBuilder(schema.entityName, index));
  const nodes: Record<string, AggNode> = {};
  for (const [name, a] of Object.entries(requested ?? {})) {
    if (!(a instanceof Agg)) throw new QueryError('INVALID_CONDITION', schema.entityName, undefined, `aggregation '${name}' must be built by the aggregation builder (a.field.avg(), …)`);
    nodes[name] = a.node;
  }
  if (Object.keys(nodes).length === 0) throw new QueryError('INVALID_CONDITION', schema.entityName, undefined, 'aggregate() needs at least one aggregation');
  return { index, query, nodes };
}

async function run(target: RowTarget<any>, r: AggregationRequest): Promise<Record<string, unknown>> {
  const { schema } = target;
  const ctx = { schema, index: r.index };
  const searchQuery = { offset: 0, limit: 0, getTotalCount: false, query: compileSearchQuery(ctx, r.query.node), ...compileAggregations(ctx, r.nodes) };
  const res = (await target.client.call('search', { tableName: schema.tableName, indexName: r.index.name, searchQuery, columnToGet: aggregationColumns(schema, r.nodes) })) as SdkAggResults;
  return decode(schema, r.nodes, res);
}

export async function aggregate(target: RowTarget<any>, indexName: string, build: (q: any) => SearchQuery<any>, aggs: (a: any) => Record<string, unknown>): Promise<Record<string, unknown>> {
  return run(target, request(target, indexName, build, aggs));
}

/**
 * Every bucket of one composite group-by, page after page by its `next_token` (spec §7.2), from its `token` if
 * given. Memory stays bounded by one page (`size`).
 */
export async function* compositeBuckets<B>(target: RowTarget<any>, indexName: string, build: (q: any) => SearchQuery<any>, composite: (a: any) => unknown): AsyncIterableIterator<B> {
  let r = request(target, indexName, build, (a) => ({ composite: composite(a) }));
  const node = r.nodes.composite;
  if (node.kind !== 'composite') throw new QueryError('INVALID_CONDITION', target.schema.entityName, undefined, 'compositeBuckets() takes a.composite({ sources, … })');
  for (;;) {
    const page = (await run(target, r)).composite as { buckets: B[]; nextToken?: string };
    yield* page.buckets;
    if (!page.nextToken || page.buckets.length === 0) return;
    r = { ...r, nodes: { composite: { ...node, token: page.nextToken } } };
  }
}
