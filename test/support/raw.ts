/**
 * Raw, correctly signed HTTP requests to the backend, for what the official Node SDK cannot send (fields its
 * proto lacks, such as `is_atomic`; malformed bodies for fuzzing). Signs exactly as the SDKs do (spec §11.1).
 */
import { createHash, createHmac } from 'node:crypto';
import { request, type Agent } from 'node:http';
import { inject } from 'vitest';
import { messageType } from '../../src/emulator/protocol/proto';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export function signedHeaders(action: string, body: Buffer, opts: { instance?: string; accessKeyId?: string; secret?: string; date?: string } = {}): Record<string, string> {
  const b = inject('backend');
  const h: Record<string, string> = {
    'x-ots-date': opts.date ?? new Date().toISOString(),
    'x-ots-apiversion': '2015-12-31',
    'x-ots-accesskeyid': opts.accessKeyId ?? b.accessKeyId,
    'x-ots-instancename': opts.instance ?? b.instance,
    'x-ots-contentmd5': createHash('md5').update(body).digest('base64'),
  };
  const canonical = Object.keys(h).sort().map((k) => `${k}:${h[k]}\n`).join('');
  h['x-ots-signature'] = createHmac('sha1', opts.secret ?? b.accessKeySecret).update(`/${action}\nPOST\n\n${canonical}`).digest('base64');
  return h;
}

/** Where a raw request goes: the suite's backend unless a test runs its own emulator. */
export interface RawTarget {
  endpoint: string;
  instance: string;
  accessKeyId: string;
  accessKeySecret: string;
}

export function rawRequest(action: string, body: Buffer, headers?: Record<string, string>, method = 'POST', target?: RawTarget, agent?: Agent): Promise<RawResponse> {
  const b = target ?? inject('backend');
  const url = new URL(`/${action}`, b.endpoint);
  headers ??= signedHeaders(action, body, { instance: b.instance, accessKeyId: b.accessKeyId, secret: b.accessKeySecret });
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends a protobuf request built from a plain object and decodes the response (or the `Error`). */
export async function call(action: string, message: object, responseType = `${action}Response`, target?: RawTarget): Promise<{ status: number; body: any; error?: { code: string; message: string } }> {
  const body = Buffer.from(messageType(`${action}Request`).encode(message as never).finish());
  const res = await rawRequest(action, body, undefined, 'POST', target);
  if (res.status >= 300) return { status: res.status, body: undefined, error: messageType('Error').decode(res.body) as any };
  return { status: res.status, body: messageType(responseType).decode(res.body) };
}

export function decodeError(res: RawResponse): { code: string; message: string } {
  return messageType('Error').decode(res.body) as any;
}
