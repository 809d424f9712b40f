/**
 * `m`, the object a migration's `up(m)` / `down(m)` receives. Every operation is idempotent, compared against
 * the live table (DescribeTable) first:
 *
 * | operation | already in the wanted state | otherwise |
 * |---|---|---|
 * | `createTable(EntityOrSpec)` | identical table: no-op | missing: created, then waited on until usable; different: `TableConflictError` naming each difference |
 * | `updateTable(name, changes)` | every value already set: no-op | only the fields that differ are sent; table options, reserved throughput and the stream in separate calls |
 * | `createIndex(table, index)` | identical index: no-op | missing: created (with the existing rows); different: `TableConflictError` |
 * | `dropIndex(table, index)` | index (or table) missing: no-op | dropped |
 * | `createSearchIndex(table, index)` | identical index: no-op | missing: created, then waited on until it has caught up with the table; different: `TableConflictError` |
 * | `updateSearchIndex(table, index, { ttl })` | same TTL: no-op | TTL changed |
 * | `deleteSearchIndex(table, index)` | missing: no-op | deleted |
 * | `deleteTable(name)` | missing: no-op | deleted with its indexes and rows (only ever as an explicit call) |
 * | `backfill(target, fn)` | checkpoint says done: no-op | resumes after its checkpoint (see backfill.ts) |
 *
 * Each operation is a step: the run records the number of finished steps, and a run resuming the same migration
 * file (same checksum) skips them. In a dry run nothing is sent but reads; the operations are checked against
 * the live tables plus the effects of the earlier dry-run steps, so the plan says what would really happen.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { TableStoreClient } from '../../client/client';
import { READ_ACTIONS, type ActionName } from '../../client/actions';
import { TableNotFoundError, TableStoreError } from '../../client/errors';
import type { Database } from '../../repository/database';
import type { EntityClass, TableSchema } from '../../schema/types';
import { runBackfill, type BackfillEnv, type BackfillOptions, type BackfillResult, type RawRow, type BackfillChange } from './backfill';
import { optionChanges, type UpdateTableChanges } from '../generate/diff';
import { DryRunWriteError, MigrationError, TableConflictError, ThroughputAdjustmentError } from '../errors';
import type { HistoryStore } from './history';
import type { ProgressOptions } from './progress';
import { compareSpecs, createTableParams, fullIndexKey, indexDifference, indexMetaInput, normalizeIndex, normalizeSpec, specFromSchema, streamSpecification, streamText, type IndexSpec, type NormalizedTableSpec, type TableSpec } from '../spec/table-spec';
import { describeSpec, waitUntilUsable } from '../spec/live-table';
import { createSearchIndexParams, normalizeSearchIndex, searchIndexDifference, type SearchIndexSpec } from '../spec/search-index-spec';
import { waitForSearchIndex } from '../../repository/actions/search/sync';

export type { UpdateTableChanges };

/** What a migration's `up` / `down` receives. */
export interface MigrationContext {
  /** The migration's name (`20250101120000_init`). */
  readonly migration: string;
  readonly direction: 'up' | 'down';
  /** True under `--dry-run`: nothing is written; `m.client` refuses writes. */
  readonly dryRun: boolean;
  /** The client, for anything the operations do not cover (writes are refused in a dry run). */
  readonly client: TableStoreClient;
  /** The ORM on the same connection: `m.db.repository(Entity)`. */
  readonly db: Database;
  /** Creates a table from an entity class or a `TableSpec`; a no-op when it exists identically. */
  createTable(entityOrSpec: EntityClass | TableSpec): Promise<void>;
  /** Changes table options, reserved throughput and the stream (`stream: null` disables it); sends only what differs. */
  updateTable(table: string, changes: UpdateTableChanges): Promise<void>;
  /** Adds a secondary index (indexing the existing rows unless `includeBaseData: false`). */
  createIndex(table: string, index: IndexSpec, options?: { includeBaseData?: boolean }): Promise<void>;
  dropIndex(table: string, index: string): Promise<void>;
  /** Creates a search index and waits until it has caught up with the table's rows (spec §8). */
  createSearchIndex(table: string, index: SearchIndexSpec): Promise<void>;
  /** Changes a search index's TTL (seconds, -1 = never): the one thing the service changes in place (spec §2.5). */
  updateSearchIndex(table: string, index: string, changes: { ttl: number }): Promise<void>;
  deleteSearchIndex(table: string, index: string): Promise<void>;
  /** Deletes a table with its indexes and every row. Only ever done when a migration calls it. */
  deleteTable(table: string): Promise<void>;
  /** Changes every row of a table, resumably and exactly once per row (see `BackfillOptions`). */
  backfill<T>(entity: EntityClass<T>, fn: (row: T) => BackfillChange<T> | void | undefined | Promise<BackfillChange<T> | void | undefined>, options?: BackfillOptions): Promise<BackfillResult>;
  backfill(table: string, fn: (row: RawRow) => BackfillChange<RawRow> | void | undefined | Promise<BackfillChange<RawRow> | void | undefined>, options?: BackfillOptions): Promise<BackfillResult>;
  /** Prints a line in the command's output. */
  log(message: string): void;
}

