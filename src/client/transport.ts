/**
 * One HTTP attempt through the SDK, and what its outcome means.
 *
 * How tsorm hooks into the SDK (5.6.x), and why:
 * - The SDK's `Client.makeRequest` is `new TableStore.Request(config, op, params)` +
 *   `client.addAllRequestListeners(request)` + `request.send(cb)`. tsorm does the same three steps itself so
 *   that it can add two listeners to *that request only* (no prototype or global is touched):
 *   - on `retry`, after the SDK's RETRY_CHECK: `error.retryable = false`, so the SDK's own retry loop (whose
 *     rules never match its numeric codes for writes, and whose `maxRetries` is process-global) never runs.
 *     tsorm's policy (`client.ts`, `retry.ts`) retries instead.
 *   - on `sign`, after the SDK's SIGN: refuse to send an attempt that was aborted (deadline) before it left.
 * - The SDK invokes the send callback with `this` = its `Response`, whose `httpResponse` holds the status,
 *   headers and the whole body. Errors are decoded from there (`main.proto.Error`), not from the SDK's error,
 *   which carries the status as `code` and the raw protobuf bytes as `message`.
 * - Operations the SDK's encoder does not know (the stream APIs) never come here: `client.ts` sends them
 *   through tsorm's own transport (`wire/transport.ts`) whichever transport the client uses.
 * - Deadlines and attempt timeouts are tsorm timers that destroy the attempt's `http.ClientRequest`
 *   (`request.httpRequest.stream`), which frees the socket.
 */
import { getSystemErrorName } from 'node:util';
import type { IncomingHttpHeaders } from 'node:http';
import {
  ClientErrorCode,
  createTableStoreError,
  DeadlineExceededError,
  NetworkError,
  TableStoreError,
  InvalidRequestError,
} from './errors';
import { contentMd5, originColumnsOf, originColumnsSuffix } from './stream-columns';
import { loadSdk, type SdkClient, type SdkError, type SdkResponse } from './sdk';
import { toSdkParams } from './sdk-adapter';
import { POOL_CLOSED } from './wire/http-pool';
import { decodeError } from './wire/row-codec';
import type { Clock } from './clock';

export type AttemptOutcome =
  | { ok: true; data: unknown; requestId: string | undefined; status: number | undefined }
  | { ok: false; error: TableStoreError };

export interface AttemptContext {
  /** tsorm's action name (`sqlQuery`…), for errors. */
  action: string;
  /** The SDK's operation name (`SQLQuery`…). */
  operation: string;
  idempotent: boolean;
  /** Absolute ms: the attempt is aborted at this time as an attempt timeout (a network failure). */
  attemptDeadline: number | undefined;
  /** Absolute ms: the attempt is aborted at this time as the call's deadline. */
  callDeadline: number | undefined;
  /** The previous attempt's error, kept as the `cause` of a deadline error. */
  previousError: TableStoreError | undefined;
  attempt: number;
  /** The clock the deadlines are in (the retry policy's). */
  clock: Clock;
}

/** The longest delay `setTimeout` honours (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Failures before anything was written, so nothing can have reached the service: system errors before a
 * connection exists, and a request still queued in the wire transport's pool when the client was closed
 * (`wire/http-pool.ts` POOL_CLOSED).
 */
const NOT_SENT_ERRNOS: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', POOL_CLOSED]);

/**
 * One attempt's settle-once `finish` (the first outcome wins: a late response after a timeout is dropped), and
 * `armDeadline`, which ends the attempt at the earlier of its attempt and call deadlines with the matching
 * error, then calls `abort` to stop the request. Shared by this transport and `wire/transport.ts`.
 */
export function attemptSettler(
  ctx: AttemptContext,
  resolve: (outcome: AttemptOutcome) => void,
): { finish: (outcome: AttemptOutcome) => void; armDeadline: (abort: () => void) => void } {
  let settled = false;
  let timer: NodeJS.Timeout | undefined;
  const finish = (outcome: AttemptOutcome) => {
    if (settled) return;
    settled = true;
    if (timer) clearTimeout(timer);
    resolve(outcome);
  };
  const armDeadline = (abort: () => void) => {
    const end = earliest(ctx.attemptDeadline, ctx.callDeadline);
    // Node fires a timer longer than 2^31-1 ms after 1 ms: a deadline that far away needs no timer at all.
    if (end === undefined || end - ctx.clock.now() > MAX_TIMER_MS) return;
    timer = setTimeout(
      () => {
        const isCallDeadline = ctx.callDeadline !== undefined && end >= ctx.callDeadline;
        finish({ ok: false, error: isCallDeadline ? deadlineError(ctx) : attemptTimeout(ctx) });
        abort();
      },
      Math.max(0, end - ctx.clock.now()),
    );
  };
  return { finish, armDeadline };
}

