import { own, type Action } from './common';
import { checkIndexTtl } from './create-search-index';
import { searchIndex } from './search-common';

/** Changes a search index's TTL (the one field the Node and Python SDKs send, spec §1.1, §2.5). */
export const updateSearchIndex: Action = {
  name: 'UpdateSearchIndex',
  requestType: 'search.proto.UpdateSearchIndexRequest',
  responseType: 'search.proto.UpdateSearchIndexResponse',
  tableLevel: true,
  handle(req, { search }) {
    const { table, index } = searchIndex(search, req);
    const ttl = own<number>(req, 'timeToLive');
    if (ttl !== undefined && ttl !== null) search.update({ ...index.def, ttl: checkIndexTtl(ttl, table, search.engine.options.minTimeToLive) });
    return {};
  },
};
