/**
 * `Repository<T>`: the entry point of every row operation on one entity class. Each method is a thin call
 * into its action (`actions/<action>/`): a pure function builds the SDK request from the schema and the input
 * (`*-params.ts`, unit-tested without a server), and a few lines send it.
 */
import type { TableStoreClient } from '../client/client';
import type { Attributes, InsertOf, IncrementableNames, IncrementDelta, KeyOf, KeyPrefix, UpdateChanges } from '../schema/entity-types';
import type { TableSchema } from '../schema/types';
import { batchGet } from './actions/batch-get/batch-get';
import { changes, type ChangesOptions, type StreamChange } from './actions/changes/changes';
import { batchDeleteRow, batchInsertRow, batchSaveRow } from './actions/batch-write/batch-write-params';
import { batchWrite, type BatchResult } from './actions/batch-write/batch-write';
import type { BatchOptions } from './actions/batch-write/engine';
import type { WriteOptions } from './actions/conditions';
import { deleteRow } from './actions/delete/delete';
import { entityOf, keyOf } from './actions/entity';
import { page, scan, type Page, type PageOptions } from './actions/find/find';
import type { FindOptions, KeyRangeQuery } from './actions/find/find-params';
import { indexSchema } from './actions/find/index-schema';
import { get } from './actions/get/get';
import type { GetOptions } from './actions/get/get-params';
import { insert } from './actions/insert/insert';
import { save } from './actions/save/save';
import { transaction } from './actions/transaction/transaction';
import { update, type UpdateResult } from './actions/update/update';
import { RepositoryUsageError } from './errors';
import { aggregate, compositeBuckets } from './actions/search/aggregate';
import { parallelScan, type ParallelScanOptions } from './actions/search/parallel-scan';
import type { Agg, AggBuilder, AggResults, CompositeBucket, CompositePage, SourceAgg } from '../query/search/aggregations';
import { startSearch, type InnerHit, type InnerHitsOf, type SearchCall, type SearchItem, type SearchOptions } from './actions/search/search';
import { waitForSearchIndex, type WaitForSearchOptions } from './actions/search/sync';
import type { LooseSearchQueryBuilder, LooseSortBuilder, SearchQueryBuilder, SortBuilder } from '../query/search/builder';
import type { SearchQuery } from '../query/search/nodes';
import type { SearchFieldDeclaration, SearchIndexRef } from '../schema/search-index';
import type { AttributeKeys } from '../schema/entity-types';

export type { BatchResult } from './actions/batch-write/batch-write';
export type { ChangesOptions, StreamChange } from './actions/changes/changes';
export type { Expect, WriteOptions } from './actions/conditions';
export type { Page, PageOptions } from './actions/find/find';
export type { FindOptions, KeyRangeQuery } from './actions/find/find-params';
export type { GetOptions } from './actions/get/get-params';
export type { UpdateResult } from './actions/update/update';
export type { InnerHit, InnerHitsOf, SearchCall, SearchHit, SearchItem, SearchOptions, SearchPage } from './actions/search/search';
export type { ParallelScanOptions } from './actions/search/parallel-scan';
export type { WaitForSearchOptions } from './actions/search/sync';

export class Repository<T extends object> {
  readonly tableName: string;

  constructor(
    readonly client: TableStoreClient,
    readonly schema: TableSchema<T>,
    /** Set on the repositories handed to a `transaction()` callback. */
    readonly transactionId?: string,
  ) {
    this.tableName = schema.tableName;
  }

  /** The primary-key properties of `obj`. */
  keyOf(obj: object): KeyOf<T> {
    return keyOf(this.schema, obj);
  }

  // ------------------------------------------------------------------ single rows

  /**
   * Writes a new row; fails with `ConditionCheckFailedError` when it exists. With an auto-increment key,
   * leave that key unset: the service generates it and it is written back onto the returned entity, exactly.
   * A `@Version` column starts at 1. The entity is validated (class-validator) before anything is sent.
   */
  insert(input: InsertOf<T> | T): Promise<T> {
    return insert(this, input);
  }

  /**
   * Writes the whole row, replacing what is stored (every column and version). With `@Version`: an entity
   * without a version is created (the row must not exist); otherwise the stored version must equal the
   * entity's (else `ConcurrentModificationError`) and the entity leaves with version + 1.
   */
  save(input: T, options: WriteOptions<T> = {}): Promise<T> {
    return save(this, input, options);
  }

  /** The row with this key, or `undefined`. */
  get(key: KeyOf<T>, options: GetOptions<T> = {}): Promise<T | undefined> {
    return get(this, key, options);
  }

  /**
   * Changes some columns of one row: `set` (null removes), `remove`, `increment` (atomic). The row must
   * exist unless `expect` says otherwise. With `@Version`, the version is incremented, and when `key` carries
   * a version (pass the entity you read) it must still be the stored one (else `ConcurrentModificationError`).
   * Returns the new values of incremented columns and the new version.
   */
  update(key: KeyOf<T> | T, changes: UpdateChanges<T>, options: WriteOptions<T> = {}): Promise<UpdateResult<T>> {
    return update(this, key, changes, options);
  }

