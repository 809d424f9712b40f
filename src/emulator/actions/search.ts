import { runSearch } from '../search/execute';
import { encodeSearchResponse } from '../search/response';
import type { Action } from './common';
import { searchIndex } from './search-common';

/** Search (spec §1, §4–§7): the query, sort, paging, columns, aggregations and group-bys run in search/execute.ts. */
export const search: Action = {
  name: 'Search',
  requestType: 'search.proto.SearchRequest',
  responseType: 'search.proto.SearchResponse',
  handle(req, { engine, search: indexes }) {
    const { table, index } = searchIndex(indexes, req);
    return encodeSearchResponse(runSearch({ engine, table, index, now: indexes.options.now() }, req));
  },
};
