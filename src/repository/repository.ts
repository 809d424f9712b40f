/**
 * `Repository<T>`: CRUD, optimistic locking, range reads as async iterators, cursor pages, batches and local
 * transactions for one entity class. Built on schema/ (what the table is), codec/ (values), query/
 * (conditions, ranges) and client/ (requests, retries, errors).
 */
import type { BatchWriteRowItem, GetRangeParams, PrimaryKeyCell, SdkRow } from '../client/actions';
import type { TableStoreClient } from '../client/client';
import { ConcurrentModificationError, ConditionCheckFailedError, createTableStoreError, isRetryableCode } from '../client/errors';
import { decodeKey, decodeRow, encodeKey, encodeRow, isEmptyRow } from '../codec/row';
import { encodeUpdate } from '../codec/update';
import { CodecError } from '../codec/errors';
import { fromSdkInt64, isSdkInt64 } from '../codec/sdk-values';
import { decodeFieldValue, int64FromProperty, int64ToProperty } from '../codec/value';
import { conditionColumns, toSdkCondition, toSdkRowCondition, type RowExpectation } from '../query/compile';
import { Condition, conditionBuilder, resolveWhere, type ConditionNode, type Where } from '../query/condition';
import { keyRange, prefixRange, type Direction, type SdkKeyRange } from '../query/range';
import type { AttributeKeys, Attributes, IncrementableNames, InsertOf, KeyOf, KeyPrefix, UpdateChanges } from '../schema/entity-types';
import type { FieldSchema, IndexSchema, PrimaryKeySchema, TableSchema } from '../schema/types';
import { setTimeout as sleep } from 'node:timers/promises';
import { backoff, BATCH_GET_MAX_ROWS, estimateSize, MAX_ROW_ATTEMPTS, writeBatches, type BatchOptions, type WriteItem } from './batch';
import { decodeCursor, encodeCursor } from './cursor';
import { BatchWriteError, type BatchItemResult } from './errors';
import { validateEntity } from './validate';

/** Row-existence expectation of a write: `any` = no check. */
export type Expect = 'any' | 'exist' | 'notExist';

export interface WriteOptions<T> {
  /** A condition on the stored row's columns; the write fails with `ConditionCheckFailedError` otherwise. */
  where?: Where<T>;
  expect?: Expect;
}

export interface GetOptions<T> {
  /** Properties to read (default: all). Primary keys always come back. */
  columns?: AttributeKeys<T>[];
}

/** A range given by key prefixes: `start` inclusive, `end` exclusive (see `keyRange`). */
export interface KeyRangeQuery<T> {
  start?: KeyPrefix<T>;
  end?: KeyPrefix<T>;
}

export interface FindOptions<T> {
  direction?: Direction;
  /** Stop after this many rows (default: every row in the range). */
  limit?: number;
  /** Filter applied by the service after the scan. */
  where?: Where<T>;
  columns?: AttributeKeys<T>[];
  /** Rows asked per request (the service caps a page at 5,000 rows / 4 MB). */
  pageSize?: number;
}

export interface PageOptions<T> extends Omit<FindOptions<T>, 'limit'> {
  /** Rows per page (default 100). */
  limit?: number;
  /** The `cursor` of the previous page. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  /** Pass to the next `page()` call; absent on the last page. */
  cursor?: string;
}

export interface BatchResult<T> {
  /** One result per input, in input order. */
  results: BatchItemResult<T>[];
  /** The inputs written, in input order (with generated keys filled in). */
  succeeded: T[];
  failures: Array<Extract<BatchItemResult<T>, { ok: false }>>;
}

/** What `update()` returns: new values of incremented columns and the new version, when any. */
export type UpdateResult<T> = Partial<T>;

