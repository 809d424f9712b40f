/**
 * The migration runner: status, migrate (with `to` and dry run) and revert, recorded in the history table and
 * serialized by the migration lock.
 *
 * A migration's history row goes `running` → `applied`, or `failed` with the error when `up` throws. A failed
 * or interrupted (killed: still `running`, lock gone) migration stays pending; the next `migrate` runs it again,
 * skipping the steps the earlier run finished when the file is unchanged (same checksum), and re-checking
 * every step otherwise (each is idempotent). Pending migrations run in name order, which is creation order.
 */
import { randomUUID } from 'node:crypto';
import type { TableStoreClient } from '../../client/client';
import { Database } from '../../repository/database';
import type { EntityClass, TableSchema } from '../../schema/types';
import { schemaOf, type ResolvedConfig } from '../../project/config';
import { createContext, type MigrationContext, type StepReport } from './context';
import { ModuleLoadError } from '../../project/errors';
import { MigrationError, MigrationFailedError, UnknownMigrationError, type LockHolder } from '../errors';
import { findMigration, listMigrations, type MigrationFile } from '../files';
import { HistoryStore, type HistoryRecord } from './history';
import { loadModule } from '../../project/loader';
import { holderOf, MigrationLock } from './lock';
import type { ProgressOptions } from './progress';
import { streamText, type NormalizedTableSpec } from '../spec/table-spec';
import { describeSpec } from '../spec/live-table';
import { readSnapshot } from '../generate/snapshot';

export interface MigrationModule {
  up(m: MigrationContext): Promise<void> | void;
  down?(m: MigrationContext): Promise<void> | void;
}

export type MigrationState = 'applied' | 'pending' | 'failed' | 'interrupted' | 'running';

export interface StatusEntry {
  name: string;
  state: MigrationState;
  /** The file, relative to the migrations folder's parent; absent when it is missing. */
  file?: string;
  /** Applied, but the file changed since (its checksum differs). */
  changed: boolean;
  /** In the history but the file is gone. */
  missing: boolean;
  appliedAt?: string;
  durationMs?: number;
  host?: string;
  error?: string;
}

export interface StatusReport {
  migrations: StatusEntry[];
  applied: number;
  pending: number;
  /** The lock's holder when a run is in progress. */
  lock?: LockHolder;
  /** Tables whose stream the migrations declare or the service has on (absent: none). */
  streams?: StreamStatus[];
}

/** A table's stream as the migrations declare it (the snapshot) and as the service has it. */
export interface StreamStatus {
  table: string;
  /** `24 h`, `24 h, origin columns a, b` or `off`. */
  declared: string;
  /** The same form, or `table missing`. */
  live: string;
}

export interface AppliedReport {
  name: string;
  direction: 'up' | 'down';
  durationMs: number;
  steps: StepReport[];
}

export interface MigrateReport {
  dryRun: boolean;
  applied: AppliedReport[];
  /** Pending migrations left (after `to`, or all of them in a dry run). */
  pending: string[];
}

export interface RevertReport {
  reverted: AppliedReport[];
}

export interface MigratorOptions {
  config: ResolvedConfig;
  client: TableStoreClient;
  /** Human-readable output lines. */
  log(line: string): void;
  /** The command, shown to runs waiting for the lock. */
  command: string;
  /** Overrides `config.lock.waitMs` (`--no-wait` = 0). */
  lockWaitMs?: number;
  progress?: ProgressOptions;
}

export class Migrator {
  readonly history: HistoryStore;
  readonly db: Database;
  /** The lock while a migrate or revert holds it. */
  private held: MigrationLock | undefined;

  constructor(private readonly o: MigratorOptions) {
    this.history = new HistoryStore(o.client, o.config.historyTable);
    this.db = new Database(o.client);
  }

  /**
   * Releases the lock if this run holds it (on Ctrl-C): the next run then starts at once instead of waiting for
   * the lease to end; the interrupted migration stays `running` and is resumed by it.
   */
  async releaseLock(): Promise<boolean> {
    const lock = this.held;
    this.held = undefined;
    if (!lock) return false;
    await lock.release();
    return true;
  }

  files(): MigrationFile[] {
    return listMigrations(this.o.config.migrationsDir);
  }

  private async records(): Promise<HistoryRecord[]> {
    return (await this.history.exists()) ? this.history.migrations() : [];
  }

