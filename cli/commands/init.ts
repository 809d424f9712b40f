/**
 * `tsorm init [dir]`: a new TableStore + FC project. Asks, in order, the service name, the function name, the
 * runtime (Node.js 20 or 18) and the trigger (HTTP, event, timer, TableStore stream); a flag answers its
 * question, and without a terminal (CI, scripts) or with `--yes` the defaults answer the rest, so it never
 * waits for input. Refuses a non-empty directory unless `--force`, naming what it would overwrite.
 *
 * `tsorm init --add-function [dir]`: adds a function (handler, test, s.yaml resource with its own memory,
 * timeout and environment) to the project in `dir`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Command, InvalidArgumentError, Option } from 'commander';
import { displayPath } from '../../src/project/config';
import {
  addResource,
  checkEnvName,
  checkFunctionName,
  checkMemory,
  checkService,
  checkTimeout,
  DEFAULTS,
  functionFiles,
  functionResource,
  projectFiles,
  RUNTIMES,
  TRIGGER_LABELS,
  TRIGGERS,
  type FcRuntime,
  type FunctionAnswers,
  type Trigger,
} from '../init/scaffold';
import { CliError, packageVersion } from './common';

interface InitFlags {
  service?: string;
  function?: string;
  runtime?: FcRuntime;
  trigger?: Trigger;
  memory?: number;
  timeout?: number;
  env?: string[];
  tsorm?: string;
  force?: boolean;
  yes?: boolean;
  addFunction?: boolean;
}

function collectEnv(value: string, previous: string[] | undefined): string[] {
  if (!/^[^=\s]+=/.test(value)) throw new InvalidArgumentError('expected NAME=VALUE.');
  return [...(previous ?? []), value];
}

function parseInteger(what: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`expected ${what} as a whole number.`);
    return Number(value);
  };
}

/** One question on the terminal; an empty answer takes the default. Re-asks until `check` accepts. */
type Ask = (question: string, fallback: string, check: (answer: string) => string | undefined) => Promise<string>;

function terminalAsk(): { ask: Ask; close(): void } {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  // Lines typed ahead of a question wait in the iterator's buffer instead of being dropped.
  const lines = rl[Symbol.asyncIterator]();
  let cancelled = false;
  rl.on('SIGINT', () => {
    cancelled = true;
    rl.close();
  });
  const ask: Ask = async (question, fallback, check) => {
    for (;;) {
      rl.setPrompt(`${question} (${fallback}): `);
      rl.prompt();
      const next = await lines.next();
      if (next.done) throw new CliError(`${cancelled ? 'cancelled' : 'the input ended'} before the answers were complete: nothing written`);
      const answer = String(next.value).trim() || fallback;
      const problem = check(answer);
      if (!problem) return answer;
      process.stderr.write(`  ${problem}\n`);
    }
  };
  return { ask, close: () => rl.close() };
}

/** A numbered choice: the answer is the number or the value itself. */
function choice<T extends string>(values: readonly T[], labels: (v: T) => string): { prompt: string; parse(a: string): T | undefined } {
  return {
    prompt: values.map((v, i) => `${i + 1}) ${labels(v)}`).join('  '),
    parse: (a) => (/^\d+$/.test(a) ? values[Number(a) - 1] : values.find((v) => v === a.toLowerCase())),
  };
}

async function answer<T>(flag: T | undefined, interactive: Ask | undefined, question: string, fallback: string, parse: (a: string) => T | undefined, check: (v: T) => string | undefined): Promise<T> {
  if (flag !== undefined) {
    const problem = check(flag);
    if (problem) throw new CliError(problem, 2);
    return flag;
  }
  if (!interactive) return parse(fallback)!;
  const text = await interactive(question, fallback, (a) => {
    const v = parse(a);
    return v === undefined ? `expected one of the listed choices, got ${JSON.stringify(a)}` : check(v);
  });
  return parse(text)!;
}

function parseEnv(pairs: string[] | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const i = pair.indexOf('=');
    const name = pair.slice(0, i);
    const problem = checkEnvName(name);
    if (problem) throw new CliError(`--env: ${problem}`, 2);
    env[name] = pair.slice(i + 1);
  }
  return env;
}

