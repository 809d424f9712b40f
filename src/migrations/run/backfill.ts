/**
 * `m.backfill(target, fn, options)`: a data migration over every row of a table, resumable and exactly once.
 *
 * The table is read in primary-key order, a page at a time. `fn(row)` returns the change for that row
 * (`{ set, remove, increment }`, `{ delete: true }`, or nothing to leave it alone); the changes of a page go out
 * in one BatchWriteRow, then the page's last key is saved as the checkpoint (a row of the history table). A run
 * that is killed resumes after the checkpoint.
 *
 * Exactly once: the checkpoint alone would replay the page that was being written when the run died, and an
 * `increment` replayed is an increment applied twice. So every row change also sets a marker column,
 * `_tsorm_backfill`, to this backfill's identity, and is conditioned on the row existing with a different
 * marker (or none). A replayed change then fails its condition and counts as already done: each row's change is
 * applied exactly once. (`fn` itself may run again for the rows of that one page: keep its side effects in the
 * change it returns.) `{ marker: false }` drops the marker and the guarantee (at least once), for changes that are
 * idempotent anyway (a `set` computed from the row).
 *
 * The identity is the migration's application token plus the backfill's position in the migration, so a
 * migration reverted and applied again backfills again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { toKeyInput, type BatchWriteRowItem, type PrimaryKeyCell, type PrimaryKeyInput, type SdkRow, type UpdateOfAttributeColumns } from '../../client/actions';
import type { TableStoreClient } from '../../client/client';
import { createTableStoreError, isRetryableCode, TableStoreError } from '../../client/errors';
import { ComparatorType, Condition, INF_MAX, INF_MIN, RowExistenceExpectation, SingleColumnCondition, type CellValue } from '../../client/values';
import { decodeRow } from '../../codec/row';
import { fromSdkInt64, isSdkInt64, toSdkInt64, type SdkInt64 } from '../../codec/sdk-values';
import { encodeUpdate } from '../../codec/update';
import { INT64_MAX, INT64_MIN } from '../../codec/value';
import { BATCH_WRITE_MAX_BYTES, estimateSize } from '../../repository/actions/batch-write/engine';
import { validateEntity } from '../../repository/validate';
import type { UpdateChanges } from '../../schema/entity-types';
import type { EntityClass, TableSchema } from '../../schema/types';
import { BackfillError, MigrationError } from '../errors';
import type { HistoryStore } from './history';
import { Progress, type ProgressOptions } from './progress';
import { describeSpec } from '../spec/live-table';

/** The marker column (see the module comment). */
export const MARKER_COLUMN = '_tsorm_backfill';

/** A raw row of a backfill over a table name: int64 as `bigint`, BINARY as `Buffer`, DOUBLE as `number`. */
export interface RawRow {
  key: Record<string, string | bigint | Buffer>;
  columns: Record<string, string | bigint | number | boolean | Buffer>;
}

/** A change to a raw row: `bigint` values are written as INTEGER, `number` as DOUBLE. */
export interface RawChange {
  set?: Record<string, string | bigint | number | boolean | Buffer | null>;
  remove?: string[];
  increment?: Record<string, bigint | number>;
}

export type BackfillChange<T> = (T extends RawRow ? RawChange : UpdateChanges<T & object>) | { delete: true };

export interface BackfillOptions {
  /** Rows read and written per page (1–200). Default 200. */
  pageSize?: number;
  /** Calls of `fn` in flight within a page. Default 8. */
  concurrency?: number;
  /** Count the rows first (reads every key once) to show a percentage. Default true. */
  count?: boolean;
  /** The exactly-once marker (see above). Default true. */
  marker?: boolean;
  /** Checkpoint name when a migration has several backfills and their order may change. Default: position. */
  id?: string;
  /** Stored columns to read (default all). Primary keys always come. */
  columns?: string[];
}

export interface BackfillResult {
  table: string;
  /** Rows seen (this run and earlier runs of the same backfill). */
  rows: number;
  /** Rows whose change was applied. */
  changed: number;
  /** Rows `fn` left alone. */
  unchanged: number;
  /** Rows whose change had already been applied by an interrupted run (or that were deleted meanwhile). */
  alreadyDone: number;
  resumed: boolean;
}

