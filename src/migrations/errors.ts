/**
 * Every error the migrations layer raises. Each has a stable `code` (a tsorm code, not an OTS code), a message
 * that names the table, field, file or rule concerned, and `retryable`. The CLI prints the message on one
 * line and exits 1. Errors from the service keep their own classes (`TableStoreError` and subclasses, from
 * the client layer) and are wrapped only where a message needs the migration's context.
 */

import { TsormError } from '../errors';

export type MigrationErrorCode =
  | 'TsormSpecError'
  | 'TsormSnapshotError'
  | 'TsormUnsupportedChange'
  | 'TsormTableConflict'
  | 'TsormTableNotReady'
  | 'TsormThroughputTooFrequent'
  | 'TsormLockHeld'
  | 'TsormLockLost'
  | 'TsormMigrationFailed'
  | 'TsormUnknownMigration'
  | 'TsormDryRunWrite'
  | 'TsormBackfillError';

export class MigrationError extends TsormError {
  declare readonly code: MigrationErrorCode;

  constructor(code: MigrationErrorCode, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super('migrations', code, message, options);
    this.name = 'MigrationError';
  }
}

/** A table spec (in a migration or the snapshot) breaks a rule: `table` and `field` name where. */
export class TableSpecError extends MigrationError {
  constructor(readonly table: string, readonly field: string, detail: string) {
    super('TsormSpecError', `table spec '${table}': ${field}: ${detail}`);
    this.name = 'TableSpecError';
  }
}

/** The snapshot file is unreadable or malformed. */
export class SnapshotError extends MigrationError {
  constructor(readonly file: string, detail: string) {
    super('TsormSnapshotError', `${file}: ${detail}`);
    this.name = 'SnapshotError';
  }
}

/** One change TableStore cannot make in place, with the way to do it instead. */
export interface RefusedChange {
  table: string;
  /** What changed, e.g. `primary key`, `auto-increment of id`, `type of defined column price`. */
  field: string;
  /** What the change is (`STRING → INTEGER`). */
  change: string;
  /** Why TableStore cannot do it. */
  reason: string;
  /** How to do it instead. */
  instead: string;
}

/** `migrate:generate` refused the diff: the entities ask for changes TableStore cannot make. */
export class UnsupportedChangeError extends MigrationError {
  constructor(readonly refused: RefusedChange[]) {
    super(
      'TsormUnsupportedChange',
      `${refused.length === 1 ? 'a change' : `${refused.length} changes`} TableStore cannot make; nothing was written:\n` +
        refused.map((r) => `  - table '${r.table}', ${r.field}: ${r.change}. ${r.reason} Instead: ${r.instead}`).join('\n'),
    );
    this.name = 'UnsupportedChangeError';
  }
}

/** `createTable` found the table already there with a different schema. */
export class TableConflictError extends MigrationError {
  constructor(readonly table: string, readonly differences: string[]) {
    super(
      'TsormTableConflict',
      `table '${table}' already exists with a different schema (${differences.join('; ')}). ` +
        'tsorm does not change an existing table to match a createTable: change it with m.updateTable / m.createIndex, ' +
        'or delete it explicitly with m.deleteTable if its data may go.',
    );
    this.name = 'TableConflictError';
  }
}

/** A new table did not become usable (OTSTableNotReady) within the wait. */
export class TableNotReadyError extends MigrationError {
  constructor(readonly table: string, waitedMs: number) {
    super('TsormTableNotReady', `table '${table}' was still not ready (OTSTableNotReady) after ${Math.round(waitedMs / 1000)} s; run the command again later: finished steps are not repeated.`, { retryable: true });
    this.name = 'TableNotReadyError';
  }
}

/** The service refused a reserved-throughput change because the previous one was less than 2 minutes ago. */
export class ThroughputAdjustmentError extends MigrationError {
  constructor(readonly table: string, waitedMs: number, cause?: unknown) {
    super(
      'TsormThroughputTooFrequent',
      `the reserved throughput of table '${table}' was not changed: TableStore allows one reserved-throughput adjustment ` +
        `per table every 2 minutes (OTSTooFrequentReservedThroughputAdjustment)` +
        (waitedMs > 0 ? `, and it still refused after waiting ${Math.round(waitedMs / 1000)} s` : '') +
        '. Run the command again in 2 minutes: the steps already done are not repeated.',
      { retryable: true, cause },
    );
    this.name = 'ThroughputAdjustmentError';
  }
}

/** What is known about the holder of the migration lock. */
export interface LockHolder {
  owner: string;
  host: string;
  pid: number;
  command: string;
  acquiredAt: number;
  expiresAt: number;
}

/** Another run holds the migration lock (and `--no-wait`, or the wait timed out). */
export class LockHeldError extends MigrationError {
  constructor(readonly holder: LockHolder, waitedMs: number) {
    super(
      'TsormLockHeld',
      `another migration run holds the lock (\`${holder.command}\` on host ${holder.host}, pid ${holder.pid}, since ${new Date(holder.acquiredAt).toISOString()}; ` +
        `its lease ends ${new Date(holder.expiresAt).toISOString()} unless renewed)` +
        (waitedMs > 0 ? `; gave up after waiting ${Math.round(waitedMs / 1000)} s` : '') +
        '. Wait for it to finish; a crashed run\'s lock expires when its lease ends.',
      { retryable: true },
    );
    this.name = 'LockHeldError';
  }
}

/** The lease could not be renewed (another run took the lock after it expired): this run stopped. */
export class LockLostError extends MigrationError {
  constructor(detail: string) {
    super('TsormLockLost', `the migration lock was lost (${detail}); this run stopped before its next step. Run the command again.`);
    this.name = 'LockLostError';
  }
}

/** A migration's `up` or `down` threw. The history records it; a re-run resumes it. */
export class MigrationFailedError extends MigrationError {
  constructor(readonly migration: string, readonly direction: 'up' | 'down', cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super('TsormMigrationFailed', `migration ${migration} failed in ${direction}(): ${detail}`, { cause });
    this.name = 'MigrationFailedError';
  }
}

/** `--to NAME` or a file the history names does not exist. */
export class UnknownMigrationError extends MigrationError {
  constructor(message: string) {
    super('TsormUnknownMigration', message);
    this.name = 'UnknownMigrationError';
  }
}

/** A migration tried to write through `m.client` during `--dry-run`. */
export class DryRunWriteError extends MigrationError {
  constructor(action: string) {
    super('TsormDryRunWrite', `m.client.call('${action}') writes, and this is a dry run: guard direct writes with \`if (!m.dryRun)\`.`);
    this.name = 'DryRunWriteError';
  }
}

/** A backfill could not process a row. */
export class BackfillError extends MigrationError {
  constructor(readonly table: string, readonly key: string, cause: unknown) {
    super('TsormBackfillError', `backfill of table '${table}' failed at row ${key}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'BackfillError';
  }
}
