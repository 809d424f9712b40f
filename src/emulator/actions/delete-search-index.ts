import { OtsError } from '../errors';
import type { Action } from './common';
import { searchTable } from './search-common';

/** Deletes a search index; a missing one is 404 OTSObjectNotExist (what the Node SDK's helpers expect, spec §9). */
export const deleteSearchIndex: Action = {
  name: 'DeleteSearchIndex',
  requestType: 'search.proto.DeleteSearchIndexRequest',
  responseType: 'search.proto.DeleteSearchIndexResponse',
  tableLevel: true,
  handle(req, { search }) {
    const table = searchTable(search, req.tableName);
    const def = search.list(table.name).find((d) => d.name === req.indexName);
    if (!def) throw new OtsError('OTSObjectNotExist', `search index [${String(req.indexName ?? '')}] does not exist`, 404);
    search.drop(def);
    return {};
  },
};
