#!/usr/bin/env node
/**
 * The `tsorm` command-line program. One file per command under `cli/commands/`, each exporting a
 * `register…(program)` function; this file only assembles them and maps failures to exit codes:
 * 0 success (and `--help` / `--version`), 1 a runtime error (its message on stderr), 2 a usage error.
 */
import { Command, CommanderError } from 'commander';
import { registerEmulatorCommand } from './commands/emulator';
import { registerMigrateCommands } from './commands/migrate';
import { registerInvokeCommand } from './commands/invoke';
import { registerStudioCommand } from './commands/studio';
import { registerInitCommand } from './commands/init';
import { registerDevCommand } from './commands/dev';
import { CliError, packageVersion } from './commands/common';

export function buildProgram(): Command {
  const program = new Command('tsorm')
    .description('TypeScript toolkit for Alibaba Cloud TableStore: ORM, migrations, Function Compute adapter and a local emulator')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerEmulatorCommand(program);
  registerMigrateCommands(program);
  registerInvokeCommand(program);
  registerStudioCommand(program);
  registerInitCommand(program);
  registerDevCommand(program);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander has already printed the message (or the help / version text). `--help`, `help` and
      // `--version` exit 0; a usage error (unknown option, bad value, no command) exits 2.
      return e.exitCode === 0 ? 0 : 2;
    }
    const message = e instanceof CliError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e);
    process.stderr.write(`tsorm: error: ${message}\n`);
    return e instanceof CliError ? e.exitCode : 1;
  }
}

if (require.main === module) {
  main().then(
    (code) => {
      // Long-running commands (the emulator) keep the process alive and exit on their own.
      if (code !== 0) process.exit(code);
    },
    (e) => {
      process.stderr.write(`tsorm: error: ${String(e)}\n`);
      process.exit(1);
    },
  );
}
