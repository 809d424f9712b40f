import type { Action } from './common';
import { searchTable } from './search-common';

/** Lists the search indexes of one table, or of every table when no table is named (spec §1.1). */
export const listSearchIndex: Action = {
  name: 'ListSearchIndex',
  requestType: 'search.proto.ListSearchIndexRequest',
  responseType: 'search.proto.ListSearchIndexResponse',
  handle(req, { search }) {
    const name = req.tableName ? searchTable(search, req.tableName).name : undefined;
    return { indices: search.list(name).map((d) => ({ tableName: d.table, indexName: d.name })) };
  },
};
