/**
 * The response checks the Python SDK makes (`protocol.py` `_check_headers` / `_check_authorization`) and the
 * Java SDK's response validation: every response, success or error, carries `x-ots-requestid`,
 * `x-ots-contenttype`, `x-ots-contentmd5` (base64 MD5 of the body), a recent `x-ots-date`, and
 * `authorization: OTS <AccessKeyId>:<sig>` with sig = base64(HMAC-SHA1(secret, sorted "x-ots-*:value\n" lines
 * of the response + "/" + Action)).
 */
import { createHash, createHmac } from 'node:crypto';
import { expect, inject } from 'vitest';
import type { RawResponse } from './raw';

export function expectSignedResponse(res: RawResponse, action: string, opts: { accessKeyId?: string; secret?: string } = {}): void {
  const b = inject('backend');
  const keyId = opts.accessKeyId ?? b.accessKeyId;
  const secret = opts.secret ?? b.accessKeySecret;
  const h = res.headers;
  expect(h['x-ots-requestid'], 'x-ots-requestid').toBeTruthy();
  expect(h['x-ots-contenttype'], 'x-ots-contenttype').toBeTruthy();
  expect(h['x-ots-contentmd5'], 'x-ots-contentmd5').toBe(createHash('md5').update(res.body).digest('base64'));
  const date = String(h['x-ots-date']);
  expect(date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{1,6}Z$/); // Python parses it with %Y-%m-%dT%H:%M:%S.%fZ
  expect(Math.abs(Date.parse(date) - Date.now())).toBeLessThan(15 * 60 * 1000);
  expect(h['x-ots-signature']).toBeUndefined(); // Java would fold it into its string to sign
  const auth = String(h.authorization);
  expect(auth.startsWith('OTS ')).toBe(true);
  const [id, sig] = auth.slice(4).split(':');
  expect(id).toBe(keyId);
  const lines = Object.keys(h)
    .filter((k) => k.toLowerCase().startsWith('x-ots-') && k.toLowerCase() !== 'x-ots-signature')
    .map((k) => `${k.toLowerCase()}:${String(h[k]).trim()}`)
    .sort();
  expect(sig).toBe(createHmac('sha1', secret).update(lines.join('\n') + '\n' + `/${action}`).digest('base64'));
}
