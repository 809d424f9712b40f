/**
 * `repository.aggregate(index, q => …, a => ({ … }))`: one Search with limit 0 carrying the aggregations and
 * group-bys (spec §7: computed over every match, independent of paging), whose results are read back by name
 * into the shape the request's types promise.
 */
import { QueryError } from '../../../query/errors';
import { Agg, aggBuilder, type AggNode } from '../../../query/search/aggregations';
import { searchQueryBuilder } from '../../../query/search/builder';
import { compileAggregations, compileSearchQuery } from '../../../query/search/compile';
import { SearchQuery } from '../../../query/search/nodes';
import type { RowTarget } from '../target';
import { searchIndexOf } from './search-params';
import { sdkNumber } from '../../../client/values';

type Named = Array<{ name?: string; aggResult?: any; groupByResult?: any }>;
interface SdkAggResults {
  aggs?: { aggResults?: Named };
  groupBys?: { groupByResults?: Named };
}

function decode(nodes: Readonly<Record<string, AggNode>>, res: SdkAggResults | undefined): Record<string, unknown> {
  const aggs = new Map((res?.aggs?.aggResults ?? []).map((r) => [r.name, r.aggResult]));
  const groups = new Map((res?.groupBys?.groupByResults ?? []).map((r) => [r.name, r.groupByResult]));
  const out: Record<string, unknown> = {};
  for (const [name, n] of Object.entries(nodes)) {
    switch (n.kind) {
      case 'metric': {
        // protobufjs keeps an absent field's default on the prototype: only an own `value` was sent.
        const r = aggs.get(name);
        const v = r && Object.prototype.hasOwnProperty.call(r, 'value') ? sdkNumber(r.value) : undefined;
        if (n.type === 'count' || n.type === 'distinctCount') out[name] = v ?? 0;
        // An empty set has no average, minimum…: the value is left out (or a non-finite filler): undefined.
        else out[name] = v !== undefined && Number.isFinite(v) ? v : undefined;
        break;
      }
      case 'percentiles':
        out[name] = ((aggs.get(name)?.items ?? []) as Array<{ item: { key: unknown; value: unknown } }>).map(({ item }) => ({ percent: sdkNumber(item.key), value: sdkNumber(item.value) }));
        break;
      default: {
        const items = (groups.get(name)?.items ?? []) as Array<Record<string, any>>;
        out[name] = items.map((it) => {
          const subs = decode(n.subs, { aggs: it.subAggsResult, groupBys: it.subGroupBysResult });
          if (n.kind === 'groupByField') return { key: String(it.key), count: sdkNumber(it.rowCount), ...subs };
          if (n.kind === 'histogram') return { key: sdkNumber(it.key), count: sdkNumber(it.value), ...subs };
          const from = sdkNumber(it.from);
          const to = sdkNumber(it.to);
          return { ...(Number.isFinite(from) ? { from } : {}), ...(Number.isFinite(to) ? { to } : {}), count: sdkNumber(it.rowCount), ...subs };
        });
      }
    }
  }
  return out;
}

export async function aggregate(target: RowTarget<any>, indexName: string, build: (q: any) => SearchQuery<any>, aggs: (a: any) => Record<string, unknown>): Promise<Record<string, unknown>> {
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
  const ctx = { schema, index };
  const searchQuery = { offset: 0, limit: 0, getTotalCount: false, query: compileSearchQuery(ctx, query.node), ...compileAggregations(ctx, nodes) };
  const res = (await target.client.call('search', { tableName: schema.tableName, indexName: index.name, searchQuery, columnToGet: { returnType: 3 } })) as SdkAggResults;
  return decode(nodes, res);
}
