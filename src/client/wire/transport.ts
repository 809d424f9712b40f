/**
 * tsorm's own wire transport (issue 15; `connect({ transport: 'wire' })`): one HTTP attempt of any API in
 * `operations.ts`, encoded and decoded by its codec, signed as the SDK signs
 * (lib/signer.js), sent on the client's keep-alive agent, decoded without the SDK's request machinery.
 * `client.ts` keeps the deadlines, retries and CU accounting around it; errors are decoded by the same
 * functions as `../transport.ts`'s, so an attempt's outcome means the same on either transport.
 *
 * Headers (lib/client.js populateHeader/computeContentMd5, lib/event_listeners.js SET_CONTENT_LENGTH /
 * SET_HTTP_HOST, lib/signer.js), in the SDK's order: x-ots-apiversion, x-ots-instancename, x-ots-contentmd5,
 * Content-Length, Host (the host name without the port, as the SDK sends it), x-ots-date,
 * x-ots-accesskeyid, x-ots-ststoken (STS only), x-ots-signature.
 */
import * as crypto from 'node:crypto';
import { createHash, createHmac } from 'node:crypto';
import type * as http from 'node:http';
import type * as https from 'node:https';
import type { Credentials } from '../config';
import {
  attemptSettler,
  invalidRequest,
  invalidResponse,
  networkError,
  requestIdOfRaw,
  serviceError,
  type AttemptContext,
  type AttemptOutcome,
} from '../transport';
import type { Exchange, HttpPool } from './http-pool';
import { wireOperation, type WireOperation } from './operations';

/**
 * Whether `operation` goes through this transport: every API it speaks with `transport: 'wire'`; with
 * `transport: 'sdk'`, the APIs the SDK has no call for (the stream APIs).
 */
export function usesWire(operation: string, wireTransport: boolean): boolean {
  const op = wireOperation(operation);
  return op !== undefined && (wireTransport || op.sdkLess === true);
}

export interface WireEndpoint {
  url: URL;
  instance: string;
  /** The client's own connections (the default), or else… */
  pool?: HttpPool;
  /** …the agent the user supplied, used through `http.request`. */
  agent?: http.Agent;
  credentials: () => Credentials;
}

/**
 * The string the SDK signs (lib/signer.js `stringToSign`): path, method, an empty line, then the x-ots-*
 * headers sorted by name, lower-cased, `name:value`, each line ending in a newline.
 */
export function stringToSign(path: string, headers: Record<string, string>): string {
  const names = Object.keys(headers)
    .filter((n) => /^x-ots-/i.test(n) && n.toLowerCase() !== 'x-ots-signature')
    .sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
  return `${path}\nPOST\n\n${names.map((n) => `${n.toLowerCase()}:${headers[n]}`).join('\n')}\n`;
}

/**
 * The request headers, signed, in the SDK's order, as the flat `[name, value, …]` list `http.request`
 * takes. [performance] Built and signed in one pass: the x-ots-* names are fixed, so their sorted order
 * (accesskeyid, apiversion, contentmd5, date, instancename, ststoken) is written out rather than sorted per
 * call, and a list skips Node's per-header validation of an object (`setHeader`); test/unit/wire-bytes.test.ts
 * checks the signature against `stringToSign` over the headers received.
 */
export function signedHeaderList(endpoint: Pick<WireEndpoint, 'url' | 'instance'>, credentials: Credentials, path: string, body: Uint8Array, date: Date): string[] {
  const md5 = oneShotHash ? oneShotHash('md5', body, 'base64') : createHash('md5').update(body).digest('base64');
  const iso = date.toISOString();
  const token = credentials.securityToken;
  const toSign =
    `${path}\nPOST\n\nx-ots-accesskeyid:${credentials.accessKeyId}\nx-ots-apiversion:${API_VERSION}\nx-ots-contentmd5:${md5}` +
    `\nx-ots-date:${iso}\nx-ots-instancename:${endpoint.instance}\n${token ? `x-ots-ststoken:${token}\n` : ''}`;
  const signature = createHmac('sha1', credentials.accessKeySecret).update(toSign).digest('base64');
  const list = [
    'x-ots-apiversion', API_VERSION,
    'x-ots-instancename', endpoint.instance,
    'x-ots-contentmd5', md5,
    'Content-Length', String(body.length),
    'Host', endpoint.url.hostname,
    'x-ots-date', iso,
    'x-ots-accesskeyid', credentials.accessKeyId,
  ];
  if (token) list.push('x-ots-ststoken', token);
  list.push('x-ots-signature', signature);
  return list;
}

const API_VERSION = '2015-12-31';

/**
 * `crypto.hash` (Node ≥ 20.12): one call, no Hash object per request [performance]; older Nodes take the
 * createHash path, same digest.
 */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: Uint8Array, encoding: 'base64') => string }).hash;

