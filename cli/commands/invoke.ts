/**
 * `tsorm invoke <module>[#export]`: runs a Function Compute handler locally, without Docker, the way FC calls
 * it: the module's initializer once, then the handler (`--repeat N` times, warm after the first) with an
 * FC-like context (request id, credentials, function metadata with the timeout), in the FC 3.0 call shape
 * (default) or FC 2.0 (`--fc2`), against the configured endpoint or the embedded emulator (as `tsorm migrate`
 * chooses it, from `tsorm.config.ts` or the environment). TypeScript modules load through the shared loader.
 *
 * Output: the HTTP response (status line, headers, body) or the event result on stdout; what the function
 * logs (tsorm's one cost line per invocation included) on stderr. `--json`: one JSON object per invocation on
 * stdout. Exit codes: 0 (whatever the HTTP status), 1 when the handler fails or cannot be loaded, 2 usage.
 *
 * `--stream <table>`: the module is a TableStore-trigger function, called with the table's stream as FC's
 * trigger does it (src/testing/trigger-delivery.ts: CBOR events, batches in order, a failed batch retried
 * until it succeeds or expires), one `tsorm trigger …` cost line per invocation on stderr, until Ctrl-C
 * (or, with `--once`, until caught up). [decision] A flag of `invoke`, not a new command: invoke already
 * loads the module, connects as `tsorm migrate` does and runs the initializer once; a trigger is one more
 * way FC calls a handler. `tsorm dev` reuses the same loop (`TriggerDelivery`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { CallScope } from '../../src/client/usage';
import { formatInvocationCost, invocationCost, type FunctionShape, type InvocationSample } from '../../src/cost/estimate';
import { displayPath, loadConfig } from '../../src/project/config';
import { connectProject } from '../../src/project/connection';
import { loadModule } from '../../src/project/loader';
import { functionEnv, localContext } from '../../src/testing/context';
import { formatTriggerInvocation, measuredSink, TriggerDelivery } from '../../src/testing/trigger-delivery';
import { callHandler, ensureInitialized, exportedFunction, type HttpInput, type HttpInvokeResult, type Runtime } from '../../src/testing/invoke';
import { ConfigError } from '../../src/project/errors';
import type { Connection } from '../../src/project/connection';
import type { TriggerBatch } from '../../src/testing/trigger-delivery';
import { CliError } from './common';

interface InvokeFlags {
  event?: string;
  http?: string;
  body?: string;
  header?: string[];
  fc2?: boolean;
  fc3?: boolean;
  repeat: number;
  timeout: number;
  initializer: string | false;
  requestId?: string;
  config?: string;
  json?: boolean;
  memory?: number;
  stream?: string;
  from?: 'oldest' | 'latest';
  once?: boolean;
  batchSize?: number;
}

function collect(value: string, previous: string[] | undefined): string[] {
  if (!/^[^:\s]+:/.test(value)) throw new InvalidArgumentError('expected NAME:VALUE.');
  return [...(previous ?? []), value];
}

function parseCount(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a whole number ≥ 1.');
  return Number(value);
}

function parseSeconds(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0) throw new InvalidArgumentError('expected a number of seconds > 0.');
  return Number(value);
}

function parseBatchSize(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1000) throw new InvalidArgumentError('expected a whole number from 1 to 1000.');
  return Number(value);
}

function parseMemory(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 64) throw new InvalidArgumentError('expected the function memory in MB (≥ 64), e.g. 512.');
  return Number(value);
}

/** FC's memory when neither --memory nor s.yaml says (FC 3.0's console default) [inferred]. */
const DEFAULT_MEMORY_MB = 512;

/**
 * The function's memory and vCPU for the cost estimate: `--memory`, else the `s.yaml` (or `s.yml`) in the
 * module's folder or above, up to the working directory: the function whose `handler` is `<module>.<export>`,
 * or the file's first `memorySize`. A line scan, not a YAML parser: the two keys are plain scalars.
 */
