/**
 * `SearchIndexSpec`: a search index as plain JSON (stored column names), as the snapshot keeps it, generated
 * migrations pass it to `m.createSearchIndex`, and DescribeSearchIndex is read back into it to compare.
 *
 * What the service can change in place (spec §2.5): only the TTL (UpdateSearchIndex). Fields, analyzers,
 * index sort and routing are fixed at creation; a change is a new index (see diff.ts).
 *
 * The Node SDK never sends `false` for `index`, `enableSortAndAgg`, `store`, `isArray`, `enableHighlighting`
 * (spec §2.1: `value || null`), so those options are compared as "set or not".
 */
import type { TableStoreClient } from '../../client/client';
import { isValidName } from '../../schema/names';
import type { SearchFieldSchema, SearchFieldType, SearchIndexSchema } from '../../schema/search-index';
import { TableSpecError } from '../errors';
import { sdkNumber } from '../../client/values';

export interface SearchFieldSpec {
  /** Index field name (stored column name, or the virtual field's name; relative inside nested). */
  name: string;
  type: SearchFieldType;
  array?: boolean;
  analyzer?: string;
  analyzerParameter?: Record<string, unknown>;
  store?: boolean;
  sortAndAgg?: boolean;
  highlight?: boolean;
  dateFormats?: string[];
  /** Virtual field: the stored name of its source column. */
  source?: string;
  fields?: SearchFieldSpec[];
  vector?: { dimension: number; metric: string };
}

export interface SearchIndexSpec {
  name: string;
  fields: SearchFieldSpec[];
  indexSort?: Array<{ field?: string; primaryKey?: true; order: 'asc' | 'desc' }>;
  /** Stored primary-key names. */
  routing?: string[];
  /** Seconds; -1 (default) = never. */
  ttl?: number;
}

// The SDK's enums (tablestore lib/search.js: FieldType, SortOrder; spec §2.1).
const FIELD_TYPE: Record<SearchFieldType, number> = { long: 1, double: 2, boolean: 3, keyword: 4, text: 5, nested: 6, geo: 7, date: 8, vector: 9 };
const TYPE_OF_CODE: Record<number, SearchFieldType> = Object.fromEntries(Object.entries(FIELD_TYPE).map(([k, v]) => [v, k as SearchFieldType]));
const METRIC: Record<string, number> = { euclidean: 0, cosine: 1, dot_product: 2 };
const METRIC_OF_CODE = ['euclidean', 'cosine', 'dot_product'];
const ORDER = { asc: 0, desc: 1 } as const;
const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function fieldSpec(f: SearchFieldSchema): SearchFieldSpec {
  return {
    name: f.name,
    type: f.type,
    ...(f.array ? { array: true } : {}),
    ...(f.analyzer ? { analyzer: f.analyzer } : {}),
    ...(f.analyzerParameter ? { analyzerParameter: { ...f.analyzerParameter } } : {}),
    ...(f.store ? { store: true } : {}),
    ...(f.sortAndAgg ? { sortAndAgg: true } : {}),
    ...(f.highlight ? { highlight: true } : {}),
    ...(f.dateFormats ? { dateFormats: [...f.dateFormats] } : {}),
    ...(f.virtual && f.column ? { source: f.column.name } : {}),
    ...(f.fields ? { fields: f.fields.map(fieldSpec) } : {}),
    ...(f.vector ? { vector: { ...f.vector } } : {}),
  };
}

/** The spec of a declared index. */
export function searchIndexSpecFromSchema(ix: SearchIndexSchema): SearchIndexSpec {
  return normalizeSearchIndex('', {
    name: ix.name,
    fields: ix.fields.map(fieldSpec),
    indexSort: ix.indexSort.map((s) => ({ ...s })),
    routing: [...ix.routing],
    ttl: ix.ttl,
  });
}

function normalizeField(table: string, index: string, f: SearchFieldSpec): SearchFieldSpec {
  if (!f || typeof f.name !== 'string' || f.name === '') throw new TableSpecError(table, `search index ${index}`, `a field needs a name, got ${JSON.stringify(f)}`);
  if (!(f.type in FIELD_TYPE)) throw new TableSpecError(table, `search index ${index}, field ${f.name}`, `unknown type ${JSON.stringify(f.type)}`);
  const out: SearchFieldSpec = { name: f.name, type: f.type };
  if (f.array) out.array = true;
  if (f.analyzer) out.analyzer = f.analyzer;
  else if (f.type === 'text') out.analyzer = 'single_word';
  if (f.analyzerParameter && Object.keys(f.analyzerParameter).length) out.analyzerParameter = { ...f.analyzerParameter };
  if (f.store) out.store = true;
  if (f.sortAndAgg) out.sortAndAgg = true;
  if (f.highlight) out.highlight = true;
  if (f.dateFormats?.length) out.dateFormats = [...f.dateFormats];
  if (f.source) out.source = f.source;
  if (f.fields?.length) out.fields = f.fields.map((s) => normalizeField(table, index, s)).sort(byName);
  if (f.vector) out.vector = { dimension: f.vector.dimension, metric: f.vector.metric ?? 'cosine' };
  return out;
}