const ROW_EXPECTATION: Record<Expect, RowExpectation> = { any: 'ignore', exist: 'exist', notExist: 'notExist' };

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object';
}

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

  // ------------------------------------------------------------------ helpers

  private tx(): { transactionId?: string } {
    return this.transactionId ? { transactionId: this.transactionId } : {};
  }

  /** An entity instance for `input` (itself when it already is one), so class-validator sees its metadata. */
  private instance(input: object): T {
    if (input instanceof (this.schema.entity as unknown as abstract new () => T)) return input as T;
    return Object.assign(Object.create(this.schema.entity.prototype as object), input) as T;
  }

  private int64(field: FieldSchema, v: bigint): unknown {
    return int64ToProperty(this.schema, field, v);
  }

  private condition(expect: Expect, where: Where<T> | undefined, extra?: ConditionNode) {
    const nodes: ConditionNode[] = [];
    if (where) nodes.push(resolveWhere(this.schema, where));
    if (extra) nodes.push(extra);
    const tree = nodes.length === 0 ? undefined : nodes.length === 1 ? nodes[0] : new Condition<T>(nodes[0]).and(...nodes.slice(1).map((n) => new Condition<T>(n))).node;
    return toSdkRowCondition(this.schema, ROW_EXPECTATION[expect], tree);
  }

  /** `version == current` on the @Version column. */
  private versionCheck(current: unknown): ConditionNode {
    const b = conditionBuilder(this.schema) as unknown as Record<string, { eq(v: unknown): Condition<T> }>;
    return b[this.schema.version!.property].eq(current).node;
  }

  /** A new row's `@Version` starts at 1 unless the entity already carries one. */
  private startVersion(entity: T): void {
    const version = this.schema.version;
    const e = entity as Record<string, unknown>;
    if (version && (e[version.property] === undefined || e[version.property] === null)) e[version.property] = this.int64(version, 1n);
  }

  private versionOf(obj: object): unknown {
    const v = this.schema.version;
    return v ? (obj as Record<string, unknown>)[v.property] : undefined;
  }

  private lostRace(e: unknown, key: object, expectedVersion: unknown): never {
    if (e instanceof ConditionCheckFailedError && expectedVersion !== undefined && expectedVersion !== null) {
      throw new ConcurrentModificationError({ table: this.tableName, key: this.keyOf(key), expectedVersion, requestId: e.requestId, action: e.action, cause: e });
    }
    throw e;
  }

  /** The primary-key properties of `obj`. */
  keyOf(obj: object): KeyOf<T> {
    const key: Record<string, unknown> = {};
    for (const pk of this.schema.primaryKeys) key[pk.property] = (obj as Record<string, unknown>)[pk.property];
    return key as KeyOf<T>;
  }

  private columnsToGet(columns: readonly string[] | undefined, where?: ConditionNode): string[] | undefined {
    if (!columns || columns.length === 0) return undefined;
    const names = columns.map((p) => {
      const f = this.schema.byProperty[p];
      if (!f) throw new CodecError('UNKNOWN_PROPERTY', { entity: this.schema.entityName, table: this.tableName, property: p }, `'${p}' is not a mapped property of ${this.schema.entityName}`);
      return f.name;
    });
    for (const pk of this.schema.primaryKeys) if (!names.includes(pk.name)) names.push(pk.name);
    if (where) for (const n of conditionColumns(this.schema, where)) if (!names.includes(n)) names.push(n);
    return names;
  }

  private decode(row: SdkRow): T {
    return decodeRow(this.schema, row);
  }

  // ------------------------------------------------------------------ single-row writes

  /**
   * Writes a new row; fails with `ConditionCheckFailedError` when it exists. With an auto-increment key,
   * leave that key unset: the service generates it and it is written back onto the returned entity, exactly.
   * A `@Version` column starts at 1. The entity is validated (class-validator) before anything is sent.
   */
  async insert(input: InsertOf<T> | T): Promise<T> {
    const entity = this.instance(input as object);
    const e = entity as Record<string, unknown>;
    const auto = this.schema.autoIncrement;
    if (auto && e[auto.property] !== undefined && e[auto.property] !== null) {
      throw new CodecError(
        'NOT_ALLOWED',
        { entity: this.schema.entityName, table: this.tableName, property: auto.property, column: auto.name },
        'insert() generates the auto-increment key: leave it unset (save() overwrites an existing row)',
      );
    }
    this.startVersion(entity);
    validateEntity(this.schema, entity);
    const { primaryKey, attributeColumns } = encodeRow(this.schema, entity, { autoIncrement: true });
    const res = await this.client.call('putRow', {
      tableName: this.tableName,
      condition: this.condition(auto ? 'any' : 'notExist', undefined) as never,
      primaryKey: primaryKey as never,
      attributeColumns: attributeColumns as never,
      ...(auto ? { returnContent: { returnType: 1 as const } } : {}),
      ...this.tx(),
    });
    if (auto) Object.assign(entity, decodeKey(this.schema, res.row.primaryKey ?? []));
    return entity;
  }

  /**
   * Writes the whole row, replacing what is stored (every column and version). With `@Version`: an entity
   * without a version is created (the row must not exist); otherwise the stored version must equal the
   * entity's (else `ConcurrentModificationError`) and the entity leaves with version + 1.
   */
  async save(input: T, options: WriteOptions<T> = {}): Promise<T> {
    const entity = this.instance(input);
    validateEntity(this.schema, entity);
    const version = this.schema.version;
    const current = this.versionOf(entity);
    let expect: Expect = options.expect ?? (this.schema.autoIncrement ? 'exist' : 'any');
    let check: ConditionNode | undefined;
    let next: unknown;
    if (version) {
      if (current === undefined || current === null) {
        expect = options.expect ?? 'notExist';
        next = this.int64(version, 1n);
      } else {
        expect = options.expect ?? 'exist';
        check = this.versionCheck(current);
        next = this.int64(version, int64FromProperty(this.schema, version, current) + 1n);
      }
    }
    const toWrite = version ? Object.assign(Object.create(Object.getPrototypeOf(entity)), entity, { [version.property]: next }) : entity;
    const { primaryKey, attributeColumns } = encodeRow(this.schema, toWrite);
    try {
      await this.client.call('putRow', {
        tableName: this.tableName,
        condition: this.condition(expect, options.where, check) as never,
        primaryKey: primaryKey as never,
        attributeColumns: attributeColumns as never,
        ...this.tx(),
      });
    } catch (e) {
      this.lostRace(e, entity, current);
    }
    if (version) (entity as Record<string, unknown>)[version.property] = next;
    return entity;
  }

  /** The row with this key, or `undefined`. */
  async get(key: KeyOf<T>, options: GetOptions<T> = {}): Promise<T | undefined> {
    const res = await this.client.call('getRow', {
      tableName: this.tableName,
      primaryKey: encodeKey(this.schema, key as object) as never,
      ...(options.columns ? { columnsToGet: this.columnsToGet(options.columns as string[]) } : {}),
      ...this.tx(),
    });
    return isEmptyRow(res.row as SdkRow) ? undefined : this.decode(res.row as SdkRow);
  }

  /**
   * Changes some columns of one row: `set` (null removes), `remove`, `increment` (atomic). The row must
   * exist unless `expect` says otherwise. With `@Version`, the version is incremented, and when `key` carries
   * a version (pass the entity you read) it must still be the stored one (else `ConcurrentModificationError`).
   * Returns the new values of incremented columns and the new version.
   */
  async update(key: KeyOf<T> | T, changes: UpdateChanges<T>, options: WriteOptions<T> = {}): Promise<UpdateResult<T>> {
    const version = this.schema.version;
    const set = (changes.set ?? {}) as Record<string, unknown>;
    if (version && (set[version.property] !== undefined || (changes.increment as Record<string, unknown> | undefined)?.[version.property] !== undefined)) {
      throw new CodecError('NOT_ALLOWED', { entity: this.schema.entityName, table: this.tableName, property: version.property }, 'the @Version column is maintained by tsorm');
    }
    const partial = Object.assign(Object.create(this.schema.entity.prototype as object), Object.fromEntries(Object.entries(set).filter(([, v]) => v !== null && v !== undefined)));
    validateEntity(this.schema, partial, true);
    const increment = { ...(changes.increment as Record<string, unknown> | undefined) };
    if (version) increment[version.property] = 1;
    const encoded = encodeUpdate(this.schema, { ...changes, increment } as UpdateChanges<T>);
    const current = this.versionOf(key as object);
    const check = version && current !== undefined && current !== null ? this.versionCheck(current) : undefined;
    let res;
    try {
      res = await this.client.call('updateRow', {
        tableName: this.tableName,
        condition: this.condition(options.expect ?? 'exist', options.where, check) as never,
        primaryKey: encodeKey(this.schema, key as object) as never,
        updateOfAttributeColumns: encoded.updateOfAttributeColumns as never,
        ...(encoded.incremented.length ? { returnContent: { returnType: 2 as const, returnColumns: encoded.incremented } } : {}),
        ...this.tx(),
      });
    } catch (e) {
      this.lostRace(e, key as object, current);
    }
    const out: Record<string, unknown> = {};
    for (const cell of res.row?.attributes ?? []) {
      const field = this.schema.byName[cell.columnName];
      if (field) out[field.property] = decodeFieldValue(this.schema, field, cell.columnValue);
    }
    if (version && out[version.property] !== undefined && isObject(key) && current !== undefined) {
      (key as Record<string, unknown>)[version.property] = out[version.property];
    }
    return out as UpdateResult<T>;
  }

  /** Atomically adds `by` (default 1, may be negative) to an int64 column and returns the new value. */
  async increment<K extends IncrementableNames<T>>(key: KeyOf<T>, property: K, by: number | bigint = 1, options: WriteOptions<T> = {}): Promise<T[K]> {
    const res = await this.update(key, { increment: { [property]: by } } as UpdateChanges<T>, options);
    return (res as Record<string, unknown>)[property as string] as T[K];
  }

  /** Deletes one row. `expect: 'exist'` fails when it is missing; a key carrying a version checks it. */
  async delete(key: KeyOf<T> | T, options: WriteOptions<T> = {}): Promise<void> {
    const current = this.versionOf(key as object);
    const check = this.schema.version && current !== undefined && current !== null ? this.versionCheck(current) : undefined;
    try {
      await this.client.call('deleteRow', {
        tableName: this.tableName,
        condition: this.condition(options.expect ?? 'any', options.where, check) as never,
        primaryKey: encodeKey(this.schema, key as object) as never,
        ...this.tx(),
      });
    } catch (e) {
      this.lostRace(e, key as object, current);
    }
  }

  // ------------------------------------------------------------------ range reads

  private range(query: KeyPrefix<T> | KeyRangeQuery<T>, direction: Direction, schema: TableSchema<T> = this.schema): SdkKeyRange {
    const keys = Object.keys(query ?? {});
    const isRange =
      keys.length > 0 && keys.every((k) => (k === 'start' || k === 'end') && !schema.primaryKeys.some((p) => p.property === k));
    return isRange ? keyRange(schema, query as KeyRangeQuery<T>, direction) : prefixRange(schema, query as KeyPrefix<T>, direction);
  }

  /**
   * Every row whose key starts with `prefix` (`{}`: the whole table), or in `{ start, end }`, as an async
   * iterator that reads page after page. Memory stays bounded by one page.
   */
  find(query: KeyPrefix<T> | KeyRangeQuery<T> = {}, options: FindOptions<T> = {}): AsyncIterableIterator<T> {
    return this.scan(this.schema, this.tableName, query, options);
  }

  private async *scan(schema: TableSchema<T>, table: string, query: KeyPrefix<T> | KeyRangeQuery<T>, options: FindOptions<T>, startAt?: Array<Record<string, unknown>>, pageOut?: { next?: PrimaryKeyCell[] }): AsyncIterableIterator<T> {
    const range = this.range(query, options.direction ?? 'forward', schema);
    if (range.empty) return;
    const where = options.where ? resolveWhere(this.schema, options.where) : undefined;
    const columnsToGet = this.columnsToGet(options.columns as string[] | undefined, where);
    let remaining = options.limit ?? Infinity;
    let start: unknown = startAt ?? range.inclusiveStartPrimaryKey;
    while (remaining > 0) {
      const params: GetRangeParams = {
        tableName: table,
        direction: range.direction,
        inclusiveStartPrimaryKey: start as never,
        exclusiveEndPrimaryKey: range.exclusiveEndPrimaryKey as never,
        limit: Math.min(remaining, options.pageSize ?? 5000),
        ...(columnsToGet ? { columnsToGet } : {}),
        ...(where ? { columnFilter: toSdkCondition(this.schema, where) as never } : {}),
        ...this.tx(),
      };
      const res = await this.client.call('getRange', params);
      for (const row of res.rows) {
        remaining--;
        yield decodeRow(this.schema, row);
      }
      if (pageOut) pageOut.next = res.nextStartPrimaryKey ?? undefined;
      if (!res.nextStartPrimaryKey) return;
      start = res.nextStartPrimaryKey.map((c) => ({ [c.name]: c.value }));
    }
  }

  /** One page of a range read and an opaque cursor for the next (for HTTP APIs). */
  async page(query: KeyPrefix<T> | KeyRangeQuery<T> = {}, options: PageOptions<T> = {}): Promise<Page<T>> {
    return this.pageOf(this.schema, this.tableName, query, options);
  }

  private async pageOf(schema: TableSchema<T>, table: string, query: KeyPrefix<T> | KeyRangeQuery<T>, options: PageOptions<T>): Promise<Page<T>> {
    const limit = options.limit ?? 100;
    const out: { next?: PrimaryKeyCell[] } = {};
    const items: T[] = [];
    const startAt = options.cursor ? decodeCursor(table, options.cursor) : undefined;
    for await (const item of this.scan(schema, table, query, { ...options, limit }, startAt, out)) items.push(item);
    return out.next ? { items, cursor: encodeCursor(table, out.next) } : { items };
  }

  // ------------------------------------------------------------------ secondary indexes

  /**
   * Reads through a secondary index: its rows hold the index key columns and the index's defined columns
   * (the service does not join back to the data table), decoded as partial entities.
   */
  index(name: string): IndexReader<T> {
    const idx = this.schema.indexes.find((i) => i.name === name);
    if (!idx) throw new CodecError('UNKNOWN_PROPERTY', { entity: this.schema.entityName, table: this.tableName }, `${this.schema.entityName} declares no index named '${name}'`);
    return new IndexReader(this, indexSchema(this.schema, idx));
  }

  /** @internal used by IndexReader */
  scanIndex(schema: TableSchema<T>, query: KeyPrefix<T> | KeyRangeQuery<T>, options: FindOptions<T>): AsyncIterableIterator<T> {
    return this.scan(schema, schema.tableName, query, options);
  }

  /** @internal used by IndexReader */
  pageIndex(schema: TableSchema<T>, query: KeyPrefix<T> | KeyRangeQuery<T>, options: PageOptions<T>): Promise<Page<T>> {
    return this.pageOf(schema, schema.tableName, query, options);
  }

  // ------------------------------------------------------------------ batches

  /** Reads many rows (chunks of 100); results in input order, `undefined` for missing rows. */
  async batchGet(keys: KeyOf<T>[], options: GetOptions<T> = {}): Promise<Array<T | undefined>> {
    const encoded = keys.map((k) => encodeKey(this.schema, k as object));
    const ids = encoded.map((k) => keyId(k)!); // encodeKey (no autoIncrement option) never yields a placeholder
    const unique = [...new Map(ids.map((id, i) => [id, i])).entries()].map(([id, i]) => ({ id, pk: encoded[i] }));
    const found = new Map<string, T | undefined>();
    const columnsToGet = this.columnsToGet(options.columns as string[] | undefined);
    for (let i = 0; i < unique.length; i += BATCH_GET_MAX_ROWS) {
      let pending = unique.slice(i, i + BATCH_GET_MAX_ROWS);
      for (let attempt = 1; pending.length; attempt++) {
        const res = await this.client.call('batchGetRow', {
          tables: [{ tableName: this.tableName, primaryKey: pending.map((p) => p.pk) as never, ...(columnsToGet ? { columnsToGet } : {}) }],
          ...this.tx(),
        });
        const retry: typeof pending = [];
        res.tables[0].forEach((r, j) => {
          const want = pending[j];
          if (r.isOk) {
            found.set(want.id, r.primaryKey ? this.decode({ primaryKey: r.primaryKey, attributes: r.attributes ?? [] } as SdkRow) : undefined);
            return;
          }
          const code = r.errorCode ?? 'OTSUnknownError';
          const error = createTableStoreError({ code, message: r.errorMessage ?? code, status: 200, action: 'batchGetRow', idempotent: true });
          if (!isRetryableCode(code, r.errorMessage ?? undefined, true) || attempt >= MAX_ROW_ATTEMPTS) throw error;
          retry.push(want);
        });
        if (retry.length) await sleep(backoff(attempt, 25, 2000));
        pending = retry;
      }
    }
    return ids.map((id) => found.get(id));
  }

  /**
   * Inserts many rows (each must not exist; auto-increment keys are generated and written back). Chunked by
   * 200 rows and 4 MB, sent with bounded concurrency, throttled rows retried. One result per input; throws
   * `BatchWriteError` (carrying every result) when any row failed, unless `throwOnError: false`.
   */
  async batchInsert(inputs: Array<InsertOf<T> | T>, options: BatchOptions = {}): Promise<BatchResult<T>> {
    const auto = this.schema.autoIncrement;
    return this.batchWrite(inputs.map((i) => this.instance(i as object)), options, (entity) => {
      const e = entity as Record<string, unknown>;
      this.startVersion(entity);
      validateEntity(this.schema, entity);
      const generated = !!auto && (e[auto.property] === undefined || e[auto.property] === null);
      const { primaryKey, attributeColumns } = encodeRow(this.schema, entity, { autoIncrement: true });
      return {
        type: 'PUT',
        condition: this.condition(auto ? 'any' : 'notExist', undefined) as never,
        primaryKey: primaryKey as never,
        attributeColumns: attributeColumns as never,
        ...(generated ? { returnContent: { returnType: 1 as const } } : {}),
      };
    }, 'insert');
  }

  /** Writes many rows, each replacing what is stored (like `save`, without version checks). */
  async batchSave(inputs: T[], options: BatchOptions = {}): Promise<BatchResult<T>> {
    return this.batchWrite(inputs.map((i) => this.instance(i)), options, (entity) => {
      validateEntity(this.schema, entity);
      const { primaryKey, attributeColumns } = encodeRow(this.schema, entity);
      return {
        type: 'PUT',
        condition: this.condition(this.schema.autoIncrement ? 'exist' : 'any', undefined) as never,
        primaryKey: primaryKey as never,
        attributeColumns: attributeColumns as never,
      };
    }, 'replace');
  }

  /** Deletes many rows by key. */
  async batchDelete(keys: Array<KeyOf<T>>, options: BatchOptions = {}): Promise<BatchResult<KeyOf<T>>> {
    return this.batchWrite(keys, options, (key) => ({
      type: 'DELETE',
      condition: this.condition('any', undefined) as never,
      primaryKey: encodeKey(this.schema, key as object) as never,
    }), 'replace');
  }

  /**
   * The shared batch path. Inputs that cannot be encoded or validated fail on their own (nothing sent for
   * them). A key repeated in the input: for replace/delete only its last occurrence is sent and the earlier
   * ones succeed with it (the same final state as sequential writes); for insert the later occurrences fail.
   */
  private async batchWrite<I>(inputs: I[], options: BatchOptions, build: (input: I) => BatchWriteRowItem, duplicates: 'insert' | 'replace'): Promise<BatchResult<I>> {
    const results: BatchItemResult<I>[] = new Array(inputs.length);
    const items: WriteItem[] = [];
    const lastByKey = new Map<string, number>();
    const built: Array<BatchWriteRowItem | undefined> = inputs.map((input, index) => {
      try {
        return build(input);
      } catch (error) {
        results[index] = { index, ok: false, item: input, error: error as Error };
        return undefined;
      }
    });
    const supersededBy = new Map<number, number>();
    built.forEach((row, index) => {
      if (!row) return;
      const id = keyId(row.primaryKey as never);
      if (id === undefined) {
        // An auto-increment placeholder: every such row is a new key.
        items.push({ index, row, size: estimateSize(row) });
        return;
      }
      const previous = lastByKey.get(id);
      if (previous !== undefined) {
        if (duplicates === 'insert') {
          results[index] = { index, ok: false, item: inputs[index], error: new ConditionCheckFailedError({ code: 'OTSConditionCheckFail', message: `the key of input #${index} repeats input #${previous}: a row can be inserted once`, status: 403 }) };
          return;
        }
        supersededBy.set(previous, index);
      }
      lastByKey.set(id, index);
    });
    for (const index of lastByKey.values()) items.push({ index, row: built[index]!, size: estimateSize(built[index]) });
    items.sort((a, b) => a.index - b.index);
    const outcomes = await writeBatches(this.client, this.tableName, items, options, this.transactionId);
    for (const [index, outcome] of outcomes) {
      const item = inputs[index];
      if (outcome.ok) {
        if (outcome.primaryKey && this.schema.autoIncrement && isObject(item)) Object.assign(item, decodeKey(this.schema, outcome.primaryKey));
        results[index] = { index, ok: true, item };
      } else {
        results[index] = { index, ok: false, item, error: outcome.error };
      }
    }
    // Earlier occurrences of a repeated key share the outcome of the last one.
    for (const [earlier, later] of supersededBy) {
      let last = later;
      while (supersededBy.has(last)) last = supersededBy.get(last)!;
      const r = results[last];
      results[earlier] = r.ok ? { index: earlier, ok: true, item: inputs[earlier] } : { index: earlier, ok: false, item: inputs[earlier], error: r.error };
    }
    const failures = results.filter((r): r is Extract<BatchItemResult<I>, { ok: false }> => !r.ok);
    if (failures.length && options.throwOnError !== false) throw new BatchWriteError(this.tableName, results);
    return { results, succeeded: results.filter((r) => r.ok).map((r) => r.item), failures };
  }

  // ------------------------------------------------------------------ local transactions

  /**
   * Runs `fn` in a local transaction on one partition-key value: reads inside see the transaction's writes,
   * others see them only after commit. Commits when `fn` resolves, aborts when it throws.
   */
  async transaction<R>(partitionKey: KeyPrefix<T>, fn: (repo: Repository<T>) => Promise<R>): Promise<R> {
    const first = this.schema.primaryKeys[0];
    const value = (partitionKey as Record<string, unknown>)[first.property];
    if (value === undefined || value === null) {
      throw new CodecError('MISSING_KEY', { entity: this.schema.entityName, table: this.tableName, property: first.property, column: first.name }, 'a transaction needs the partition key');
    }
    const primaryKey = encodeKey({ ...this.schema, primaryKeys: [first] } as TableSchema, { [first.property]: value });
    const { transactionId } = await this.client.call('startLocalTransaction', { tableName: this.tableName, primaryKey: primaryKey as never });
    const repo = new Repository<T>(this.client, this.schema, transactionId);
    let result: R;
    try {
      result = await fn(repo);
    } catch (e) {
      await this.client.call('abortTransaction', { transactionId }).catch(() => undefined);
      throw e;
    }
    await this.client.call('commitTransaction', { transactionId });
    return result;
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
    return this.repo.scanIndex(this.schema, query as KeyPrefix<T>, options);
  }

  page(query: IndexQuery<T> = {}, options: PageOptions<T> = {}): Promise<Page<T>> {
    return this.repo.pageIndex(this.schema, query as KeyPrefix<T>, options);
  }
}

