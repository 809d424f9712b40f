/**
 * `defineFunction()`: one definition → the exports Function Compute needs (`initializer`, `handler`,
 * `preStop`, `preFreeze`), for FC 2.0 and FC 3.0, event and HTTP triggers.
 *
 * Per instance (one module instance = one FC instance): one `Database` (one client, one keep-alive agent)
 * built by the initializer from `context.credentials` and the environment (`TABLESTORE_ENDPOINT`,
 * `TABLESTORE_INSTANCE`). Per invocation: the credentials replaced when they changed, a `CallScope` carrying
 * the deadline (the function timeout minus a margin) and counting calls and capacity units, one log line.
 */
import type { TableStoreClient } from '../client/client';
import type { ConnectOptions } from '../client/config';
import { CallScope } from '../client/usage';
import { connect, type Database } from '../repository/database';
import type { Repository } from '../repository/repository';
import { getTableSchema } from '../schema/decorators';
import type { EntityClass } from '../schema/types';
import { FunctionDefinitionError, FunctionInitializationError, HttpError } from './errors';
import { encodeHttpError, encodeResponse, fromFc2Request, fromFc3Event, internalErrorResponse, isFc3HttpEvent, sendFc2, toFc3Result, type EncodedResponse } from './http';
import { formatInvocation, loggerOf, type InvocationRecord } from './log';
import type { CallShape, Fc2HttpRequest, Fc2HttpResponse, FcCallback, FcContext, FcCredentials, HttpRequest, HttpResponse } from './types';

/** What the `initialize`, `preStop` and `preFreeze` hooks get. */
export interface InstanceTools {
  db: Database;
  client: TableStoreClient;
  repo<T extends object>(entity: EntityClass<T>): Repository<T>;
  ctx: FcContext;
}

/** What `http` and `event` handlers get with each invocation. */
export interface InvocationTools extends InstanceTools {
  requestId: string;
  /** The call shape the invocation arrived in. */
  shape: CallShape;
  /**
   * Epoch ms by which TableStore calls must be done (function timeout minus `deadlineMarginMs`); every call
   * made during the invocation gives up by then with `DeadlineExceededError`. `undefined` when FC gave no timeout.
   */
  deadline: number | undefined;
  /** Milliseconds left before `deadline` (Infinity without one). */
  remainingMs(): number;
  logger: { info(...a: unknown[]): void; warn(...a: unknown[]): void; error(...a: unknown[]): void };
}

export interface FunctionDefinition {
  /** The entity classes the function uses (checked now, their repositories made in the initializer). */
  entities?: EntityClass[];
  /** HTTP-trigger handler. Return a response, or throw `HttpError`. */
  http?: (req: HttpRequest, tools: InvocationTools) => HttpResponse | void | Promise<HttpResponse | void>;
  /** Event-trigger handler: gets the event bytes; its return value is the invocation's result. */
  event?: (event: Buffer, tools: InvocationTools) => unknown;
  /** Runs once per instance in the initializer, after the client is built (warm caches, check tables…). */
  initialize?: (tools: InstanceTools) => void | Promise<void>;
  /** Runs before the instance is stopped; the client is closed afterwards. */
  preStop?: (tools: InstanceTools) => void | Promise<void>;
  /** FC 2.0: runs before the instance is frozen. */
  preFreeze?: (tools: InstanceTools) => void | Promise<void>;
  /**
   * Connection settings besides credentials (endpoint, instance, retry, maxSockets…). Endpoint and instance
   * default to `TABLESTORE_ENDPOINT` / `TABLESTORE_INSTANCE`; credentials always come from `context.credentials`,
   * or from `ALIBABA_CLOUD_ACCESS_KEY_ID` / `_SECRET` / `ALIBABA_CLOUD_SECURITY_TOKEN` when the context has none.
   */
  connection?: Omit<ConnectOptions, 'accessKeyId' | 'accessKeySecret' | 'securityToken' | 'env'>;
  /** How long before the function timeout TableStore calls give up. Default: a tenth of the timeout, at most 1000 ms. */
  deadlineMarginMs?: number;
  /** `false`: no per-invocation log line; a function: receives each record instead of the default line. */
  log?: boolean | ((record: InvocationRecord, ctx: FcContext) => void);
}

