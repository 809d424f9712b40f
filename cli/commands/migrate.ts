/**
 * `tsorm migrate`, `migrate:status`, `migrate:revert`, `migrate:create`, `migrate:generate`, `migrate:check`.
 *
 * Every command reads the config (`tsorm.config.ts|.js|.json` in the working directory, or `--config PATH`).
 * Commands that talk to TableStore connect with the config's `connection` or the ORM's environment variables;
 * with no endpoint at all they start the local emulator in process on `.tsorm/data` and say so in one line on
 * stderr (the embedded default).
 *
 * Output: readable lines on stdout; with `--json`, one JSON object on stdout (`"ok": true|false`) and the
 * readable lines on stderr. Exit codes: 0 success, 1 failure (including `migrate:check` finding a
 * difference), 2 usage.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { TableStoreError } from '../../src/client/errors';
import { TsormError } from '../../src/errors';
import { blankMigrationSource } from '../../src/migrations/generate/migration-source';
import { displayPath, loadConfig, type ResolvedConfig } from '../../src/project/config';
import { MigrationError, UnsupportedChangeError } from '../../src/migrations/errors';
import { connectProject, type Connection } from '../../src/project/connection';
import { writeMigrationFile } from '../../src/migrations/files';
import { checkEntities, describeOperation, generateMigration } from '../../src/migrations/generate/generate';
import { Migrator, type StatusEntry } from '../../src/migrations/run/runner';
import { readSnapshot } from '../../src/migrations/generate/snapshot';
import { searchIndexStatus } from '../../src/migrations/spec/search-index-spec';
import { CliError } from './common';

interface CommonFlags {
  config?: string;
  json?: boolean;
}

/** Where the readable lines go: stdout, or stderr when stdout carries the JSON. */
function out(flags: CommonFlags) {
  const stream = flags.json ? process.stderr : process.stdout;
  return (line: string) => stream.write(`${line}\n`);
}

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
}

/** Runs a command body; failures become one line on stderr (and `{"ok":false}` with --json), exit 1. */
async function run(flags: CommonFlags, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    if (e instanceof CliError && e.exitCode === 2) throw e;
    const known = e instanceof TsormError || e instanceof CliError;
    const message = known ? describeError(e as Error) : e instanceof Error ? (e.stack ?? e.message) : String(e);
    if (flags.json) printJson({ ok: false, error: { code: (e as { code?: unknown })?.code ?? 'Error', message } });
    throw new CliError(message, 1);
  }
}

function describeError(e: Error): string {
  if (e instanceof TableStoreError) return `${e.message} (${e.code}${e.action ? ` from ${e.action}` : ''})`;
  const cause = (e as { cause?: unknown }).cause;
  if (e instanceof MigrationError && cause instanceof TableStoreError && !e.message.includes(cause.code)) return `${e.message} (${cause.code})`;
  return e.message;
}

async function withMigrator<T>(flags: CommonFlags, command: string, body: (m: Migrator, config: ResolvedConfig, conn: Connection) => Promise<T>, lockWaitMs?: number): Promise<T> {
  const config = await loadConfig(flags.config);
  const conn = await connectProject(config);
  try {
    const migrator = new Migrator({ config, client: conn.client, log: out(flags), command, lockWaitMs, progress: {} });
    // Ctrl-C / SIGTERM: release the migration lock (best effort, 3 s) so the next run need not wait for the lease.
    const stop = (signal: NodeJS.Signals) => {
      process.stderr.write(`tsorm: ${signal}: stopping; an interrupted migration resumes on the next run\n`);
      const timer = setTimeout(() => process.exit(130), 3000);
      migrator
        .releaseLock()
        .catch(() => undefined)
        .finally(() => {
          clearTimeout(timer);
          process.exit(130);
        });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      return await body(migrator, config, conn);
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  } finally {
    await conn.close();
  }
}

function parseCount(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a whole number ≥ 1.');
  return Number(value);
}

function parseSeconds(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value)) throw new InvalidArgumentError('expected a number of seconds.');
  return Number(value);
}

function common(cmd: Command): Command {
  return cmd
    .addOption(new Option('-c, --config <path>', 'config file (default: tsorm.config.ts, .js or .json in the working directory)'))
    .addOption(new Option('--json', 'print one JSON object on stdout (readable output goes to stderr)'));
}

