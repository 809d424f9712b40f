/**
 * The harness of the byte-identity tests (issue 15): the official SDK's client and tsorm's wire transport
 * talk to one loopback server (client-fake-server.ts) that records each request and answers with a canned
 * response; `both()` sends the same input through each (turned into the SDK's own value objects for the SDK,
 * `toSdkParams`), so a test compares the two requests and the two decoded results.
 */
import { expect } from 'vitest';
import { connect, type TableStoreClient } from '../../src/client';
import { loadSdk, sdkProtos } from '../../src/client/sdk';
import { toSdkParams } from '../../src/client/sdk-adapter';
import { startFakeServer, type FakeServer, type Received } from './client-fake-server';

type Proto = Record<string, { create(p: object): object; encode(m: object): { finish(): Uint8Array } }>;

/** Encodes `m` as `package.type` with the SDK's own compiled protobuf module. */
export function sdkEncode(pkg: 'main' | 'search', type: string, m: object): Uint8Array {
  const p = sdkProtos()[pkg].proto as unknown as Proto;
  return p[type].encode(p[type].create(m)).finish();
}

export interface Comparison {
  server: FakeServer;
  wire: TableStoreClient;
  sdk: { [op: string]: (params: unknown, cb: (err: unknown, data: unknown) => void) => void };
  both(action: string, params: () => unknown): Promise<{ ours: Received; theirs: Received; ourData: unknown; theirData: unknown }>;
  close(): Promise<void>;
}

/** `replies`: the canned response body of each action (`GetRow`, `CreateTable`…). */
export async function startComparison(replies: Record<string, () => Uint8Array>): Promise<Comparison> {
  const server = await startFakeServer((req) => ({ status: 200, body: replies[req.action]() }));
  const credentials = { accessKeyId: 'ak-id', accessKeySecret: 'secret', securityToken: 'sts-token' };
  const wire = connect({ endpoint: server.endpoint, instance: 'inst', ...credentials, transport: 'wire', retry: false });
  const sdk = new (loadSdk().Client)({
    endpoint: server.endpoint,
    instancename: 'inst',
    accessKeyId: credentials.accessKeyId,
    accessKeySecret: credentials.accessKeySecret,
    stsToken: credentials.securityToken,
  }) as unknown as Comparison['sdk'];
  return {
    server,
    wire,
    sdk,
    async both(action, params) {
      // tsorm's values (client/values.ts) on our side; the SDK gets its own objects, as `transport: 'sdk'` does.
      const theirData = await new Promise((resolve, reject) => sdk[action](toSdkParams(params()), (err, data) => (err ? reject(err as Error) : resolve(data))));
      const theirs = server.requests[server.requests.length - 1];
      const ourData = await wire.call(action as 'getRow', params() as never);
      const ours = server.requests[server.requests.length - 1];
      return { ours, theirs, ourData, theirData };
    },
    async close() {
      wire.close();
      await server.close();
    },
  };
}

/**
 * A result as comparable data: Int64LE cells → `int64:<decimal>`, protobuf int64 (the SDK's `Long`, tsorm's
 * number or ProtoLong) → its number when safe, buffers → hex, Maps → entry lists; own properties only (both
 * sides keep protobuf defaults on the prototype), `RequestId` left out.
 */
export function plain(v: unknown): unknown {
  if (v && typeof v === 'object' && (v as { _isInt64LE?: boolean })._isInt64LE) return `int64:${String(v)}`;
  if (v && typeof v === 'object' && (v as { __isLong__?: boolean }).__isLong__) {
    const s = String(v);
    return Number.isSafeInteger(Number(s)) ? Number(s) : `long:${s}`;
  }
  if (v instanceof Uint8Array) return `hex:${Buffer.from(v).toString('hex')}`;
  if (v instanceof Map) return [...v.entries()].map(plain);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (k !== 'RequestId' && typeof x !== 'function') out[k] = plain(x);
    return out;
  }
  return v;
}

/** Same body, same header names in the same order, same values but the date and the signature. */
export function expectSameRequest(ours: Received, theirs: Received): void {
  expect(ours.action).toBe(theirs.action);
  expect(ours.body.toString('hex')).toBe(theirs.body.toString('hex'));
  expect(ours.headerNames).toEqual(theirs.headerNames);
  for (const name of Object.keys(theirs.headers)) {
    if (name === 'x-ots-date' || name === 'x-ots-signature') continue;
    expect([name, ours.headers[name]]).toEqual([name, theirs.headers[name]]);
  }
}