/** What FC calls. Export all of them from the handler module: `export const { initializer, handler, preStop } = …`. */
export interface FcFunction {
  /** FC 2.0 `(context, callback)` or FC 3.0 `async (context)`. */
  initializer(context: FcContext, callback?: FcCallback): Promise<void> | void;
  /** Every call shape: `(event, context, callback)`, `(req, resp, context)`, `async (event, context)`. */
  handler(eventOrRequest: unknown, contextOrResponse?: unknown, callbackOrContext?: unknown): Promise<unknown> | void;
  preStop(context: FcContext, callback?: FcCallback): Promise<void> | void;
  preFreeze(context: FcContext, callback?: FcCallback): Promise<void> | void;
}

/** @internal Where local tooling (`tsorm invoke`, `tsorm/testing`) finds an instance to inspect or reset. */
export const FUNCTION_INSTANCE: unique symbol = Symbol.for('tsorm.fc.instance') as never;
/** @internal A context property local tooling sets to supply the environment instead of `process.env`. */
export const CONTEXT_ENV: unique symbol = Symbol.for('tsorm.fc.env') as never;

/** @internal What local tooling sees of an instance. */
export interface FunctionInstanceHandle {
  readonly entities: readonly EntityClass[];
  /** The endpoint of the current client, if initialised. */
  readonly endpoint: string | undefined;
  readonly initialized: boolean;
  /** Drops the client (closing it), as if FC started a new instance. */
  reset(): void;
}

interface Ready {
  db: Database;
  /** `accessKeyId \0 accessKeySecret \0 securityToken` of the context credentials the client signs with ('' = from the environment). */
  credentialKey: string;
}

/** The tools of one invocation. Methods are own arrow properties: handlers destructure them (`{ repo }`). */
class Invocation implements InvocationTools {
  readonly client: TableStoreClient;
  readonly repo: <T extends object>(entity: EntityClass<T>) => Repository<T>;
  readonly remainingMs: () => number;

  constructor(
    readonly db: Database,
    readonly ctx: FcContext,
    readonly requestId: string,
    readonly shape: CallShape,
    readonly deadline: number | undefined,
    readonly logger: InvocationTools['logger'],
  ) {
    this.client = db.client;
    this.repo = (entity) => db.repository(entity);
    this.remainingMs = deadline === undefined ? () => Infinity : () => Math.max(0, deadline - Date.now());
  }
}

function instanceTools(db: Database, ctx: FcContext): InstanceTools {
  return { db, client: db.client, repo: (e) => db.repository(e), ctx };
}

function credentialsOf(ctx: FcContext | undefined): FcCredentials | undefined {
  const c = ctx?.credentials;
  return c && c.accessKeyId && c.accessKeySecret ? c : undefined;
}

function keyOf(c: { accessKeyId?: string; accessKeySecret?: string; securityToken?: string }): string {
  return `${c.accessKeyId}\0${c.accessKeySecret}\0${c.securityToken ?? ''}`;
}

/** Parses an FC 3.0 event payload: is it an HTTP-trigger document? */
function classify(event: unknown): { bytes: Buffer; http: ReturnType<typeof fromFc3Event> | undefined } {
  let bytes: Buffer;
  let parsed: unknown;
  if (Buffer.isBuffer(event)) bytes = event;
  else if (typeof event === 'string') bytes = Buffer.from(event, 'utf8');
  else if (event instanceof Uint8Array) bytes = Buffer.from(event.buffer, event.byteOffset, event.byteLength);
  else if (event === undefined || event === null) bytes = Buffer.alloc(0);
  else {
    parsed = event; // already an object (a test harness, or a runtime that parsed it)
    bytes = Buffer.from(JSON.stringify(event) ?? '', 'utf8');
  }
  if (parsed === undefined && bytes.length > 0 && bytes[0] === 0x7b /* { */) {
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch {
      parsed = undefined;
    }
  }
  return { bytes, http: isFc3HttpEvent(parsed) ? fromFc3Event(parsed) : undefined };
}

