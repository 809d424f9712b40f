/**
 * `tsorm/testing`: test your own Function Compute handlers (and repositories) in vitest or any test runner,
 * without Docker or the cloud:
 *
 * ```ts
 * import { createTables, invoke, startEmulator } from 'tsorm/testing';
 * import * as fn from '../src/index';
 *
 * const emu = await startEmulator();          // in process, in memory, a free port
 * await createTables(emu, fn);                // the tables of the entities the function declares
 * const res = await invoke(fn, { http: { method: 'POST', path: '/orders', body: { sku: 'a' } }, emulator: emu });
 * expect(res.statusCode).toBe(201);
 * await emu.close();
 * ```
 */
import 'reflect-metadata';
import { ENV, type ConnectOptions } from '../client/config';
import { TableStoreClient } from '../client/client';
import { startEmulator as startServer, type EmulatorOptions, type RunningEmulator } from '../emulator/server';
import type { FcCredentials, FcContext } from '../fc/types';
import { createEntityTable } from '../migrations/spec/entity-table';
import { connect, Database } from '../repository/database';
import { getTableSchema } from '../schema/decorators';
import type { EntityClass } from '../schema/types';
import { functionEnv, localContext, type LogLevel } from './context';
import { LocalInvocationError } from './errors';
import { measuredSink, TriggerDelivery, type DeliveryStats, type TriggerDeliveryOptions, type TriggerInvocation } from './trigger-delivery';
import { callHandler, ensureInitialized, instanceHandle, type EventInvokeResult, type HandlerModule, type HttpInput, type HttpInvokeResult, type Runtime } from './invoke';

export { CallbackReusedError, FunctionTimeoutError, HandlerNotFoundError, LocalInvocationError } from './errors';
export { localContext, localLogger, type LocalContextOptions, type LogLevel } from './context';
export {
  formatTriggerInvocation,
  measuredSink,
  TriggerDelivery,
  TriggerDrainTimeoutError,
  type DeliveryEvent,
  type DeliveryStats,
  type TriggerBatch,
  type TriggerDeliveryOptions,
  type TriggerInvocation,
  type TriggerSink,
} from './trigger-delivery';
export { triggerEvent } from './trigger-event';
export { encodeTriggerEvent } from '../fc/trigger/cbor-encode';
export type { ChangeInput } from '../codec/change';
export { fc3HttpEvent, parseHttpInput, type EventInvokeResult, type HandlerModule, type HttpInput, type HttpInvokeResult, type Runtime } from './invoke';

/** A running in-process emulator, with what a test needs to reach it. */
export interface TestEmulator extends RunningEmulator {
  /** Connection options for `connect()` / `connectClient()`. */
  connection: Required<Pick<ConnectOptions, 'endpoint' | 'instance' | 'accessKeyId' | 'accessKeySecret'>>;
  /** The environment a function would see: TABLESTORE_ENDPOINT, TABLESTORE_INSTANCE and the access key. */
  env: Record<string, string>;
  /** A `Database` on this emulator. */
  connect(): Database;
}

let latest: TestEmulator | undefined;


/**
 * Starts the emulator in this process: in memory and on a free port unless `options` say otherwise.
 * `invoke()` without a target uses the most recently started one that is still open.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const emu = await startServer({ port: 0, inMemory: options.dataDir === undefined, ...options });
  const connection = { endpoint: emu.endpoint, instance: emu.instance, accessKeyId: emu.accessKeyId, accessKeySecret: emu.accessKeySecret };
  const test: TestEmulator = Object.assign(emu, {
    connection,
    env: functionEnv(emu),
    connect: () => connect(connection),
  });
  const close = emu.close.bind(emu);
  test.close = async () => {
    if (latest === test) latest = undefined;
    await close();
  };
  latest = test;
  return test;
}

type TableTarget = RunningEmulator | TestEmulator | Database | TableStoreClient | ConnectOptions;

function entitiesOf(item: EntityClass | HandlerModule): EntityClass[] {
  if (typeof item === 'function') return [item as EntityClass];
  for (const value of Object.values(item)) {
    const handle = instanceHandle(value);
    if (handle) return [...handle.entities];
  }
  throw new LocalInvocationError('createTables: expected entity classes or a module whose handler comes from defineFunction({ entities })');
}

/**
 * Creates the tables of entity classes, or of the `entities` of a `defineFunction` module (existing tables are
 * left alone). Returns the names of the tables created.
 */
