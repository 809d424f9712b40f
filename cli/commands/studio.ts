/**
 * `tsorm studio`: a local web page over the tables and rows of the configured endpoint, found as `tsorm
 * migrate` finds it (the config's connection, the ORM's environment variables, else the embedded emulator),
 * typed by the config's entities. Prints the page's URL (with the per-run token) and serves until Ctrl-C.
 *
 * Writes are allowed against the emulator, and against anything else only with `--write`.
 * The page is prebuilt into dist by `npm run build`; nothing of its build tooling loads here.
 */
import { Command, Option } from 'commander';
import { displayPath, loadConfig, loadEntities, type LoadedEntity } from '../../src/migrations/config';
import { Migrator } from '../../src/migrations/runner';
import type { MigrationsView } from '../../src/studio/protocol';
import { CliError, packageVersion, parsePort } from './common';
import { connect, detail, label } from './migrate';

interface StudioFlags {
  config?: string;
  port: number;
  host: string;
  write?: boolean;
}

export function registerStudioCommand(program: Command): Command {
  return program
    .command('studio')
    .description('Browse and edit the tables of the configured endpoint (or the local emulator) in a local web page')
    .addOption(new Option('-p, --port <port>', 'port to listen on (0 = any free port)').argParser(parsePort).default(0))
    .addOption(new Option('--host <address>', 'address to bind (other than 127.0.0.1 exposes your data to the network)').default('127.0.0.1'))
    .addOption(new Option('--write', 'allow changes against an endpoint other than the emulator (read-only otherwise)'))
    .addOption(new Option('-c, --config <path>', 'config file (default: tsorm.config.ts, .js or .json in the working directory)'))
    .action(async (flags: StudioFlags) => {
      await runStudio(flags);
    });
}

async function runStudio(flags: StudioFlags): Promise<void> {
  let config;
  try {
    config = await loadConfig(flags.config);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  let entities: LoadedEntity[] = [];
  let configProblem: string | undefined;
  if (config.entities.length > 0) {
    try {
      entities = await loadEntities(config);
    } catch (e) {
      // Raw tables stay browsable; the page shows why the entities are missing.
      configProblem = (e as Error).message;
      process.stderr.write(`tsorm: studio: ${configProblem}\n`);
    }
  }
  const conn = await connect(config);
  const migrator = new Migrator({ config, client: conn.client, log: () => undefined, command: 'tsorm studio' });
  const migrations = async (): Promise<MigrationsView> => {
    const s = await migrator.status();
    return {
      dir: displayPath(process.cwd(), config.migrationsDir),
      applied: s.applied,
      pending: s.pending,
      migrations: s.migrations.map((e) => ({ name: e.name, state: label(e), detail: detail(e) })),
      ...(s.lock ? { lock: `\`${s.lock.command}\` on host ${s.lock.host} (pid ${s.lock.pid})` } : {}),
    };
  };
  // Loaded here, not at the top: the other commands never pay for the studio's modules.
  const { startStudio } = await import('../../src/studio/server');
  let studio;
  try {
    studio = await startStudio({
      client: conn.client,
      where: conn.where,
      emulator: conn.emulator,
      write: flags.write,
      entities,
      configProblem,
      migrations,
      host: flags.host,
      port: flags.port,
      version: packageVersion(),
      onError: (e) => process.stderr.write(`tsorm: studio: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`),
    });
  } catch (e) {
    await conn.close();
    throw new CliError(`cannot start the studio on ${flags.host}:${flags.port}: ${(e as Error).message}`);
  }
  const writable = conn.emulator || flags.write;
  process.stdout.write(`tsorm studio: ${studio.url}\n`);
  process.stdout.write(`  data: ${conn.where}, ${writable ? 'read-write' : 'read-only (start with --write to change data)'}; ${entities.length} entit${entities.length === 1 ? 'y' : 'ies'}. Ctrl-C stops.\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await studio.close();
  await conn.close();
}