export interface BackfillEnv {
  client: TableStoreClient;
  history: HistoryStore;
  migration: string;
  token: string;
  ordinal: number;
  assertHeld(): void;
  progress: ProgressOptions;
  resolveSchema(entity: EntityClass): TableSchema;
}

type KeyJson = Array<{ n: string; s?: string; i?: string; b?: string }>;

function keyToJson(pk: readonly PrimaryKeyCell[]): string {
  const out: KeyJson = pk.map((c) => {
    if (typeof c.value === 'string') return { n: c.name, s: c.value };
    if (Buffer.isBuffer(c.value)) return { n: c.name, b: c.value.toString('base64') };
    return { n: c.name, i: c.value.toString() };
  });
  return JSON.stringify(out);
}

function keyFromJson(text: string): PrimaryKeyInput {
  return (JSON.parse(text) as KeyJson).map((c) => ({ [c.n]: c.s !== undefined ? c.s : c.b !== undefined ? Buffer.from(c.b, 'base64') : toSdkInt64(BigInt(c.i!)) }));
}

function sameKey(a: readonly PrimaryKeyCell[], b: string): boolean {
  return keyToJson(a) === b;
}

function rawValue(v: unknown): string | bigint | number | boolean | Buffer {
  if (isSdkInt64(v)) return fromSdkInt64(v);
  return v as string | number | boolean | Buffer;
}

function rawRow(row: SdkRow): RawRow {
  const key: RawRow['key'] = {};
  for (const c of row.primaryKey) key[c.name] = rawValue(c.value) as string | bigint | Buffer;
  const columns: RawRow['columns'] = {};
  // Newest version first per column (spec §2.4): keep the first seen.
  for (const a of row.attributes ?? []) if (!(a.columnName in columns) && a.columnValue !== null) columns[a.columnName] = rawValue(a.columnValue);
  return { key, columns };
}

/** An int64 cell; a value outside the int64 range is refused (the SDK's own Int64LE would wrap it silently). */
function int64Cell(table: string, column: string, v: bigint): SdkInt64 {
  if (v < INT64_MIN || v > INT64_MAX) throw new MigrationError('TsormBackfillError', `backfill of table '${table}': ${column} = ${v} is outside the int64 range [-2^63, 2^63-1]`);
  return toSdkInt64(v);
}

