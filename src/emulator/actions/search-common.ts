/** Request pieces the search index actions share: names, and the table + index a request addresses (spec §9). */
import { OtsError } from '../errors';
import type { TableMeta } from '../engine/catalog';
import type { SearchIndexes } from '../search/catalog';
import type { SearchIndex } from '../search/search-index';

const INDEX_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function searchIndexName(v: unknown): string {
  if (typeof v !== 'string' || !INDEX_NAME_RE.test(v) || Buffer.byteLength(v) > 255) {
    throw OtsError.param(`Invalid index name: '${String(v ?? '')}'. Reason: an index name is 1-255 letters, digits or underscores, not starting with a digit.`);
  }
  return v;
}

/** The data table a search API names: `table [t] does not exist` otherwise (observed text, spec §9). */
export function searchTable(search: SearchIndexes, v: unknown): TableMeta {
  if (typeof v !== 'string' || !v) throw OtsError.param('table_name must not be empty');
  return search.table(v);
}

export function searchIndex(search: SearchIndexes, req: any): { table: TableMeta; index: SearchIndex } {
  const table = searchTable(search, req.tableName);
  if (typeof req.indexName !== 'string' || !req.indexName) throw OtsError.param('index_name must not be empty');
  return { table, index: search.get(table.name, req.indexName) };
}