/** A schema whose primary keys are the index table's (for ranges over the index). */
function indexSchema<T>(schema: TableSchema<T>, idx: IndexSchema): TableSchema<T> {
  const primaryKeys = idx.fullPrimaryKey.map((name, pkIndex) => {
    const field = schema.byName[name];
    return { ...field, kind: 'primaryKey', autoIncrement: false, pkIndex } as PrimaryKeySchema;
  });
  const byProperty: Record<string, FieldSchema> = Object.assign(Object.create(null), schema.byProperty);
  const byName: Record<string, FieldSchema> = Object.assign(Object.create(null), schema.byName);
  for (const pk of primaryKeys) {
    byProperty[pk.property] = pk;
    byName[pk.name] = pk;
  }
  return { ...schema, tableName: idx.name, primaryKeys, autoIncrement: undefined, byProperty, byName };
}

/**
 * A stable identity for an SDK primary key (for duplicate detection and result mapping); `undefined` when
 * the key holds the auto-increment placeholder (the service makes it a new key).
 */
function keyId(pk: Array<Record<string, unknown>>): string | undefined {
  const parts: string[] = [];
  for (const cell of pk) {
    const [name, v] = Object.entries(cell)[0] ?? ['', undefined];
    if (typeof v === 'string') parts.push(`${name}\u0000s${v}`);
    else if (Buffer.isBuffer(v)) parts.push(`${name}\u0000b${v.toString('hex')}`);
    else if (isSdkInt64(v)) parts.push(`${name}\u0000i${fromSdkInt64(v)}`);
    else return undefined;
  }
  return parts.join('\u0001');
}