  async status(): Promise<StatusReport> {
    const files = this.files();
    const records = await this.records();
    const byName = new Map(records.map((r) => [r.name, r]));
    const lockRow = records.length ? await this.history.get('lock', 'migrate') : undefined;
    const lock = lockRow ? holderOf(lockRow) : undefined;
    const lockLive = !!lock && lock.expiresAt > Date.now();
    const entries: StatusEntry[] = [];
    const names = [...new Set([...files.map((f) => f.name), ...records.map((r) => r.name)])].sort();
    for (const name of names) {
      const f = files.find((x) => x.name === name);
      const r = byName.get(name);
      let state: MigrationState = 'pending';
      if (r) state = r.status === 'applied' ? 'applied' : r.status === 'failed' ? 'failed' : lockLive ? 'running' : 'interrupted';
      entries.push({
        name,
        state,
        ...(f ? { file: f.path } : {}),
        changed: !!f && !!r && r.status === 'applied' && r.checksum !== f.checksum,
        missing: !f,
        ...(r && r.status === 'applied' ? { appliedAt: new Date(r.appliedAt).toISOString(), durationMs: r.durationMs, host: r.host } : {}),
        ...(r?.error ? { error: r.error } : {}),
      });
    }
    const streams = await this.streams();
    return {
      migrations: entries,
      applied: entries.filter((e) => e.state === 'applied').length,
      pending: entries.filter((e) => e.state !== 'applied').length,
      ...(lockLive ? { lock } : {}),
      ...(streams.length ? { streams } : {}),
    };
  }

  /** The streams of the snapshot's tables, declared and live (one DescribeTable per table). */
  private async streams(): Promise<StreamStatus[]> {
    const out: StreamStatus[] = [];
    for (const spec of Object.values(readSnapshot(this.o.config.migrationsDir).tables)) {
      const live = await describeSpec(this.o.client, spec.name);
      if (!spec.stream && !live?.stream) continue;
      out.push({ table: spec.name, declared: streamText(spec.stream), live: live ? streamText(live.stream) : 'table missing' });
    }
    return out;
  }

  private resolveSchema = (entity: EntityClass): TableSchema => {
    const s = schemaOf(entity, this.o.config.root);
    if (!s) throw new MigrationError('TsormSpecError', `${(entity as { name?: string })?.name || String(entity)} is not an entity: decorate the class with @Table(name), or pass a table spec`);
    return s;
  };

  private async load(file: MigrationFile): Promise<MigrationModule> {
    const mod = (await loadModule(file.path)) as Partial<MigrationModule> & { default?: Partial<MigrationModule> };
    const m = typeof mod.up === 'function' ? mod : mod.default && typeof mod.default.up === 'function' ? mod.default : undefined;
    if (!m) throw new ModuleLoadError(file.path, new Error('a migration must export `async function up(m)` (and `down(m)` to be revertible)'));
    return m as MigrationModule;
  }

  private lock(): MigrationLock {
    return new MigrationLock(this.history, {
      leaseMs: this.o.config.lock.leaseMs,
      waitMs: this.o.lockWaitMs ?? this.o.config.lock.waitMs,
      command: this.o.command,
      onWait: (h) =>
        this.o.log(`Waiting for the migration lock: \`${h.command}\` on host ${h.host} (pid ${h.pid}) holds it since ${new Date(h.acquiredAt).toISOString()}…`),
    });
  }

  /** Applies pending migrations in name order, up to and including `to`. */
  async migrate(options: { to?: string; dryRun?: boolean } = {}): Promise<MigrateReport> {
    const dryRun = !!options.dryRun;
    const files = this.files();
    let lock: MigrationLock | undefined;
    if (!dryRun) {
      await this.history.ensure();
      lock = this.lock();
      await lock.acquire();
      this.held = lock;
    }
    try {
      const records = await this.records();
      const byName = new Map(records.map((r) => [r.name, r]));
      let pending = files.filter((f) => byName.get(f.name)?.status !== 'applied');
      if (options.to !== undefined) {
        const target = findMigration(files, options.to);
        if (!target) throw new UnknownMigrationError(`--to ${options.to}: no such migration in ${this.o.config.migrationsDir}`);
        pending = pending.filter((f) => f.name <= target.name);
      }
      for (const r of records) {
        const f = files.find((x) => x.name === r.name);
        if (r.status === 'applied' && f && f.checksum !== r.checksum) this.o.log(`Warning: ${r.name} was applied and its file has changed since (it is not run again).`);
        if (r.status === 'applied' && !f) this.o.log(`Warning: ${r.name} was applied but its file is missing.`);
      }
      const lastApplied = records.filter((r) => r.status === 'applied').map((r) => r.name).sort().pop();
      const report: MigrateReport = { dryRun, applied: [], pending: [] };
      if (pending.length === 0) return report;
      if (dryRun) this.o.log(`Dry run: nothing will be changed. ${pending.length} pending migration${pending.length > 1 ? 's' : ''}:`);
      const dryRunState = new Map<string, NormalizedTableSpec | null>();
      for (const file of pending) {
        if (lastApplied && file.name < lastApplied && !dryRun) this.o.log(`Note: ${file.name} is older than the last applied migration (${lastApplied}); applying it now.`);
        const applied = await this.runOne(file, byName.get(file.name), 'up', lock, dryRun, dryRunState);
        report.applied.push(applied);
      }
      if (dryRun) report.pending = pending.map((f) => f.name);
      return report;
    } finally {
      this.held = undefined;
      await lock?.release();
    }
  }

