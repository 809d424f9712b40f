/**
 * `tsorm dev`: runs every function of `s.yaml` on this machine, without Docker, against the configured
 * endpoint or (by default) the embedded emulator, whose pending migrations it applies first:
 *
 * - an HTTP-trigger function on a local port each (real HTTP → the FC 3.0 HTTP event, or FC 2.0
 *   `(req, resp, context)` with `--fc2`);
 * - timer triggers on their schedule (cli/dev/schedule.ts);
 * - every function invocable with an event at the local invoke endpoint, FC 3.0's InvokeFunction path:
 *   `POST /2023-03-30/functions/<name>/invocations`;
 * - TableStore triggers: listed, not delivered (tsorm's stream delivery is not in this version);
 * - each function its own instance (cli/dev/instance.ts): initializer once, memorySize, timeout, environment,
 *   preStop on exit and on reload; a source change reloads the functions that loaded the file;
 * - one cost line per invocation; `--inspect[=port]` opens the inspector of each instance (port, port+1, …).
 *
 * Ctrl-C (SIGINT) or SIGTERM: preStop on every instance, then exit 0.
 */
import { watch, type FSWatcher } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { invocationCost } from '../../src/cost/estimate';
import { Migrator } from '../../src/migrations/run/runner';
import { displayPath, loadConfig } from '../../src/project/config';
import { connectProject, type Connection } from '../../src/project/connection';
import { ConfigError } from '../../src/project/errors';
import { functionEnv } from '../../src/testing/context';
import { FunctionInstance, type InvocationOutcome } from '../dev/instance';
import { parseSchedule, ScheduleError } from '../dev/schedule';
import { readSYaml, SYamlError, type DevFunction } from '../dev/s-yaml';
import type { WorkerRequest } from '../dev/worker';
import { CliError, parsePort } from './common';

interface DevFlags {
  port: number;
  inspect?: number | true;
  config?: string;
  file: string;
  fc2?: boolean;
  inMemory?: boolean;
  watch: boolean;
}

/** FC 3.0's InvokeFunction path (API version 2023-03-30). */
const INVOKE_PATH = /^\/2023-03-30\/functions\/([^/]+)\/invocations\/?$/;
/** Response headers FC drops (function-compute.md "Call shapes"). */
const IGNORED_RESPONSE_HEADERS = /^(connection|content-length|date|keep-alive|server|upgrade|transfer-encoding|x-fc-.*)$/i;
const SOURCE_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '.json']);
const DEFAULT_INSPECT_PORT = 9229;

export function registerDevCommand(program: Command): Command {
  return program
    .command('dev')
    .description('Run every function of s.yaml locally (HTTP ports, timers, an invoke endpoint), reloading on source changes')
    .addOption(new Option('-f, --file <path>', 'the Serverless Devs file').default('s.yaml'))
    .addOption(new Option('-p, --port <port>', 'the invoke endpoint\'s port; HTTP functions get the following ones (0: free ports)').argParser(parsePort).default(9000))
    .addOption(new Option('--inspect [port]', `open the Node inspector of each function (ports from ${DEFAULT_INSPECT_PORT}, one per function)`).argParser(parsePort))
    .addOption(new Option('--fc2', 'call handlers in the FC 2.0 shapes: (event, context, callback) and (req, resp, context)'))
    .addOption(new Option('-c, --config <path>', 'config file (default: tsorm.config.ts, .js or .json in the working directory)'))
    .addOption(new Option('--in-memory', 'the embedded emulator keeps its data in memory (default: the config\'s data dir)'))
    .addOption(new Option('--no-watch', 'do not reload functions when their sources change'))
    .action(async (flags: DevFlags) => {
      await runDev(flags);
    });
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((res, rej) => {
    server.once('error', (e: NodeJS.ErrnoException) => rej(new CliError(e.code === 'EADDRINUSE' ? `port ${port} is in use (choose another with --port, or --port 0)` : e.message)));
    server.listen(port, '127.0.0.1', () => res((server.address() as AddressInfo).port));
  });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((res, rej) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => res(Buffer.concat(chunks)));
    req.on('error', rej);
  });
}

/** FC's answer to a failed invocation: the error document with `x-fc-error-type`, status `status`. */
function sendError(res: ServerResponse, status: number, out: InvocationOutcome): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-fc-error-type': out.error!.type, 'x-fc-request-id': out.requestId });
  res.end(JSON.stringify(out.error!.body));
}

