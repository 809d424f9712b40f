/**
 * The shapes Function Compute hands a Node.js handler (spec/function-compute.md), and the ones tsorm hands the
 * user's handlers. Everything FC passes is optional here: the adapter must not fail on a runtime that leaves
 * a field out.
 */
import type { Readable } from 'node:stream';

/** `context.credentials`: the STS credentials of the function's role, fresh for every invocation. */
export interface FcCredentials {
  accessKeyId?: string;
  accessKeySecret?: string;
  securityToken?: string;
}

export interface FcLogger {
  debug?(...args: unknown[]): void;
  info?(...args: unknown[]): void;
  warn?(...args: unknown[]): void;
  error?(...args: unknown[]): void;
  log?(...args: unknown[]): void;
}

/** The `context` FC passes to the initializer, the handler and the lifecycle hooks. */
export interface FcContext {
  requestId?: string;
  credentials?: FcCredentials;
  function?: {
    name?: string;
    handler?: string;
    memory?: number;
    /** Seconds. */
    timeout?: number;
    initializer?: string;
    initializationTimeout?: number;
  };
  service?: { name?: string; logProject?: string; logStore?: string; qualifier?: string; versionId?: string };
  region?: string;
  accountId?: string;
  tracing?: unknown;
  logger?: FcLogger;
  /** FC 3.0: how many times this asynchronous invocation was retried. */
  retryCount?: number;
  [key: string]: unknown;
}

/** FC 2.0 callback: `callback(null, data)` or `callback(err)`. */
export type FcCallback = (error: unknown, data?: unknown) => void;

/** The FC 2.0 HTTP-trigger request (`(req, resp, context)`). */
export interface Fc2HttpRequest {
  headers?: Record<string, string | string[] | undefined>;
  path?: string;
  queries?: Record<string, string | string[] | undefined>;
  method?: string;
  clientIP?: string;
  url?: string;
  /** Newer runtimes: the whole body. Older ones: the request is a readable stream. */
  body?: Buffer | string;
  on?: Readable['on'];
}

/** The FC 2.0 HTTP-trigger response. */
export interface Fc2HttpResponse {
  setStatusCode(status: number): void;
  setHeader(name: string, value: string): void;
  deleteHeader?(name: string): void;
  send(body: Buffer | string | Readable): void;
}

/** The JSON document of an FC 3.0 HTTP-trigger invocation (the event buffer). */
export interface Fc3HttpEvent {
  version: 'v1';
  rawPath: string;
  body?: string;
  isBase64Encoded?: boolean;
  headers?: Record<string, string>;
  queryParameters?: Record<string, string>;
  requestContext: {
    accountId?: string;
    domainName?: string;
    domainPrefix?: string;
    requestId?: string;
    time?: string;
    timeEpoch?: string;
    http: { method: string; path?: string; protocol?: string; sourceIp?: string; userAgent?: string };
  };
}

/** What an FC 3.0 HTTP-trigger handler returns. */
export interface Fc3HttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

/** The call shape an invocation arrived in. */
export type CallShape = 'fc2-event' | 'fc2-http' | 'fc3-event' | 'fc3-http';

/** An HTTP request as tsorm hands it to an `http` handler, the same for FC 2.0 and FC 3.0. */
export interface HttpRequest {
  /** Upper case: `GET`, `POST`… */
  method: string;
  /** The path without the query string, e.g. `/orders/12`. */
  path: string;
  /** Header names in lower case; multi-valued headers comma-joined. */
  headers: Record<string, string>;
  /** Query parameters; multi-valued ones comma-joined (as FC 3.0 delivers them). */
  query: Record<string, string>;
  /** The raw body (base64 bodies already decoded). Empty when there is none. */
  body: Buffer;
  /** The client's IP address, when FC gives it. */
  sourceIp?: string;
  /** The body as UTF-8 text. */
  text(): string;
  /** The body parsed as JSON; an empty or malformed body throws `HttpError(400)`. */
  json<T = unknown>(): T;
}

/**
 * What an `http` handler returns. `body`: a string is sent as text (`text/plain; charset=utf-8` unless a
 * content-type header says otherwise), a Buffer as bytes (`application/octet-stream`), `undefined` as nothing,
 * anything else as JSON (`application/json; charset=utf-8`), with `bigint` and `Long` values written as
 * decimal strings (int64 precision survives JavaScript clients) and Buffers as base64 strings.
 * `status` defaults to 200, or 204 without a body.
 */
export interface HttpResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}
