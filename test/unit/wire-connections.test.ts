/**
 * The wire transport's own connections (src/client/wire/http-pool.ts) through `connect()`, against a raw `net`
 * server that writes its responses byte by byte as each test scripts them: responses split into 1-byte
 * chunks, chunked bodies, idle sockets the server closes, `Connection: close`, stalls, resets mid-body,
 * malformed responses, the socket limit and its queue, `close()`. Real sockets throughout.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Condition, connect, DeadlineExceededError, NetworkError, RowExistenceExpectation, type TableStoreClient } from '../../src/client';
import { failure, getRowReply, putRowReply, TEST_CREDENTIALS } from './client-fake-server';

const getRow = { tableName: 't', primaryKey: [{ id: 'a' }] };
const putRow = { tableName: 't', primaryKey: [{ id: 'a' }], attributeColumns: [{ c: 'v' }], condition: new Condition(RowExistenceExpectation.IGNORE, null) };
const GET_ROW_BODY = Buffer.from(getRowReply(7).body!);
const PUT_ROW_BODY = Buffer.from(putRowReply(0, 3).body!);

interface Request {
  path: string;
  head: string;
  body: Buffer;
  socket: net.Socket;
  /** 1-based, in the order connections were accepted. */
  connection: number;
}

/** What the server does with a request: writes bytes on the socket itself (or nothing, to stall). */
type Script = (req: Request, index: number) => void | Promise<void>;

interface RawServer {
  endpoint: string;
  requests: Request[];
  connections: number;
  /** Connections the server saw closed. */
  closed: number;
  script: Script;
  close(): Promise<void>;
}

async function rawServer(script: Script): Promise<RawServer> {
  const sockets = new Set<net.Socket>();
  const state = {
    requests: [] as Request[],
    connections: 0,
    closed: 0,
    script,
  };
  const server = net.createServer((socket) => {
    const connection = ++state.connections;
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      state.closed++;
    });
    socket.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.toString('latin1', 0, end);
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buf.length < end + 4 + length) return;
        const req: Request = { path: head.split(' ')[1], head, body: buf.subarray(end + 4, end + 4 + length), socket, connection };
        buf = buf.subarray(end + 4 + length);
        const index = state.requests.push(req) - 1;
        void state.script(req, index);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, {
    endpoint: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  });
}

const response = (body: Buffer, headers = '', status = '200 OK') =>
  Buffer.concat([Buffer.from(`HTTP/1.1 ${status}\r\nx-ots-requestid: rid-1\r\n${headers}Content-Length: ${body.length}\r\n\r\n`, 'latin1'), body]);

