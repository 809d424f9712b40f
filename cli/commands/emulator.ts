/**
 * `tsorm emulator`: runs the local TableStore emulator until SIGINT / SIGTERM.
 *
 * When it is ready it prints exactly one line to stdout:
 *   TableStore emulator listening on http://HOST:PORT (instance NAME, <storage>, access key <ID>[, lenient auth][, faults SPEC][, search sync delay MS ms])
 * Tools (and the tests) wait for that line's prefix and read the endpoint from it.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseFaults, startEmulator, type RunningEmulator } from '../../src/emulator';
import { DEFAULT_DATA_DIR } from '../../src/project/defaults';
import { CliError, parsePort } from './common';

export const READY_PREFIX = 'TableStore emulator listening on ';

interface EmulatorFlags {
  host: string;
  port: number;
  instance: string;
  dataDir?: string;
  inMemory?: boolean;
  accessKeyId?: string;
  accessKeySecret?: string;
  lenientAuth?: boolean;
  sync?: boolean;
  faults?: string;
  searchSyncDelay?: number;
}

export function registerEmulatorCommand(program: Command): Command {
  return program
    .command('emulator')
    .description('Run the local TableStore emulator (the official SDKs talk to it as to the service)')
    .addOption(new Option('--host <host>', 'address to bind (loopback unless told otherwise)').default('127.0.0.1'))
    .addOption(new Option('--port <port>', 'TCP port; 0 picks a free one').default(8800).argParser(parsePort))
    .addOption(new Option('--instance <name>', 'instance name requests must carry').default('tsorm'))
    .addOption(new Option('--data-dir <dir>', `on-disk data directory (default: ${DEFAULT_DATA_DIR})`))
    .addOption(new Option('--in-memory', 'keep everything in memory (nothing survives exit)'))
    .addOption(new Option('--access-key-id <id>', 'access key id to accept (default: the emulator\'s well-known key pair)'))
    .addOption(new Option('--access-key-secret <secret>', 'secret of --access-key-id'))
    .addOption(new Option('--lenient-auth', 'accept any access key and signature'))
    .addOption(new Option('--sync', 'fsync every commit (survives an OS crash, slower)'))
    .addOption(new Option('--faults <spec>', 'inject faults, e.g. busy=0.1,quota=0.05,conflict=0.05,rowError=0.1,latency=2-10,seed=1'))
    .addOption(new Option('--search-sync-delay <ms>', 'delay before a write becomes searchable (default 0: at once)').argParser(parseSyncDelay))
    .action(async (flags: EmulatorFlags) => {
      await runEmulator(flags);
    });
}

function parseSyncDelay(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 3_600_000) throw new InvalidArgumentError('expected a whole number of milliseconds between 0 and 3600000.');
  return Number(v);
}

function validate(flags: EmulatorFlags): void {
  if (flags.inMemory && flags.dataDir !== undefined) throw new CliError('--data-dir and --in-memory cannot be used together.');
  if ((flags.accessKeyId === undefined) !== (flags.accessKeySecret === undefined)) {
    throw new CliError('--access-key-id and --access-key-secret must be given together.');
  }
  if (flags.accessKeyId === '' || flags.accessKeySecret === '') throw new CliError('the access key id and secret cannot be empty.');
  if (flags.sync && flags.inMemory) throw new CliError('--sync has no meaning with --in-memory.');
  if (flags.faults !== undefined) {
    try {
      parseFaults(flags.faults);
    } catch (e) {
      throw new CliError(`--faults: ${(e as Error).message}`);
    }
  }
}

async function runEmulator(flags: EmulatorFlags): Promise<void> {
  validate(flags);
  let emu: RunningEmulator;
  try {
    emu = await startEmulator({
      host: flags.host,
      port: flags.port,
      instance: flags.instance,
      inMemory: !!flags.inMemory,
      dataDir: flags.dataDir ?? DEFAULT_DATA_DIR,
      sync: !!flags.sync,
      accessKeyId: flags.accessKeyId,
      accessKeySecret: flags.accessKeySecret,
      lenientAuth: !!flags.lenientAuth,
      faults: flags.faults,
      searchSyncDelayMs: flags.searchSyncDelay,
    });
  } catch (e) {
    throw new CliError(describeStartError(e, flags));
  }

  const tail = [`instance ${emu.instance}`, emu.storage + (flags.sync ? ', fsync on commit' : ''), `access key ${emu.accessKeyId}`];
  if (flags.lenientAuth) tail.push('lenient auth');
  if (flags.faults) tail.push(`faults ${flags.faults}`);
  if (flags.searchSyncDelay) tail.push(`search sync delay ${flags.searchSyncDelay} ms`);
  process.stdout.write(`${READY_PREFIX}${emu.endpoint} (${tail.join(', ')})\n`);

  await new Promise<void>((resolve) => {
    let closing = false;
    const stop = (signal: NodeJS.Signals) => {
      if (closing) {
        process.stderr.write(`tsorm emulator: ${signal} again, exiting without waiting\n`);
        process.exit(1);
      }
      closing = true;
      emu.close().then(
        () => resolve(),
        (e) => {
          process.stderr.write(`tsorm emulator: error while closing: ${String(e)}\n`);
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  process.exit(0);
}

function describeStartError(e: unknown, flags: EmulatorFlags): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'EADDRINUSE':
      return `cannot listen on ${flags.host}:${flags.port}: the port is already in use (choose another with --port, or --port 0 for any free port).`;
    case 'EACCES':
      return `cannot listen on ${flags.host}:${flags.port}: permission denied.`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return `cannot listen on ${flags.host}:${flags.port}: the address is not available on this machine.`;
    default:
      return `cannot start the emulator: ${err?.message ?? String(e)}`;
  }
}