export function functionShape(file: string, exportName: string, memory: number | undefined): FunctionShape & { from: string } {
  if (memory !== undefined) return { memoryMb: memory, from: '--memory' };
  const handler = `${basename(file).replace(/\.[cm]?[jt]s$/, '')}.${exportName}`;
  const stop = resolve(process.cwd(), '..');
  for (let dir = dirname(file); dir !== stop && dir !== dirname(dir); dir = dirname(dir)) {
    const yaml = ['s.yaml', 's.yml'].map((n) => join(dir, n)).find((p) => existsSync(p));
    if (!yaml) continue;
    const text = readFileSync(yaml, 'utf8');
    // Split at each `props:` (one per resource) and prefer the resource with our handler.
    const blocks = text.split(/^\s*props:\s*$/m).slice(1);
    const block = blocks.find((b) => new RegExp(`^\\s*handler:\\s*['"]?${handler.replace(/[.$]/g, '\\$&')}['"]?\\s*(#.*)?$`, 'm').test(b)) ?? blocks[0] ?? text;
    const mem = /^\s*memorySize:\s*(\d+)/m.exec(block);
    const cpu = /^\s*cpu:\s*(\d+(?:\.\d+)?)/m.exec(block);
    if (mem) return { memoryMb: Number(mem[1]), ...(cpu ? { vcpu: Number(cpu[1]) } : {}), from: displayPath(process.cwd(), yaml) };
  }
  return { memoryMb: DEFAULT_MEMORY_MB, from: `assumed (${DEFAULT_MEMORY_MB} MB; set --memory or memorySize in s.yaml)` };
}

/** `--event` / `--body` value: the text itself, or `@path` for a file's bytes. */
function readArg(value: string, what: string): Buffer {
  if (!value.startsWith('@')) return Buffer.from(value, 'utf8');
  const file = resolve(value.slice(1));
  try {
    return readFileSync(file);
  } catch (e) {
    throw new CliError(`${what}: cannot read ${file}: ${(e as Error).message}`);
  }
}