function encodeRawChange(table: string, change: RawChange): UpdateOfAttributeColumns {
  const groups: UpdateOfAttributeColumns = [];
  const puts: Array<Record<string, CellValue>> = [];
  const deletes: string[] = [...(change.remove ?? [])];
  for (const [k, v] of Object.entries(change.set ?? {})) {
    if (v === undefined) continue;
    if (v === null) deletes.push(k);
    else puts.push({ [k]: typeof v === 'bigint' ? int64Cell(table, k, v) : v });
  }
  const incs: Array<Record<string, SdkInt64>> = [];
  for (const [k, v] of Object.entries(change.increment ?? {})) {
    if (typeof v === 'number' && !Number.isSafeInteger(v)) throw new MigrationError('TsormBackfillError', `backfill of table '${table}': increment of ${k} must be an integer (a safe integer number or a bigint), got ${v}`);
    incs.push({ [k]: int64Cell(table, k, BigInt(v)) });
  }
  if (puts.length) groups.push({ PUT: puts });
  if (deletes.length) groups.push({ DELETE_ALL: deletes });
  if (incs.length) groups.push({ INCREMENT: incs });
  return groups;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

export async function runBackfill<T>(env: BackfillEnv, target: EntityClass<T> | string, fn: (row: any) => unknown, options: BackfillOptions = {}): Promise<BackfillResult> {
  const { client, history } = env;
  const schema = typeof target === 'string' ? undefined : env.resolveSchema(target);
  const table = schema ? schema.tableName : (target as string);
  const pageSize = options.pageSize ?? 200;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 200) throw new MigrationError('TsormBackfillError', `backfill of table '${table}': pageSize must be an integer in [1, 200], got ${pageSize}`);
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const useMarker = options.marker !== false;

  const live = await describeSpec(client, table);
  if (!live) throw new MigrationError('TsormBackfillError', `backfill of table '${table}': the table does not exist`);
  const pkNames = live.primaryKey.map((p) => p.name);

  const id = options.id ?? String(env.ordinal);
  const checkpointName = `${env.migration}#${id}`;
  const markerValue = `${env.token}#${id}`;
  const saved = await history.get('backfill', checkpointName);
  const valid = saved && saved.token === env.token;
  const result: BackfillResult = {
    table,
    rows: valid ? Number(saved.rows ?? 0) : 0,
    changed: valid ? Number(saved.changed ?? 0) : 0,
    unchanged: valid ? Number(saved.unchanged ?? 0) : 0,
    alreadyDone: valid ? Number(saved.already_done ?? 0) : 0,
    resumed: !!valid && Number(saved.rows ?? 0) > 0,
  };
  const label = `backfill ${table}`;
  if (valid && saved.done === true) {
    if (!env.progress.silent) (env.progress.stream ?? process.stderr).write(`${label}: already done (${result.rows.toLocaleString('en-US')} rows)\n`);
    return { ...result, resumed: true };
  }
  let lastKey = valid && typeof saved.last_key === 'string' && saved.last_key ? saved.last_key : undefined;

  const range = (start: PrimaryKeyInput) => ({
    tableName: table,
    direction: 'FORWARD' as const,
    inclusiveStartPrimaryKey: start,
    exclusiveEndPrimaryKey: pkNames.map((n) => ({ [n]: INF_MAX })),
    maxVersions: 1,
  });
  const minKey = pkNames.map((n) => ({ [n]: INF_MIN }));

  let total: number | undefined;
  if (options.count !== false) {
    total = 0;
    let start: PrimaryKeyInput = minKey;
    for (;;) {
      const res = await client.call('getRange', { ...range(start), columnsToGet: [pkNames[0]] });
      total += res.rows.length;
      if (!res.nextStartPrimaryKey) break;
      start = toKeyInput(res.nextStartPrimaryKey);
    }
  }
  const progress = new Progress(label, total, env.progress, result.rows);

  const condition = () =>
    new Condition(RowExistenceExpectation.EXPECT_EXIST as 1, useMarker ? new SingleColumnCondition(MARKER_COLUMN, markerValue, ComparatorType.NOT_EQUAL, true, true) : null);

  let start: PrimaryKeyInput = lastKey ? keyFromJson(lastKey) : minKey;
  for (;;) {
    env.assertHeld();
    const columnsToGet = options.columns ? [...new Set([...options.columns, ...pkNames])] : undefined;
    const res = await client.call('getRange', { ...range(start), limit: pageSize, ...(columnsToGet ? { columnsToGet } : {}) });
    const rows = res.rows.filter((r) => !(lastKey && sameKey(r.primaryKey, lastKey)));
    const changes = await mapLimit(rows, concurrency, async (row) => {
      const input = schema ? decodeRow(schema, row) : rawRow(row);
      try {
        return await fn(input);
      } catch (e) {
        throw new BackfillError(table, keyToJson(row.primaryKey), e);
      }
    });

    const items: Array<{ row: SdkRow; item: BatchWriteRowItem }> = [];
    rows.forEach((row, i) => {
      const change = changes[i] as Record<string, unknown> | undefined | null;
      const primaryKey = row.primaryKey.map((c) => ({ [c.name]: c.value }));
      if (!change || typeof change !== 'object' || Object.keys(change).length === 0) {
        result.unchanged++;
        return;
      }
      if (change.delete === true) {
        items.push({ row, item: { type: 'DELETE', condition: condition(), primaryKey } });
        return;
      }
      let groups: UpdateOfAttributeColumns;
      try {
        if (schema) {
          const set = (change.set ?? {}) as Record<string, unknown>;
          validateEntity(schema, Object.assign(Object.create(schema.entity.prototype as object), Object.fromEntries(Object.entries(set).filter(([, v]) => v !== null && v !== undefined))), true);
          groups = encodeUpdate(schema, change as UpdateChanges<object>).updateOfAttributeColumns as UpdateOfAttributeColumns;
        } else {
          groups = encodeRawChange(table, change as RawChange);
        }
      } catch (e) {
        throw new BackfillError(table, keyToJson(row.primaryKey), e);
      }
      if (groups.length === 0) {
        result.unchanged++;
        return;
      }
      if (useMarker) {
        const put = groups.find((g): g is { PUT: Array<Record<string, CellValue>> } => 'PUT' in g);
        if (put) put.PUT.push({ [MARKER_COLUMN]: markerValue });
        else groups.unshift({ PUT: [{ [MARKER_COLUMN]: markerValue }] });
      }
      items.push({ row, item: { type: 'UPDATE', condition: condition(), primaryKey, attributeColumns: groups } });
    });

    // One request per page unless the changes are large: BatchWriteRow also caps a request at 4 MB.
    for (const chunk of bySize(items)) await writeAll(client, table, chunk, useMarker, result);
    result.rows += rows.length;

    const last = res.rows[res.rows.length - 1];
    if (last) {
      lastKey = keyToJson(last.primaryKey);
      await history.put('backfill', checkpointName, {
        token: env.token,
        last_key: lastKey,
        rows: result.rows,
        changed: result.changed,
        unchanged: result.unchanged,
        already_done: result.alreadyDone,
        done: false,
        updated_at: Date.now(),
      });
    }
    progress.update(result.rows);
    if (!res.nextStartPrimaryKey) break;
    start = toKeyInput(res.nextStartPrimaryKey);
  }

  await history.put('backfill', checkpointName, {
    token: env.token,
    last_key: lastKey ?? '',
    rows: result.rows,
    changed: result.changed,
    unchanged: result.unchanged,
    already_done: result.alreadyDone,
    done: true,
    updated_at: Date.now(),
  });
  const fmt = (n: number) => n.toLocaleString('en-US');
  progress.finish(`${fmt(result.rows)} rows, ${fmt(result.changed)} changed${result.alreadyDone ? `, ${fmt(result.alreadyDone)} already done by an earlier run` : ''}`);
  return result;
}

