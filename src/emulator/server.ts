/**
 * The emulator's HTTP server: `POST /<Action>` with a protobuf body (spec §11). Each request is read (up to
 * the service's 5 MB), authenticated, decoded, handed to its action, and answered with the protobuf response
 * or the protobuf `Error`, with the headers the official SDKs verify. A malformed request gets the service's
 * error and the server keeps serving.
 */
import { randomUUID } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { ACTIONS, UNSUPPORTED_ACTIONS } from './actions';
import { DEFAULT_DATA_DIR } from './defaults';
import type { Action } from './actions/common';
import { Engine, type EngineOptions } from './engine/engine';
import { OtsError } from './errors';
import { Faults, type Delay, type FaultOptions } from './faults';
import { checkSyncDelay, SearchIndexes, type SearchOptions } from './search/catalog';
import { authenticate, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, responseHeaders, type AuthConfig } from './protocol/auth';
import { decodeMessage, encodeMessage } from './protocol/proto';
import { lockDataDir } from './storage/dir-lock';
import { LmdbStore } from './storage/lmdb';
import { MemoryStore } from './storage/memory';
import type { KVStore } from './storage/kv';
import { StreamLog } from './stream/log';

export const MAX_BODY_BYTES = 5 * 1024 * 1024;

export interface EmulatorOptions {
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  /** Default 8800; 0 picks a free port. */
  port?: number;
  /** Instance name the requests must carry. Default `tsorm`. */
  instance?: string;
  /** On-disk data directory. Default `.tsorm/data`; ignored with `inMemory`. */
  dataDir?: string;
  inMemory?: boolean;
  /** fsync every commit (survives an OS crash); default off (survives a process crash). */
  sync?: boolean;
  accessKeyId?: string;
  accessKeySecret?: string;
  /** Further accepted key pairs (id → secret). */
  keys?: Record<string, string>;
  /** Accept any access key and signature. */
  lenientAuth?: boolean;
  faults?: string | FaultOptions;
  /** How fault latency waits (default setTimeout); tests inject one that records the delays asked for. */
  faultDelay?: Delay;
  engine?: Partial<EngineOptions>;
  /** Called for unexpected internal errors (default: console.error). */
  onInternalError?: (err: unknown) => void;
  /**
   * The emulator's time in ms, fractions allowed (default Date.now): versions and TTL, server timestamps,
   * auto-increment values, transaction expiry, stream log times, search sync delay. Tests inject one and
   * advance it instead of sleeping. Request signatures' clock-skew check stays on real time (protocol/auth.ts).
   */
  clock?: () => number;
  /** Who holds the data dir, as written in its lock file (default `tsorm emulator`); see storage/dir-lock.ts. */
  dataDirOwner?: string;
  /** Delay (ms) before a write becomes searchable (default 0: searchable when the write call returns). */
  searchSyncDelayMs?: number;
  /** Further search options (quota, an injected clock for tests); `searchSyncDelayMs` wins over `search.syncDelayMs`. */
  search?: Partial<SearchOptions>;
}

export interface RunningEmulator {
  /** e.g. `http://127.0.0.1:8800` */
  endpoint: string;
  instance: string;
  host: string;
  port: number;
  accessKeyId: string;
  accessKeySecret: string;
  /** `in memory` or `data dir …` */
  storage: string;
  engine: Engine;
  faults: Faults;
  streams: StreamLog;
  search: SearchIndexes;
  close(): Promise<void>;
}

function describeAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  const instance = options.instance ?? 'tsorm';
  const accessKeyId = options.accessKeyId ?? DEFAULT_ACCESS_KEY_ID;
  const accessKeySecret = options.accessKeySecret ?? DEFAULT_ACCESS_KEY_SECRET;
  const keys = new Map<string, string>([[accessKeyId, accessKeySecret], ...Object.entries(options.keys ?? {})]);
  const auth: AuthConfig = { instance, keys, lenient: !!options.lenientAuth, maxSkewMs: 15 * 60 * 1000 };
  const faults = new Faults(options.faults, options.faultDelay); // validates the spec before anything is opened
  const syncDelayMs = checkSyncDelay(options.searchSyncDelayMs ?? options.search?.syncDelayMs ?? 0);
  // One emulator per data dir (the engine caches the catalog): a second one gets DataDirInUseError.
  const dirLock = options.inMemory ? undefined : lockDataDir(options.dataDir ?? DEFAULT_DATA_DIR, options.dataDirOwner ?? 'tsorm emulator');
  let store: KVStore;
  try {
    store = options.inMemory ? new MemoryStore() : new LmdbStore(options.dataDir ?? DEFAULT_DATA_DIR, { sync: options.sync });
  } catch (e) {
    dirLock?.release();
    throw e;
  }
  const engine = new Engine(store, options.engine, options.clock);
  const streams = new StreamLog(engine);
  const search = new SearchIndexes(engine, { ...options.search, syncDelayMs });
  const onInternalError = options.onInternalError ?? ((e: unknown) => console.error('[tsorm emulator] internal error:', e));

  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    handle(req, res).catch((e) => {
      onInternalError(e);
      if (!res.headersSent) res.destroy();
    });
  });

  // Requests Node's HTTP parser refuses (garbage, oversized headers, a bad Content-Length, a request that
  // takes too long) never reach `handle`: answer them as OTS errors too, then close the connection.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, code, message] =
      err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'OTSParameterInvalid', 'The request headers are too large.']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'OTSRequestTimeout', 'Request timeout.']
      : [400, 'OTSParameterInvalid', 'Malformed HTTP request.'];
    const body = encodeMessage('Error', { code, message });
    const headers = { ...responseHeaders('', body, randomUUID(), accessKeyId, accessKeySecret), connection: 'close' };
    const head = `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
    socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const path = (req.url ?? '/').split('?')[0];
    const action = path.slice(path.lastIndexOf('/') + 1);
    const keyId = String(req.headers['x-ots-accesskeyid'] ?? accessKeyId);
    let signingSecret = keys.get(keyId) ?? accessKeySecret;
    const send = (status: number, body: Buffer) => {
      res.writeHead(status, responseHeaders(action, body, requestId, keyId, signingSecret));
      res.end(body);
    };
    const fail = (e: OtsError) => send(e.status, encodeMessage('Error', { code: e.code, message: e.message }));

    let body: Buffer | undefined;
    try {
      body = await readBody(req);
    } catch {
      res.destroy(); // the client went away mid-request: nobody to answer, nothing went wrong here
      return;
    }
    try {
      if (req.method !== 'POST') throw new OtsError('OTSMethodNotAllowed', 'OTSMethodNotAllowedOnly POST method for requests is supported.', 405);
      if (body === undefined) throw new OtsError('OTSRequestBodyTooLarge', 'The size of POST data is too large.', 413);
      signingSecret = authenticate(auth, action, req.headers, body);
      const def = ACTIONS.get(action);
      if (!def) throw UNSUPPORTED_ACTIONS.has(action) ? OtsError.unsupported(action) : OtsError.param(`Unsupported operation: \`${action}\`.`);
      if (faults.enabled) {
        await faults.addLatency();
        const fault = faults.requestFault(!!def.tableLevel);
        if (fault) throw fault;
      }
      send(200, run(def, body));
    } catch (e) {
      if (e instanceof OtsError) return fail(e);
      onInternalError(e);
      fail(OtsError.internal());
    }
  }

  function run(def: Action, body: Buffer): Buffer {
    let request: unknown;
    try {
      request = decodeMessage(def.requestType ?? `${def.name}Request`, body);
    } catch {
      throw OtsError.param('Parse PBMessage from RawString failed.');
    }
    const response = def.handle(request, { engine, faults, streams, search });
    if (Buffer.isBuffer(response)) return response;
    return encodeMessage(def.responseType ?? `${def.name}Response`, response);
  }

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 8800, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    await store.close(); // e.g. EADDRINUSE: release the data dir before reporting
    dirLock?.release();
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  dirLock?.advertise({ endpoint: `http://${describeAddress(host, port)}`, instance });
  let closed: Promise<void> | undefined;
  return {
    endpoint: `http://${describeAddress(host, port)}`,
    instance,
    host,
    port,
    accessKeyId,
    accessKeySecret,
    storage: store.description,
    engine,
    faults,
    streams,
    search,
    close() {
      closed ??= closeServer(server)
        .then(() => store.close())
        .finally(() => dirLock?.release());
      return closed;
    },
  };
}

/** Reads the body; `undefined` when it exceeds the service's limit (the rest is drained, not kept). */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      if (!tooLarge) chunks.push(c);
    });
    req.on('end', () => resolve(tooLarge ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 1000).unref();
  });
}
