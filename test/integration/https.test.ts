/**
 * HTTPS endpoints (issue 15: the wire transport speaks HTTPS, as every real TableStore endpoint does). The
 * emulator serves plain HTTP, so a TLS server in front of it stands in for the service's HTTPS endpoint: it
 * terminates TLS with a self-signed certificate (test/fixtures/tls, CN and SAN localhost / 127.0.0.1, valid to
 * 2126) and pipes the bytes to the emulator. Requests are signed and verified exactly as over HTTP.
 */
import { readFileSync } from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Column, connect, NetworkError, PrimaryKey, PrimaryKeys, Table, type Database } from '../../src';
import { systemClock } from '../../src/client/clock';
import { HttpPool } from '../../src/client/wire/http-pool';
import { sendWireOnce } from '../../src/client/wire/transport';
import { createTables, testTransport } from '../support/orm';

const FIXTURES = join(__dirname, '..', 'fixtures', 'tls');
const cert = readFileSync(join(FIXTURES, 'localhost.crt'));
const key = readFileSync(join(FIXTURES, 'localhost.key'));

@Table(`tls_items_${randomBytes(3).toString('hex')}`)
class TlsItem {
  declare readonly [PrimaryKeys]?: 'id';
  @PrimaryKey() id!: string;
  @Column({ type: 'int64' }) big!: bigint;
  @Column() blob?: Buffer;
}

describe('an https:// endpoint (TLS in front of the emulator)', () => {
  let server: tls.Server;
  let endpoint: string;
  /** TLS connections the server accepted: keep-alive means far fewer than requests. */
  let connections = 0;
  /** Each accepted connection's SNI name and whether it resumed a TLS session, in order. */
  const accepted: Array<{ servername: string | false | null; resumed: boolean }> = [];
  const open = new Set<net.Socket>();

  beforeAll(async () => {
    const backend = new URL(inject('backend').endpoint);
    server = tls.createServer({ key, cert }, (socket) => {
      connections++;
      accepted.push({ servername: socket.servername, resumed: socket.isSessionReused() });
      const upstream = net.connect(Number(backend.port), backend.hostname);
      open.add(socket).add(upstream);
      socket.pipe(upstream).pipe(socket);
      const close = () => {
        socket.destroy();
        upstream.destroy();
      };
      socket.on('error', close);
      upstream.on('error', close);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `https://localhost:${(server.address() as net.AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const s of open) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const connectTls = (options: Record<string, unknown> = {}): Database => {
    const b = inject('backend');
    return connect({ endpoint, instance: b.instance, accessKeyId: b.accessKeyId, accessKeySecret: b.accessKeySecret, transport: testTransport(), ...options });
  };

  it('creates a table, writes, reads, batches and ranges over TLS, values exact, sockets kept alive', async () => {
    const agent = new https.Agent({ keepAlive: true, ca: cert, maxSockets: 4 });
    const db = connectTls({ agent });
    try {
      const before = connections;
      await createTables(db, TlsItem);
      const items = db.repository(TlsItem);
      await items.insert({ id: 'a', big: 2n ** 63n - 1n, blob: Buffer.from([0, 255, 1]) });
      expect(await items.get({ id: 'a' })).toEqual(Object.assign(new TlsItem(), { id: 'a', big: 2n ** 63n - 1n, blob: Buffer.from([0, 255, 1]) }));
      const saved = await items.batchSave(Array.from({ length: 50 }, (_, i) => Object.assign(new TlsItem(), { id: `b${String(i).padStart(2, '0')}`, big: -(2n ** 63n) + BigInt(i) })));
      expect(saved.failures).toEqual([]);
      const page = await items.page({ start: { id: 'b' }, end: { id: 'c' } }, { limit: 100 });
      expect(page.items.map((x) => x.id)).toEqual(Array.from({ length: 50 }, (_, i) => `b${String(i).padStart(2, '0')}`));
      expect(page.items[3].big).toBe(-(2n ** 63n) + 3n);
      // Six calls (create table, insert, get, batch, range…), sequential: one TLS handshake, not one per request.
      expect(connections - before).toBe(1);
    } finally {
      db.close();
      agent.destroy(); // a supplied agent is the caller's to close
    }
  });

  it("the wire transport's own TLS connections: SNI, keep-alive, TLS sessions resumed (the CA given to the pool)", async () => {
    const b = inject('backend');
    const url = new URL(endpoint);
    const pool = new HttpPool({ hostname: url.hostname, port: Number(url.port), secure: true, maxSockets: 2, idleTimeoutMs: 5000, tls: { ca: cert } });
    const wire = { url, instance: b.instance, pool, credentials: () => ({ accessKeyId: b.accessKeyId, accessKeySecret: b.accessKeySecret }) };
    const listTable = (attempt: number) =>
      sendWireOnce(wire, {}, { action: 'listTable', operation: 'listTable', idempotent: true, attemptDeadline: undefined, callDeadline: Date.now() + 10_000, previousError: undefined, attempt, clock: systemClock });
    try {
      const before = accepted.length;
      const first = await listTable(1);
      expect(first).toMatchObject({ ok: true, status: 200 });
      expect(((first as { data: { tableNames: string[] } }).data.tableNames)).toEqual(expect.any(Array));
      // One busy socket and one new one: the second connection resumes the first one's session.
      const [second, third] = await Promise.all([listTable(2), listTable(3)]);
      expect([second.ok, third.ok]).toEqual([true, true]);
      expect(accepted.slice(before)).toEqual([
        { servername: 'localhost', resumed: false },
        { servername: 'localhost', resumed: true },
      ]);
      expect(pool.stats).toEqual({ open: 2, idle: 2, queued: 0 });
    } finally {
      pool.close();
    }
  });

  it("verifies the server's certificate: without the CA, a self-signed endpoint is a NetworkError naming it", async () => {
    const db = connectTls({ retry: { maxAttempts: 1 } });
    try {
      const err = await db.client.call('listTable', {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkError);
      expect((err as Error).message).toMatch(/self[- ]signed certificate/i);
    } finally {
      db.close();
    }
  });
});
