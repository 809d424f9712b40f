/**
 * Reading a table's stream (streams spec §2) through tsorm's client: shards in order, batches of records,
 * positions kept as a checkpoint the caller stores and resumes from.
 *
 * Entity-free on purpose: the repository types the records (`repo.changes()`), and the local trigger delivery
 * (src/testing) sends them raw, as the FC trigger would. Reads go through `TableStoreClient.call`, so they get
 * the client's signing, deadlines, retry policy and error decoding.
 *
 * Iterator rules (spec §2.4): a read that returns no records and the *same* iterator means caught up; a read
 * without `next_shard_iterator` means the shard is closed and fully read (after a split or merge), and its
 * children are read only once their parents are done (§2.3, §2.6). A position older than the stream's
 * retention fails with the service's `OTSTrimmedDataAccess` (§2.7), surfaced as a {@link StreamTrimmedError}.
 */
import type { TableStoreClient } from './client';
import { InvalidRequestError, TableStoreError, type TableStoreErrorInit } from './errors';
import type { StreamRecord, StreamShard } from './wire/stream-ops';

/** Where a shard without a checkpoint starts. */
export type StreamStart = 'oldest' | 'latest' | { timestampMicros: bigint };

export interface StreamReaderOptions {
  /**
   * A checkpoint string from an earlier reader of the same table: reading resumes right after the last record
   * it covered. Shards it does not know (new children) start at their oldest record.
   */
  checkpoint?: string;
  /**
   * Where shards without a checkpoint start: `'oldest'` (default; the oldest retained record, "TRIM_HORIZON"),
   * `'latest'` (only what is written from now on), or the first record written at or after a time (μs).
   */
  start?: StreamStart;
  /** Most records per GetStreamRecord call (1–1000; default 100). */
  batchSize?: number;
}

/** A shard's position: an iterator and how many of the records it yields were already consumed. */
interface ShardPosition {
  iterator: string | undefined;
  skip: number;
  done: boolean;
}

/** Records read from one shard, not yet acknowledged: {@link StreamReader.advance} moves past them. */
export interface StreamBatch {
  shardId: string;
  records: StreamRecord[];
  /** The checkpoint right after record `i` of this batch (once the batch is acknowledged up to it). */
  checkpointAfter(i: number): string;
  /** @internal where the shard stands after the whole batch */
  readonly end: ShardPosition;
}

/** Reading from a position the stream no longer holds (older than its expiration, spec §2.6–2.7). */
export class StreamTrimmedError extends TableStoreError {
  constructor(init: TableStoreErrorInit) {
    super(init);
    this.name = 'StreamTrimmedError';
  }
}

/** A stream or checkpoint that cannot be read (no stream on the table, a checkpoint of another stream…). */
export class StreamUnavailableError extends TableStoreError {
  constructor(init: TableStoreErrorInit) {
    super(init);
    this.name = 'StreamUnavailableError';
  }
}

const CHECKPOINT_VERSION = 1;
const MAX_LIMIT = 1000;

interface CheckpointData {
  v: number;
  table: string;
  stream: string;
  /** shard id → [iterator, skip] or 0 (done). */
  shards: Record<string, [string, number] | 0>;
}

export class StreamReader {
  readonly tableName: string;
  private readonly client: TableStoreClient;
  private readonly start: StreamStart;
  private readonly batchSize: number;
  private readonly resumeFrom: CheckpointData | undefined;
  private streamId: string | undefined;
  private shards: StreamShard[] = [];
  private readonly positions = new Map<string, ShardPosition>();

