/**
 * `repository.parallelScan(index, q => …)`: every match of a query, for export (spec §10): ComputeSplits, then
 * each parallel id scanned token by token with at most `concurrency` in flight, pages handed to the consumer
 * through a queue of at most `concurrency` pages (constant memory: a slow consumer holds the scanners back).
 * A retryable failure the client gave up on is retried from the split's last token, so no row is lost or
 * read twice. No order, sort, aggregation or total (spec §10).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReadRow } from '../../../client/actions';
import { TableStoreError } from '../../../client/errors';
import { decodeRow } from '../../../codec/row';
import { QueryError } from '../../../query/errors';
import { searchQueryBuilder } from '../../../query/search/builder';
import { compileSearchQuery } from '../../../query/search/compile';
import { SearchQuery } from '../../../query/search/nodes';
import { RepositoryUsageError } from '../../errors';
import type { RowTarget } from '../target';
import { columnsToGet, searchIndexOf } from './search-params';
import { sdkNumber } from '../../../client/values';

export interface ParallelScanOptions<C extends string = string> {
  /** Splits scanned at once (default 4, at most the service's splits_size). */
  concurrency?: number;
  /** Rows per ParallelScan call (default 1000). */
  pageSize?: number;
  /** Properties to return (partial entities); default every column. */
  columns?: readonly C[];
  /** Session and token lifetime in seconds between calls (default 60, spec §10). */
  aliveTimeSec?: number;
  /** Retries of one call after the client's own retries gave up on a retryable error (default 10). */
  retries?: number;
}

interface SdkScanResult {
  rows?: ReadRow[];
  nextToken?: Uint8Array | null;
}

export async function* parallelScan<I>(target: RowTarget<any>, indexName: string, build: (q: any) => SearchQuery<any>, options: ParallelScanOptions = {}): AsyncIterableIterator<I> {
  const { schema, client } = target;
  const index = searchIndexOf(schema, indexName);
  const query = build(searchQueryBuilder(schema.entityName, index));
  if (!(query instanceof SearchQuery)) throw new QueryError('INVALID_CONDITION', schema.entityName, undefined, 'the query callback must return a query built by its builder');
  const pageSize = options.pageSize ?? 1000;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RepositoryUsageError('INVALID_OPTION', schema.entityName, undefined, 'pageSize must be a positive integer');
  const compiled = compileSearchQuery({ schema, index }, query.node);
  const columnToGet = columnsToGet(schema, options.columns);
  const retries = options.retries ?? 10;

  /** One read, retried (same request: same token) while the failure is retryable. */
  const retried = async <R>(send: () => Promise<unknown>): Promise<R> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return (await send()) as R;
      } catch (e) {
        if (!(e instanceof TableStoreError) || !e.retryable || attempt >= retries) throw e;
        await sleep(Math.min(1000, 10 * 2 ** attempt));
      }
    }
  };
  const split = await retried<{ sessionId: Uint8Array; splitsSize: unknown }>(() => client.call('computeSplits', { tableName: schema.tableName, searchIndexSplitsOptions: { indexName: index.name } }));
  const maxParallel = Math.max(1, sdkNumber(split.splitsSize));
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 4, maxParallel));
  const scan = (id: number, token: Buffer | undefined) =>
    retried<SdkScanResult>(() =>
      client.call('parallelScan', {
        tableName: schema.tableName,
        indexName: index.name,
        columnToGet,
        sessionId: split.sessionId,
        scanQuery: { query: compiled, limit: pageSize, aliveTime: options.aliveTimeSec ?? 60, ...(token ? { token } : {}), currentParallelId: id, maxParallel },
      }),
    );

  const queue: ReadRow[][] = [];
  const blockedProducers: Array<() => void> = [];
  let wakeConsumer: (() => void) | undefined;
  let failure: unknown;
  let stopped = false;
  let running = concurrency;
  const wake = () => {
    const w = wakeConsumer;
    wakeConsumer = undefined;
    w?.();
  };
  const worker = async (first: number) => {
    for (let id = first; id < maxParallel && !stopped; id += concurrency) {
      let token: Buffer | undefined;
      while (!stopped) {
        const res = await scan(id, token);
        const rows = res.rows ?? [];
        if (rows.length) {
          while (queue.length >= concurrency && !stopped) await new Promise<void>((r) => blockedProducers.push(r));
          queue.push(rows);
          wake();
        }
        // Spec §10: a token comes with every non-empty page; the split is done at an empty page or no token.
        if (!res.nextToken || res.nextToken.length === 0 || rows.length === 0) break;
        token = Buffer.from(res.nextToken);
      }
    }
  };
  for (let w = 0; w < concurrency; w++) {
    void worker(w)
      .catch((e) => {
        failure ??= e;
      })
      .finally(() => {
        running--;
        wake();
      });
  }
  try {
    for (;;) {
      if (failure) throw failure;
      const rows = queue.shift();
      if (rows) {
        blockedProducers.shift()?.();
        for (const row of rows) yield decodeRow(schema, row) as I;
        continue;
      }
      if (running === 0) return;
      await new Promise<void>((r) => (wakeConsumer = r));
    }
  } finally {
    stopped = true;
    for (const r of blockedProducers.splice(0)) r();
  }
}