function looksLikeJson(bytes: Buffer): boolean {
  const text = bytes.toString('utf8').trim();
  if (!/^[[{"]/.test(text)) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function httpInput(flags: InvokeFlags): HttpInput {
  const m = /^\s*([A-Za-z]+)\s+(\S+)\s*$/.exec(flags.http!);
  if (!m) throw new CliError(`--http expects "METHOD /path[?query]", got ${JSON.stringify(flags.http)}`, 2);
  const headers: Record<string, string> = {};
  for (const h of flags.header ?? []) {
    const i = h.indexOf(':');
    headers[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
  }
  let body: Buffer | undefined;
  if (flags.body !== undefined) {
    body = readArg(flags.body, '--body');
    if (headers['content-type'] === undefined && looksLikeJson(body)) headers['content-type'] = 'application/json';
  }
  return { method: m[1].toUpperCase(), path: m[2], headers, body };
}

/** `path/to/module.ts#export` → the file and the export (default `handler`). */
function parseTarget(spec: string): { file: string; exportName: string } {
  const hash = spec.lastIndexOf('#');
  const file = hash > 0 ? spec.slice(0, hash) : spec;
  const exportName = hash > 0 ? spec.slice(hash + 1) : 'handler';
  if (!file || !/^[A-Za-z_$][\w$]*$/.test(exportName)) throw new CliError(`expected <module>[#export], got ${JSON.stringify(spec)}`, 2);
  return { file: resolve(file), exportName };
}

function bodyText(body: Buffer, contentType: string | undefined): string {
  if (body.length === 0) return '';
  const text = body.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(body) || /octet-stream/.test(contentType ?? '')) return `<${body.length} bytes, base64: ${body.toString('base64')}>`;
  if (/json/.test(contentType ?? '')) {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      return text;
    }
  }
  return text;
}

/** A body for JSON output: UTF-8 text as is, other bytes base64 (`isBase64Encoded`, as FC 3.0 writes it). */
function jsonBody(body: Buffer): { body: string; isBase64Encoded: boolean } {
  const text = body.toString('utf8');
  return Buffer.from(text, 'utf8').equals(body) ? { body: text, isBase64Encoded: false } : { body: body.toString('base64'), isBase64Encoded: true };
}

/** The readable form of an HTTP response: status line, headers, blank line, body (JSON pretty-printed). */
export function formatHttpResponse(r: Pick<HttpInvokeResult, 'statusCode' | 'headers' | 'body'>): string {
  const lines = [`HTTP ${r.statusCode}`, ...Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`)];
  const body = bodyText(r.body, r.headers['content-type']);
  return body ? `${lines.join('\n')}\n\n${body}` : lines.join('\n');
}

export function formatEventResult(result: unknown): string {
  if (result === undefined) return '(no result)';
  if (Buffer.isBuffer(result)) return bodyText(result, undefined);
  if (typeof result === 'string') return result;
  return JSON.stringify(result, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

/** What FC shows for a failed invocation: `{ errorMessage, errorType, stackTrace }`. */
function formatError(e: unknown): string {
  const err = e instanceof Error ? e : new Error(String(e));
  return JSON.stringify({ errorMessage: err.message, errorType: err.name, stackTrace: (err.stack ?? '').split('\n').slice(1).map((l) => l.trim()) }, null, 2);
}

export function registerInvokeCommand(program: Command): Command {
  return program
    .command('invoke')
    .description('Run a Function Compute handler locally (initializer once, then the handler) against the configured endpoint or the local emulator')
    .argument('<module>', 'handler module, TypeScript or JavaScript, optionally with #export (default #handler)')
    .addOption(new Option('--event <json|@file>', 'event payload for an event-trigger call (text, or @file for its bytes)'))
    .addOption(new Option('--http <request>', 'HTTP-trigger call: "METHOD /path[?query]"'))
    .addOption(new Option('--body <text|@file>', 'HTTP request body (with --http)'))
    .addOption(new Option('--header <name:value>', 'HTTP request header (with --http; repeatable)').argParser(collect))
    .addOption(new Option('--fc3', 'FC 3.0 call shape: async (event, context) (the default)').conflicts('fc2'))
    .addOption(new Option('--fc2', 'FC 2.0 call shape: (event, context, callback) or (req, resp, context)'))
    .addOption(new Option('--repeat <n>', 'invoke N times on the one instance (warm after the first)').argParser(parseCount).default(1))
    .addOption(new Option('--timeout <seconds>', 'the function timeout in the context (the adapter derives its deadline from it)').argParser(parseSeconds).default(60))
    .addOption(new Option('--initializer <export>', 'the initializer export to run first, when the module has it').default('initializer'))
    .addOption(new Option('--no-initializer', 'do not run an initializer'))
    .addOption(new Option('--request-id <id>', 'the request id of the (first) invocation'))
    .addOption(new Option('-c, --config <path>', 'config file (default: tsorm.config.ts, .js or .json in the working directory)'))
    .addOption(new Option('--json', 'one JSON object per invocation on stdout'))
    .addOption(new Option('--stream <table>', "deliver the table's stream to the handler as FC's TableStore trigger does (until Ctrl-C)").conflicts(['event', 'http', 'repeat']))
    .addOption(new Option('--from <where>', 'with --stream: start at the oldest retained change or only at new ones (default: latest; oldest with --once)').choices(['oldest', 'latest']))
    .addOption(new Option('--once', 'with --stream: stop once every pending change was delivered'))
    .addOption(new Option('--batch-size <n>', 'with --stream: most records per invocation (default 100)').argParser(parseBatchSize))
    .addOption(new Option('--memory <MB>', 'the function\'s memory for the cost estimate (default: memorySize in s.yaml)').argParser(parseMemory))
    .action(async (moduleSpec: string, flags: InvokeFlags) => {
      await runInvoke(moduleSpec, flags);
    });
}

async function runInvoke(moduleSpec: string, flags: InvokeFlags): Promise<void> {
  if (flags.event !== undefined && flags.http !== undefined) throw new CliError('--event and --http cannot be used together.', 2);
  if (flags.http === undefined && (flags.body !== undefined || flags.header !== undefined)) throw new CliError('--body and --header need --http.', 2);
  if (flags.stream === undefined && (flags.from !== undefined || flags.once || flags.batchSize !== undefined)) {
    throw new CliError('--from, --once and --batch-size need --stream.', 2);
  }
  const { file, exportName } = parseTarget(moduleSpec);
  const runtime: Runtime = flags.fc2 ? 'fc2' : 'fc3';
  const request = flags.http !== undefined ? { http: httpInput(flags) } : { event: flags.event === undefined ? Buffer.alloc(0) : readArg(flags.event, '--event') };

  let config;
  try {
    config = await loadConfig(flags.config);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  let conn;
  try {
    conn = await connectProject(config);
  } catch (e) {
    throw e instanceof ConfigError ? new CliError(e.message) : e;
  }
  const { endpoint, instance, credentials } = conn.settings;
  // What FC puts in the environment of an instance: the function's variables (here: where TableStore is) and
  // the role's credentials at start-up. The context carries the credentials again with every invocation.
  Object.assign(process.env, functionEnv({ endpoint, instance, ...credentials }));
  const write = (line: string) => process.stderr.write(`${line}\n`);
  let mod: Record<string, unknown>;
  let failed = false;
  try {
    try {
      mod = await loadModule(file);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    const name = displayPath(process.cwd(), file);
    try {
      exportedFunction(mod, exportName);
    } catch (e) {
      throw new CliError(`${name}: ${(e as Error).message}`);
    }
    const context = (requestId: string | undefined) =>
      localContext({ requestId, credentials: { ...credentials }, timeout: flags.timeout, handler: `${name.replace(/\.[cm]?[jt]s$/, '')}.${exportName}`, onLog: write });
    try {
      const ran = await ensureInitialized(mod, exportName, flags.initializer, context(flags.requestId ? `${flags.requestId}-init` : undefined), runtime, endpoint);
      if (ran && !flags.json) write(`tsorm: ${name}: ran the initializer (${String(flags.initializer)}) on a new instance`);
    } catch (e) {
      throw new CliError(`the initializer failed:\n${formatError(e)}`);
    }

    const samples: InvocationSample[] = [];
    if (flags.stream !== undefined) {
      failed = await deliverStream(flags, conn.client, write, samples, (batch, requestId) => callHandler(mod, exportName, context(requestId), runtime, { event: batch.event }));
    }
    for (let i = 1; i <= (flags.stream === undefined ? flags.repeat : 0); i++) {
      const requestId = flags.requestId && flags.repeat > 1 ? `${flags.requestId}-${i}` : flags.requestId;
      const ctx = context(requestId);
      // Every tsorm client call the handler makes is counted here (CallScope), for the cost estimate.
      const scope = new CallScope();
      const started = performance.now();
      try {
        const r = await scope.run(() => callHandler(mod, exportName, ctx, runtime, request));
        const ms = performance.now() - started;
        samples.push({ durationMs: ms, readCU: scope.usage.readCU, writeCU: scope.usage.writeCU });
        if (flags.json) {
          const out =
            r.kind === 'http'
              ? { requestId: ctx.requestId, durationMs: ms, statusCode: r.statusCode, headers: r.headers, ...jsonBody(r.body) }
              : { requestId: ctx.requestId, durationMs: ms, result: r.result };
          process.stdout.write(`${JSON.stringify(out, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}\n`);
        } else {
          if (flags.repeat > 1) process.stdout.write(`${i > 1 ? '\n' : ''}# invocation ${i} of ${flags.repeat} (${i === 1 ? 'first' : 'warm'}), request ${ctx.requestId}\n`);
          process.stdout.write(`${r.kind === 'http' ? formatHttpResponse(r) : formatEventResult(r.result)}\n`);
        }
      } catch (e) {
        failed = true;
        if (flags.json) process.stdout.write(`${JSON.stringify({ requestId: ctx.requestId, error: { errorMessage: (e as Error)?.message ?? String(e), errorType: (e as Error)?.name ?? 'Error' } })}\n`);
        else process.stdout.write(`Invocation ${ctx.requestId} failed (FC: UnhandledInvocationError):\n${formatError(e)}\n`);
      }
    }

    if ((flags.repeat > 1 || flags.stream !== undefined) && samples.length > 0) {
      const shape = functionShape(file, exportName, flags.memory);
      write(`tsorm: memory ${shape.memoryMb} MB from ${shape.from}`);
      for (const line of formatInvocationCost(invocationCost(samples, shape), shape, samples.length)) write(`tsorm: ${line}`);
    }

    if (typeof mod.preStop === 'function') {
      try {
        const stop = mod.preStop as (ctx: unknown, cb?: unknown) => unknown;
        await (runtime === 'fc2' ? new Promise<void>((res, rej) => stop(context(undefined), (e: unknown) => (e ? rej(e) : res()))) : stop(context(undefined)));
      } catch (e) {
        write(`tsorm: preStop failed: ${(e as Error)?.message ?? String(e)}`);
      }
    }
  } finally {
    await conn.close();
  }
  if (failed) process.exitCode = 1;
}

/**
 * `--stream`: the delivery loop until Ctrl-C (SIGINT/SIGTERM) or, with `--once`, until caught up. Each
 * invocation's cost line goes to stderr, failures with their error; returns whether any invocation failed.
 */
async function deliverStream(
  flags: InvokeFlags,
  client: Connection['client'],
  write: (line: string) => void,
  samples: InvocationSample[],
  call: (batch: TriggerBatch, requestId: string) => Promise<unknown>,
): Promise<boolean> {
  const table = flags.stream as string;
  const sink = measuredSink(call, (i) => {
    samples.push({ durationMs: i.durationMs, readCU: i.usage.readCU, writeCU: i.usage.writeCU });
    if (flags.json) {
      const error = i.ok ? undefined : { errorMessage: (i.error as Error)?.message ?? String(i.error), errorType: (i.error as Error)?.name ?? 'Error' };
      process.stdout.write(`${JSON.stringify({ requestId: i.requestId, table: i.table, records: i.records, attempt: i.attempt, durationMs: i.durationMs, ...(error ? { error } : {}) })}\n`);
    }
    write(formatTriggerInvocation(i));
    if (!i.ok) {
      write(`tsorm: invocation ${i.requestId} failed (it is retried until it succeeds or its records expire):\n${formatError(i.error)}`);
    }
  });
  const delivery = new TriggerDelivery(client, table, sink, {
    start: flags.from ?? (flags.once ? 'oldest' : 'latest'),
    ...(flags.batchSize === undefined ? {} : { batchSize: flags.batchSize }),
    onEvent: (e) => {
      if (e.kind === 'expired') write(`tsorm: ${e.records} record(s) of ${e.table} expired before a delivery succeeded; moving past them`);
    },
  });
  try {
    await delivery.open();
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  if (flags.once) {
    await delivery.drain({ timeoutMs: 10 * 60_000 });
  } else {
    write(`tsorm: delivering the stream of ${table} to the handler; Ctrl-C to stop`);
    const abort = new AbortController();
    const onSignal = () => abort.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      await delivery.run(abort.signal);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
  const s = delivery.stats;
  write(`tsorm: ${table}: ${s.invocations} invocation(s), ${s.delivered} record(s) delivered, ${s.failures} failed invocation(s), ${s.expired} expired record(s)`);
  // A failure a retry later fixed is not a failed run (FC retries too); records that expired undelivered are.
  return s.expired > 0;
}
