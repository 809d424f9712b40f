/**
 * A loopback HTTP server that answers the real SDK's POSTs with protobuf bodies encoded with the SDK's own
 * compiled proto module: the client tests run the unmodified SDK over real HTTP, never a mocked SDK.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { expect } from 'vitest';
import { TableStoreError } from '../../src/client/errors';
import { sdkProtos } from '../../src/client/sdk';

const protos = sdkProtos();

const pb = protos.main.proto;

export interface Received {
  /** `GetRow`, `PutRow`… (the path without the slash). */
  action: string;
  headers: http.IncomingHttpHeaders;
  /** Header names as sent, in order and spelling (`req.rawHeaders`' names). */
  headerNames: string[];
  body: Buffer;
  /** Arrival time, ms since epoch. */
  at: number;
  /** Which TCP connection carried it (1-based, in order of connection). */
  connection: number;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Send the status and headers, then never finish the body. */
  stallAfterHeaders?: boolean;
  /** Never answer. */
  hang?: boolean;
  /** Destroy the connection without answering. */
  reset?: boolean;
}

export type Handler = (req: Received, index: number) => Reply | Promise<Reply>;

export interface FakeServer {
  endpoint: string;
  requests: Received[];
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Replaces the handler. */
  handle(handler: Handler): void;
  close(): Promise<void>;
}

export async function startFakeServer(handler: Handler = () => ({ status: 200 })): Promise<FakeServer> {
  let current = handler;
  const requests: Received[] = [];
  let connections = 0;
  const sockets = new Set<Socket>();
  const connectionIds = new WeakMap<Socket, number>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received: Received = {
        action: (req.url ?? '/').slice(1),
        headers: req.headers,
        headerNames: req.rawHeaders.filter((_, i) => i % 2 === 0),
        body: Buffer.concat(chunks),
        at: Date.now(),
        connection: connectionIds.get(req.socket) ?? 0,
      };
      const index = requests.push(received) - 1;
      void Promise.resolve(current(received, index)).then(async (reply) => {
        if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
        if (reply.hang) return;
        if (reply.reset) {
          req.socket.destroy();
          return;
        }
        const body = Buffer.from(reply.body ?? new Uint8Array());
        res.writeHead(reply.status ?? 200, {
          'x-ots-requestid': `req-${index + 1}`,
          'content-length': String(reply.stallAfterHeaders ? body.length + 100 : body.length),
          ...reply.headers,
        });
        if (reply.stallAfterHeaders) {
          res.write(body);
          return;
        }
        res.end(body);
      });
    });
  });
  server.on('connection', (socket) => {
    connections += 1;
    connectionIds.set(socket, connections);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    get connections() {
      return connections;
    },
    handle(h) {
      current = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Response bodies
// ---------------------------------------------------------------------------------------------------------

export function errorReply(status: number, code: string, message: string, headers?: Record<string, string>): Reply {
  return { status, body: pb.Error.encode({ code, message }).finish(), headers };
}

const consumed = (read: number, write: number) => ({ capacityUnit: { read, write } });

/** A GetRow response for a row that does not exist (empty row bytes). */
export function getRowReply(read = 1): Reply {
  return { body: pb.GetRowResponse.encode({ consumed: consumed(read, 0), row: new Uint8Array() }).finish() };
}

export function putRowReply(read = 0, write = 1): Reply {
  return { body: pb.PutRowResponse.encode({ consumed: consumed(read, write) }).finish() };
}

export function getRangeReply(read = 1): Reply {
  return { body: pb.GetRangeResponse.encode({ consumed: consumed(read, 0), rows: new Uint8Array() }).finish() };
}

/** A BatchWriteRow response: one table, rows with the given CU (or an error). */
export function batchWriteRowReply(
  tableName: string,
  rows: Array<{ read?: number; write?: number } | { error: { code: string; message: string } }>,
): Reply {
  return {
    body: pb.BatchWriteRowResponse.encode({
      tables: [
        {
          tableName,
          rows: rows.map((r) =>
            'error' in r ? { isOk: false, error: r.error } : { isOk: true, consumed: consumed(r.read ?? 0, r.write ?? 0) },
          ),
        },
      ],
    }).finish(),
  };
}

/** A BatchGetRow response: one table, every row missing, each with the given read CU. */
export function batchGetRowReply(tableName: string, readPerRow: number[]): Reply {
  return {
    body: pb.BatchGetRowResponse.encode({
      tables: [{ tableName, rows: readPerRow.map((read) => ({ isOk: true, consumed: consumed(read, 0), row: new Uint8Array() })) }],
    }).finish(),
  };
}

export function listTableReply(names: string[]): Reply {
  return { body: pb.ListTableResponse.encode({ tableNames: names }).finish() };
}

export const TEST_CREDENTIALS = { accessKeyId: 'test-key-id', accessKeySecret: 'test-key-secret' } as const;

/** The error a call rejects with; fails the test if it resolves or rejects with anything but a TableStoreError. */
export async function failure(p: Promise<unknown>): Promise<TableStoreError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TableStoreError);
  return err as TableStoreError;
}
