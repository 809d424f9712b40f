/**
 * HTTP requests in, HTTP responses out: the FC 2.0 `(req, resp)` pair and the FC 3.0 `version: "v1"` event
 * normalised to one {@link HttpRequest}; one {@link HttpResponse} encoded for either.
 */
import { defaultReason, FunctionDefinitionError, HttpError } from './errors';
import type { Fc2HttpRequest, Fc2HttpResponse, Fc3HttpEvent, Fc3HttpResult, HttpRequest, HttpResponse } from './types';

/** Is this parsed FC 3.0 event an HTTP-trigger invocation? (spec: version "v1", string rawPath, requestContext.http) */
export function isFc3HttpEvent(value: unknown): value is Fc3HttpEvent {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Partial<Fc3HttpEvent>;
  return v.version === 'v1' && typeof v.rawPath === 'string' && typeof v.requestContext?.http === 'object' && v.requestContext.http !== null;
}

function headerMap(headers: Record<string, string | string[] | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const text = Array.isArray(value) ? value.join(',') : String(value);
    out[key] = out[key] === undefined ? text : `${out[key]},${text}`;
  }
  return out;
}

function queryMap(query: Record<string, string | string[] | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!query) return out;
  for (const name of Object.keys(query)) {
    const value = query[name];
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return out;
}

class Request implements HttpRequest {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly headers: Record<string, string>,
    readonly query: Record<string, string>,
    readonly body: Buffer,
    readonly sourceIp: string | undefined,
  ) {}

  text(): string {
    return this.body.toString('utf8');
  }

  json<T = unknown>(): T {
    if (this.body.length === 0) throw new HttpError(400, { error: 'the request has no body (expected JSON)' });
    try {
      return JSON.parse(this.text()) as T;
    } catch (e) {
      throw new HttpError(400, { error: `the request body is not valid JSON: ${(e as Error).message}` });
    }
  }
}

export function fromFc3Event(event: Fc3HttpEvent): HttpRequest {
  const raw = event.body ?? '';
  const body = raw === '' ? EMPTY : Buffer.from(raw, event.isBase64Encoded ? 'base64' : 'utf8');
  const http = event.requestContext.http;
  return new Request((http.method || 'GET').toUpperCase(), event.rawPath || '/', headerMap(event.headers), queryMap(event.queryParameters), body, http.sourceIp);
}

export async function fromFc2Request(req: Fc2HttpRequest): Promise<HttpRequest> {
  let body: Buffer;
  if (Buffer.isBuffer(req.body)) body = req.body;
  else if (typeof req.body === 'string') body = Buffer.from(req.body, 'utf8');
  else if (typeof req.on === 'function') body = await readStream(req);
  else body = EMPTY;
  let path = req.path;
  if (typeof path !== 'string') {
    const url = typeof req.url === 'string' ? req.url : '/';
    const q = url.indexOf('?');
    path = q < 0 ? url : url.slice(0, q);
  }
  return new Request((req.method || 'GET').toUpperCase(), path || '/', headerMap(req.headers), queryMap(req.queries), body, req.clientIP);
}

function readStream(req: Fc2HttpRequest): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on!('data', (c: Buffer | string) => chunks.push(typeof c === 'string' ? Buffer.from(c) : c));
    req.on!('end', () => resolve(Buffer.concat(chunks)));
    req.on!('error', reject);
  });
}

const EMPTY = Buffer.alloc(0);

// ---------------------------------------------------------------------------------------------------- responses

/** A response ready to send: lower-case header names, a body as bytes or text. */
export interface EncodedResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

/**
 * JSON with int64 precision kept: `bigint` and `Long` become decimal strings, Buffers base64 strings.
 * (A Buffer's own `toJSON` runs before a replacer sees it, so the replacer looks at the holder's raw value.)
 */
export function toJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    if (typeof v === 'bigint') return v.toString();
    if (v !== null && typeof v === 'object') {
      if ((v as { __isLong__?: unknown }).__isLong__ === true) return String(v);
      const raw = this[key];
      if (Buffer.isBuffer(raw)) return raw.toString('base64');
    }
    return v;
  }) ?? 'null';
}

const RESPONSE_FIELDS = new Set(['status', 'headers', 'body']);

/** Checks what an `http` handler returned: `undefined` or `{ status?, headers?, body? }`. */
function checkResponse(res: unknown): asserts res is HttpResponse | undefined {
  if (res === undefined) return;
  if (res === null || typeof res !== 'object' || Array.isArray(res) || Buffer.isBuffer(res)) {
    throw new FunctionDefinitionError(`tsorm/fc: an http handler returns { status?, headers?, body? } or nothing, got ${res === null ? 'null' : Array.isArray(res) ? 'an array' : Buffer.isBuffer(res) ? 'a Buffer' : `a ${typeof res}`} (put it in \`body\`)`);
  }
  for (const key of Object.keys(res)) {
    if (!RESPONSE_FIELDS.has(key)) {
      throw new FunctionDefinitionError(`tsorm/fc: unknown field \`${key}\` in an http handler's response; it takes { status?, headers?, body? }${key === 'statusCode' ? ' (status, not statusCode)' : ''}`);
    }
  }
}

export function encodeResponse(res: HttpResponse | undefined | void): EncodedResponse {
  checkResponse(res);
  const headers: Record<string, string> = {};
  if (res?.headers) for (const name of Object.keys(res.headers)) headers[name.toLowerCase()] = String(res.headers[name]);
  const value = res?.body;
  let body: Buffer | string;
  if (value === undefined || value === null) body = '';
  else if (Buffer.isBuffer(value)) {
    body = value;
    headers['content-type'] ??= 'application/octet-stream';
  } else if (typeof value === 'string') {
    body = value;
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  } else {
    body = toJson(value);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  const status = res?.status ?? (value === undefined || value === null ? 204 : 200);
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    throw new RangeError(`tsorm/fc: an HTTP response status must be an integer between 100 and 599, got ${String(status)}`);
  }
  return { status, headers, body };
}

export function encodeHttpError(e: HttpError): EncodedResponse {
  return encodeResponse({ status: e.status, headers: e.headers, body: e.body });
}

/** The answer to an unexpected error where FC offers no way to report one (the FC 2.0 HTTP shape). */
export function internalErrorResponse(): EncodedResponse {
  return encodeResponse({ status: 500, body: { error: defaultReason(500) } });
}

/** The FC 3.0 HTTP-trigger result: binary bodies base64-encoded, text as is. */
export function toFc3Result(r: EncodedResponse): Fc3HttpResult {
  return Buffer.isBuffer(r.body)
    ? { statusCode: r.status, headers: r.headers, body: r.body.toString('base64'), isBase64Encoded: true }
    : { statusCode: r.status, headers: r.headers, body: r.body, isBase64Encoded: false };
}

export function sendFc2(resp: Fc2HttpResponse, r: EncodedResponse): void {
  resp.setStatusCode(r.status);
  for (const name of Object.keys(r.headers)) resp.setHeader(name, r.headers[name]);
  resp.send(r.body);
}