  /** Runs `down` of the last `steps` migrations (applied, failed or interrupted), newest first. */
  async revert(options: { steps?: number } = {}): Promise<RevertReport> {
    const steps = options.steps ?? 1;
    const report: RevertReport = { reverted: [] };
    if (!(await this.history.exists())) return report;
    const lock = this.lock();
    await lock.acquire();
    this.held = lock;
    try {
      const records = (await this.history.migrations()).sort((a, b) => (b.appliedAt || b.startedAt) - (a.appliedAt || a.startedAt) || (a.name < b.name ? 1 : -1));
      const files = this.files();
      for (const r of records.slice(0, steps)) {
        const file = files.find((f) => f.name === r.name);
        if (!file) throw new UnknownMigrationError(`cannot revert ${r.name}: its file is missing from ${this.o.config.migrationsDir}`);
        report.reverted.push(await this.runOne(file, r, 'down', lock, false));
      }
      return report;
    } finally {
      this.held = undefined;
      await lock.release();
    }
  }

  private async runOne(
    file: MigrationFile,
    previous: HistoryRecord | undefined,
    direction: 'up' | 'down',
    lock: MigrationLock | undefined,
    dryRun: boolean,
    dryRunState?: Map<string, NormalizedTableSpec | null>,
  ): Promise<AppliedReport> {
    const mod = await this.load(file);
    if (direction === 'down' && typeof mod.down !== 'function') {
      throw new MigrationFailedError(file.name, 'down', new Error('the migration exports no down(m): it cannot be reverted'));
    }
    const resuming = direction === 'up' && previous && previous.status !== 'applied';
    const token = previous?.token || randomUUID();
    const resumeSteps = resuming && previous.checksum === file.checksum ? previous.steps : 0;
    const start = Date.now();
    const steps: StepReport[] = [];
    const record: HistoryRecord = {
      name: file.name,
      status: 'running',
      checksum: file.checksum,
      appliedAt: 0,
      startedAt: start,
      durationMs: 0,
      host: this.history.host,
      pid: process.pid,
      token,
      steps: resumeSteps,
    };
    const verb = dryRun ? 'Would apply' : direction === 'up' ? (resuming ? 'Resuming' : 'Applying') : 'Reverting';
    this.o.log(`${verb} ${file.name}${resuming && !dryRun ? ` (${previous.status === 'failed' ? 'failed' : 'interrupted'} earlier${resumeSteps ? `; ${resumeSteps} step${resumeSteps > 1 ? 's' : ''} already done` : ''})` : ''}`);
    if (direction === 'up' && !dryRun) await this.history.record(record);

    const m = createContext({
      migration: file.name,
      checkpointPrefix: direction === 'up' ? file.name : `${file.name}.down`,
      direction,
      dryRun,
      client: this.o.client,
      db: this.db,
      history: this.history,
      token: direction === 'up' ? token : `${token}.down`,
      resumeSteps: dryRun ? 0 : resumeSteps,
      onStep: async (done, step) => {
        steps.push(step);
        if (direction === 'up' && !dryRun) await this.history.record({ ...record, steps: done });
      },
      assertHeld: () => lock?.assertHeld(),
      log: (line) => this.o.log(line),
      resolveSchema: this.resolveSchema,
      progress: this.o.progress ?? {},
      throughputWaitMs: this.o.config.throughputWaitMs,
      dryRunState,
    });

    try {
      await (direction === 'up' ? mod.up(m) : mod.down!(m));
    } catch (e) {
      const failure = new MigrationFailedError(file.name, direction, e);
      if (!dryRun) {
        const message = e instanceof Error ? e.message : String(e);
        if (direction === 'up') await this.history.record({ ...record, status: 'failed', steps: steps.length ? steps[steps.length - 1].step : resumeSteps, error: message }).catch(() => undefined);
        else if (previous) await this.history.record({ ...previous, error: `revert failed: ${message}` }).catch(() => undefined);
      }
      throw failure;
    }
    const durationMs = Date.now() - start;
    if (!dryRun) {
      if (direction === 'up') {
        await this.history.record({ ...record, status: 'applied', appliedAt: Date.now(), durationMs, steps: 0 });
        await this.history.deleteCheckpoints(file.name);
      } else {
        await this.history.forget(file.name);
      }
    }
    if (!dryRun) this.o.log(`${direction === 'up' ? 'Applied' : 'Reverted'} ${file.name} in ${durationMs} ms`);
    return { name: file.name, direction, durationMs, steps };
  }
}
