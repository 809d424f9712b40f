/**
 * `repo.changes()`: the entity's table stream as typed change records (issue 12), read by the client's
 * {@link StreamReader} (streams spec §2) and typed by the codec's `decodeChange`, the same decoder the FC
 * trigger handler uses, so a record read here and one delivered by the trigger have one shape.
 */
import { StreamReader, type StreamReaderOptions, type StreamStart } from '../../../client/stream-reader';
import type { TableStoreClient } from '../../../client/client';
import { decodeChange, type ChangeRecord } from '../../../codec/change';
import type { TableSchema } from '../../../schema/types';
import { RepositoryUsageError } from '../../errors';

export interface ChangesOptions {
  /** A `checkpoint` of an earlier change (or `StreamReader.checkpoint()`): resume right after it. */
  from?: string;
  /** Where to begin without a checkpoint: `'oldest'` (default), `'latest'`, or `{ timestampMicros }`. */
  start?: StreamStart;
  /** Records per GetStreamRecord call (1–1000; default 100). */
  batchSize?: number;
  /**
   * Keep waiting for new changes once caught up (a long-running consumer). Default `false`: the iteration
   * ends when every shard is caught up, so a `for await` never hangs by surprise. [decision]
   */
  follow?: boolean;
  /** With `follow`, the wait between reads while caught up (ms; default 1000). */
  pollIntervalMs?: number;
  /** Ends the iteration (between reads) when aborted. */
  signal?: AbortSignal;
}

/** A typed change and the checkpoint right after it: store it, pass it back as `from` to resume. */
export type StreamChange<T> = ChangeRecord<T> & { checkpoint: string };

export async function* changes<T extends object>(
  client: TableStoreClient,
  schema: TableSchema<T>,
  options: ChangesOptions = {},
): AsyncGenerator<StreamChange<T>, void, undefined> {
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  if (!Number.isFinite(pollIntervalMs) || pollIntervalMs < 0) {
    throw new RepositoryUsageError('INVALID_OPTION', schema.entityName, 'pollIntervalMs', `must be a number of ms ≥ 0, got ${String(options.pollIntervalMs)}`);
  }
  const readerOptions: StreamReaderOptions = {
    ...(options.from === undefined ? {} : { checkpoint: options.from }),
    ...(options.start === undefined ? {} : { start: options.start }),
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
  };
  const reader = new StreamReader(client, schema.tableName, readerOptions);
  const clock = client.retryPolicy.clock;
  while (!options.signal?.aborted) {
    const batch = await reader.read();
    if (batch === undefined) {
      if (!options.follow) return;
      await clock.sleep(pollIntervalMs);
      continue;
    }
    for (let i = 0; i < batch.records.length; i++) {
      const record = decodeChange(schema, batch.records[i]);
      // Acknowledged as the caller takes it: breaking out of the loop leaves the rest unread.
      reader.advance(batch, i + 1);
      yield Object.assign(record, { checkpoint: batch.checkpointAfter(i) });
      if (options.signal?.aborted) return;
    }
  }
}
