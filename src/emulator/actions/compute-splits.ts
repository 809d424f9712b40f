import { OtsError } from '../errors';
import { SPLITS_SIZE } from '../search/parallel-scan';
import { own, type Action } from './common';
import { searchTable } from './search-common';

/** Makes a ParallelScan session over a search index (spec §10; errors of §9, observed texts). */
export const computeSplits: Action = {
  name: 'ComputeSplits',
  requestType: 'search.proto.ComputeSplitsRequest',
  responseType: 'search.proto.ComputeSplitsResponse',
  handle(req, { search }) {
    const table = searchTable(search, req.tableName);
    const options = own(req, 'searchIndexSplitsOptions');
    if (!options) throw OtsError.param('[search index splits options] must not be null');
    const index = search.get(table.name, String(options.indexName ?? ''));
    const session = search.sessions.create(table.name, index);
    return { sessionId: Buffer.from(session.id, 'ascii'), splitsSize: SPLITS_SIZE };
  },
};
