import { createHmac } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError, connect, ENV, TableStoreError, type TableStoreClient } from '../../src/client';
import { getRowReply, startFakeServer, TEST_CREDENTIALS, type FakeServer, type Received } from './client-fake-server';

const getRow = { tableName: 't', primaryKey: [{ id: 'a' }] };

let server: FakeServer;
const clients: TableStoreClient[] = [];
const open = (options: Parameters<typeof connect>[0]) => {
  const c = connect(options);
  clients.push(c);
  return c;
};

beforeAll(async () => {
  server = await startFakeServer(() => getRowReply());
});
afterAll(async () => {
  for (const c of clients) c.close();
  await server.close();
});
afterEach(() => {
  server.requests.length = 0;
  server.handle(() => getRowReply());
});

/** The signature the service checks (node-sdk-notes: HMAC-SHA1 over path, method and sorted x-ots-* headers). */
function expectedSignature(r: Received, secret: string): string {
  const canonical = Object.keys(r.headers)
    .filter((h) => h.startsWith('x-ots-') && h !== 'x-ots-signature')
    .sort()
    .map((h) => `${h}:${String(r.headers[h])}`)
    .join('\n');
  return createHmac('sha1', secret).update(`/${r.action}\nPOST\n\n${canonical}\n`).digest('base64');
}

describe('credentials', () => {
  it('are replaced at run time: the next request is signed with the new key, secret and STS token', async () => {
    const c = open({ endpoint: server.endpoint, instance: 'inst', ...TEST_CREDENTIALS });
    await c.call('getRow', getRow);
    const first = server.requests[0]!;
    expect(first.headers['x-ots-accesskeyid']).toBe(TEST_CREDENTIALS.accessKeyId);
    expect(first.headers['x-ots-ststoken']).toBeUndefined();
    expect(first.headers['x-ots-signature']).toBe(expectedSignature(first, TEST_CREDENTIALS.accessKeySecret));

    c.setCredentials({ accessKeyId: 'STS.rotated', accessKeySecret: 'rotated-secret', securityToken: 'token-1' });
    expect(c.accessKeyId).toBe('STS.rotated');
    await c.call('getRow', getRow);
    const second = server.requests[1]!;
    expect(second.headers['x-ots-accesskeyid']).toBe('STS.rotated');
    expect(second.headers['x-ots-ststoken']).toBe('token-1');
    expect(second.headers['x-ots-signature']).toBe(expectedSignature(second, 'rotated-secret'));

    c.setCredentials({ accessKeyId: 'STS.again', accessKeySecret: 's2', securityToken: 'token-2' });
    await c.call('getRow', getRow);
    expect(server.requests[2]!.headers['x-ots-ststoken']).toBe('token-2');

    // Back to long-term keys: the token is gone from the next request.
    c.setCredentials({ accessKeyId: 'LTAI.plain', accessKeySecret: 's3' });
    await c.call('getRow', getRow);
    const fourth = server.requests[3]!;
    expect(fourth.headers['x-ots-ststoken']).toBeUndefined();
    expect(fourth.headers['x-ots-signature']).toBe(expectedSignature(fourth, 's3'));
  });

  it('rotation affects only the client it is called on', async () => {
    const a = open({ endpoint: server.endpoint, instance: 'inst', accessKeyId: 'A', accessKeySecret: 'a' });
    const b = open({ endpoint: server.endpoint, instance: 'inst', accessKeyId: 'B', accessKeySecret: 'b' });
    a.setCredentials({ accessKeyId: 'A2', accessKeySecret: 'a2', securityToken: 't' });
    await b.call('getRow', getRow);
    expect(server.requests[0]!.headers['x-ots-accesskeyid']).toBe('B');
    expect(server.requests[0]!.headers['x-ots-ststoken']).toBeUndefined();
  });

  it('setCredentials refuses incomplete credentials', () => {
    const c = open({ endpoint: server.endpoint, instance: 'inst', ...TEST_CREDENTIALS });
    expect(() => c.setCredentials({ accessKeyId: 'x', accessKeySecret: '' })).toThrow(ConfigurationError);
    expect(c.accessKeyId).toBe(TEST_CREDENTIALS.accessKeyId);
  });
});

