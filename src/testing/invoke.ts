/**
 * A local Function Compute runtime: calls a handler module's exports in FC's own call shapes (FC 3.0
 * `async (event, context)` with the `version: "v1"` HTTP document, FC 2.0 `(event, context, callback)` and
 * `(req, resp, context)`), runs the initializer once per instance first, and enforces the function timeout.
 * Used by `invoke()` in `tsorm/testing` and by `tsorm invoke`.
 */
import { randomUUID } from 'node:crypto';
import { FUNCTION_INSTANCE, type FunctionInstanceHandle } from '../fc/instance';
import type { Fc3HttpEvent, Fc3HttpResult, FcContext } from '../fc/types';
import { CallbackReusedError, FunctionTimeoutError, HandlerNotFoundError, LocalInvocationError } from './errors';

export type Runtime = 'fc3' | 'fc2';

/** An HTTP request to send: `"GET /orders?limit=2"`, or the parts. */
export interface HttpInput {
  method?: string;
  /** Path, optionally with a query string. */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** A string or Buffer is sent as is; anything else as JSON (with `content-type: application/json`). */
  body?: unknown;
}

export interface HttpInvokeResult {
  kind: 'http';
  statusCode: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: Buffer;
  text(): string;
  json<T = any>(): T;
}

export interface EventInvokeResult {
  kind: 'event';
  /** What the handler returned (FC 3.0) or passed to its callback (FC 2.0). */
  result: unknown;
}

/** The parts of a module FC uses. */
export interface HandlerModule {
  [name: string]: unknown;
}

const DEFAULT_HEADERS = { host: 'localhost', 'user-agent': 'tsorm-invoke' };

export function parseHttpInput(input: string | HttpInput): Required<Pick<HttpInput, 'method' | 'path'>> & HttpInput {
  if (typeof input !== 'string') return { ...input, method: (input.method ?? 'GET').toUpperCase(), path: input.path || '/' };
  const m = /^\s*([A-Za-z]+)\s+(\S+)\s*$/.exec(input);
  if (!m) throw new LocalInvocationError(`expected an HTTP request as "METHOD /path", got ${JSON.stringify(input)}`);
  return { method: m[1].toUpperCase(), path: m[2] };
}

/** Splits `/a?x=1&y=2` into the path and its query (merged over `query`). */
function splitPath(path: string, query: Record<string, string> = {}): { path: string; query: Record<string, string> } {
  const q = path.indexOf('?');
  if (q < 0) return { path: path.startsWith('/') ? path : `/${path}`, query: { ...query } };
  const merged: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(path.slice(q + 1))) merged[k] = merged[k] === undefined ? v : `${merged[k]},${v}`;
  const p = path.slice(0, q);
  return { path: p.startsWith('/') ? p : `/${p}`, query: { ...merged, ...query } };
}

function bodyBytes(input: HttpInput, headers: Record<string, string>): Buffer {
  const b = input.body;
  if (b === undefined || b === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(b)) return b;
  if (typeof b === 'string') return Buffer.from(b, 'utf8');
  headers['content-type'] ??= 'application/json';
  return Buffer.from(JSON.stringify(b), 'utf8');
}

function lowerCase(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = String(v);
  return out;
}

/** Is this body text FC 3.0 would pass without base64? (UTF-8 text: yes; anything else is base64-encoded.) */
function isText(bytes: Buffer, headers: Record<string, string>): boolean {
  const type = headers['content-type'] ?? '';
  if (/octet-stream|image\/|audio\/|video\/|application\/(zip|gzip|pdf|protobuf|x-protobuf)/i.test(type)) return false;
  return Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes);
}

/** The FC 3.0 HTTP-trigger event document for a request. */
export function fc3HttpEvent(input: HttpInput, requestId: string): Fc3HttpEvent {
  const req = parseHttpInput(input);
  const { path, query } = splitPath(req.path, req.query);
  const headers = { ...DEFAULT_HEADERS, ...lowerCase(req.headers) };
  const bytes = bodyBytes(req, headers);
  const base64 = bytes.length > 0 && !isText(bytes, headers);
  const now = Date.now();
  return {
    version: 'v1',
    rawPath: path,
    body: base64 ? bytes.toString('base64') : bytes.toString('utf8'),
    isBase64Encoded: base64,
    headers,
    queryParameters: query,
    requestContext: {
      accountId: 'local',
      domainName: 'localhost',
      domainPrefix: 'local',
      requestId,
      time: new Date(now).toUTCString(),
      timeEpoch: String(now),
      http: { method: req.method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: headers['user-agent'] },
    },
  };
}