async function runDev(flags: DevFlags): Promise<void> {
  const sYaml = resolve(flags.file);
  const root = dirname(sYaml);
  let functions: DevFunction[];
  try {
    functions = readSYaml(sYaml);
  } catch (e) {
    throw new CliError(e instanceof SYamlError ? e.message : `cannot read ${sYaml}: ${(e as Error).message}`);
  }
  const schedules = new Map<string, ReturnType<typeof parseSchedule>>();
  for (const fn of functions) {
    for (const t of fn.triggers) {
      if (t.kind !== 'timer') continue;
      try {
        schedules.set(`${fn.functionName}/${t.name}`, parseSchedule(t.cronExpression));
      } catch (e) {
        throw new CliError(`${displayPath(process.cwd(), sYaml)}: resources.${fn.resource}, trigger ${t.name}: ${e instanceof ScheduleError ? e.message : String(e)}`);
      }
    }
  }

  const out = (line: string) => process.stdout.write(`${line}\n`);
  let config;
  try {
    config = await loadConfig(flags.config);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  if (flags.inMemory) config = { ...config, emulator: { ...config.emulator, inMemory: true } };
  let conn: Connection;
  try {
    conn = await connectProject(config);
  } catch (e) {
    throw e instanceof ConfigError ? new CliError(e.message) : e;
  }
  const closers: Array<() => Promise<void> | void> = [() => conn.close()];
  const closeAll = async () => {
    for (const c of closers.reverse()) await c();
  };
  try {
    if (conn.emulator && config.file) {
      // The emulator is the developer's own: bring it up to the project's migrations, as `tsorm migrate` would.
      const report = await new Migrator({ config, client: conn.client, log: (l) => out(`tsorm dev: ${l}`), command: 'tsorm dev' }).migrate();
      if (report.applied.length) out(`tsorm dev: applied ${report.applied.length} migration${report.applied.length > 1 ? 's' : ''} to ${conn.where}`);
    } else if (!conn.emulator) {
      out(`tsorm dev: TableStore at ${conn.where}; migrations are not applied there by tsorm dev (run tsorm migrate)`);
    }
    await serve(flags, root, functions, schedules, conn, out, closers);
  } catch (e) {
    await closeAll();
    throw e;
  }
  // Runs until SIGINT / SIGTERM.
  await new Promise<void>((resolveStop) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      out(`tsorm dev: ${signal}: stopping (preStop on every instance)`);
      closeAll().then(
        () => {
          out('tsorm dev: stopped');
          resolveStop();
        },
        (e: unknown) => {
          process.stderr.write(`tsorm dev: while stopping: ${String(e)}\n`);
          resolveStop();
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

async function serve(
  flags: DevFlags,
  root: string,
  functions: DevFunction[],
  schedules: Map<string, ReturnType<typeof parseSchedule>>,
  conn: Connection,
  out: (line: string) => void,
  closers: Array<() => Promise<void> | void>,
): Promise<void> {
  const { endpoint, instance, credentials } = conn.settings;
  const inspectBase = flags.inspect === undefined ? undefined : flags.inspect === true ? DEFAULT_INSPECT_PORT : flags.inspect;
  const instances = new Map<string, FunctionInstance>();
  const width = Math.max(...functions.map((f) => f.functionName.length));
  const prefix = (fn: DevFunction) => `[${fn.functionName}]`;

  functions.forEach((fn, i) => {
    const env: Record<string, string> = {
      ...(Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v !== undefined && !/^(TABLESTORE_|ALIBABA_CLOUD_|FC_|TSORM_)/.test(k))) as Record<string, string>),
      ...fn.env,
      FC_FUNCTION_NAME: fn.functionName,
      FC_FUNCTION_HANDLER: fn.handler,
      FC_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
      FC_FUNC_CODE_PATH: dirname(fn.file),
      FC_REGION: 'local',
      FC_ACCOUNT_ID: 'local',
      // Where TableStore is for this run: the dev connection, over whatever s.yaml says for the cloud.
      ...functionEnv({ endpoint, instance, ...credentials }),
    };
    instances.set(
      fn.functionName,
      new FunctionInstance({
        fn,
        runtime: flags.fc2 ? 'fc2' : 'fc3',
        root,
        env,
        credentials: { ...credentials },
        inspectPort: inspectBase === undefined ? undefined : inspectBase === 0 ? 0 : inspectBase + i,
        onLine: (line) => out(`${prefix(fn)} ${line}`),
      }),
    );
  });
  closers.push(async () => {
    await Promise.all([...instances.values()].map((inst) => inst.stop()));
  });

  /** The end-of-invocation line: FC's summary and the cost of the call. */
  const report = (fn: DevFunction, o: InvocationOutcome, trigger: string) => {
    if (o.error?.type === 'InitializationError') out(`${prefix(fn)} the instance did not initialize; the next call gets a new one`);
    else if (o.initialized) out(`${prefix(fn)} initializer ran on a new instance`);
    if (o.error) out(`${prefix(fn)} Invocation ${o.requestId} failed: ${o.error.type}: ${o.error.body.errorType}: ${o.error.body.errorMessage}`);
    const cost = invocationCost([{ durationMs: o.durationMs, readCU: o.readCU, writeCU: o.writeCU }], { memoryMb: fn.memorySize });
    out(
      `${prefix(fn)} FC Invoke End RequestId: ${o.requestId}, Trigger: ${trigger}, Duration: ${o.durationMs.toFixed(2)} ms, Memory Size: ${fn.memorySize} MB, ` +
        `Max Memory Used: ${o.maxRssMb} MB, TableStore: ${o.readCU} read CU ${o.writeCU} write CU, Cost: $${cost.usd.total.toPrecision(3)} (local estimate)`,
    );
  };

  // The invoke endpoint: any function, with an event.
  const invokeServer = createServer((req, res) => {
    void (async () => {
      const m = INVOKE_PATH.exec((req.url ?? '').split('?')[0]);
      if (!m || req.method !== 'POST') {
        res.writeHead(m ? 405 : 404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: `POST /2023-03-30/functions/<name>/invocations with the event as the body; functions: ${[...instances.keys()].join(', ')}` }));
        return;
      }
      const name = decodeURIComponent(m[1]);
      const fn = functions.find((f) => f.functionName === name || f.resource === name);
      if (!fn) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ErrorCode: 'FunctionNotFound', ErrorMessage: `no function ${name} in s.yaml (functions: ${[...instances.keys()].join(', ')})` }));
        return;
      }
      const body = await readBody(req);
      const async = /^async$/i.test(String(req.headers['x-fc-invocation-type'] ?? ''));
      const call = instances.get(fn.functionName)!.invoke({ event: body.toString('base64') });
      if (async) {
        // Asynchronous invocation: accepted now, run after (FC retries failures; tsorm dev only reports them).
        res.writeHead(202, { 'x-fc-invocation-type': 'Async' });
        res.end();
        report(fn, await call, 'event (async)');
        return;
      }
      const o = await call;
      report(fn, o, 'event');
      // Synchronous invoke: 2xx, failures flagged with X-Fc-Error-Type (function-compute.md "Errors").
      if (o.error) return sendError(res, 200, o);
      res.writeHead(200, { 'x-fc-request-id': o.requestId });
      res.end(Buffer.from(o.event ?? '', 'base64'));
    })().catch((e: unknown) => {
      res.writeHead(500);
      res.end(String(e));
    });
  });
  const invokePort = await listen(invokeServer, flags.port);
  closers.push(() => closeServer(invokeServer));

  const lines: string[] = [];
  let nextPort = flags.port === 0 ? 0 : invokePort + 1;
  for (const fn of functions) {
    const inst = instances.get(fn.functionName)!;
    for (const t of fn.triggers) {
      if (t.kind === 'http') {
        const server = createServer((req, res) => {
          void (async () => {
            const method = (req.method ?? 'GET').toUpperCase();
            if (t.methods && !t.methods.includes(method)) {
              // [inferred] FC answers a method the trigger does not list with 405.
              res.writeHead(405, { 'content-type': 'application/json', allow: t.methods.join(', ') });
              res.end(JSON.stringify({ error: `${method} is not among the trigger's methods (${t.methods.join(', ')})` }));
              return;
            }
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
            const body = await readBody(req);
            const request: WorkerRequest = { http: { method, path: req.url ?? '/', headers, body: body.toString('base64') } };
            const o = await inst.invoke(request);
            report(fn, o, `http ${method} ${(req.url ?? '/').split('?')[0]}`);
            // [inferred] HTTP-trigger callers of a failed invocation see a 5xx (spec); FC's gateway answers 502.
            if (o.error) return sendError(res, 502, o);
            const h = o.http!;
            const kept = Object.fromEntries(Object.entries(h.headers).filter(([k]) => !IGNORED_RESPONSE_HEADERS.test(k)));
            res.writeHead(h.statusCode, { ...kept, 'x-fc-request-id': o.requestId });
            res.end(Buffer.from(h.body, 'base64'));
          })().catch((e: unknown) => {
            res.writeHead(500);
            res.end(String(e));
          });
        });
        const port = await listen(server, nextPort);
        if (nextPort !== 0) nextPort = port + 1;
        closers.push(() => closeServer(server));
        lines.push(`  ${fn.functionName.padEnd(width)}  HTTP    http://127.0.0.1:${port}/${t.methods ? `  (${t.methods.join(', ')})` : ''}`);
      } else if (t.kind === 'timer') {
        const schedule = schedules.get(`${fn.functionName}/${t.name}`)!;
        if (schedule.warning) out(`tsorm dev: warning: ${fn.functionName}, trigger ${t.name}: ${schedule.warning}`);
        if (!t.enable) {
          lines.push(`  ${fn.functionName.padEnd(width)}  timer   ${t.cronExpression} (disabled: enable is false)`);
          continue;
        }
        let timer: NodeJS.Timeout | undefined;
        const arm = () => {
          const at = schedule.next(Date.now());
          timer = setTimeout(() => {
            arm();
            // FC's timer event (its timer-trigger page): the time as ISO 8601 to the second, the trigger, the payload.
            const event = { triggerTime: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'), triggerName: t.name, payload: t.payload };
            void inst.invoke({ event: Buffer.from(JSON.stringify(event)).toString('base64') }).then((o) => report(fn, o, `timer (${t.name})`));
          }, Math.max(0, at - Date.now()));
        };
        arm();
        closers.push(() => clearTimeout(timer));
        lines.push(`  ${fn.functionName.padEnd(width)}  timer   ${t.cronExpression}`);
      } else if (t.kind === 'tablestore') {
        lines.push(`  ${fn.functionName.padEnd(width)}  tablestore trigger ${t.name} on table ${t.table ?? '?'}: listed, not delivered yet (tsorm dev has no stream delivery in this version; invoke it with the endpoint below)`);
      } else {
        lines.push(`  ${fn.functionName.padEnd(width)}  ${t.type} trigger ${t.name}: not run locally (invoke it with the endpoint below)`);
      }
    }
    lines.push(`  ${fn.functionName.padEnd(width)}  invoke  POST http://127.0.0.1:${invokePort}/2023-03-30/functions/${fn.functionName}/invocations`);
  }

  // Load every module now: a module that does not load is reported at start, not at the first request.
  await Promise.all(
    [...instances.values()].map((inst) =>
      inst.warm().catch((e: { errorMessage?: string }) => out(`[${inst.name}] the module does not load: ${e?.errorMessage ?? String(e)} (it will be retried at the next invocation)`)),
    ),
  );
  if (inspectBase !== undefined) {
    for (const [i, fn] of functions.entries()) out(`tsorm dev: debugger for ${fn.functionName}: 127.0.0.1:${inspectBase === 0 ? '(a free port, see above)' : inspectBase + i}`);
  }
  out(`tsorm dev: ${functions.length} function${functions.length > 1 ? 's' : ''} from ${displayPath(process.cwd(), join(root, 's.yaml'))}, TableStore at ${conn.where}`);
  for (const l of lines) out(l);

  if (flags.watch) closers.push(watchSources(root, instances, out));
  out('tsorm dev: ready; Ctrl-C stops');
}