const rel = (p: string) => displayPath(process.cwd(), p);

export function registerMigrateCommands(program: Command): void {
  common(
    program
      .command('migrate')
      .description('Apply the pending migrations in order (locked: one run at a time)')
      .addOption(new Option('--to <name>', 'stop after this migration (full name, name without timestamp, or timestamp)'))
      .addOption(new Option('--dry-run', 'print the plan, checked against the live tables, and change nothing'))
      .addOption(new Option('--no-wait', 'fail at once when another run holds the lock, instead of waiting'))
      .addOption(new Option('--lock-timeout <seconds>', 'how long to wait for another run\'s lock (default: lock.waitMs of the config, 120 s)').argParser(parseSeconds)),
  ).action(async (flags: CommonFlags & { to?: string; dryRun?: boolean; wait?: boolean; lockTimeout?: number }) => {
    await run(flags, async () => {
      const lockWaitMs = flags.wait === false ? 0 : flags.lockTimeout !== undefined ? flags.lockTimeout * 1000 : undefined;
      await withMigrator(
        flags,
        'tsorm migrate',
        async (migrator, _config, conn) => {
          const log = out(flags);
          const report = await migrator.migrate({ to: flags.to, dryRun: flags.dryRun });
          if (flags.json) {
            printJson({ ok: true, target: conn.where, ...report });
            return;
          }
          if (report.applied.length === 0) {
            const s = await migrator.status();
            log(`Nothing to migrate: ${s.applied} applied, ${s.pending} pending${flags.to ? ` (up to ${flags.to})` : ''} on ${conn.where}.`);
          } else if (report.dryRun) {
            log(`Dry run: ${report.applied.length} migration${report.applied.length > 1 ? 's' : ''} would be applied on ${conn.where}; nothing was changed.`);
          } else {
            log(`Applied ${report.applied.length} migration${report.applied.length > 1 ? 's' : ''} on ${conn.where}.`);
          }
        },
        lockWaitMs,
      );
    });
  });

  common(program.command('migrate:status').description('List applied and pending migrations, and applied files changed since')).action(async (flags: CommonFlags) => {
    await run(flags, async () => {
      await withMigrator(flags, 'tsorm migrate:status', async (migrator, config, conn) => {
        const s = await migrator.status();
        // The search indexes the migrations so far declare (the snapshot), and whether each exists yet.
        const searchIndexes = await searchIndexStatus(conn.client, Object.values(readSnapshot(config.migrationsDir).tables));
        if (flags.json) {
          printJson({ ok: true, target: conn.where, migrationsDir: rel(config.migrationsDir), ...s, searchIndexes });
          return;
        }
        const log = out(flags);
        log(`Migrations in ${rel(config.migrationsDir)} on ${conn.where}:`);
        if (s.migrations.length === 0) log('  (none: create one with `tsorm migrate:create NAME` or `tsorm migrate:generate NAME`)');
        const width = Math.max(...s.migrations.map((e) => e.name.length), 10);
        for (const e of s.migrations) log(`  ${label(e).padEnd(12)} ${e.name.padEnd(width)}  ${detail(e)}`.trimEnd());
        if (searchIndexes.length) {
          log('Search indexes:');
          for (const x of searchIndexes) log(`  ${(x.onService ? 'on service' : 'not created').padEnd(12)} ${x.table}.${x.index}`);
        }
        log(`${s.applied} applied, ${s.pending} pending.${s.lock ? ` A run is in progress: \`${s.lock.command}\` on host ${s.lock.host} (pid ${s.lock.pid}).` : ''}`);
        if (s.streams) {
          log('Streams (migrations → service):');
          const tw = Math.max(...s.streams.map((t) => t.table.length));
          for (const t of s.streams) log(`  ${t.table.padEnd(tw)}  ${t.declared}${t.live === t.declared ? '' : `  (service: ${t.live})`}`);
        }
      });
    });
  });

  common(
    program
      .command('migrate:revert')
      .description('Run `down` of the last applied migrations, newest first')
      .addOption(new Option('--steps <n>', 'how many migrations to revert').default(1).argParser(parseCount))
      .addOption(new Option('--no-wait', 'fail at once when another run holds the lock')),
  ).action(async (flags: CommonFlags & { steps: number; wait?: boolean }) => {
    await run(flags, async () => {
      await withMigrator(
        flags,
        'tsorm migrate:revert',
        async (migrator, _config, conn) => {
          const report = await migrator.revert({ steps: flags.steps });
          if (flags.json) {
            printJson({ ok: true, target: conn.where, ...report });
            return;
          }
          const n = report.reverted.length;
          out(flags)(n === 0 ? `Nothing to revert on ${conn.where}.` : `Reverted ${n} migration${n > 1 ? 's' : ''} on ${conn.where}.`);
        },
        flags.wait === false ? 0 : undefined,
      );
    });
  });

  common(
    program
      .command('migrate:create')
      .description('Write a blank migration file to fill in by hand')
      .argument('<name>', 'what the migration does, e.g. add_orders_index (letters, digits, _ and -)')
      .addOption(new Option('--js', 'write JavaScript instead of TypeScript')),
  ).action(async (name: string, flags: CommonFlags & { js?: boolean }) => {
    await run(flags, async () => {
      const config = await loadConfig(flags.config);
      const file = writeMigrationFile(config.migrationsDir, name, (full) => blankMigrationSource(full, !!flags.js), flags.js ? 'js' : 'ts');
      if (flags.json) printJson({ ok: true, name: file.name, file: rel(file.path) });
      else out(flags)(`Created ${rel(file.path)}`);
    });
  });

  common(
    program
      .command('migrate:generate')
      .description('Diff the entities against the snapshot and write a migration with up and down (nothing when nothing changed)')
      .argument('<name>', 'what the migration does, e.g. init or orders_ttl (letters, digits, _ and -)'),
  ).action(async (name: string, flags: CommonFlags) => {
    await run(flags, async () => {
      const config = await loadConfig(flags.config);
      const log = out(flags);
      const report = await generateMigration(config, name);
      if (flags.json) {
        printJson({
          ok: true,
          written: !!report.file,
          ...(report.file ? { name: report.file.name, file: rel(report.file.path) } : {}),
          snapshot: rel(report.snapshot),
          operations: report.operations.map(describeOperation),
          notes: report.notes,
        });
        return;
      }
      if (!report.file) {
        log(`No changes: the entities match ${rel(report.snapshot)}. Nothing written.`);
        return;
      }
      log(`Created ${rel(report.file.path)} and updated ${rel(report.snapshot)}:`);
      for (const o of report.operations) log(`  ${describeOperation(o)}`);
      for (const n of report.notes) log(`Note: ${n}.`);
      log('Review it, then apply it with `tsorm migrate` (preview with `tsorm migrate --dry-run`).');
    });
  });

  common(program.command('migrate:check').description('Exit 1 when the entities differ from the snapshot (for CI)')).action(async (flags: CommonFlags) => {
    await run(flags, async () => {
      const config = await loadConfig(flags.config);
      const report = await checkEntities(config);
      if (flags.json) {
        printJson({ ok: report.inSync, inSync: report.inSync, snapshot: rel(report.snapshot), operations: report.operations.map(describeOperation), refused: report.refused });
        if (!report.inSync) process.exitCode = 1;
        return;
      }
      const log = out(flags);
      if (report.inSync) {
        log(`The entities match ${rel(report.snapshot)}.`);
        return;
      }
      const lines = report.operations.map((o) => `  ${describeOperation(o)}`);
      if (report.refused.length) lines.push(...new UnsupportedChangeError(report.refused).message.split('\n').slice(1));
      throw new CliError(`the entities differ from ${rel(report.snapshot)}:\n${lines.join('\n')}\nRun \`tsorm migrate:generate NAME\` and commit the migration with the snapshot.`);
    });
  });
}

/** The state column of `migrate:status` (the studio shows the same). */
export function label(e: StatusEntry): string {
  if (e.missing && e.state === 'applied') return 'missing';
  if (e.changed) return 'changed';
  return e.state;
}

export function detail(e: StatusEntry): string {
  const parts: string[] = [];
  if (e.appliedAt) parts.push(`${e.appliedAt}  ${e.durationMs} ms  ${e.host}`);
  if (e.changed) parts.push('(applied; the file changed since)');
  if (e.missing) parts.push('(in the history; the file is missing)');
  if (e.error) parts.push(`error: ${e.error}`);
  return parts.join('  ');
}