function chunked(body: Buffer, pieces: number): Buffer {
  const parts: Buffer[] = [Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nx-ots-requestid: rid-c\r\n\r\n', 'latin1')];
  const size = Math.ceil(body.length / pieces);
  for (let i = 0; i < body.length; i += size) {
    const piece = body.subarray(i, i + size);
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

/** Writes `bytes` one byte per write, each after a macrotask, so the client reads them one at a time. */
async function trickle(socket: net.Socket, bytes: Buffer): Promise<void> {
  for (const b of bytes) {
    socket.write(Buffer.from([b]));
    await new Promise((r) => setTimeout(r, 0));
  }
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

const servers: RawServer[] = [];
const clients: TableStoreClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.close();
});

async function setup(script: Script, options: Parameters<typeof connect>[0] = {}): Promise<{ server: RawServer; client: TableStoreClient }> {
  const server = await rawServer(script);
  servers.push(server);
  const client = connect({ endpoint: server.endpoint, instance: 'inst', ...TEST_CREDENTIALS, retry: false, ...options });
  clients.push(client);
  return { server, client };
}

describe("the wire transport's own connections", () => {
  it('read a response the server writes one byte at a time, and keep the socket for the next call', async () => {
    const { server, client } = await setup((req) => trickle(req.socket, response(GET_ROW_BODY)));
    const first = await client.callWithMeta('getRow', getRow);
    expect(first.meta).toMatchObject({ requestId: 'rid-1', readCU: 7 });
    await client.call('getRow', getRow);
    expect(server.requests.map((r) => r.connection)).toEqual([1, 1]);
    expect(client.connectionStats).toEqual({ open: 1, idle: 1, queued: 0 });
  });

  it('send the request as one write: request line, the signed headers in order, Connection: keep-alive, the body', async () => {
    const { server, client } = await setup((req) => void req.socket.write(response(PUT_ROW_BODY)));
    await client.call('putRow', putRow);
    const [req] = server.requests;
    const lines = req.head.split('\r\n');
    expect(lines[0]).toBe('POST /PutRow HTTP/1.1');
    expect(lines.slice(1).map((l) => l.slice(0, l.indexOf(':')))).toEqual([
      'x-ots-apiversion', 'x-ots-instancename', 'x-ots-contentmd5', 'Content-Length', 'Host', 'x-ots-date', 'x-ots-accesskeyid', 'x-ots-signature', 'Connection',
    ]);
    expect(lines).toContain('Host: 127.0.0.1');
    expect(lines).toContain('Connection: keep-alive');
    expect(lines).toContain(`Content-Length: ${req.body.length}`);
  });

  it('read chunked bodies, split into several chunks, fed whole or byte by byte', async () => {
    let trickled = false;
    const { client } = await setup((req) => (trickled ? trickle(req.socket, chunked(GET_ROW_BODY, 3)) : void req.socket.write(chunked(GET_ROW_BODY, 4))));
    expect((await client.callWithMeta('getRow', getRow)).meta).toMatchObject({ requestId: 'rid-c', readCU: 7 });
    trickled = true;
    expect((await client.callWithMeta('getRow', getRow)).meta).toMatchObject({ requestId: 'rid-c', readCU: 7 });
  });

  it('drop an idle socket the server closed, and open a new one for the next call', async () => {
    const { server, client } = await setup((req) => {
      req.socket.write(response(GET_ROW_BODY));
      // The server's keep-alive timeout, right after the response.
      setTimeout(() => req.socket.end(), 10);
    });
    await client.call('getRow', getRow);
    await until(() => client.connectionStats!.open === 0, 'the idle socket to be dropped');
    await client.call('getRow', getRow);
    expect(server.requests.map((r) => r.connection)).toEqual([1, 2]);
  });

  it('close the socket after a response with Connection: close', async () => {
    const { server, client } = await setup((req) => void req.socket.write(response(GET_ROW_BODY, 'Connection: close\r\n')));
    await client.call('getRow', getRow);
    await until(() => server.closed === 1, 'the server to see the socket closed');
    await client.call('getRow', getRow);
    expect(server.requests.map((r) => r.connection)).toEqual([1, 2]);
  });

  it('read a body that runs to the end of the connection', async () => {
    const { client } = await setup((req) => {
      req.socket.end(Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nx-ots-requestid: rid-e\r\n\r\n'), GET_ROW_BODY]));
    });
    expect((await client.callWithMeta('getRow', getRow)).meta).toMatchObject({ requestId: 'rid-e', readCU: 7 });
    await until(() => client.connectionStats!.open === 0, 'the socket to close');
  });

  it("close idle sockets after idleSocketTimeoutMs, busy ones not (a slow response is the attempt's deadline's)", async () => {
    const { server, client } = await setup(
      (req, i) => void setTimeout(() => req.socket.write(response(GET_ROW_BODY)), i === 0 ? 150 : 0),
      { idleSocketTimeoutMs: 60 },
    );
    await client.call('getRow', getRow);
    expect(server.closed).toBe(0);
    await until(() => server.closed === 1, 'the idle socket to time out');
    expect(client.connectionStats).toEqual({ open: 0, idle: 0, queued: 0 });
  });

  it('a stalled response: the deadline ends the attempt and destroys its socket, which is not reused', async () => {
    const { server, client } = await setup((req, i) => {
      if (i === 0) req.socket.write(response(GET_ROW_BODY).subarray(0, 40)); // then nothing
      else req.socket.write(response(GET_ROW_BODY));
    });
    const err = await failure(client.call('getRow', getRow, { timeoutMs: 80 }));
    expect(err).toBeInstanceOf(DeadlineExceededError);
    await until(() => server.closed === 1, 'the stalled socket to close');
    await client.call('getRow', getRow);
    expect(server.requests.map((r) => r.connection)).toEqual([1, 2]);
  });

  it('an attempt timeout is a NetworkError AttemptTimeout; the call retries on a new socket when idempotent', async () => {
    const { server, client } = await setup(
      (req, i) => {
        if (i > 0) req.socket.write(response(GET_ROW_BODY));
      },
      { retry: { attemptTimeoutMs: 60, maxAttempts: 2, baseDelayMs: 1 } },
    );
    const { meta } = await client.callWithMeta('getRow', getRow);
    expect(meta.attempts).toBe(2);
    expect(server.requests.map((r) => r.connection)).toEqual([1, 2]);
  });

  it('a reset mid-body: NetworkError ECONNRESET, sent; a write is not resent', async () => {
    const { server, client } = await setup((req) => {
      req.socket.write(response(PUT_ROW_BODY).subarray(0, 60));
      setTimeout(() => req.socket.resetAndDestroy(), 10);
    }, { retry: { maxAttempts: 3, baseDelayMs: 1 } });
    const err = await failure(client.call('putRow', putRow));
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.code).toBe('ECONNRESET');
    expect((err as NetworkError).requestSent).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('a reused socket that closes before any response byte: socket hang up, and the write is not resent', async () => {
    const { server, client } = await setup((req, i) => {
      if (i === 0) req.socket.write(response(PUT_ROW_BODY));
      else req.socket.destroy();
    }, { retry: { maxAttempts: 3, baseDelayMs: 1 } });
    await client.call('putRow', putRow);
    const err = await failure(client.call('putRow', putRow));
    expect(err).toMatchObject({ code: 'ECONNRESET', requestSent: true });
    expect(err.message).toMatch(/socket hang up/);
    expect(server.requests.map((r) => r.connection)).toEqual([1, 1]);
  });

  it('a malformed response fails as through http.request: a NetworkError with the same llhttp code', async () => {
    const bad = (req: Request) => void req.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 12x\r\n\r\n');
    const { server, client } = await setup(bad);
    const viaPool = await failure(client.call('getRow', getRow));
    const agent = new http.Agent({ keepAlive: true });
    const viaAgent = connect({ endpoint: server.endpoint, instance: 'inst', ...TEST_CREDENTIALS, retry: false, agent });
    clients.push(viaAgent);
    const viaHttp = await failure(viaAgent.call('getRow', getRow));
    agent.destroy();
    expect(viaPool).toBeInstanceOf(NetworkError);
    expect(viaHttp).toBeInstanceOf(NetworkError);
    expect(viaPool.code).toBe('HPE_INVALID_CONTENT_LENGTH');
    expect(viaPool.code).toBe(viaHttp.code);
  });

  it('a 2xx whose body does not decode is an InvalidResponse, as before', async () => {
    const { client } = await setup((req) => void req.socket.write(response(Buffer.from([0xff, 0xff, 0xff]))));
    const err = await failure(client.call('getRow', getRow));
    expect(err.code).toBe('ClientInvalidResponse');
    expect(err.requestId).toBe('rid-1');
  });

  it('bytes after a complete response: the response stands, the socket is not reused', async () => {
    const { server, client } = await setup((req) => void req.socket.write(Buffer.concat([response(GET_ROW_BODY), Buffer.from('HTTP/1.1 200')])));
    await client.call('getRow', getRow);
    await client.call('getRow', getRow);
    expect(server.requests.map((r) => r.connection)).toEqual([1, 2]);
  });

  it('open at most maxSockets sockets and queue the rest first in, first out', async () => {
    let inFlight = 0;
    let most = 0;
    const { server, client } = await setup(
      (req) => {
        most = Math.max(most, ++inFlight);
        setTimeout(() => {
          inFlight--;
          req.socket.write(response(GET_ROW_BODY));
        }, 15);
      },
      { maxSockets: 2 },
    );
    const keys = Array.from({ length: 9 }, (_, i) => `k${i}`);
    const calls = keys.map((id) => client.call('getRow', { tableName: 't', primaryKey: [{ id }] }));
    expect(client.connectionStats).toEqual({ open: 2, idle: 0, queued: 7 });
    await Promise.all(calls);
    expect(most).toBe(2);
    expect(server.connections).toBe(2);
    // The order the server received them in is the order they were called in.
    const order = server.requests.map((r) => keys.findIndex((k) => r.body.includes(Buffer.from(k))));
    expect(order).toEqual(keys.map((_, i) => i));
  });

  it('a queued request whose deadline passes leaves the queue; the others go on', async () => {
    const { server, client } = await setup((req) => void setTimeout(() => req.socket.write(response(GET_ROW_BODY)), 100), { maxSockets: 1 });
    const first = client.call('getRow', getRow);
    const queued = failure(client.call('getRow', getRow, { timeoutMs: 30 }));
    const third = client.call('getRow', getRow);
    expect((await queued).code).toBe('DeadlineExceeded');
    await Promise.all([first, third]);
    expect(server.requests).toHaveLength(2);
    expect(server.connections).toBe(1);
  });

  it('close() destroys every socket, fails the call in flight and the queued ones; later calls are refused', async () => {
    const { server, client } = await setup(() => undefined, { maxSockets: 1 });
    const inFlight = failure(client.call('getRow', getRow));
    const queued = failure(client.call('getRow', getRow));
    await until(() => server.requests.length === 1, 'the first request');
    client.close();
    expect(await inFlight).toMatchObject({ code: 'ECONNRESET' });
    expect(await queued).toMatchObject({ code: 'ClientClosed', requestSent: false });
    await until(() => server.closed === 1, 'the server to see the socket closed');
    expect((await failure(client.call('getRow', getRow))).code).toBe('ClientClosed');
    expect(server.requests).toHaveLength(1);
  });

  it('a retryable call whose attempt close() breaks fails with ClientClosed at once, not after a retry delay', async () => {
    const { server, client } = await setup(() => undefined, { retry: { maxAttempts: 3, baseDelayMs: 600_000, maxDelayMs: 600_000, timeBudgetMs: 3_600_000 } });
    const inFlight = failure(client.call('getRow', getRow));
    await until(() => server.requests.length === 1, 'the first request');
    client.close();
    const settled = await Promise.race([inFlight, new Promise((r) => setTimeout(() => r('still waiting'), 3_000).unref())]);
    expect(settled).toMatchObject({ code: 'ClientClosed', attempts: 1 });
    expect(server.requests).toHaveLength(1);
  });

  it('a connection refused is a NetworkError not sent, so even a write may retry', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const client = connect({ endpoint: `http://127.0.0.1:${port}`, instance: 'inst', ...TEST_CREDENTIALS, retry: false });
    clients.push(client);
    const err = await failure(client.call('putRow', putRow));
    expect(err).toMatchObject({ code: 'ECONNREFUSED', requestSent: false, retryable: true });
    expect(client.connectionStats).toEqual({ open: 0, idle: 0, queued: 0 });
  });

  it('refuses, when configured, a value that would split the request (a CR/LF in the STS token or instance)', async () => {
    const { server, client } = await setup((req) => void req.socket.write(response(GET_ROW_BODY)));
    expect(() => client.setCredentials({ accessKeyId: 'id', accessKeySecret: 's', securityToken: 'tok\r\nX-Injected: 1' })).toThrow(
      /setCredentials: securityToken holds a character an HTTP header cannot carry/,
    );
    expect(() => connect({ endpoint: server.endpoint, instance: 'inst\nX-Injected: 1', ...TEST_CREDENTIALS })).toThrow(
      /instance holds a character an HTTP header cannot carry/,
    );
    // The refused credentials were not applied: the client still signs with its own.
    await client.call('getRow', getRow);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].head).not.toMatch(/X-Injected/);
  });
});