  constructor(client: TableStoreClient, tableName: string, options: StreamReaderOptions = {}) {
    if (typeof tableName !== 'string' || tableName === '') throw invalid('tableName', 'must be a non-empty string');
    const batchSize = options.batchSize ?? 100;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_LIMIT) {
      throw invalid('batchSize', `must be an integer from 1 to ${MAX_LIMIT}, got ${String(options.batchSize)}`);
    }
    const start = options.start ?? 'oldest';
    if (start !== 'oldest' && start !== 'latest' && !(typeof start === 'object' && typeof start.timestampMicros === 'bigint' && start.timestampMicros >= 0n)) {
      throw invalid('start', "must be 'oldest', 'latest' or { timestampMicros: bigint ≥ 0 }");
    }
    this.client = client;
    this.tableName = tableName;
    this.start = start;
    this.batchSize = batchSize;
    this.resumeFrom = options.checkpoint === undefined ? undefined : parseCheckpoint(options.checkpoint, tableName);
  }

  /** The stream's id, once the reader has found it. */
  get stream(): string | undefined {
    return this.streamId;
  }

  /**
   * The next records, from the first shard that has any, without moving past them: reading again before
   * {@link advance} returns them again (what a retried trigger batch needs). `undefined` when every readable
   * shard is caught up.
   */
  async read(limit = this.batchSize): Promise<StreamBatch | undefined> {
    await this.open();
    for (let round = 0; ; round++) {
      let progressed = false;
      for (const shard of this.readableShards()) {
        const pos = this.positions.get(shard.shardId) as ShardPosition;
        if (pos.iterator === undefined) pos.iterator = await this.startIterator(shard.shardId);
        const iterator = pos.iterator;
        const res = await this.getRecords(iterator, Math.min(MAX_LIMIT, limit + pos.skip));
        const records = res.records.slice(pos.skip);
        if (records.length > 0) {
          const startSkip = pos.skip;
          const end: ShardPosition = res.nextShardIterator === undefined ? { iterator: undefined, skip: 0, done: true } : { iterator: res.nextShardIterator, skip: 0, done: false };
          return {
            shardId: shard.shardId,
            records,
            end,
            checkpointAfter: (i) => this.checkpointWith(shard.shardId, i + 1 >= records.length ? end : { iterator, skip: startSkip + i + 1, done: false }),
          };
        }
        // Nothing new past the skipped records: move the position on (or close the shard) and look elsewhere.
        if (res.nextShardIterator === undefined) {
          this.positions.set(shard.shardId, { iterator: undefined, skip: 0, done: true });
          progressed = true;
        } else if (res.nextShardIterator !== iterator) {
          this.positions.set(shard.shardId, { iterator: res.nextShardIterator, skip: Math.max(0, pos.skip - res.records.length), done: false });
          progressed = true;
        }
      }
      if (!progressed) return undefined;
      // A shard closed: its children may be readable now.
      if (this.shards.some((s) => this.positions.get(s.shardId)?.done)) await this.refreshShards();
      if (round > 1000) return undefined;
    }
  }

  /** Acknowledges a batch (or its first `count` records): the next read starts after them. */
  advance(batch: StreamBatch, count = batch.records.length): void {
    if (count >= batch.records.length) {
      this.positions.set(batch.shardId, { ...batch.end });
      return;
    }
    const parsed = parseCheckpoint(batch.checkpointAfter(count - 1), this.tableName);
    const entry = parsed.shards[batch.shardId];
    this.positions.set(batch.shardId, entry === 0 ? { iterator: undefined, skip: 0, done: true } : { iterator: entry[0], skip: entry[1], done: false });
  }

  /**
   * Drops a shard's position after its data was trimmed: the next read starts at the oldest retained record.
   * The local trigger delivery does this when a failing batch expires (spec §3.3: retried until the records
   * expire).
   */
  restartShard(shardId: string): void {
    this.positions.set(shardId, { iterator: undefined, skip: 0, done: false });
  }

  /** Where every shard stands now, as an opaque string to store and pass back as `checkpoint`. */
  checkpoint(): string {
    return this.checkpointWith(undefined, undefined);
  }

  private checkpointWith(shardId: string | undefined, override: ShardPosition | undefined): string {
    const shards: CheckpointData['shards'] = {};
    for (const [id, p] of this.positions) {
      const q = id === shardId && override ? override : p;
      if (q.done) shards[id] = 0;
      else if (q.iterator !== undefined) shards[id] = [q.iterator, q.skip];
    }
    const data: CheckpointData = { v: CHECKPOINT_VERSION, table: this.tableName, stream: this.streamId ?? '', shards };
    return Buffer.from(JSON.stringify(data), 'utf8').toString('base64url');
  }

  /**
   * Finds the stream and its shards (and, with `start: 'latest'`, their current ends). `read()` does it on
   * first use; call it to fix "latest" at a moment of your choosing.
   */
  async open(): Promise<void> {
    if (this.streamId !== undefined) return;
    const { streams } = await this.client.call('listStream', { tableName: this.tableName }).catch((e: unknown) => {
      if (e instanceof TableStoreError && e.code === 'OTSObjectNotExist') {
        throw new StreamUnavailableError({
          code: e.code,
          message: `tsorm: cannot read the stream of table ${this.tableName}: ${e.message}`,
          status: e.status,
          requestId: e.requestId,
          action: 'listStream',
          retryable: false,
          cause: e,
        });
      }
      throw e;
    });
    const stream = streams.find((s) => s.tableName === this.tableName);
    if (!stream) {
      throw new StreamUnavailableError({
        code: 'TsormStreamNotEnabled',
        message: `tsorm: table ${this.tableName} has no stream: enable it first (@Table(…, { stream: { expirationHours } }), or UpdateTable streamSpecification)`,
        action: 'listStream',
        retryable: false,
      });
    }
    if (this.resumeFrom && this.resumeFrom.stream !== '' && this.resumeFrom.stream !== stream.streamId) {
      throw new StreamUnavailableError({
        code: 'TsormStreamCheckpointMismatch',
        message: `tsorm: the checkpoint is for stream ${this.resumeFrom.stream} of table ${this.tableName}, whose stream is now ${stream.streamId} (the stream was disabled and enabled again); start a new reader without it`,
        action: 'listStream',
        retryable: false,
      });
    }
    this.streamId = stream.streamId;
    for (const [id, entry] of Object.entries(this.resumeFrom?.shards ?? {})) {
      this.positions.set(id, entry === 0 ? { iterator: undefined, skip: 0, done: true } : { iterator: entry[0], skip: entry[1], done: false });
    }
    await this.refreshShards();
    if (this.start === 'latest') await this.skipToEnd();
  }

  private async refreshShards(): Promise<void> {
    const shards: StreamShard[] = [];
    let from: string | undefined;
    do {
      const d = await this.client.call('describeStream', { streamId: this.streamId as string, ...(from === undefined ? {} : { inclusiveStartShardId: from }) });
      shards.push(...d.shards);
      from = d.nextShardId;
    } while (from !== undefined);
    this.shards = shards;
    for (const s of shards) if (!this.positions.has(s.shardId)) this.positions.set(s.shardId, { iterator: undefined, skip: 0, done: false });
  }

  /** `start: 'latest'`: shards without a checkpoint jump to their end (read through, records dropped). */
  private async skipToEnd(): Promise<void> {
    const known = new Set(Object.keys(this.resumeFrom?.shards ?? {}));
    for (const shard of this.shards) {
      if (known.has(shard.shardId)) continue;
      let iterator = await this.startIterator(shard.shardId);
      for (;;) {
        const res = await this.getRecords(iterator, MAX_LIMIT);
        if (res.nextShardIterator === undefined) {
          this.positions.set(shard.shardId, { iterator: undefined, skip: 0, done: true });
          break;
        }
        if (res.records.length === 0 && res.nextShardIterator === iterator) {
          this.positions.set(shard.shardId, { iterator, skip: 0, done: false });
          break;
        }
        iterator = res.nextShardIterator;
      }
    }
  }

  /** Shards not done whose parents (if still listed) are done: a child is read after its parents (§2.3). */
  private readableShards(): StreamShard[] {
    const listed = new Set(this.shards.map((s) => s.shardId));
    const finished = (id: string | undefined) => id === undefined || !listed.has(id) || this.positions.get(id)?.done === true;
    return this.shards.filter((s) => !this.positions.get(s.shardId)?.done && finished(s.parentId) && finished(s.parentSiblingId));
  }

  private async startIterator(shardId: string): Promise<string> {
    const timestampMicros = typeof this.start === 'object' ? this.start.timestampMicros : undefined;
    const r = await this.client.call('getShardIterator', {
      streamId: this.streamId as string,
      shardId,
      ...(timestampMicros === undefined ? {} : { timestampMicros }),
    });
    return r.shardIterator;
  }

  private async getRecords(shardIterator: string, limit: number) {
    try {
      return await this.client.call('getStreamRecord', { shardIterator, limit });
    } catch (e) {
      if (e instanceof TableStoreError && e.code === 'OTSTrimmedDataAccess') {
        throw new StreamTrimmedError({
          code: e.code,
          message: `tsorm: the stream of ${this.tableName} no longer holds this position: its records expired (older than the stream's expiration hours) before they were read. ${e.message}`,
          status: e.status,
          requestId: e.requestId,
          action: 'getStreamRecord',
          retryable: false,
          cause: e,
        });
      }
      throw e;
    }
  }
}

function invalid(field: string, rule: string): InvalidRequestError {
  return new InvalidRequestError({ code: 'TsormInvalidStreamOption', message: `tsorm: stream reader option ${field} ${rule}`, action: 'streamReader', retryable: false });
}

function parseCheckpoint(s: string, tableName: string): CheckpointData {
  let data: CheckpointData | undefined;
  try {
    data = typeof s === 'string' ? (JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as CheckpointData) : undefined;
  } catch {
    data = undefined;
  }
  const validShards =
    data !== undefined &&
    data !== null &&
    typeof data.shards === 'object' &&
    data.shards !== null &&
    Object.values(data.shards).every((e) => e === 0 || (Array.isArray(e) && typeof e[0] === 'string' && Number.isInteger(e[1]) && e[1] >= 0));
  if (!data || data.v !== CHECKPOINT_VERSION || typeof data.table !== 'string' || typeof data.stream !== 'string' || !validShards) {
    throw invalid('checkpoint', 'is not a checkpoint a StreamReader returned');
  }
  if (data.table !== tableName) throw invalid('checkpoint', `is for table ${data.table}, not ${tableName}`);
  return data;
}