/** One operation as it ran (or would run): for the command's output. */
export interface StepReport {
  step: number;
  operation: string;
  table: string;
  /** What it did: `created`, `no-op: …`, `would create`, `skipped: done by an earlier run`… */
  outcome: string;
}

export interface ContextOptions {
  migration: string;
  /** Names this run's backfill checkpoints (default `migration`; `down` runs use their own). */
  checkpointPrefix?: string;
  direction: 'up' | 'down';
  dryRun: boolean;
  client: TableStoreClient;
  db: Database;
  history: HistoryStore;
  /** The application token (backfill identity). */
  token: string;
  /** Steps finished by an earlier run of this same file: skipped. */
  resumeSteps: number;
  /** Called after each finished step with the number finished so far. */
  onStep(stepsDone: number, report: StepReport): Promise<void>;
  assertHeld(): void;
  log(message: string): void;
  resolveSchema(entity: EntityClass): TableSchema;
  progress: ProgressOptions;
  throughputWaitMs: number;
  /** Shared across the migrations of one dry run: table → spec as earlier dry-run steps left it (null = deleted). */
  dryRunState?: Map<string, NormalizedTableSpec | null>;
}

const UPDATE_KEYS = new Set(['timeToLive', 'maxVersions', 'maxTimeDeviation', 'allowUpdate', 'reservedThroughput', 'stream']);

