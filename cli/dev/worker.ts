/**
 * One function instance of `tsorm dev`: a child process (so memory, a timeout kill, a reload and the inspector
 * are per function, as FC's instances are), driven by its parent over IPC. It loads the handler module through
 * the shared TypeScript loader (inline source maps: breakpoints in the .ts sources), runs the initializer once
 * (src/testing's local runtime, as `tsorm invoke` does), each invocation in the function's call shape, and
 * preStop when told to stop.
 */
import { CallScope } from '../../src/client/usage';
import { toJson } from '../../src/fc/http';
import { loadModule } from '../../src/project/loader';
import { localContext } from '../../src/testing/context';
import { callHandler, ensureInitialized, exportedFunction, isHandledError, type HandlerModule, type HttpInput, type Runtime } from '../../src/testing/invoke';
import type { FcCredentials } from '../../src/fc/types';

/** What the parent tells the worker at start (JSON in TSORM_DEV_WORKER). */
export interface WorkerSpec {
  file: string;
  exportName: string;
  initializer?: { exportName: string; timeout: number };
  preStop?: { exportName: string; timeout: number };
  functionName: string;
  handler: string;
  memorySize: number;
  timeout: number;
  runtime: Runtime;
  region: string;
  root: string;
}

export type WorkerRequest = { http: HttpInput & { body: string } } | { event: string };

export type ToWorker = { type: 'invoke'; id: number; requestId: string; request: WorkerRequest; credentials: FcCredentials } | { type: 'stop' };

/** FC's error types (function-compute.md "Errors as callers see them"). */
export type FcErrorType = 'HandledInvocationError' | 'UnhandledInvocationError' | 'InitializationError';

export interface FcErrorBody {
  errorMessage: string;
  errorType: string;
  stackTrace: string[];
}

export type FromWorker =
  | { type: 'ready'; files: string[] }
  | { type: 'load-failed'; error: FcErrorBody }
  | {
      type: 'result';
      id: number;
      initialized: boolean;
      durationMs: number;
      readCU: number;
      writeCU: number;
      maxRssMb: number;
      http?: { statusCode: number; headers: Record<string, string>; body: string };
      /** The event result's bytes, base64. */
      event?: string;
      error?: { type: FcErrorType; body: FcErrorBody; timeout?: boolean };
    }
  | { type: 'stopped' };

function errorBody(e: unknown): FcErrorBody {
  const err = e instanceof Error ? e : new Error(String(e));
  return { errorMessage: err.message, errorType: err.name, stackTrace: (err.stack ?? '').split('\n').slice(1).map((l) => l.trim()) };
}

/** An event result as FC returns it: a Buffer as is, a string as text, anything else as JSON (spec: FC 2.0 `data`). */
function resultBytes(result: unknown): Buffer {
  if (result === undefined || result === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(result)) return result;
  if (typeof result === 'string') return Buffer.from(result, 'utf8');
  return Buffer.from(toJson(result), 'utf8');
}

function send(message: FromWorker): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.env.TSORM_DEV_WORKER ?? '{}') as WorkerSpec;
  delete process.env.TSORM_DEV_WORKER;
  // Ctrl-C reaches the whole process group: the parent stops the instances itself (preStop first).
  process.on('SIGINT', () => undefined);
  process.on('disconnect', () => process.exit(0));
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const context = (requestId: string, credentials: FcCredentials | undefined) =>
    localContext({
      requestId,
      credentials,
      functionName: spec.functionName,
      handler: spec.handler,
      initializer: spec.initializer ? `${spec.handler.slice(0, spec.handler.lastIndexOf('.'))}.${spec.initializer.exportName}` : undefined,
      timeout: spec.timeout,
      initializationTimeout: spec.initializer?.timeout,
      memory: spec.memorySize,
      region: spec.region,
      onLog: log,
    });

  let mod: HandlerModule;
  try {
    mod = await loadModule(spec.file);
    exportedFunction(mod, spec.exportName);
  } catch (e) {
    send({ type: 'load-failed', error: errorBody(e) });
    process.exit(1);
  }
  const files = Object.keys(require.cache).filter((f) => f.startsWith(spec.root) && !f.includes('/node_modules/'));
  send({ type: 'ready', files });

  let lastCredentials: FcCredentials | undefined;
  let queue = Promise.resolve();
  process.on('message', (m: ToWorker) => {
    queue = queue.then(async () => {
      if (m.type === 'stop') {
        const stop = spec.preStop && typeof mod[spec.preStop.exportName] === 'function' ? exportedFunction(mod, spec.preStop.exportName) : undefined;
        if (stop) {
          const ctx = context(`prestop-${process.pid}`, lastCredentials);
          try {
            await Promise.race([
              spec.runtime === 'fc2' ? new Promise<void>((res, rej) => stop(ctx, (e: unknown) => (e ? rej(e) : res()))) : Promise.resolve(stop(ctx)),
              new Promise((_res, rej) => setTimeout(() => rej(new Error(`preStop timed out after ${spec.preStop!.timeout} seconds`)), spec.preStop!.timeout * 1000).unref()),
            ]);
          } catch (e) {
            log(`preStop failed: ${errorBody(e).errorMessage}`);
          }
        }
        send({ type: 'stopped' });
        process.disconnect();
        return;
      }
      lastCredentials = m.credentials;
      const started = performance.now();
      const scope = new CallScope();
      const base = { type: 'result' as const, id: m.id };
      const measure = () => ({
        durationMs: performance.now() - started,
        readCU: scope.usage.readCU,
        writeCU: scope.usage.writeCU,
        maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      });
      let initialized = false;
      try {
        initialized = await scope.run(() =>
          ensureInitialized(mod, spec.exportName, spec.initializer?.exportName ?? false, context(`${m.requestId}-init`, m.credentials), spec.runtime, process.env.TABLESTORE_ENDPOINT),
        );
      } catch (e) {
        // FC 3.0: the invocation fails with InitializationError and the next one gets a new instance.
        send({ ...base, initialized: true, ...measure(), error: { type: 'InitializationError', body: errorBody(e) } });
        process.exit(1);
      }
      const ctx = context(m.requestId, m.credentials);
      const request = 'http' in m.request ? { http: { ...m.request.http, body: Buffer.from(m.request.http.body, 'base64') } } : { event: Buffer.from(m.request.event, 'base64') };
      try {
        const r = await scope.run(() => callHandler(mod, spec.exportName, ctx, spec.runtime, request));
        if (r.kind === 'http') send({ ...base, initialized, ...measure(), http: { statusCode: r.statusCode, headers: r.headers, body: r.body.toString('base64') } });
        else send({ ...base, initialized, ...measure(), event: resultBytes(r.result).toString('base64') });
      } catch (e) {
        const timeout = (e as { code?: string })?.code === 'TsormFunctionTimeout';
        send({ ...base, initialized, ...measure(), error: { type: isHandledError(e) ? 'HandledInvocationError' : 'UnhandledInvocationError', body: errorBody(e), timeout } });
      }
    });
  });
}

void main();