export function sendOnce(sdkClient: SdkClient, params: unknown, ctx: AttemptContext): Promise<AttemptOutcome> {
  return new Promise<AttemptOutcome>((resolve) => {
    let aborted = false;
    const { finish, armDeadline } = attemptSettler(ctx, resolve);

    let request;
    let suffix: Uint8Array | undefined;
    try {
      suffix = originColumnsSuffix(ctx.operation, params);
      request = new (loadSdk().Request)(sdkClient.config, ctx.operation, toSdkParams(params));
      sdkClient.addAllRequestListeners(request);
    } catch (err) {
      finish({ ok: false, error: invalidRequest(ctx, err) });
      return;
    }
    const req = request;

    if (suffix) {
      req.on('build', () => {
        // After the SDK's buildContent and computeContentMd5: fields its proto lacks (stream-columns.ts).
        const body = Buffer.concat([req.httpRequest.body as Uint8Array, suffix]);
        req.httpRequest.body = body;
        req.httpRequest.headers['x-ots-contentmd5'] = contentMd5(body);
      });
    }
    req.on('sign', () => {
      if (aborted) throw new Error('tsorm: attempt aborted before it was sent');
    });
    req.on('retry', (resp) => {
      if (resp.error) resp.error.retryable = false;
    });

    armDeadline(() => {
      aborted = true;
      req.httpRequest.stream?.destroy();
    });

    req
      .send(function (this: SdkResponse, err: SdkError | null, data: unknown) {
        finish(outcomeOf(this, err, data, ctx));
      })
      .catch((err: unknown) => finish({ ok: false, error: invalidRequest(ctx, err) }));
  });
}

function outcomeOf(resp: SdkResponse, err: SdkError | null, data: unknown, ctx: AttemptContext): AttemptOutcome {
  const http = resp?.httpResponse;
  const status = http?.statusCode;
  const requestId = requestIdOf(http?.headers);
  if (!err) {
    const columns = originColumnsOf(ctx.operation, http?.body as Uint8Array | undefined);
    const details = (data as { streamDetails?: { columnsToGet?: string[] } } | undefined)?.streamDetails;
    if (columns && details) details.columnsToGet = columns;
    return { ok: true, data, requestId, status };
  }

  if (err.code === 'NetworkingError') return { ok: false, error: networkError(ctx, err) };
  if (status !== undefined && status >= 300) {
    return { ok: false, error: serviceError(status, http.body, requestId, ctx) };
  }
  if (status !== undefined) {
    // A 2xx the SDK's decoder refused (a missing required field, a bad PlainBuffer…).
    return { ok: false, error: invalidResponse(ctx, status, requestId, err) };
  }
  return { ok: false, error: invalidRequest(ctx, err) };
}

/** A 2xx whose body could not be decoded: not retried, since the service did answer (and may have applied a write). */
export function invalidResponse(ctx: Pick<AttemptContext, 'action'>, status: number, requestId: string | undefined, err: Error): TableStoreError {
  return new TableStoreError({
    code: ClientErrorCode.InvalidResponse,
    message: `tsorm: could not decode the ${ctx.action} response: ${err.message}`,
    status,
    requestId,
    action: ctx.action,
    retryable: false,
    cause: err,
  });
}

/** Decodes `main.proto.Error` from a non-2xx body into the right error class. */
export function serviceError(
  status: number,
  body: Buffer | string | undefined,
  requestId: string | undefined,
  ctx: Pick<AttemptContext, 'action' | 'idempotent'>,
): TableStoreError {
  const decoded = decodeErrorBody(body);
  if (decoded) {
    return createTableStoreError({
      code: decoded.code,
      message: decoded.message || decoded.code,
      status,
      requestId,
      action: ctx.action,
      idempotent: ctx.idempotent,
    });
  }
  // No OTS error: a proxy, a load balancer, a crash. Transient only if 5xx, and then only safe for reads.
  return createTableStoreError({
    code: ClientErrorCode.httpStatus(status),
    message: `HTTP ${status} without a TableStore error body`,
    status,
    requestId,
    action: ctx.action,
    retryable: ctx.idempotent && status >= 500,
  });
}