/** Checks the structure, fills defaults, orders fields by name (their order means nothing to the service). */
export function normalizeSearchIndex(table: string, spec: SearchIndexSpec): SearchIndexSpec {
  if (!spec || typeof spec.name !== 'string' || !isValidName(spec.name)) throw new TableSpecError(table, 'search index', `invalid name ${JSON.stringify(spec?.name)}`);
  if (!Array.isArray(spec.fields) || spec.fields.length === 0) throw new TableSpecError(table, `search index ${spec.name}`, 'fields must list at least one field');
  const ttl = spec.ttl ?? -1;
  if (!Number.isInteger(ttl) || ttl === 0 || ttl < -1) throw new TableSpecError(table, `search index ${spec.name}`, `ttl must be -1 or a positive number of seconds, got ${JSON.stringify(spec.ttl)}`);
  return {
    name: spec.name,
    fields: spec.fields.map((f) => normalizeField(table, spec.name, f)).sort(byName),
    ...(spec.indexSort?.length ? { indexSort: spec.indexSort.map((s) => (s.primaryKey ? { primaryKey: true as const, order: s.order ?? 'asc' } : { field: s.field, order: s.order ?? 'asc' })) } : {}),
    ...(spec.routing?.length ? { routing: [...spec.routing] } : {}),
    ttl,
  };
}

function sdkField(f: SearchFieldSpec): Record<string, unknown> {
  return {
    fieldName: f.name,
    fieldType: FIELD_TYPE[f.type],
    index: true,
    ...(f.array ? { isAnArray: true } : {}),
    ...(f.analyzer ? { analyzer: f.analyzer, analyzerParameter: f.analyzerParameter ?? {} } : {}),
    ...(f.store ? { store: true } : {}),
    ...(f.sortAndAgg ? { enableSortAndAgg: true } : {}),
    ...(f.highlight ? { enableHighlighting: true } : {}),
    ...(f.dateFormats ? { dateFormats: f.dateFormats } : {}),
    ...(f.source ? { isVirtualField: true, sourceFieldNames: [f.source] } : {}),
    ...(f.fields ? { fieldSchemas: f.fields.map(sdkField) } : {}),
    // VD_FLOAT_32 = 2 (spec §2.1 field 15).
    ...(f.vector ? { vectorOptions: { dataType: 2, dimension: f.vector.dimension, metricType: METRIC[f.vector.metric] } } : {}),
  };
}

/** The SDK's CreateSearchIndex parameters. */
export function createSearchIndexParams(table: string, spec: SearchIndexSpec): Record<string, unknown> {
  return {
    tableName: table,
    indexName: spec.name,
    schema: {
      fieldSchemas: spec.fields.map(sdkField),
      indexSetting: { routingFields: spec.routing ?? [] },
      ...(spec.indexSort?.length
        ? { indexSort: { sorters: spec.indexSort.map((s) => (s.primaryKey ? { primaryKeySort: { order: ORDER[s.order] } } : { fieldSort: { fieldName: s.field, order: ORDER[s.order] } })) } }
        : {}),
    },
    ...(spec.ttl !== undefined && spec.ttl !== -1 ? { timeToLive: spec.ttl } : {}),
  };
}

interface SdkFieldSchema {
  fieldName: string;
  fieldType: number;
  isArray?: boolean;
  analyzer?: string;
  store?: boolean;
  docValues?: boolean;
  enableHighlighting?: boolean;
  dateFormats?: string[];
  isVirtualField?: boolean;
  sourceFieldNames?: string[];
  fieldSchemas?: SdkFieldSchema[];
  vectorOptions?: { dimension?: number; metricType?: number };
}