function bySize<T extends { item: BatchWriteRowItem }>(items: T[]): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const it of items) {
    const size = estimateSize(it.item.primaryKey) + estimateSize('attributeColumns' in it.item ? it.item.attributeColumns : undefined);
    if (current.length && bytes + size > BATCH_WRITE_MAX_BYTES) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(it);
    bytes += size;
  }
  if (current.length) out.push(current);
  return out;
}

/** Writes a page's changes (≤ 200 rows: one request), retrying throttled rows; condition failures = already done. */
async function writeAll(client: TableStoreClient, table: string, items: Array<{ row: SdkRow; item: BatchWriteRowItem }>, idempotent: boolean, result: BackfillResult): Promise<void> {
  let pending = items;
  for (let attempt = 1; pending.length; attempt++) {
    const res = await client.call('batchWriteRow', { tables: [{ tableName: table, rows: pending.map((p) => p.item) }] }, { idempotent });
    const retry: typeof pending = [];
    pending.forEach((p, j) => {
      const r = res.tables[j];
      if (!r) throw new BackfillError(table, keyToJson(p.row.primaryKey), new Error('BatchWriteRow answered without a result for this row'));
      if (r.isOk) {
        result.changed++;
        return;
      }
      const code = r.errorCode ?? 'OTSUnknownError';
      if (code === 'OTSConditionCheckFail') {
        result.alreadyDone++;
        return;
      }
      if (isRetryableCode(code, r.errorMessage ?? undefined, false) && attempt < 10) {
        retry.push(p);
        return;
      }
      const error: TableStoreError = createTableStoreError({ code, message: r.errorMessage ?? code, status: 200, action: 'batchWriteRow', requestId: res.RequestId });
      throw new BackfillError(table, keyToJson(p.row.primaryKey), error);
    });
    pending = retry;
    if (pending.length) await sleep(Math.random() * Math.min(2000, 25 * 2 ** attempt));
  }
}
