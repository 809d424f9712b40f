/**
 * Request authentication and response signing (spec §11.1): the request signature (HMAC-SHA1 over the action,
 * method and the sorted `x-ots-*` headers), the body's content MD5, the instance name, the clock skew, and the
 * response headers that the Java and Python SDKs verify.
 */
import * as crypto from 'node:crypto';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { OtsError } from '../errors';

/** The emulator's well-known key pair, used when none is configured (like Azurite's account key). */
export const DEFAULT_ACCESS_KEY_ID = 'tsorm-emulator';
export const DEFAULT_ACCESS_KEY_SECRET = 'tsorm-emulator-secret';

export interface AuthConfig {
  instance: string;
  /** accessKeyId → secret. */
  keys: Map<string, string>;
  /** Accept any key id and signature (the instance name and body MD5 are still checked). */
  lenient: boolean;
  /** Allowed skew between `x-ots-date` and the emulator's clock, ms. */
  maxSkewMs: number;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Node ≥ 20.12 has a one-shot `crypto.hash`, cheaper than a Hash object per request [performance]. */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: Buffer, encoding: 'base64') => string }).hash;

export function md5Base64(body: Buffer): string {
  return oneShotHash ? oneShotHash('md5', body, 'base64') : createHash('md5').update(body).digest('base64');
}

function hmac(secret: string, text: string): string {
  return createHmac('sha1', secret).update(text).digest('base64');
}

function canonicalHeaders(headers: Record<string, string | string[] | undefined>, skip: string): string {
  return Object.keys(headers)
    .map((k) => k.toLowerCase())
    .filter((k) => k.startsWith('x-ots-') && k !== skip)
    .sort()
    .map((k) => {
      const v = headers[k];
      return `${k}:${String(Array.isArray(v) ? v[0] : v).trim()}\n`;
    })
    .join('');
}

export function requestStringToSign(action: string, headers: IncomingHttpHeaders): string {
  return `/${action}\nPOST\n\n${canonicalHeaders(headers, 'x-ots-signature')}`;
}

/**
 * Checks one request; returns the secret to sign the response with. Throws `OtsError` (403 OTSAuthFailed,
 * or 400 for a missing header) in the service's words.
 */
export function authenticate(cfg: AuthConfig, action: string, headers: IncomingHttpHeaders, body: Buffer): string {
  for (const h of ['x-ots-date', 'x-ots-apiversion', 'x-ots-accesskeyid', 'x-ots-instancename', 'x-ots-contentmd5', 'x-ots-signature']) {
    if (header(headers, h) === undefined) throw OtsError.param(`Missing header: \`${h}\`.`);
  }
  const instance = header(headers, 'x-ots-instancename')!;
  if (instance !== cfg.instance) throw OtsError.auth('The instance is not found.');
  const date = header(headers, 'x-ots-date')!;
  const t = Date.parse(date);
  if (Number.isNaN(t)) throw OtsError.param(`Invalid date format: \`${date}\`.`);
  // Real time, not the engine's injectable clock [decision]: the SDK stamps x-ots-date with the real clock,
  // so a test that moves the emulator's clock must not make every request fail the skew check.
  if (Math.abs(Date.now() - t) > cfg.maxSkewMs) throw OtsError.auth(`Mismatch between system time and x-ots-date: ${date}.`);
  if (header(headers, 'x-ots-contentmd5') !== md5Base64(body)) {
    throw OtsError.auth('Mismatch between MD5 value of request body and x-ots-contentmd5 in header.');
  }
  const keyId = header(headers, 'x-ots-accesskeyid')!;
  const secret = cfg.keys.get(keyId);
  if (cfg.lenient) return secret ?? cfg.keys.values().next().value ?? DEFAULT_ACCESS_KEY_SECRET;
  if (secret === undefined) throw OtsError.auth('The AccessKeyID does not exist.');
  const want = Buffer.from(hmac(secret, requestStringToSign(action, headers)));
  const got = Buffer.from(header(headers, 'x-ots-signature')!);
  if (want.length !== got.length || !timingSafeEqual(want, got)) throw OtsError.auth('Signature mismatch.');
  return secret;
}

/** The headers every response carries, success or error (spec §11.1). */
export function responseHeaders(action: string, body: Buffer, requestId: string, keyId: string, secret: string): Record<string, string> {
  const md5 = md5Base64(body);
  const date = new Date().toISOString().replace('Z', '000Z');
  const h: Record<string, string> = {
    'x-ots-contentmd5': md5,
    'x-ots-requestid': requestId,
    'x-ots-contenttype': 'protocol buffer',
    'x-ots-date': date,
  };
  // canonicalHeaders(h, '') written out: these four names in sorted order [performance]
  const canonical = `x-ots-contentmd5:${md5}\nx-ots-contenttype:protocol buffer\nx-ots-date:${date}\nx-ots-requestid:${requestId}\n`;
  const sig = hmac(secret, `${canonical}/${action}`);
  h.authorization = `OTS ${keyId}:${sig}`;
  h['content-type'] = 'application/x-protobuf';
  h['content-length'] = String(body.length);
  return h;
}