  /** Atomically adds `by` (default 1, may be negative) to an int64 column and returns the new value. */
  async increment<K extends IncrementableNames<T>>(key: KeyOf<T>, property: K, by: IncrementDelta = 1, options: WriteOptions<T> = {}): Promise<T[K]> {
    const res = await update(this, key, { increment: { [property]: by } } as UpdateChanges<T>, options);
    return (res as Record<string, unknown>)[property as string] as T[K];
  }

  /** Deletes one row. `expect: 'exist'` fails when it is missing; a key carrying a version checks it. */
  delete(key: KeyOf<T> | T, options: WriteOptions<T> = {}): Promise<void> {
    return deleteRow(this, key, options);
  }

  // ------------------------------------------------------------------ range reads

  /**
   * Every row whose key starts with `prefix` (`{}`: the whole table), or in `{ start, end }`, as an async
   * iterator that reads page after page. Memory stays bounded by one page.
   */
  find(query: KeyPrefix<T> | KeyRangeQuery<T> = {}, options: FindOptions<T> = {}): AsyncIterableIterator<T> {
    return scan(this, this.schema, query, options);
  }

  /** One page of a range read and an opaque cursor for the next (for HTTP APIs). */
  page(query: KeyPrefix<T> | KeyRangeQuery<T> = {}, options: PageOptions<T> = {}): Promise<Page<T>> {
    return page(this, this.schema, query, options);
  }

  /**
   * Reads through a secondary index: its rows hold the index key columns and the index's defined columns
   * (the service does not join back to the data table), decoded as partial entities.
   */
  index(name: string): IndexReader<T> {
    const idx = this.schema.indexes.find((i) => i.name === name);
    if (!idx) throw new RepositoryUsageError('UNKNOWN_INDEX', this.schema.entityName, undefined, `declares no index named '${name}'`);
    return new IndexReader(this, indexSchema(this.schema, idx));
  }

  // ------------------------------------------------------------------ search indexes

  /**
   * Searches a search index (`@SearchIndex`). Await the call for one page (`{ items, hits, total?, cursor? }`:
   * `hits` holds each item with its score, highlight and inner hits), iterate `.all()` for every match, or `.count()`. With a `defineSearchIndex` handle the builder offers each
   * field the operations of its declared type; with a name, each property those its TypeScript type allows.
   * Search is eventually consistent on the service: see {@link waitForSearch}.
   */
  search<F extends Readonly<Record<string, SearchFieldDeclaration>>, C extends AttributeKeys<T> = never>(
    index: SearchIndexRef<T, F>,
    query: (q: SearchQueryBuilder<T, F>) => SearchQuery<T>,
    options?: SearchOptions<T, SortBuilder<T, F>, Extract<keyof F, string>, C>,
  ): SearchCall<SearchItem<T, C>, InnerHitsOf<T, F>>;
  search<C extends AttributeKeys<T> = never>(
    index: string,
    query: (q: LooseSearchQueryBuilder<T>) => SearchQuery<T>,
    options?: SearchOptions<T, LooseSortBuilder<T>, AttributeKeys<T> | (string & {}), C>,
  ): SearchCall<SearchItem<T, C>, Partial<Record<string, Array<InnerHit<unknown>>>>>;
  search(index: string | SearchIndexRef<T, any>, query: (q: any) => SearchQuery<any>, options?: SearchOptions<any, any, string, string>): SearchCall<unknown, unknown> {
    return startSearch(this, typeof index === 'string' ? index : index.name, query, options);
  }

  /**
   * Aggregations and group-bys over every match of `query` (spec §7), typed from the request:
   * `a => ({ avgLikes: a.likes.avg(), byAuthor: a.author.groupBy({ size: 10, aggs: { likes: a.likes.sum() } }) })`
   * gives `{ avgLikes: number | undefined; byAuthor: Array<{ key: string; count: number; likes: number | undefined }> }`.
   */
  aggregate<F extends Readonly<Record<string, SearchFieldDeclaration>>, A extends Record<string, unknown>>(
    index: SearchIndexRef<T, F>,
    query: (q: SearchQueryBuilder<T, F>) => SearchQuery<T>,
    aggs: (a: AggBuilder<T, F>) => A,
  ): Promise<AggResults<A>> {
    return aggregate(this, index.name, query, aggs) as Promise<AggResults<A>>;
  }

  /**
   * Every bucket of a composite group-by, page by page through its own token (spec §7.2), memory bounded by one
   * page: `for await (const b of notes.compositeBuckets(idx, q => q.matchAll(), a => a.composite({ sources: {
   * author: a.author.groupBy(), day: a.createdAt.dateHistogram({ interval: { value: 1, unit: 'day' } }) } })))`
   * gives `{ key: { author: string; day: Date }; count: number }`. For one page and its `nextToken`, put the
   * composite in {@link aggregate} (with `token` to continue).
   */
  compositeBuckets<F extends Readonly<Record<string, SearchFieldDeclaration>>, S extends Record<string, SourceAgg<unknown, unknown>>, A>(
    index: SearchIndexRef<T, F>,
    query: (q: SearchQueryBuilder<T, F>) => SearchQuery<T>,
    composite: (a: AggBuilder<T, F>) => Agg<CompositePage<S, A>>,
  ): AsyncIterableIterator<CompositeBucket<S, A>> {
    return compositeBuckets(this, index.name, query, composite);
  }