export async function createTables(target: TableTarget, ...items: Array<EntityClass | HandlerModule | Array<EntityClass | HandlerModule>>): Promise<string[]> {
  let client: TableStoreClient;
  let own = false;
  if (target instanceof Database) client = target.client;
  else if (target instanceof TableStoreClient) client = target;
  else {
    own = true;
    const emulator = 'port' in target && typeof target.close === 'function';
    const t = target as ConnectOptions;
    client = new TableStoreClient(
      emulator ? { endpoint: t.endpoint, instance: t.instance, accessKeyId: t.accessKeyId, accessKeySecret: t.accessKeySecret } : t,
    );
  }
  try {
    const created: string[] = [];
    for (const item of items.flat()) {
      for (const entity of entitiesOf(item)) {
        const schema = getTableSchema(entity);
        if (await createEntityTable(client, schema, { ifNotExists: true })) created.push(schema.tableName);
      }
    }
    return created;
  } finally {
    if (own) client.close();
  }
}

export interface InvokeOptions {
  /** An HTTP-trigger request: `"GET /orders?limit=2"` or `{ method, path, query, headers, body }`. */
  http?: string | HttpInput;
  /** An event-trigger payload: a Buffer or string as is, anything else JSON-encoded. */
  event?: unknown;
  /** The call shape: FC 3.0 (`async (event, context)`, default) or FC 2.0 (callback; `(req, resp, context)`). */
  runtime?: Runtime;
  /** Where TableStore is: an emulator (default: the latest one `startEmulator()` started), or explicit settings. */
  emulator?: RunningEmulator;
  endpoint?: string;
  instance?: string;
  /** `context.credentials` (default: the emulator's key pair). */
  credentials?: FcCredentials;
  /** More environment for the function (merged over `process.env` and the target's). */
  env?: Record<string, string>;
  /** Export names (defaults `handler` and `initializer`; `false`: do not run an initializer). */
  handler?: string;
  initializer?: string | false;
  requestId?: string;
  /** Function timeout in seconds (default 60): the adapter's deadline, and the local runtime's time limit. */
  timeout?: number;
  /** Extra context fields. */
  context?: Partial<FcContext>;
  /** Every line the function logs (default: collected into `logs` only). */
  onLog?: (line: string, level: LogLevel) => void;
}

interface Common {
  requestId: string;
  /** Lines logged through `context.logger` during this call (the initializer's included, when it ran). */
  logs: string[];
  /** Whether the initializer ran before this call (the first call of an instance). */
  initialized: boolean;
  durationMs: number;
}

export type InvokeResult = (HttpInvokeResult | EventInvokeResult) & Common;
export type HttpInvocation = HttpInvokeResult & Common;
export type EventInvocation = EventInvokeResult & Common;

/**
 * Invokes a handler module (`{ handler, initializer? }`, e.g. `import * as fn from './handler'`) as FC would:
 * the initializer once per instance, then the handler in the FC 3.0 (default) or FC 2.0 call shape, with an
 * FC-like context pointing at the emulator. HTTP calls resolve to the response; event calls to the result.
 * A handler error (a rejection, `callback(err)`) rejects.
 */
export function invoke(mod: HandlerModule, options: InvokeOptions & { http: string | HttpInput }): Promise<HttpInvocation>;
export function invoke(mod: HandlerModule, options: InvokeOptions & { event: unknown; http?: undefined }): Promise<EventInvocation>;
export function invoke(mod: HandlerModule, options: InvokeOptions): Promise<InvokeResult>;
export async function invoke(mod: HandlerModule, options: InvokeOptions): Promise<InvokeResult> {
  if (mod === null || typeof mod !== 'object') throw new LocalInvocationError('invoke: expected a handler module (an object with a `handler` export)');
  if ((options.http === undefined) === !('event' in options)) throw new LocalInvocationError('invoke: give exactly one of `http` or `event`');
  const runtime = options.runtime ?? 'fc3';
  const target = options.emulator ?? (options.endpoint === undefined ? latest : undefined);
  const env: Record<string, string | undefined> = { ...process.env };
  if (target) {
    Object.assign(env, functionEnv(target));
  }
  if (options.endpoint !== undefined) env[ENV.endpoint] = options.endpoint;
  if (options.instance !== undefined) env[ENV.instance] = options.instance;
  Object.assign(env, options.env);
  const credentials =
    options.credentials ??
    (target ? { accessKeyId: target.accessKeyId, accessKeySecret: target.accessKeySecret } : undefined) ??
    (env[ENV.accessKeyId] && env[ENV.accessKeySecret]
      ? { accessKeyId: env[ENV.accessKeyId], accessKeySecret: env[ENV.accessKeySecret], securityToken: env[ENV.securityToken] }
      : undefined);

  const logs: string[] = [];
  const onLog = (line: string, level: LogLevel) => {
    logs.push(line);
    options.onLog?.(line, level);
  };
  const handlerName = options.handler ?? 'handler';
  const base = { credentials, env, timeout: options.timeout, onLog, extra: options.context, handler: `index.${handlerName}` };
  const started = performance.now();
  const initCtx = localContext({ ...base, requestId: `${options.requestId ?? 'local'}-init` });
  const initialized = await ensureInitialized(mod, handlerName, options.initializer ?? 'initializer', initCtx, runtime, env.TABLESTORE_ENDPOINT);
  const ctx = localContext({ ...base, requestId: options.requestId });
  const request = options.http !== undefined ? { http: options.http } : { event: options.event };
  const result = await callHandler(mod, handlerName, ctx, runtime, request);
  return Object.assign(result, { requestId: ctx.requestId!, logs, initialized, durationMs: performance.now() - started });
}

