import { OtsError } from '../errors';
import { decodeIndexSchema, type SearchIndexDef } from '../search/schema';
import { own, type Action } from './common';
import { searchIndexName, searchTable } from './search-common';

/**
 * Creates a search index (spec §1.1, §2): the schema validated against the table, the table's prerequisites
 * (max_versions 1; with a TTL, updates disabled: spec §2.5), TTL, and `source_index_name` (reindex: the source must
 * exist; the new index has its own schema). The rows the table already holds are indexed at once.
 */
export const createSearchIndex: Action = {
  name: 'CreateSearchIndex',
  requestType: 'search.proto.CreateSearchIndexRequest',
  responseType: 'search.proto.CreateSearchIndexResponse',
  tableLevel: true,
  handle(req, { search }) {
    const table = searchTable(search, req.tableName);
    const name = searchIndexName(req.indexName);
    const source = own<string>(req, 'sourceIndexName');
    if (source) search.get(table.name, source);
    if (table.options.maxVersions !== 1) {
      throw OtsError.param(`table [${table.name}] has max_versions ${table.options.maxVersions}: a search index needs max_versions 1`);
    }
    if (table.options.timeToLive !== -1 && table.options.allowUpdate) {
      throw OtsError.param(`table [${table.name}] has a TTL and allows updates: a search index needs allow_update false on a table with a TTL`);
    }
    const schema = decodeIndexSchema(own(req, 'schema'), table);
    const ttl = checkIndexTtl(own<number>(req, 'timeToLive'), table, search.engine.options.minTimeToLive);
    const def: SearchIndexDef = { table: table.name, tableId: table.id, name, ...schema, ttl, createdAt: search.engine.now() };
    search.create(def, table);
    return {};
  },
};

/** -1 or ≥ the minimum TTL; a finite index TTL needs updates disabled and at most the table's TTL (spec §2.5). */
export function checkIndexTtl(v: number | undefined, table: { name: string; options: { timeToLive: number; allowUpdate: boolean } }, min: number): number {
  if (v === undefined || v === null || v === -1) return -1;
  if (!Number.isInteger(v) || v < min) throw OtsError.param(`time_to_live must be -1 or at least ${min} seconds, got ${v}`);
  if (table.options.allowUpdate) throw OtsError.param(`table [${table.name}] allows updates: set allow_update false on the table before giving the search index a TTL`);
  if (table.options.timeToLive !== -1 && v > table.options.timeToLive) {
    throw OtsError.param(`the search index TTL ${v} must not exceed the TTL of table [${table.name}] (${table.options.timeToLive})`);
  }
  return v;
}