function fieldFromDescribe(f: SdkFieldSchema): SearchFieldSpec {
  const type = TYPE_OF_CODE[sdkNumber(f.fieldType)] ?? (String(f.fieldType) as SearchFieldType);
  return {
    name: f.fieldName,
    type,
    ...(f.isArray ? { array: true } : {}),
    ...(f.analyzer ? { analyzer: f.analyzer } : {}),
    ...(f.store ? { store: true } : {}),
    ...(f.docValues ? { sortAndAgg: true } : {}),
    ...(f.enableHighlighting ? { highlight: true } : {}),
    ...(f.dateFormats?.length ? { dateFormats: [...f.dateFormats] } : {}),
    ...(f.isVirtualField && f.sourceFieldNames?.length ? { source: f.sourceFieldNames[0] } : {}),
    ...(f.fieldSchemas?.length ? { fields: f.fieldSchemas.map(fieldFromDescribe) } : {}),
    ...(type === 'vector' && f.vectorOptions ? { vector: { dimension: sdkNumber(f.vectorOptions.dimension), metric: METRIC_OF_CODE[sdkNumber(f.vectorOptions.metricType ?? 0)] } } : {}),
  };
}

/** A live index (DescribeSearchIndex) as a spec. Analyzer parameters are not compared (their echo is SDK-dependent). */
export function searchIndexSpecFromDescribe(name: string, d: Record<string, any>): SearchIndexSpec {
  const sorters: Array<{ fieldSort?: { fieldName: string; order?: number }; pkSort?: { order?: number } }> = d.schema?.indexSort?.sorter ?? [];
  // The service reports its default presort (primary key ascending) as one pk sorter (spec §2.5): the same as none.
  const indexSort = sorters.map((s) =>
    s.fieldSort ? { field: s.fieldSort.fieldName, order: sdkNumber(s.fieldSort.order ?? 0) === 1 ? ('desc' as const) : ('asc' as const) } : { primaryKey: true as const, order: sdkNumber(s.pkSort?.order ?? 0) === 1 ? ('desc' as const) : ('asc' as const) },
  );
  const isDefault = indexSort.length === 1 && indexSort[0].primaryKey && indexSort[0].order === 'asc';
  return normalizeSearchIndex('', {
    name,
    fields: (d.schema?.fieldSchemas ?? []).map(fieldFromDescribe),
    indexSort: isDefault ? [] : indexSort,
    routing: [...(d.schema?.indexSetting?.routingFields ?? [])],
    ttl: d.timeToLive === undefined || d.timeToLive === null ? -1 : sdkNumber(d.timeToLive),
  });
}

/** How a live index's schema differs from the wanted one ('' = same), TTL left out (it changes in place). */
export function searchIndexDifference(wanted: SearchIndexSpec, live: SearchIndexSpec): string {
  const strip = (s: SearchIndexSpec) => JSON.stringify({ fields: s.fields.map(({ analyzerParameter: _, ...f }) => f), indexSort: s.indexSort ?? [], routing: s.routing ?? [] });
  return strip(wanted) === strip(live) ? '' : `schema is ${strip(live)} on the service, ${strip(wanted)} wanted`;
}

/** Names of the table's search indexes (empty when the table has none). */
export async function listSearchIndexes(client: TableStoreClient, table: string): Promise<string[]> {
  const r = (await client.call('listSearchIndex', { tableName: table })) as { indices?: Array<{ tableName?: string; indexName?: string }> };
  return (r.indices ?? []).filter((i) => !i.tableName || i.tableName === table).map((i) => String(i.indexName));
}

/** The table's live search indexes as specs, by name. */
export async function describeSearchIndexes(client: TableStoreClient, table: string): Promise<SearchIndexSpec[]> {
  const out: SearchIndexSpec[] = [];
  for (const name of await listSearchIndexes(client, table)) {
    out.push(searchIndexSpecFromDescribe(name, (await client.call('describeSearchIndex', { tableName: table, indexName: name })) as Record<string, unknown>));
  }
  return out.sort(byName);
}

/** Each search index the tables declare, and whether it exists on the service (for `migrate:status`). */
export async function searchIndexStatus(client: TableStoreClient, tables: Iterable<{ name: string; searchIndexes?: SearchIndexSpec[] }>): Promise<Array<{ table: string; index: string; onService: boolean }>> {
  const out: Array<{ table: string; index: string; onService: boolean }> = [];
  for (const t of tables) {
    if (!t.searchIndexes?.length) continue;
    let live: string[] = [];
    try {
      live = await listSearchIndexes(client, t.name);
    } catch {
      live = []; // the table does not exist yet
    }
    for (const ix of t.searchIndexes) out.push({ table: t.name, index: ix.name, onService: live.includes(ix.name) });
  }
  return out;
}