/** `main.proto.Error { required string code = 1; optional string message = 2; }`, or undefined. */
export function decodeErrorBody(body: Buffer | string | undefined): { code: string; message: string } | undefined {
  if (body === undefined || body.length === 0) return undefined;
  try {
    const buf = typeof body === 'string' ? Buffer.from(body, 'binary') : body;
    const e = decodeError(buf);
    if (typeof e.code !== 'string' || e.code === '') return undefined;
    return { code: e.code, message: typeof e.message === 'string' ? e.message : '' };
  } catch {
    return undefined;
  }
}

/**
 * {@link requestIdOf} over a response's `rawHeaders` (`[name, value, …]` as received). [performance] Reading
 * `res.headers` makes Node build the whole headers object, name by name (~3 µs of a ~95 µs putRow's client
 * CPU): the wire transport needs one header.
 */
export function requestIdOfRaw(raw: readonly string[]): string | undefined {
  let alternative: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i];
    if (name.length !== 15 && name.length !== 16) continue;
    const lower = name.toLowerCase();
    if (lower === 'x-ots-requestid' && raw[i + 1]) return raw[i + 1];
    if (lower === 'x-ots-request-id' && raw[i + 1]) alternative ??= raw[i + 1];
  }
  return alternative;
}

export function requestIdOf(headers: IncomingHttpHeaders | undefined): string | undefined {
  if (!headers) return undefined;
  for (const name of ['x-ots-requestid', 'x-ots-request-id']) {
    const v = headers[name];
    const s = Array.isArray(v) ? v[0] : v;
    if (s) return s;
  }
  return undefined;
}

/** `name`: the system error (ECONNRESET…); the SDK's errors carry it as `errno` only. */
export function networkError(ctx: AttemptContext, err: Error, name = systemErrorName(err as SdkError)): NetworkError {
  const requestSent = !(name !== undefined && NOT_SENT_ERRNOS.has(name));
  return new NetworkError({
    code: name ?? ClientErrorCode.Network,
    message: `tsorm: ${ctx.action} failed in transport: ${err.message}`,
    action: ctx.action,
    retryable: !requestSent || ctx.idempotent,
    requestSent,
    cause: err,
  });
}

function systemErrorName(err: SdkError): string | undefined {
  // The SDK overwrites `code` with 'NetworkingError'; Node's errno survives.
  if (typeof err.errno === 'number' && err.errno < 0) {
    try {
      return getSystemErrorName(err.errno);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function attemptTimeout(ctx: AttemptContext): NetworkError {
  return new NetworkError({
    code: ClientErrorCode.AttemptTimeout,
    message: `tsorm: ${ctx.action} attempt ${ctx.attempt} got no complete response in time; it was aborted`,
    action: ctx.action,
    retryable: ctx.idempotent,
    requestSent: true,
  });
}

export function deadlineError(ctx: Pick<AttemptContext, 'action' | 'attempt' | 'previousError'>, sent = true): DeadlineExceededError {
  return new DeadlineExceededError({
    message: sent
      ? `tsorm: ${ctx.action} did not complete before its deadline; the request was aborted (attempt ${ctx.attempt})`
      : `tsorm: ${ctx.action} was not sent: its deadline had passed`,
    action: ctx.action,
    attempts: ctx.attempt,
    cause: ctx.previousError,
  });
}

/** `encoder`: who refused to encode it (the SDK, or tsorm's wire encoder). */
export function invalidRequest(ctx: AttemptContext, err: unknown, encoder = 'the tablestore SDK'): InvalidRequestError {
  const message = err instanceof Error ? err.message : String(err);
  return new InvalidRequestError({
    code: ClientErrorCode.InvalidRequest,
    message: `tsorm: ${encoder} refused the ${ctx.action} request: ${message}`,
    action: ctx.action,
    retryable: false,
    cause: err,
  });
}

export function earliest(...times: Array<number | undefined>): number | undefined {
  let min: number | undefined;
  for (const t of times) if (t !== undefined && (min === undefined || t < min)) min = t;
  return min;
}