export function defineFunction(definition: FunctionDefinition): FcFunction {
  if (definition === null || typeof definition !== 'object') throw new FunctionDefinitionError('tsorm/fc: defineFunction expects an object');
  const { http, event } = definition;
  if (http !== undefined && typeof http !== 'function') throw new FunctionDefinitionError('tsorm/fc: `http` must be a function');
  if (event !== undefined && typeof event !== 'function') throw new FunctionDefinitionError('tsorm/fc: `event` must be a function');
  if (!http && !event) throw new FunctionDefinitionError('tsorm/fc: defineFunction needs an `http` handler, an `event` handler, or both');
  for (const hook of ['initialize', 'preStop', 'preFreeze'] as const) {
    if (definition[hook] !== undefined && typeof definition[hook] !== 'function') throw new FunctionDefinitionError(`tsorm/fc: \`${hook}\` must be a function`);
  }
  const entities = [...(definition.entities ?? [])];
  for (const e of entities) getTableSchema(e); // a SchemaError now, not at the first request
  const margin = definition.deadlineMarginMs;
  if (margin !== undefined && !(Number.isFinite(margin) && margin >= 0)) throw new FunctionDefinitionError(`tsorm/fc: deadlineMarginMs must be ≥ 0, got ${margin}`);
  const logOption = definition.log ?? true;

  let ready: Ready | undefined;
  let pending: Promise<Ready> | undefined;
  let initializerRan = false;
  let warnedLazy = false;

  /** The invocation's log line (or the user's `log` function). Logging never fails an invocation. */
  function emit(record: InvocationRecord, ctx: FcContext): void {
    if (logOption === false) return;
    try {
      if (typeof logOption === 'function') logOption(record, ctx);
      else loggerOf(ctx).info(formatInvocation(record));
    } catch (e) {
      console.error('tsorm/fc: the invocation log failed:', e);
    }
  }

  async function build(ctx: FcContext, phase: 'initializer' | 'lazy'): Promise<Ready> {
    const started = performance.now();
    const scope = new CallScope({ deadline: deadlineOf(ctx, Date.now(), ctx.function?.initializationTimeout) });
    let db: Database | undefined;
    try {
      const env = (ctx as { [CONTEXT_ENV]?: Record<string, string | undefined> })[CONTEXT_ENV] ?? process.env;
      const creds = credentialsOf(ctx);
      db = connect({
        ...definition.connection,
        env,
        ...(creds ? { accessKeyId: creds.accessKeyId, accessKeySecret: creds.accessKeySecret, securityToken: creds.securityToken } : {}),
      });
      for (const e of entities) db.repository(e);
      const created = db;
      if (definition.initialize) await scope.run(() => definition.initialize!(instanceTools(created, ctx)));
      return { db: created, credentialKey: creds ? keyOf(creds) : '' };
    } catch (e) {
      db?.close();
      throw e instanceof FunctionInitializationError ? e : new FunctionInitializationError(e);
    } finally {
      if (phase === 'initializer') {
        emit({ phase: 'initializer', requestId: ctx.requestId ?? '-', durationMs: performance.now() - started, usage: scope.usage }, ctx);
      }
    }
  }

  /** The instance's database, initialising it once; a failure is forgotten so the next call tries again. */
  function init(ctx: FcContext, phase: 'initializer' | 'lazy'): Promise<Ready> {
    if (ready) return Promise.resolve(ready);
    if (!pending) {
      const p = build(ctx, phase).then(
        (r) => {
          ready = r;
          pending = undefined;
          return r;
        },
        (e: unknown) => {
          pending = undefined;
          throw e;
        },
      );
      pending = p;
    }
    return pending;
  }

  async function instance(ctx: FcContext): Promise<Ready> {
    if (ready) return ready;
    if (!initializerRan && !warnedLazy) {
      warnedLazy = true;
      loggerOf(ctx).warn(
        'tsorm/fc: no initializer ran on this instance; initialising on the first invocation instead. Export `initializer` and ' +
          'configure it (FC 3.0: instanceLifecycleConfig.initializer.handler = index.initializer) so the client is built before requests arrive.',
      );
    }
    return init(ctx, 'lazy');
  }

  function refreshCredentials(r: Ready, ctx: FcContext): void {
    const creds = credentialsOf(ctx);
    if (!creds) return; // none in this context: keep what the client has (from the initializer or the environment)
    const key = keyOf(creds);
    if (key === r.credentialKey) return;
    r.db.setCredentials({ accessKeyId: creds.accessKeyId!, accessKeySecret: creds.accessKeySecret!, securityToken: creds.securityToken || undefined });
    r.credentialKey = key;
  }

  function deadlineOf(ctx: FcContext, start: number, timeoutSeconds: unknown): number | undefined {
    if (typeof timeoutSeconds !== 'number' || !(timeoutSeconds > 0)) return undefined;
    const timeoutMs = timeoutSeconds * 1000;
    return start + timeoutMs - (margin ?? Math.min(1000, timeoutMs / 10));
  }

  /** Runs a user handler for one invocation inside a CallScope with the deadline, and logs the line. */
  async function invoke<R>(
    ctx: FcContext,
    shape: CallShape,
    phase: 'http' | 'event',
    details: { method?: string; path?: string },
    fn: (tools: InvocationTools) => Promise<R>,
    statusOf: (result: R) => number | undefined,
  ): Promise<R> {
    const started = performance.now();
    const start = Date.now();
    const deadline = deadlineOf(ctx, start, ctx.function?.timeout);
    const scope = new CallScope({ deadline });
    let status: number | undefined;
    let failure: string | undefined;
    try {
      const r = await instance(ctx);
      refreshCredentials(r, ctx);
      const tools = new Invocation(r.db, ctx, ctx.requestId ?? '-', shape, deadline, loggerOf(ctx));
      const result = await scope.run(() => fn(tools));
      status = statusOf(result);
      return result;
    } catch (e) {
      failure = e instanceof Error ? e.name || 'Error' : typeof e;
      throw e;
    } finally {
      emit({ phase, requestId: ctx.requestId ?? '-', shape, ...details, status, error: failure, durationMs: performance.now() - started, usage: scope.usage }, ctx);
    }
  }

  async function runEvent(bytes: Buffer, ctx: FcContext, shape: CallShape): Promise<unknown> {
    if (!event) {
      throw new FunctionDefinitionError('tsorm/fc: this function received an event invocation, but its definition has no `event` handler');
    }
    return invoke(ctx, shape, 'event', {}, async (tools) => event(bytes, tools), () => undefined);
  }

  /** An HTTP invocation → the encoded response; HttpError becomes its response, other errors propagate. */
  async function runHttp(req: HttpRequest | Promise<HttpRequest>, ctx: FcContext, shape: CallShape): Promise<EncodedResponse> {
    const request = await req;
    return invoke(
      ctx,
      shape,
      'http',
      { method: request.method, path: request.path },
      async (tools) => {
        if (!http) throw new FunctionDefinitionError('tsorm/fc: this function received an HTTP invocation, but its definition has no `http` handler');
        try {
          return encodeResponse(await http(request, tools));
        } catch (e) {
          if (e instanceof HttpError) return encodeHttpError(e);
          throw e;
        }
      },
      (r) => r.status,
    );
  }

  function handler(a: unknown, b?: unknown, c?: unknown): Promise<unknown> | void {
    if (typeof c === 'function') {
      // FC 2.0 event shape (event, context, callback): answer through the callback, exactly once. The payload
      // may still be an FC 3.0 HTTP document (a runtime passing a callback): then the callback gets that result.
      const callback = c as FcCallback;
      const ctx = (b ?? {}) as FcContext;
      let p: Promise<unknown>;
      try {
        const { bytes, http: req } = classify(a);
        p = req && http ? runHttp(req, ctx, 'fc3-http').then(toFc3Result) : runEvent(bytes, ctx, 'fc2-event');
      } catch (e) {
        p = Promise.reject(e);
      }
      p.then(
        (data) => process.nextTick(callback, null, data),
        (e: unknown) => process.nextTick(callback, e),
      );
      return;
    }
    if (b !== null && typeof b === 'object' && typeof (b as Fc2HttpResponse).send === 'function' && typeof (b as Fc2HttpResponse).setStatusCode === 'function') {
      // FC 2.0 HTTP shape (req, resp, context). FC offers no error channel here: an unexpected error is logged
      // and answered with a 500, so the request never hangs until the timeout.
      const resp = b as Fc2HttpResponse;
      const ctx = (c ?? {}) as FcContext;
      runHttp(fromFc2Request((a ?? {}) as Fc2HttpRequest), ctx, 'fc2-http')
        .then(
          (r) => sendFc2(resp, r),
          (e: unknown) => {
            loggerOf(ctx).error('tsorm/fc: unhandled error in the HTTP handler (answered 500):', e);
            sendFc2(resp, internalErrorResponse());
          },
        )
        .catch((e: unknown) => loggerOf(ctx).error('tsorm/fc: could not send the HTTP response:', e));
      return;
    }
    // FC 3.0 async shape (event, context): an HTTP document or an event.
    const ctx = (b ?? {}) as FcContext;
    try {
      const { bytes, http: req } = classify(a);
      if (req && http) return runHttp(req, ctx, 'fc3-http').then(toFc3Result);
      return runEvent(bytes, ctx, 'fc3-event');
    } catch (e) {
      return Promise.reject(e);
    }
  }

  function lifecycle(run: (ctx: FcContext) => Promise<void>): FcFunction['initializer'] {
    return (context: FcContext, callback?: FcCallback) => {
      const ctx = context ?? {};
      let p: Promise<void>;
      try {
        p = run(ctx);
      } catch (e) {
        p = Promise.reject(e);
      }
      if (typeof callback === 'function') {
        p.then(
          () => process.nextTick(callback, null, ''),
          (e: unknown) => process.nextTick(callback, e),
        );
        return;
      }
      return p;
    };
  }

  async function hook(name: 'preStop' | 'preFreeze', ctx: FcContext): Promise<void> {
    const started = performance.now();
    const scope = new CallScope({ deadline: deadlineOf(ctx, Date.now(), ctx.function?.timeout) });
    try {
      const fn = definition[name];
      if (fn && ready) {
        refreshCredentials(ready, ctx);
        const tools = instanceTools(ready.db, ctx);
        await scope.run(() => fn(tools));
      }
    } finally {
      if (name === 'preStop') reset();
      emit({ phase: name, requestId: ctx.requestId ?? '-', durationMs: performance.now() - started, usage: scope.usage }, ctx);
    }
  }

  function reset(): void {
    ready?.db.close();
    ready = undefined;
    pending = undefined;
    initializerRan = false;
    warnedLazy = false;
  }

  const fcFunction: FcFunction = {
    initializer: lifecycle(async (ctx) => {
      initializerRan = true;
      await init(ctx, 'initializer');
    }),
    handler,
    preStop: lifecycle((ctx) => hook('preStop', ctx)),
    preFreeze: lifecycle((ctx) => hook('preFreeze', ctx)),
  };

  const handle: FunctionInstanceHandle = {
    entities,
    get endpoint() {
      return ready?.db.client.endpoint;
    },
    get initialized() {
      return ready !== undefined;
    },
    reset,
  };
  Object.defineProperty(handler, FUNCTION_INSTANCE, { value: handle });
  Object.defineProperty(fcFunction.initializer, FUNCTION_INSTANCE, { value: handle });
  return fcFunction;
}
