/**
 * The wire transport's own HTTP/1.1 client: keep-alive `net`/`tls` connections to one endpoint, one request
 * at a time on each, at most `maxSockets` open, further requests queued first in, first out.
 *
 * [performance] Why not `http.request` on an `http.Agent`: a TableStore row call is a ~300-byte request and a
 * ~100-byte response, and about a third of the client's CPU per call went into Node's HTTP client around them
 * (ClientRequest and IncomingMessage construction, the agent's socket bookkeeping, header storing and
 * validation, the streams between them, several nextTicks). Here a request is one prepared buffer and one
 * `socket.write`, and a response is parsed straight off the socket's chunks (`http-response.ts`).
 *
 * The agent's behaviour is kept where a caller can see it: sockets idle longer than `idleTimeoutMs` are
 * closed (0: never); idle sockets do not keep the process alive (unref'd); the most recently used idle socket
 * is reused first ('lifo', the fewest sockets stay warm); a socket the server closes or that errs while idle
 * is dropped; `Connection: close` (or a body framed by the end of the connection) closes the socket after
 * the response. Nothing is ever resent here: a request whose connection fails reports the failure, and
 * `client.ts`'s retry policy decides.
 */
import type * as net from 'node:net';
import type * as tls from 'node:tls';
import { HttpParseError, ResponseParser, type HttpResponse } from './http-response';

export interface PoolOptions {
  /** Host name or IP address (URL form: an IPv6 address in brackets). */
  hostname: string;
  port: number;
  secure: boolean;
  maxSockets: number;
  /** Idle sockets are closed after this many ms; 0: never. */
  idleTimeoutMs: number;
  /** More `tls.connect` options (a CA: the tests' self-signed endpoint). */
  tls?: tls.ConnectionOptions;
}

/** A failure of the exchange: a socket error (`code`: its errno name) or an {@link HttpParseError}. */
export type ExchangeError = Error & { code?: string };

/** One request in flight or queued: `done` is called exactly once, unless the request is aborted. */
export interface Exchange {
  payload: Buffer;
  done: (error: ExchangeError | undefined, response: HttpResponse | undefined) => void;
  /** The connection carrying it, while it is in flight (the pool's). */
  connection?: Connection;
}

/** The code of a call on a closed client (`client.ts`), and of a request queued at `close()`: nothing was sent. */
export const POOL_CLOSED = 'ClientClosed';

export interface Connection {
  socket: net.Socket;
  parser: ResponseParser;
  exchange: Exchange | undefined;
  /** The socket's error, reported when it closes. */
  error: ExchangeError | undefined;
}

export class HttpPool {
  private readonly host: string;
  private readonly all = new Set<Connection>();
  private readonly idle: Connection[] = [];
  private readonly queue: Exchange[] = [];
  /** The last TLS session, offered for resumption on the next connection (as `https.Agent` caches them). */
  private session: Buffer | undefined;
  private closed = false;

  constructor(private readonly options: PoolOptions) {
    const h = options.hostname;
    this.host = h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
  }

  /** Sockets open (idle or busy), idle, and requests waiting for a socket. */
  get stats(): { open: number; idle: number; queued: number } {
    return { open: this.all.size, idle: this.idle.length, queued: this.queue.length };
  }

  send(exchange: Exchange): void {
    if (this.closed) {
      exchange.done(closedError(), undefined);
      return;
    }
    const conn = this.idle.pop();
    if (conn) {
      conn.socket.ref();
      this.start(conn, exchange);
    } else if (this.all.size < this.options.maxSockets) {
      this.start(this.open(), exchange);
    } else {
      this.queue.push(exchange);
    }
  }

  /**
   * Gives up on `exchange` (its deadline passed): a queued one leaves the queue; a sent one's socket is
   * destroyed, since a response may still be on its way on it. `done` is not called.
   */
  abort(exchange: Exchange): void {
    const conn = exchange.connection;
    if (conn) {
      exchange.connection = undefined;
      conn.exchange = undefined;
      conn.socket.destroy();
      return;
    }
    const at = this.queue.indexOf(exchange);
    if (at >= 0) this.queue.splice(at, 1);
  }

