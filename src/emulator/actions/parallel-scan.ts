import { OtsError } from '../errors';
import { liveDocs } from '../search/execute';
import { decodeScanToken, encodeScanToken, SCAN_LIMITS, sliceOf, SPLITS_SIZE } from '../search/parallel-scan';
import { compileQuery } from '../search/query';
import { opt } from '../search/query-node';
import { decodeColumns, encodeDocRows } from '../search/rows';
import { own, type Action } from './common';
import { searchIndex } from './search-common';

/**
 * Scans one parallel slice of a session (spec §10): no sort, no aggregation, no count; RETURN_ALL refused; a token
 * iff the call returned at least one row (the next call after the last row returns none and no token).
 */
export const parallelScan: Action = {
  name: 'ParallelScan',
  requestType: 'search.proto.ParallelScanRequest',
  responseType: 'search.proto.ParallelScanResponse',
  handle(req, { engine, search }) {
    const { table, index } = searchIndex(search, req);
    const sq = own(req, 'scanQuery');
    if (!sq) throw OtsError.param('[scan query] must not be null');
    const maxParallel = Number(opt(sq, 'maxParallel') ?? 1);
    if (!(Number.isInteger(maxParallel) && maxParallel > 0 && maxParallel <= SPLITS_SIZE)) {
      throw OtsError.param(`[parallel_scan.max_parallel_id] must in (0 ,${SPLITS_SIZE}], current max_parallel_id is ${maxParallel}`);
    }
    const parallelId = Number(opt(sq, 'currentParallelId') ?? 0);
    if (!(Number.isInteger(parallelId) && parallelId >= 0 && parallelId < maxParallel)) {
      throw OtsError.param(`[parallel_scan.current_parallel_id] must in [0, max_parallel), current max_parallel is ${maxParallel}, current_parallel_id is ${parallelId}`);
    }
    const limit = Number(opt(sq, 'limit') ?? SCAN_LIMITS.defaultLimit);
    if (!(Number.isInteger(limit) && limit > 0 && limit <= SCAN_LIMITS.maxLimit)) throw OtsError.param(`[scan query] limit must be in [1, ${SCAN_LIMITS.maxLimit}], got ${limit}`);
    const alive = Number(opt(sq, 'aliveTime') ?? SCAN_LIMITS.defaultAliveSeconds);
    if (!(Number.isInteger(alive) && alive > 0 && alive <= SCAN_LIMITS.maxAliveSeconds)) throw OtsError.param(`[scan query] alive_time must be in [1, ${SCAN_LIMITS.maxAliveSeconds}] seconds, got ${alive}`);
    const cols = decodeColumns(own(req, 'columnsToGet'), false);
    const token = opt<Uint8Array>(sq, 'token');
    const t = token && token.length ? decodeScanToken(token) : undefined;
    const sid = opt<Uint8Array>(req, 'sessionId');
    const sessionId = sid && sid.length ? Buffer.from(sid).toString('utf8') : t?.session;
    // Without a session (Java/Go may omit it for one worker) the scan gets one of its own [inferred].
    const session = sessionId ? search.sessions.use(sessionId, table.name, index.def.name, alive) : search.sessions.create(table.name, index);
    if (t && (t.session !== session.id || t.parallelId !== parallelId)) throw OtsError.param('the token belongs to another session or parallel id');
    const now = search.options.now();
    const node = opt(sq, 'query') ? compileQuery({ index, limit, highlights: new Map(), innerHits: [] }, sq.query) : undefined;
    const live = liveDocs(index, table, now);
    const page = [];
    const docs = session.docs;
    // The session's documents are in key order: the token's position by bisection [performance: a page after a
    // token no longer walks every earlier document; scanning 200,000 rows was quadratic].
    let start = 0;
    if (t) {
      let hi = docs.length;
      while (start < hi) {
        const mid = (start + hi) >>> 1;
        if (docs[mid].key <= t.after) start = mid + 1;
        else hi = mid;
      }
    }
    for (let i = start; i < docs.length; i++) {
      const d = docs[i];
      if ((maxParallel > 1 && sliceOf(d.key, maxParallel) !== parallelId) || !live(d)) continue;
      if (node && node.score(d) === undefined) continue;
      page.push(d);
      if (page.length === limit) break;
    }
    return {
      rows: encodeDocRows(engine, table, page, cols, now, true),
      ...(page.length ? { nextToken: encodeScanToken({ session: session.id, parallelId, after: page[page.length - 1].key }) } : {}),
    };
  },
};