describe('connections', () => {
  it('sequential calls reuse one keep-alive socket of the client agent, never the global agent', async () => {
    const globalHttpMax = http.globalAgent.maxSockets;
    const globalHttpsMax = https.globalAgent.maxSockets;
    http.globalAgent.maxSockets = 7; // a sentinel the SDK would overwrite with 300
    try {
      const c = open({ endpoint: server.endpoint, instance: 'inst', ...TEST_CREDENTIALS });
      const before = server.connections;
      for (let i = 0; i < 5; i++) await c.call('getRow', getRow);
      expect(server.connections - before).toBe(1);
      expect(new Set(server.requests.map((r) => r.connection)).size).toBe(1);
      expect(server.requests.every((r) => r.headers.connection === 'keep-alive')).toBe(true);
      // The global agent was not used (Node 20's global agent keeps sockets alive, so it would hold one)
      // and its maxSockets was not rewritten.
      expect(Object.keys(http.globalAgent.sockets)).toHaveLength(0);
      expect(Object.keys(http.globalAgent.freeSockets)).toHaveLength(0);
      expect(http.globalAgent.maxSockets).toBe(7);
      expect(https.globalAgent.maxSockets).toBe(globalHttpsMax);
      // The wire transport's own connections: one, idle again.
      expect(c.connectionStats).toEqual({ open: 1, idle: 1, queued: 0 });
    } finally {
      http.globalAgent.maxSockets = globalHttpMax;
    }
  });

  it("concurrent calls are bounded by the client's maxSockets", async () => {
    server.handle(() => ({ ...getRowReply(), delayMs: 30 }));
    const c = open({ endpoint: server.endpoint, instance: 'inst', ...TEST_CREDENTIALS, maxSockets: 2 });
    const before = server.connections;
    await Promise.all(Array.from({ length: 10 }, () => c.call('getRow', getRow)));
    expect(server.requests).toHaveLength(10);
    expect(server.connections - before).toBe(2);
  });

  it('each client has its own agent', () => {
    const a = open({ endpoint: server.endpoint, instance: 'inst', ...TEST_CREDENTIALS });
    const b = open({ endpoint: server.endpoint, instance: 'inst', ...TEST_CREDENTIALS });
    expect(a.agent).not.toBe(b.agent);
    expect(a.agent).not.toBe(http.globalAgent);
    expect((a.agent as unknown as { keepAlive: boolean }).keepAlive).toBe(true);
    const secure = open({ endpoint: 'https://inst.cn-hangzhou.ots.aliyuncs.com', ...TEST_CREDENTIALS });
    expect(secure.agent).toBeInstanceOf(https.Agent);
    expect(secure.agent).not.toBe(https.globalAgent);
  });

  it('sends the instance name and the action path', async () => {
    const c = open({ endpoint: server.endpoint, instance: 'my-inst', ...TEST_CREDENTIALS });
    await c.call('getRow', getRow);
    expect(server.requests[0]).toMatchObject({ action: 'GetRow' });
    expect(server.requests[0]!.headers['x-ots-instancename']).toBe('my-inst');
  });

  it('a closed client refuses calls', async () => {
    const c = open({ endpoint: server.endpoint, instance: 'inst', ...TEST_CREDENTIALS });
    c.close();
    const err = await c.call('getRow', getRow).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TableStoreError);
    expect(err).toMatchObject({ code: 'ClientClosed' });
    expect(server.requests).toHaveLength(0);
  });
});

describe('configuration', () => {
  const fullEnv = () => ({
    [ENV.endpoint]: server.endpoint,
    [ENV.instance]: 'env-inst',
    [ENV.accessKeyId]: 'env-key',
    [ENV.accessKeySecret]: 'env-secret',
    [ENV.securityToken]: 'env-token',
  });

  it('reads missing settings from the environment', async () => {
    const c = open({ env: fullEnv() });
    expect(c.endpoint).toBe(server.endpoint);
    expect(c.instance).toBe('env-inst');
    await c.call('getRow', getRow);
    const r = server.requests[0]!;
    expect(r.headers['x-ots-instancename']).toBe('env-inst');
    expect(r.headers['x-ots-accesskeyid']).toBe('env-key');
    expect(r.headers['x-ots-ststoken']).toBe('env-token');
    expect(r.headers['x-ots-signature']).toBe(expectedSignature(r, 'env-secret'));
  });

  it('reads process.env by default', async () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, fullEnv());
      delete process.env[ENV.securityToken];
      const c = open(undefined);
      await c.call('getRow', getRow);
      expect(server.requests[0]!.headers['x-ots-accesskeyid']).toBe('env-key');
      expect(server.requests[0]!.headers['x-ots-ststoken']).toBeUndefined();
    } finally {
      for (const k of Object.values(ENV)) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
  });

  it('options win over the environment; credentials are taken as a group', async () => {
    const c = open({ env: fullEnv(), instance: 'opt-inst', accessKeyId: 'opt-key', accessKeySecret: 'opt-secret' });
    await c.call('getRow', getRow);
    const r = server.requests[0]!;
    expect(r.headers['x-ots-instancename']).toBe('opt-inst');
    expect(r.headers['x-ots-accesskeyid']).toBe('opt-key');
    // The environment's STS token belongs to the environment's key: not mixed in.
    expect(r.headers['x-ots-ststoken']).toBeUndefined();
  });

  it('names everything that is missing', () => {
    let err: unknown;
    try {
      connect({ env: {} });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigurationError);
    const message = (err as Error).message;
    for (const name of [ENV.endpoint, ENV.instance, ENV.accessKeyId, ENV.accessKeySecret]) expect(message).toContain(name);
    expect(message).not.toContain(ENV.securityToken);
    expect(err).toMatchObject({ code: 'ConfigurationError' });
  });

  it('names only what is missing', () => {
    const env: Record<string, string> = fullEnv();
    delete env[ENV.accessKeySecret];
    expect(() => connect({ env })).toThrow(/missing accessKeySecret \(option "accessKeySecret" or ALIBABA_CLOUD_ACCESS_KEY_SECRET\)$/);
    expect(() => connect({ env: fullEnv(), accessKeyId: 'k' })).toThrow(/missing accessKeySecret \(option "accessKeySecret"\)$/);
  });

  it('rejects an endpoint that is not http(s)', () => {
    expect(() => connect({ env: fullEnv(), endpoint: 'ots.example.com' })).toThrow(/is not a URL/);
    expect(() => connect({ env: fullEnv(), endpoint: 'ftp://x' })).toThrow(/must start with http/);
  });

  it('takes the instance from an Alibaba Cloud endpoint when not given', () => {
    const env: Record<string, string> = fullEnv();
    delete env[ENV.instance];
    const c = open({ env, endpoint: 'https://myinst.cn-shanghai.ots-internal.aliyuncs.com' });
    expect(c.instance).toBe('myinst');
    expect(() => connect({ env, endpoint: 'http://127.0.0.1:1' })).toThrow(/missing instance/);
  });
});