/** A client whose write actions throw `DryRunWriteError`. */
function readOnlyClient(client: TableStoreClient): TableStoreClient {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'call' || prop === 'callWithMeta') {
        return (action: ActionName, ...rest: unknown[]) => {
          if (!READ_ACTIONS.has(action)) throw new DryRunWriteError(action);
          return (target[prop] as (...a: unknown[]) => unknown).call(target, action, ...rest);
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

export function createContext(o: ContextOptions): MigrationContext {
  let step = 0;
  let backfills = 0;
  const state = o.dryRunState ?? new Map<string, NormalizedTableSpec | null>();

  const live = async (table: string): Promise<NormalizedTableSpec | undefined> => {
    if (o.dryRun && state.has(table)) return state.get(table) ?? undefined;
    return describeSpec(o.client, table);
  };

  /** Runs one step: skipped when an earlier run finished it; recorded when it finishes. */
  async function run(operation: string, table: string, fn: () => Promise<string>): Promise<void> {
    step++;
    const report: StepReport = { step, operation, table, outcome: '' };
    if (step <= o.resumeSteps) {
      report.outcome = 'skipped: done by an earlier run';
      o.log(`  ${operation} ${table}: ${report.outcome}`);
      return;
    }
    o.assertHeld();
    report.outcome = await fn();
    o.log(`  ${operation} ${table}: ${report.outcome}`);
    await o.onStep(step, report);
  }

  const m: MigrationContext = {
    migration: o.migration,
    direction: o.direction,
    dryRun: o.dryRun,
    client: o.dryRun ? readOnlyClient(o.client) : o.client,
    db: o.db,
    log: o.log,

    async createTable(entityOrSpec) {
      const spec = typeof entityOrSpec === 'function' ? specFromSchema(o.resolveSchema(entityOrSpec)) : normalizeSpec(entityOrSpec);
      await run('createTable', spec.name, async () => {
        const current = await live(spec.name);
        if (current) {
          const diffs = compareSpecs(spec, current);
          if (diffs.length) throw new TableConflictError(spec.name, diffs);
          return 'exists with the same schema: nothing to do';
        }
        if (o.dryRun) {
          state.set(spec.name, spec);
          return 'would create';
        }
        await o.client.call('createTable', createTableParams(spec));
        await waitUntilUsable(o.client, spec.name, spec.primaryKey.map((p) => p.name));
        for (const ix of spec.searchIndexes ?? []) {
          await o.client.call('createSearchIndex', createSearchIndexParams(spec.name, ix));
          await waitForSearchIndex(o.client, spec.name, ix.name);
        }
        return spec.searchIndexes?.length ? `created (with search index${spec.searchIndexes.length > 1 ? 'es' : ''} ${spec.searchIndexes.map((i) => i.name).join(', ')})` : 'created';
      });
    },

    async updateTable(table, changes) {
      if (!changes || typeof changes !== 'object') throw new MigrationError('TsormSpecError', `updateTable('${table}'): changes must be an object`);
      const unknown = Object.keys(changes).filter((k) => !UPDATE_KEYS.has(k));
      if (unknown.length) throw new MigrationError('TsormSpecError', `updateTable('${table}'): unknown option ${unknown.join(', ')} (known: ${[...UPDATE_KEYS].join(', ')})`);
      await run('updateTable', table, async () => {
        const current = await live(table);
        if (!current) throw new MigrationError('TsormSpecError', `updateTable('${table}'): the table does not exist`);
        // Validate the wanted values by normalizing the resulting spec.
        const wanted = normalizeSpec({
          ...current,
          options: { ...current.options, ...pick(changes, ['timeToLive', 'maxVersions', 'maxTimeDeviation', 'allowUpdate']) },
          reservedThroughput: { ...current.reservedThroughput, ...pick(changes.reservedThroughput ?? {}, ['read', 'write']) },
          stream: 'stream' in changes ? (changes.stream ?? undefined) : current.stream,
        });
        const change = optionChanges(current, wanted)?.up;
        if (!change) return 'already set: nothing to do';
        const { reservedThroughput: rtDiff, stream: streamDiff, ...optionDiff } = change;
        const said = [
          ...(Object.keys(optionDiff) as Array<keyof typeof optionDiff>).map((k) => `${k} ${current.options[k]} → ${wanted.options[k]}`),
          ...(Object.keys(rtDiff ?? {}) as Array<'read' | 'write'>).map((k) => `reserved ${k} ${current.reservedThroughput[k]} → ${wanted.reservedThroughput[k]}`),
          ...(streamDiff !== undefined ? [`stream ${streamText(current.stream)} → ${streamText(wanted.stream)}`] : []),
        ];
        if (o.dryRun) {
          state.set(table, wanted);
          return `would change ${said.join(', ')}`;
        }
        if (Object.keys(optionDiff).length) await o.client.call('updateTable', { tableName: table, tableOptions: optionDiff });
        if (rtDiff) await adjustThroughput(o, table, rtDiff, wanted.options.maxVersions);
        if (streamDiff !== undefined) {
          // The retention cannot change while the stream is on (streams spec §1.2): off first, then on again,
          // which starts a new stream (records not yet read are gone).
          if (current.stream && wanted.stream && current.stream.expirationHours !== wanted.stream.expirationHours) {
            await o.client.call('updateTable', { tableName: table, tableOptions: {}, streamSpecification: streamSpecification(undefined) });
            said[said.length - 1] += ' (the stream was disabled and enabled again: a new stream)';
          }
          await o.client.call('updateTable', { tableName: table, tableOptions: {}, streamSpecification: streamSpecification(wanted.stream) });
        }
        return `changed ${said.join(', ')}`;
      });
    },

    async createIndex(table, index, options = {}) {
      const ix = normalizeIndex(table, index);
      await run('createIndex', `${table}.${ix.name}`, async () => {
        const current = await live(table);
        if (!current) throw new MigrationError('TsormSpecError', `createIndex('${table}', '${ix.name}'): the table does not exist`);
        const existing = current.indexes.find((i) => i.name === ix.name);
        if (existing) {
          const d = indexDifference(current, ix, existing);
          if (d) throw new TableConflictError(table, [`index ${ix.name}: ${d}`]);
          return 'exists with the same definition: nothing to do';
        }
        if (o.dryRun) {
          state.set(table, { ...current, indexes: [...current.indexes, ix].sort((a, b) => (a.name < b.name ? -1 : 1)) });
          return 'would create';
        }
        await o.client.call('createIndex', { mainTableName: table, indexMeta: indexMetaInput(ix), includeBaseData: options.includeBaseData ?? true });
        await waitUntilUsable(o.client, ix.name, fullIndexKey(current, ix));
        return 'created';
      });
    },

    async dropIndex(table, index) {
      await run('dropIndex', `${table}.${index}`, async () => {
        const current = await live(table);
        if (!current || !current.indexes.some((i) => i.name === index)) return `no such index${current ? '' : ' (no such table)'}: nothing to do`;
        if (o.dryRun) {
          state.set(table, { ...current, indexes: current.indexes.filter((i) => i.name !== index) });
          return 'would drop';
        }
        try {
          await o.client.call('dropIndex', { mainTableName: table, indexName: index });
        } catch (e) {
          if (!(e instanceof TableNotFoundError)) throw e; // dropped meanwhile
        }
        return 'dropped';
      });
    },

    async createSearchIndex(table, index) {
      const ix = normalizeSearchIndex(table, index);
      await run('createSearchIndex', `${table}.${ix.name}`, async () => {
        const current = await live(table);
        if (!current) throw new MigrationError('TsormSpecError', `createSearchIndex('${table}', '${ix.name}'): the table does not exist`);
        const existing = current.searchIndexes?.find((i) => i.name === ix.name);
        if (existing) {
          const d = searchIndexDifference(ix, existing) || (ix.ttl !== existing.ttl ? `ttl is ${existing.ttl} on the service, ${ix.ttl} in the migration` : '');
          if (d) throw new TableConflictError(table, [`search index ${ix.name}: ${d}`]);
          return 'exists with the same definition: nothing to do';
        }
        if (o.dryRun) {
          state.set(table, { ...current, searchIndexes: [...(current.searchIndexes ?? []), ix].sort((a, b) => (a.name < b.name ? -1 : 1)) });
          return 'would create (and wait until it has caught up)';
        }
        await o.client.call('createSearchIndex', createSearchIndexParams(table, ix));
        await waitForSearchIndex(o.client, table, ix.name);
        return 'created and caught up';
      });
    },

    async updateSearchIndex(table, index, changes) {
      const ttl = changes?.ttl;
      if (!Number.isInteger(ttl) || ttl === 0 || ttl < -1) throw new MigrationError('TsormSpecError', `updateSearchIndex('${table}', '${index}'): ttl must be -1 or a positive number of seconds, got ${String(ttl)}`);
      await run('updateSearchIndex', `${table}.${index}`, async () => {
        const current = await live(table);
        const existing = current?.searchIndexes?.find((i) => i.name === index);
        if (!current || !existing) throw new MigrationError('TsormSpecError', `updateSearchIndex('${table}', '${index}'): no such search index`);
        if (existing.ttl === ttl) return 'already set: nothing to do';
        if (o.dryRun) {
          state.set(table, { ...current, searchIndexes: current.searchIndexes!.map((i) => (i.name === index ? { ...i, ttl } : i)) });
          return `would change ttl ${existing.ttl} → ${ttl}`;
        }
        await o.client.call('updateSearchIndex', { tableName: table, indexName: index, timeToLive: ttl });
        return `changed ttl ${existing.ttl} → ${ttl}`;
      });
    },

    async deleteSearchIndex(table, index) {
      await run('deleteSearchIndex', `${table}.${index}`, async () => {
        const current = await live(table);
        if (!current || !current.searchIndexes?.some((i) => i.name === index)) return `no such search index${current ? '' : ' (no such table)'}: nothing to do`;
        if (o.dryRun) {
          state.set(table, { ...current, searchIndexes: current.searchIndexes.filter((i) => i.name !== index) });
          return 'would delete';
        }
        await o.client.call('deleteSearchIndex', { tableName: table, indexName: index });
        return 'deleted';
      });
    },

    async deleteTable(table) {
      await run('deleteTable', table, async () => {
        const current = await live(table);
        if (!current) return 'no such table: nothing to do';
        if (o.dryRun) {
          state.set(table, null);
          return 'would delete (with its indexes and every row)';
        }
        // The service refuses to delete a table that has search indexes (semantics spec §7.4).
        for (const ix of current.searchIndexes ?? []) await o.client.call('deleteSearchIndex', { tableName: table, indexName: ix.name });
        try {
          await o.client.call('deleteTable', { tableName: table });
        } catch (e) {
          if (!(e instanceof TableNotFoundError)) throw e;
        }
        return 'deleted';
      });
    },

    async backfill(target: EntityClass | string, fn: (row: any) => unknown, options?: BackfillOptions): Promise<BackfillResult> {
      const ordinal = backfills++;
      const table = typeof target === 'string' ? target : o.resolveSchema(target).tableName;
      let result: BackfillResult = { table, rows: 0, changed: 0, unchanged: 0, alreadyDone: 0, resumed: false };
      await run('backfill', table, async () => {
        if (o.dryRun) {
          const current = await live(table);
          return current ? 'would backfill every row' : 'would backfill (the table does not exist yet)';
        }
        const env: BackfillEnv = {
          client: o.client,
          history: o.history,
          migration: o.checkpointPrefix ?? o.migration,
          token: o.token,
          ordinal,
          assertHeld: o.assertHeld,
          progress: o.progress,
          resolveSchema: o.resolveSchema,
        };
        result = await runBackfill(env, target, fn, options);
        return `${result.rows} rows, ${result.changed} changed${result.alreadyDone ? `, ${result.alreadyDone} already done by an earlier run` : ''}`;
      });
      return result;
    },
  } as MigrationContext;
  return m;
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/**
 * UpdateTable with reserved throughput. The service allows one adjustment per table every 2 minutes
 * (OTSTooFrequentReservedThroughputAdjustment, spec §1.24). The client would retry that code like any
 * throttling for its whole time budget; here it is handled on its own: said once, then retried every few
 * seconds up to `throughputWaitMs`, then a `ThroughputAdjustmentError` that says when to run again. Other
 * retryable failures are retried with backoff.
 */
async function adjustThroughput(o: ContextOptions, table: string, rt: { read?: number; write?: number }, maxVersions: number): Promise<void> {
  const start = Date.now();
  let announced = false;
  for (let attempt = 1; ; attempt++) {
    try {
      // The Node SDK always sends a TableOptions message, and the service refuses an empty one: repeat an
      // unchanged option alongside the throughput.
      await o.client.call('updateTable', { tableName: table, tableOptions: { maxVersions }, reservedThroughput: { capacityUnit: rt } }, { retry: { maxAttempts: 1 } });
      return;
    } catch (e) {
      if (!(e instanceof TableStoreError)) throw e;
      if (e.code !== 'OTSTooFrequentReservedThroughputAdjustment') {
        if (!e.retryable || attempt >= 8) throw e;
        await sleep(o.client.retryPolicy.delayMs(attempt, e));
        continue;
      }
      const waited = Date.now() - start;
      if (waited >= o.throughputWaitMs) throw new ThroughputAdjustmentError(table, waited, e);
      if (!announced) {
        announced = true;
        o.log(`  updateTable ${table}: TableStore allows one reserved-throughput adjustment per table every 2 minutes; waiting (up to ${Math.round(o.throughputWaitMs / 1000)} s)…`);
      }
      o.assertHeld();
      await sleep(Math.min(5_000, Math.max(0, o.throughputWaitMs - waited)));
    }
  }
}