async function functionAnswers(flags: InitFlags, ask: Ask | undefined, runtimeFallback: FcRuntime): Promise<FunctionAnswers> {
  const functionName = await answer(flags.function, ask, 'Function name', DEFAULTS.functionName, (a) => a, checkFunctionName);
  const runtimes = choice(RUNTIMES, (r) => `${r} (Node.js ${r.slice(6)})`);
  const runtime = await answer(flags.runtime, ask, `Runtime: ${runtimes.prompt}`, runtimeFallback, runtimes.parse, (r) => (RUNTIMES.includes(r) ? undefined : `runtime: one of ${RUNTIMES.join(', ')}`));
  const triggers = choice(TRIGGERS, (t) => `${t} (${TRIGGER_LABELS[t]})`);
  const trigger = await answer(flags.trigger, ask, `Trigger: ${triggers.prompt}`, DEFAULTS.trigger, triggers.parse, (t) => (TRIGGERS.includes(t) ? undefined : `trigger: one of ${TRIGGERS.join(', ')}`));
  const memory = flags.memory ?? DEFAULTS.memory;
  const timeout = flags.timeout ?? (trigger === 'tablestore' ? 60 : DEFAULTS.timeout);
  for (const problem of [checkMemory(memory), checkTimeout(timeout, trigger)]) if (problem) throw new CliError(`--${problem}`, 2);
  return { functionName, runtime, trigger, memory, timeout, env: parseEnv(flags.env) };
}

/** The `tsorm` dependency: the registry's release of this version, or `file:` a local path or tarball. */
function tsormDependency(spec: string | undefined, dir: string): string {
  if (spec === undefined) return `^${packageVersion()}`;
  const path = resolve(spec);
  if (!existsSync(path)) throw new CliError(`--tsorm: no such file or directory: ${path}`, 2);
  const rel = relative(dir, path) || '.';
  return `file:${rel.startsWith('.') ? rel : `./${rel}`}`;
}

/** The tool versions tsorm itself is built and tested with (its own package.json's devDependencies). */
function devDependencies(): Record<string, string> {
  let dir = __dirname;
  for (let i = 0; i < 5 && !existsSync(join(dir, 'package.json')); i++) dir = dirname(dir);
  const own = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> };
  const out: Record<string, string> = {};
  for (const name of ['@types/node', 'esbuild', 'tsx', 'typescript']) out[name] = own.devDependencies?.[name] ?? 'latest';
  return out;
}