export function sendWireOnce(endpoint: WireEndpoint, params: unknown, ctx: AttemptContext): Promise<AttemptOutcome> {
  const op = wireOperation(ctx.operation);
  let body: Uint8Array;
  try {
    if (!op) throw new Error(`tsorm's wire transport does not speak ${ctx.operation}`);
    body = op.encode(params);
  } catch (err) {
    return Promise.resolve({ ok: false, error: invalidRequest(ctx, err, "tsorm's wire encoder") });
  }
  // The URI is `/<Operation>` (lib/client.js populateURI: the SDK's operation name, first letter upper-cased).
  const path = `/${ctx.operation[0].toUpperCase()}${ctx.operation.slice(1)}`;
  const pool = endpoint.pool;
  return pool ? sendOnPool(pool, endpoint, op!, path, body, ctx) : sendOnAgent(endpoint, op!, path, body, ctx);
}

/** The default: one buffer written on a socket of the client's own pool (`http-pool.ts`). */
function sendOnPool(pool: HttpPool, endpoint: WireEndpoint, op: WireOperation, path: string, body: Uint8Array, ctx: AttemptContext): Promise<AttemptOutcome> {
  const payload = requestBytes(endpoint, path, body);
  return new Promise<AttemptOutcome>((resolve) => {
    const { finish, armDeadline } = attemptSettler(ctx, resolve);
    const exchange: Exchange = {
      payload,
      done: (err, res) => {
        if (err) finish({ ok: false, error: networkError(ctx, err, err.code) });
        else finish(outcomeOf(op, res!.status, res!.rawHeaders, res!.body, ctx));
      },
    };
    armDeadline(() => pool.abort(exchange));
    pool.send(exchange);
  });
}

/**
 * The request as it goes on the wire: the request line, the signed headers, `Connection: keep-alive` (which
 * Node's http client adds for a keep-alive agent, so the SDK's requests carry it too, last), the body.
 * Header values need no check here: the configured ones (instance name, key id, STS token) were checked when
 * configured (`config.ts`), and the rest are computed.
 */
function requestBytes(endpoint: WireEndpoint, path: string, body: Uint8Array): Buffer {
  const list = signedHeaderList(endpoint, endpoint.credentials(), path, body, new Date());
  let head = `POST ${path} HTTP/1.1\r\n`;
  for (let i = 0; i < list.length; i += 2) head += `${list[i]}: ${list[i + 1]}\r\n`;
  head += 'Connection: keep-alive\r\n\r\n';
  const payload = Buffer.allocUnsafe(head.length + body.length);
  payload.write(head, 0, 'latin1');
  payload.set(body, head.length);
  return payload;
}

/** A user-supplied agent (a proxy, custom TLS): Node's `http.request`, as before the pool existed. */
function sendOnAgent(endpoint: WireEndpoint, op: WireOperation, path: string, body: Uint8Array, ctx: AttemptContext): Promise<AttemptOutcome> {
  return new Promise<AttemptOutcome>((resolve) => {
    const { finish, armDeadline } = attemptSettler(ctx, resolve);
    const url = endpoint.url;
    const secure = url.protocol === 'https:';
    // Loaded here, not at require time: only a supplied agent comes this way.
    const transport = (secure ? require('node:https') : require('node:http')) as typeof http | typeof https;
    const req = transport.request({
      host: url.hostname,
      port: url.port || (secure ? 443 : 80),
      method: 'POST',
      path,
      headers: signedHeaderList(endpoint, endpoint.credentials(), path, body, new Date()),
      agent: endpoint.agent,
    });

    armDeadline(() => req.destroy());

    req.on('error', (err: NodeJS.ErrnoException) => finish({ ok: false, error: networkError(ctx, err, err.code) }));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err: NodeJS.ErrnoException) => finish({ ok: false, error: networkError(ctx, err, err.code) }));
      // A connection that closes before the body is complete: not every Node version emits 'error' on the response.
      res.on('close', () => {
        if (!res.complete) finish({ ok: false, error: networkError(ctx, new Error('the connection closed before the response was complete'), 'ECONNRESET') });
      });
      res.on('end', () => {
        const data = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        finish(outcomeOf(op, res.statusCode ?? 0, res.rawHeaders, data, ctx));
      });
    });
    req.end(body);
  });
}

/** A complete response's outcome: the service's error, or the decoded result. */
function outcomeOf(op: WireOperation, status: number, rawHeaders: readonly string[], data: Buffer, ctx: AttemptContext): AttemptOutcome {
  const requestId = requestIdOfRaw(rawHeaders);
  if (status >= 300) return { ok: false, error: serviceError(status, data, requestId, ctx) };
  try {
    const decoded = op.decode(data) as { RequestId?: string };
    // As lib/client.js extractData does: batch callers read per-row errors' request id from here.
    if (!op.sdkLess) decoded.RequestId = requestId;
    return { ok: true, data: decoded, requestId, status };
  } catch (err) {
    return { ok: false, error: invalidResponse(ctx, status, requestId, err as Error) };
  }
}