function closeServer(server: Server): Promise<void> {
  return new Promise((res) => {
    server.close(() => res());
    server.closeAllConnections();
  });
}

/**
 * Reloads the functions whose instance loaded a changed source file: preStop on the old instance, then a new
 * one (its initializer runs again at its first call, as on FC after a redeploy).
 */
function watchSources(root: string, instances: Map<string, FunctionInstance>, out: (line: string) => void): () => void {
  let changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let reloading = Promise.resolve();
  const flush = () => {
    const files = changed;
    changed = new Set();
    reloading = reloading.then(async () => {
      for (const inst of instances.values()) {
        const hit = [...files].filter((f) => inst.files.includes(f));
        if (hit.length === 0) continue;
        out(`[${inst.name}] reloading: ${hit.map((f) => displayPath(root, f)).join(', ')} changed; a new instance starts`);
        await inst.stop();
        await inst.warm().catch((e: { errorMessage?: string }) => out(`[${inst.name}] the module does not load: ${e?.errorMessage ?? String(e)}`));
        out(`[${inst.name}] reloaded`);
      }
    });
  };
  let watcher: FSWatcher;
  try {
    watcher = watch(root, { recursive: true }, (_event, name) => {
      if (!name) return;
      const rel = name.toString();
      if (/(^|[/\\])(node_modules|\.tsorm|dist|\.git)([/\\]|$)/.test(rel) || !SOURCE_EXTENSIONS.has(extname(rel))) return;
      changed.add(join(root, rel));
      clearTimeout(timer);
      timer = setTimeout(flush, 150); // editors write a file in several steps
    });
  } catch (e) {
    out(`tsorm dev: cannot watch ${root} for changes (${(e as Error).message}); reloads are off`);
    return () => undefined;
  }
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