/** Forgets a `defineFunction` module's instance (closing its client): the next `invoke` is a cold start. */
export function resetInstance(mod: HandlerModule, handlerName = 'handler'): void {
  instanceHandle(mod[handlerName])?.reset();
}

export interface CreateTriggerOptions extends TriggerDeliveryOptions, Pick<InvokeOptions, 'runtime' | 'emulator' | 'credentials' | 'env' | 'handler' | 'initializer' | 'timeout' | 'onLog'> {
  /** The table whose stream triggers the function (its stream must be enabled). */
  table: string;
  /** Told of every invocation, with its cost line's numbers (`formatTriggerInvocation`). */
  onInvocation?: (invocation: TriggerInvocation) => void;
}

/** A TableStore trigger attached locally to a table's stream (see {@link createTrigger}). */
export interface LocalTrigger {
  readonly table: string;
  readonly stats: DeliveryStats;
  /** Every invocation so far, in order. */
  readonly invocations: TriggerInvocation[];
  /**
   * Delivers the table's pending changes and waits until the handler processed them (failed batches are
   * retried with backoff, as FC does). Rejects with `TriggerDrainTimeoutError` after `timeoutMs` (default 30 s).
   */
  drain(options?: { timeoutMs?: number }): Promise<DeliveryStats>;
  /** Delivers in the background (polling) until `stop()`. */
  start(): void;
  stop(): Promise<void>;
  /** Where delivery stands, to resume with `checkpoint`. */
  checkpoint(): string;
  /** Stops and closes the trigger's client. */
  close(): Promise<void>;
}

/**
 * Attaches a TableStore-trigger function (a handler module, as `invoke` takes it) to a table's stream on the
 * emulator: changes written from now on (`start: 'latest'`, default) reach the handler as FC's CBOR event,
 * batch by batch, in order, failed batches retried until they succeed or expire (streams spec §3.3).
 *
 * ```ts
 * const trigger = await createTrigger(countsFn, { table: 'notes', emulator: emu });
 * await repo.insert(note);
 * await trigger.drain();           // the handler has processed the insert
 * ```
 */
export async function createTrigger(mod: HandlerModule, options: CreateTriggerOptions): Promise<LocalTrigger> {
  if (mod === null || typeof mod !== 'object') throw new LocalInvocationError('createTrigger: expected a handler module (an object with a `handler` export)');
  if (typeof options?.table !== 'string' || options.table === '') throw new LocalInvocationError('createTrigger: `table` must name the table whose stream triggers the function');
  const target = options.emulator ?? latest;
  if (!target) throw new LocalInvocationError('createTrigger: no emulator: pass `emulator`, or call startEmulator() first');
  const client = new TableStoreClient({ endpoint: target.endpoint, instance: target.instance, accessKeyId: target.accessKeyId, accessKeySecret: target.accessKeySecret });
  const invocations: TriggerInvocation[] = [];
  const sink = measuredSink(
    (batch, requestId) =>
      invoke(mod, {
        event: batch.event,
        emulator: target,
        requestId,
        ...(options.runtime === undefined ? {} : { runtime: options.runtime }),
        ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
        ...(options.env === undefined ? {} : { env: options.env }),
        ...(options.handler === undefined ? {} : { handler: options.handler }),
        ...(options.initializer === undefined ? {} : { initializer: options.initializer }),
        ...(options.onLog === undefined ? {} : { onLog: options.onLog }),
        timeout: options.timeout ?? 60, // the trigger's limit: one minute (spec §3.3)
      }),
    (i) => {
      invocations.push(i);
      options.onInvocation?.(i);
    },
  );
  const delivery = new TriggerDelivery(client, options.table, sink, options);
  try {
    await delivery.open();
  } catch (e) {
    client.close();
    throw e;
  }
  let running: { abort: AbortController; done: Promise<unknown> } | undefined;
  /** Resolves when background delivery ended; rejects with what stopped it (a stream disabled…). */
  const stop = async () => {
    if (!running) return;
    const { abort, done } = running;
    running = undefined;
    abort.abort();
    const outcome = await done;
    if (outcome instanceof Error) throw outcome;
  };
  return {
    table: options.table,
    stats: delivery.stats,
    invocations,
    drain: (o) => delivery.drain(o),
    start: () => {
      if (running) return;
      const abort = new AbortController();
      // An error that ends the loop is kept for stop() to report.
      running = { abort, done: delivery.run(abort.signal).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))) };
    },
    stop,
    checkpoint: () => delivery.checkpoint(),
    close: async () => {
      try {
        await stop();
      } finally {
        client.close();
      }
    },
  };
}