function writeFiles(dir: string, files: Map<string, string>): void {
  for (const [path, text] of files) {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}

export function registerInitCommand(program: Command): Command {
  return program
    .command('init')
    .description('Create a TableStore + Function Compute project (asks service, function, runtime and trigger), or add a function to one')
    .argument('[dir]', 'the project directory (default: the working directory)', '.')
    .addOption(new Option('--service <name>', `service name (default ${DEFAULTS.service})`))
    .addOption(new Option('--function <name>', `function name (default ${DEFAULTS.functionName})`))
    .addOption(new Option('--runtime <runtime>', `FC runtime (default ${DEFAULTS.runtime})`).choices(RUNTIMES))
    .addOption(new Option('--trigger <kind>', `trigger (default ${DEFAULTS.trigger})`).choices(TRIGGERS))
    .addOption(new Option('--memory <MB>', `the function's memorySize (default ${DEFAULTS.memory})`).argParser(parseInteger('the memory in MB')))
    .addOption(new Option('--timeout <seconds>', `the function's timeout (default ${DEFAULTS.timeout}; 60 for a TableStore trigger)`).argParser(parseInteger('seconds')))
    .addOption(new Option('--env <NAME=VALUE>', 'an environment variable of the function (repeatable)').argParser(collectEnv))
    .addOption(new Option('--tsorm <path|tarball>', 'depend on a local tsorm (a folder or a packed tarball) instead of the registry\'s'))
    .addOption(new Option('--force', 'write into a non-empty directory, overwriting the files it names'))
    .addOption(new Option('-y, --yes', 'ask nothing: take the defaults for what no flag answers'))
    .addOption(new Option('--add-function', 'add a function (handler, test, s.yaml resource) to the existing project in dir'))
    .action(async (dirArg: string, flags: InitFlags) => {
      await runInit(resolve(dirArg), flags);
    });
}

async function runInit(dir: string, flags: InitFlags): Promise<void> {
  const shown = displayPath(process.cwd(), dir) || '.';
  // No terminal: never wait for an answer (CI, scripts, pipes); the defaults and flags answer everything.
  const terminal = !flags.yes && process.stdin.isTTY === true && process.stderr.isTTY === true ? terminalAsk() : undefined;
  try {
    if (flags.addFunction) return await addFunction(dir, shown, flags, terminal?.ask);
    if (flags.service !== undefined && checkService(flags.service)) throw new CliError(checkService(flags.service)!, 2);
    const existing = existsSync(dir) ? readdirSync(dir) : [];
    const plan = async (ask: Ask | undefined) => {
      const service = await answer(flags.service, ask, 'Service name', DEFAULTS.service, (a) => a, checkService);
      const f = await functionAnswers(flags, ask, DEFAULTS.runtime);
      const files = projectFiles({ ...f, service, tsormDependency: tsormDependency(flags.tsorm, dir), devDependencies: devDependencies() }, new Date());
      return { service, f, files, overwritten: [...files.keys()].filter((p) => existsSync(join(dir, p))) };
    };
    // Refused before any question, naming what the flags' (or the defaults') answers would overwrite.
    if (existing.length > 0 && !flags.force) refuseNonEmpty(shown, existing, (await plan(undefined)).overwritten);
    const { service, f, files, overwritten } = await plan(terminal?.ask);
    mkdirSync(dir, { recursive: true });
    writeFiles(dir, files);
    const out = (line: string) => process.stdout.write(`${line}\n`);
    out(`Created ${service} in ${shown}: function ${f.functionName} (${f.runtime}, ${TRIGGER_LABELS[f.trigger]} trigger)${overwritten.length ? `, overwriting ${overwritten.join(', ')}` : ''}.`);
    for (const path of files.keys()) out(`  ${path}`);
    out('');
    out('Next:');
    if (shown !== '.') out(`  cd ${shown}`);
    out('  npm install');
    out('  npm run dev    # runs every function of s.yaml locally, against the local emulator');
    out('  npm test       # type-checks and runs the handler tests');
  } finally {
    terminal?.close();
  }
}

function refuseNonEmpty(shown: string, existing: string[], overwritten: string[]): never {
  const what = overwritten.length ? `; it would overwrite ${overwritten.join(', ')}` : '; it would overwrite none of its files';
  throw new CliError(`${shown} is not empty (${existing.slice(0, 8).join(', ')}${existing.length > 8 ? ', …' : ''})${what}. Use --force to write there anyway, or --add-function to add a function to the project.`);
}

async function addFunction(dir: string, shown: string, flags: InitFlags, ask: Ask | undefined): Promise<void> {
  const sYamlPath = join(dir, 's.yaml');
  if (!existsSync(sYamlPath)) throw new CliError(`--add-function: ${shown} has no s.yaml (run \`tsorm init\` there first)`);
  const sYaml = readFileSync(sYamlPath, 'utf8');
  const service = /^name:\s*['"]?([^'"\s#]+)/m.exec(sYaml)?.[1];
  if (!service) throw new CliError(`--add-function: ${displayPath(process.cwd(), sYamlPath)} has no top-level \`name:\` (the service name)`);
  const runtime = (/^\s+runtime:\s*['"]?(nodejs\d+)/m.exec(sYaml)?.[1] as FcRuntime | undefined) ?? DEFAULTS.runtime;
  const f = await functionAnswers(flags, ask, RUNTIMES.includes(runtime) ? runtime : DEFAULTS.runtime);
  const files = functionFiles(service, f);
  const clash = [...files.keys()].filter((p) => existsSync(join(dir, p)));
  if (clash.length && !flags.force) throw new CliError(`--add-function: ${clash.join(', ')} already exist${clash.length === 1 ? 's' : ''}; choose another --function, or --force to overwrite`);
  let updated: string;
  try {
    updated = addResource(sYaml, f.functionName, functionResource(service, f));
  } catch (e) {
    throw new CliError(`--add-function: ${(e as Error).message}`);
  }
  writeFiles(dir, files);
  writeFileSync(sYamlPath, updated);
  const entity = join(dir, 'src/entities/item.ts');
  const streamNote =
    f.trigger === 'tablestore' && existsSync(entity) && !/stream:/.test(readFileSync(entity, 'utf8'))
      ? `Note: the trigger's table needs its stream: add { stream: { expirationHours: 24 } } to @Table in src/entities/item.ts, then \`npx tsorm migrate:generate stream\`.\n`
      : '';
  process.stdout.write(`Added function ${f.functionName} (${f.runtime}, ${TRIGGER_LABELS[f.trigger]} trigger, ${f.memory} MB) to ${shown}:\n${[...files.keys(), 's.yaml (resource ' + f.functionName + ')'].map((p) => `  ${p}\n`).join('')}${streamNote}`);
}