  /** Destroys every socket: requests in flight fail as their connection closes, queued ones with POOL_CLOSED. */
  close(): void {
    this.closed = true;
    for (const exchange of this.queue.splice(0)) exchange.done(closedError(), undefined);
    for (const conn of this.all) conn.socket.destroy();
  }

  private start(conn: Connection, exchange: Exchange): void {
    conn.exchange = exchange;
    exchange.connection = conn;
    conn.socket.write(exchange.payload);
  }

  private open(): Connection {
    const { port, secure, idleTimeoutMs } = this.options;
    // [performance] `net` and `tls` are loaded by the first connection, not by `require('tsorm')` (~5 ms).
    const netModule = require('node:net') as typeof net;
    let socket: net.Socket;
    if (secure) {
      const tlsModule = require('node:tls') as typeof tls;
      // RFC 6066 §3: SNI carries a host name, never an address.
      const servername = netModule.isIP(this.host) === 0 ? this.host : undefined;
      const s = tlsModule.connect({ ...this.options.tls, host: this.host, port, servername, session: this.session });
      s.on('session', (session: Buffer) => (this.session = session));
      socket = s;
    } else {
      socket = netModule.connect({ host: this.host, port });
    }
    // As `http.request` and a keep-alive agent set them: no Nagle delay on small requests, TCP keep-alive probes.
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 1000);
    if (idleTimeoutMs > 0) socket.setTimeout(idleTimeoutMs);
    const conn: Connection = { socket, parser: new ResponseParser(), exchange: undefined, error: undefined };
    this.all.add(conn);
    socket.on('data', (data: Buffer) => this.onData(conn, data));
    socket.on('end', () => this.onEnd(conn));
    socket.on('error', (err: ExchangeError) => (conn.error ??= err));
    socket.on('close', () => this.onClose(conn));
    // Node's socket timeout counts inactivity; an attempt in flight has its own deadline (`armDeadline`).
    socket.on('timeout', () => {
      if (!conn.exchange) socket.destroy();
    });
    return conn;
  }

  private onData(conn: Connection, data: Buffer): void {
    const exchange = conn.exchange;
    if (!exchange) {
      // Bytes nobody asked for (no pipelining): the connection's framing can no longer be trusted.
      conn.socket.destroy();
      return;
    }
    let response: HttpResponse | undefined;
    try {
      response = conn.parser.feed(data);
    } catch (err) {
      conn.error = err as HttpParseError;
      conn.socket.destroy();
      return;
    }
    if (response) this.deliver(conn, exchange, response);
  }

  private onEnd(conn: Connection): void {
    const exchange = conn.exchange;
    const response = exchange ? conn.parser.end() : undefined;
    if (exchange && response) this.deliver(conn, exchange, response);
    conn.socket.destroy();
  }

  private deliver(conn: Connection, exchange: Exchange, response: HttpResponse): void {
    conn.exchange = undefined;
    exchange.connection = undefined;
    if (response.close || conn.parser.trailing) conn.socket.destroy();
    else this.release(conn);
    exchange.done(undefined, response);
  }

  /** A socket free again: the next queued request, else the idle list. */
  private release(conn: Connection): void {
    const next = this.queue.shift();
    if (next) {
      this.start(conn, next);
      return;
    }
    conn.socket.unref();
    this.idle.push(conn);
  }

  private onClose(conn: Connection): void {
    this.all.delete(conn);
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
    const exchange = conn.exchange;
    if (exchange) {
      conn.exchange = undefined;
      exchange.connection = undefined;
      exchange.done(conn.error ?? closedEarly(conn.parser.started), undefined);
    }
    // A socket slot came free: a queued request gets a new connection.
    if (!this.closed && this.queue.length > 0 && this.all.size < this.options.maxSockets) {
      this.start(this.open(), this.queue.shift()!);
    }
  }
}

/** What Node's http client reports for the same failures (`socket hang up`, or a body cut short). */
function closedEarly(started: boolean): ExchangeError {
  const message = started ? 'the connection closed before the response was complete' : 'socket hang up';
  return Object.assign(new Error(message), { code: 'ECONNRESET' });
}

function closedError(): ExchangeError {
  return Object.assign(new Error('the client was closed before the request was sent'), { code: POOL_CLOSED });
}