function httpResult(statusCode: number, headers: Record<string, string>, body: Buffer): HttpInvokeResult {
  return {
    kind: 'http',
    statusCode,
    headers,
    body,
    text: () => body.toString('utf8'),
    json: () => JSON.parse(body.toString('utf8')),
  };
}

/** Runs `fn` against the function timeout, rejecting with FunctionTimeoutError when it passes. */
function withTimeout<T>(timeoutSeconds: number, fn: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new FunctionTimeoutError(timeoutSeconds)), timeoutSeconds * 1000);
    fn().then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** The named function export of a handler module; HandlerNotFoundError (listing the function exports) otherwise. */
export function exportedFunction(mod: HandlerModule, name: string): (...args: unknown[]) => unknown {
  const fn = mod[name];
  if (typeof fn !== 'function') {
    const names = Object.keys(mod).filter((k) => typeof mod[k] === 'function');
    throw new HandlerNotFoundError(
      `the module has no function export ${JSON.stringify(name)}${names.length ? ` (its function exports: ${names.join(', ')})` : ''}`,
    );
  }
  return fn as (...args: unknown[]) => unknown;
}

/** Errors a handler passed to its FC 2.0 callback: FC reports those as HandledInvocationError, throws as Unhandled. */
const handledErrors = new WeakSet<object>();

/** Did the handler report this error itself, through `callback(err)`? (FC: HandledInvocationError) */
export function isHandledError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && handledErrors.has(e);
}

/**
 * Calls `fn(...args, callback)` FC 2.0 style (or awaits its promise when it returns one), resolving with the
 * callback's data. A second callback call is reported to `onReuse`.
 */
function callWithCallback(fn: (...args: unknown[]) => unknown, args: unknown[], onReuse: (e: Error) => void): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let calls = 0;
    const callback = (err: unknown, data?: unknown) => {
      calls++;
      if (calls > 1) {
        const e = new CallbackReusedError(`the FC 2.0 callback was called ${calls} times (it must be called exactly once)`);
        onReuse(e);
        reject(e);
        return;
      }
      if (err !== null && err !== undefined) {
        if (typeof err === 'object') handledErrors.add(err);
        reject(err);
      } else resolve(data);
    };
    const ret = fn(...args, callback) as { then?: unknown } | undefined;
    if (ret && typeof ret.then === 'function') (ret as Promise<unknown>).then((v) => calls === 0 && resolve(v), reject);
  });
}

/** The handle of a `defineFunction` instance, when the handler is one. */
export function instanceHandle(fn: unknown): FunctionInstanceHandle | undefined {
  return typeof fn === 'function' ? (fn as unknown as Record<symbol, FunctionInstanceHandle | undefined>)[FUNCTION_INSTANCE] : undefined;
}

/** Tracks which plain (non-tsorm) initializers already ran: one instance per module per process. */
const initialised = new WeakMap<object, Promise<void>>();

/**
 * Runs the module's initializer unless this instance already ran it. A `defineFunction` instance bound to a
 * different endpoint than `endpoint` is reset first (a new instance, as FC would start after a redeploy).
 */
export async function ensureInitialized(
  mod: HandlerModule,
  handlerName: string,
  initializerName: string | false,
  ctx: FcContext,
  runtime: Runtime,
  endpoint: string | undefined,
): Promise<boolean> {
  const handler = exportedFunction(mod, handlerName);
  const handle = instanceHandle(handler);
  if (handle?.initialized && endpoint !== undefined && handle.endpoint !== endpoint) handle.reset();
  if (initializerName === false || typeof mod[initializerName] !== 'function') return false;
  const init = exportedFunction(mod, initializerName);
  if (handle) {
    if (handle.initialized) return false;
  } else if (initialised.has(init)) {
    await initialised.get(init);
    return false;
  }
  const timeout = ctx.function?.initializationTimeout ?? 60;
  const run = withTimeout(timeout, () =>
    runtime === 'fc2' ? callWithCallback(init, [ctx], () => undefined).then(() => undefined) : Promise.resolve(init(ctx)).then(() => undefined),
  );
  if (!handle) {
    initialised.set(init, run);
    run.catch(() => initialised.delete(init)); // a failed initializer runs again next time
  }
  await run;
  return true;
}