  /**
   * Every match of `query`, for export: ComputeSplits, then the splits scanned concurrently (bounded), in no
   * particular order, memory bounded by `concurrency` pages; a retryable failure resumes from the split's last
   * token, so nothing is lost or repeated (spec §10).
   */
  parallelScan<F extends Readonly<Record<string, SearchFieldDeclaration>>, C extends AttributeKeys<T> = never>(
    index: SearchIndexRef<T, F>,
    query: (q: SearchQueryBuilder<T, F>) => SearchQuery<T>,
    options?: ParallelScanOptions<C>,
  ): AsyncIterableIterator<SearchItem<T, C>> {
    return parallelScan(this, index.name, query, options);
  }

  /**
   * Waits until the search index has caught up with every write made before the call (DescribeSearchIndex
   * sync_stat; spec §8). For tests and read-after-write flows: the service shows 99 % of writes within 3 s.
   */
  waitForSearch(index: string | SearchIndexRef<T, any>, options?: WaitForSearchOptions): Promise<void> {
    return waitForSearchIndex(this.client, this.tableName, typeof index === 'string' ? index : index.name, options);
  }

  // ------------------------------------------------------------------ stream

  /**
   * The table's changes (its stream must be enabled: `@Table(…, { stream })`) as typed records, each with the
   * checkpoint right after it: `for await (const c of repo.changes({ from: saved })) { …; saved = c.checkpoint }`.
   * Ends when caught up unless `follow: true`. At-least-once: resuming from a checkpoint replays nothing before
   * it, but a change taken and not yet checkpointed by the caller is read again.
   */
  changes(options: ChangesOptions = {}): AsyncGenerator<StreamChange<T>, void, undefined> {
    return changes(this.client, this.schema, options);
  }

  // ------------------------------------------------------------------ batches

  /** Reads many rows (chunks of 100); results in input order, `undefined` for missing rows. */
  batchGet(keys: KeyOf<T>[], options: GetOptions<T> = {}): Promise<Array<T | undefined>> {
    return batchGet(this, keys, options);
  }

  /**
   * Inserts many rows (each must not exist; auto-increment keys are generated and written back). Chunked by
   * 200 rows and 4 MB, sent with bounded concurrency, throttled rows retried. One result per input; throws
   * `BatchWriteError` (carrying every result) when any row failed, unless `throwOnError: false`.
   */
  async batchInsert(inputs: Array<InsertOf<T> | T>, options: BatchOptions = {}): Promise<BatchResult<T>> {
    const entities = inputs.map((i) => entityOf(this.schema, i as object));
    return batchWrite(this, entities, options, (entity) => batchInsertRow(this.schema, entity), 'insert');
  }

  /** Writes many rows, each replacing what is stored (like `save`, without version checks). */
  async batchSave(inputs: T[], options: BatchOptions = {}): Promise<BatchResult<T>> {
    const entities = inputs.map((i) => entityOf(this.schema, i));
    return batchWrite(this, entities, options, (entity) => batchSaveRow(this.schema, entity), 'replace');
  }

  /** Deletes many rows by key. */
  batchDelete(keys: Array<KeyOf<T>>, options: BatchOptions = {}): Promise<BatchResult<KeyOf<T>>> {
    return batchWrite(this, keys, options, (key) => batchDeleteRow(this.schema, key), 'replace');
  }

  // ------------------------------------------------------------------ local transactions

  /**
   * Runs `fn` in a local transaction on one partition-key value: reads inside see the transaction's writes,
   * others see them only after commit. Commits when `fn` resolves, aborts when it throws.
   */
  transaction<R>(partitionKey: KeyPrefix<T>, fn: (repo: Repository<T>) => Promise<R>): Promise<R> {
    return transaction(this, partitionKey, (id) => new Repository<T>(this.client, this.schema, id), fn);
  }
}

/** A prefix of an index key (any index columns, in index order), or a range of such prefixes. */
export type IndexQuery<T> = Partial<Attributes<T>> | { start?: Partial<Attributes<T>>; end?: Partial<Attributes<T>> };

/** Reads through one secondary index of an entity. */
export class IndexReader<T extends object> {
  constructor(
    private readonly repo: Repository<T>,
    /** The index table's schema: the index key columns as primary keys. */
    readonly schema: TableSchema<T>,
  ) {}

  /** Rows whose index key starts with `prefix` (index columns first, then the data table's keys). */
  find(query: IndexQuery<T> = {}, options: FindOptions<T> = {}): AsyncIterableIterator<T> {
    return scan(this.repo, this.schema, query as KeyPrefix<T>, options);
  }

  page(query: IndexQuery<T> = {}, options: PageOptions<T> = {}): Promise<Page<T>> {
    return page(this.repo, this.schema, query as KeyPrefix<T>, options);
  }
}
