/**
 * What the Tables view shows: DescribeTable (and ListSearchIndex) as a `TableView`, with the entity mapped to
 * the table and how its declaration differs from the live table (`compareSpecs`, the comparison migrations
 * run before they touch a table).
 */
import type { DescribeTableResult } from '../client/actions';
import type { TableStoreClient } from '../client/client';
import { TableStoreError } from '../client/errors';
import type { LoadedEntity } from '../project/config';
import { compareSpecs, specFromDescribe, specFromSchema } from '../migrations/spec/table-spec';
import type { FieldView, TableView } from './protocol';

function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v && typeof (v as { toNumber?: unknown }).toNumber === 'function') return (v as { toNumber(): number }).toNumber();
  return Number(v ?? 0);
}

function fieldViews(entity: LoadedEntity): FieldView[] {
  return entity.schema.fields.map((f) => ({ property: f.property, name: f.name, kind: f.kind, type: f.type, storage: f.storage, autoIncrement: f.autoIncrement }));
}

/** The table as the page shows it; `entity` when one maps to it. */
export async function describeTableView(client: TableStoreClient, name: string, entity: LoadedEntity | undefined): Promise<TableView> {
  const d: DescribeTableResult = await client.call('describeTable', { tableName: name });
  const spec = specFromDescribe(d);
  const view: TableView = {
    name,
    primaryKey: spec.primaryKey.map((p) => ({ name: p.name, type: p.type, autoIncrement: !!p.autoIncrement })),
    definedColumns: spec.definedColumns.map((c) => ({ name: c.name, type: c.type })),
    options: {
      ...spec.options,
      reservedThroughput: spec.reservedThroughput,
      stream: d.streamDetails?.enableStream ? { enabled: true, expirationHours: num(d.streamDetails.expirationTime) } : { enabled: false },
    },
    indexes: spec.indexes,
    searchIndexes: await searchIndexes(client, name),
  };
  if (entity) {
    const s = entity.schema;
    view.entity = {
      name: s.entityName,
      source: entity.source,
      ...(s.version ? { version: s.version.name } : {}),
      fields: fieldViews(entity),
      differences: compareSpecs(specFromSchema(s), spec, { source: 'the entity' }),
    };
  }
  return view;
}

/** The table's search indexes; none when the endpoint does not serve ListSearchIndex. */
async function searchIndexes(client: TableStoreClient, table: string): Promise<TableView['searchIndexes']> {
  try {
    const res = (await client.call('listSearchIndex', { tableName: table })) as { indices?: Array<{ indexName?: string; index_name?: string }> };
    return (res.indices ?? []).map((i) => ({ name: String(i.indexName ?? i.index_name ?? '') }));
  } catch (e) {
    if (e instanceof TableStoreError) return [];
    throw e;
  }
}