/** One handler call in the chosen call shape. */
export async function callHandler(
  mod: HandlerModule,
  handlerName: string,
  ctx: FcContext,
  runtime: Runtime,
  request: { http: string | HttpInput } | { event: unknown },
): Promise<HttpInvokeResult | EventInvokeResult> {
  const handler = exportedFunction(mod, handlerName);
  const timeout = ctx.function?.timeout ?? 60;
  const requestId = ctx.requestId ?? randomUUID();
  let reused: Error | undefined;
  const onReuse = (e: Error) => {
    reused = e;
    ctx.logger?.error?.(e.message);
  };

  if ('http' in request) {
    const ev = fc3HttpEvent(parseHttpInput(request.http), requestId);
    if (runtime === 'fc3') {
      const out = (await withTimeout(timeout, () => Promise.resolve(handler(Buffer.from(JSON.stringify(ev)), ctx)))) as Fc3HttpResult | undefined;
      if (!out || typeof out !== 'object' || typeof out.statusCode !== 'number') {
        throw new LocalInvocationError(`the handler did not return an FC 3.0 HTTP result ({ statusCode, headers, body, isBase64Encoded }), got ${describe(out)}`);
      }
      const body = out.body === undefined || out.body === null ? Buffer.alloc(0) : Buffer.from(String(out.body), out.isBase64Encoded ? 'base64' : 'utf8');
      return httpResult(out.statusCode, lowerCase(out.headers), body);
    }
    return withTimeout(timeout, () => fc2Http(handler, ev, ctx, onReuse));
  }

  const raw = request.event;
  const event = Buffer.isBuffer(raw) ? raw : typeof raw === 'string' ? Buffer.from(raw, 'utf8') : Buffer.from(JSON.stringify(raw ?? {}), 'utf8');
  const result = await withTimeout(timeout, () => (runtime === 'fc2' ? callWithCallback(handler, [event, ctx], onReuse) : Promise.resolve(handler(event, ctx))));
  if (reused) throw reused;
  return { kind: 'event', result };
}

function fc2Http(handler: (...args: unknown[]) => unknown, ev: Fc3HttpEvent, ctx: FcContext, onReuse: (e: Error) => void): Promise<HttpInvokeResult> {
  const body = Buffer.from(ev.body ?? '', ev.isBase64Encoded ? 'base64' : 'utf8');
  const search = new URLSearchParams(ev.queryParameters ?? {}).toString();
  const req = {
    headers: { ...ev.headers },
    path: ev.rawPath,
    queries: { ...ev.queryParameters },
    method: ev.requestContext.http.method,
    clientIP: '127.0.0.1',
    url: search ? `${ev.rawPath}?${search}` : ev.rawPath,
    body,
  };
  return new Promise((resolve, reject) => {
    let status = 200;
    const headers: Record<string, string> = {};
    let sent = 0;
    const resp = {
      setStatusCode: (s: number) => (status = s),
      setHeader: (k: string, v: string) => (headers[k.toLowerCase()] = String(v)),
      deleteHeader: (k: string) => delete headers[k.toLowerCase()],
      send: (b: Buffer | string) => {
        sent++;
        if (sent > 1) return onReuse(new CallbackReusedError(`resp.send was called ${sent} times`));
        resolve(httpResult(status, headers, Buffer.isBuffer(b) ? b : Buffer.from(String(b ?? ''), 'utf8')));
      },
    };
    try {
      const ret = handler(req, resp, ctx) as { then?: unknown } | undefined;
      if (ret && typeof ret.then === 'function') (ret as Promise<unknown>).then(undefined, reject);
    } catch (e) {
      reject(e);
    }
  });
}

function describe(v: unknown): string {
  try {
    return JSON.stringify(v)?.slice(0, 200) ?? String(v);
  } catch {
    return String(v);
  }
}
