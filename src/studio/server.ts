/**
 * The studio's HTTP server: one page and a JSON API over `client/` (the same calls user code makes, so it
 * works the same against the emulator and a real instance).
 *
 * Security (the page can change data, and browsers talk to 127.0.0.1 on behalf of any site):
 * - binds 127.0.0.1 unless told otherwise, and answers only requests whose Host is this server's (a site
 *   that rebinds its DNS name to 127.0.0.1 sends its own name as Host);
 * - a random per-run token: the page (`/?token=…`, the printed URL) and every API call (`x-tsorm-studio-token`
 *   header) must carry it; compared in constant time;
 * - the API takes POST with `content-type: application/json`, the token in a custom header and, when the
 *   browser sends an Origin, this server's origin: a cross-site form or fetch can do none of these without
 *   a CORS preflight, which this server never grants;
 * - serves exactly two things (the page and `/api/<name>`); nothing is read from disk per request;
 * - any failure becomes a JSON error for the page; the server itself never throws.
 */
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TableStoreClient } from '../client/client';
import { ConditionCheckFailedError, TableStoreError } from '../client/errors';
import { CallScope } from '../client/usage';
import { CodecError } from '../codec/errors';
import { assumptions, tablestoreUsd } from '../cost/estimate';
import { TARIFFS } from '../cost/tariffs';
import type { LoadedEntity } from '../project/config';
import { EntityValidationError, RepositoryUsageError } from '../repository/errors';
import { createRow, deleteRow, updateRow, type WriteTarget } from './edit';
import { TOKEN_HEADER, type ApiError, type ApiResponse, type Cost, type InfoView, type MigrationsView, type RowsQuery, type RowWrite, type SearchRequest, type TableListItem, type TableView } from './protocol';
import { readRows } from './rows';
import { describeSearchIndex, runSearch } from './search';
import { describeTableView } from './tables';
import { StudioInputError } from './values';

/** Largest API request body: a row edit carries at most a few cells of up to 2 MB (spec §1.9), as base64. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface StudioOptions {
  client: TableStoreClient;
  /** Where the client points, for the page. */
  where: string;
  /** True when the endpoint is tsorm's emulator (writes are allowed then without `write`). */
  emulator: boolean;
  /** `--write`: allow writes against a non-emulator endpoint. */
  write?: boolean;
  entities?: readonly LoadedEntity[];
  configProblem?: string;
  /** `migrate:status` for the page (the CLI passes the Migrator's). */
  migrations?: () => Promise<MigrationsView>;
  host?: string;
  port?: number;
  /** Fixed token (tests); a random one otherwise. */
  token?: string;
  /** The built page's HTML (default: `page.html` beside this module, written by `npm run build`). */
  pageHtml?: string;
  version?: string;
  onError?: (e: unknown) => void;
}

export interface RunningStudio {
  url: string;
  origin: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const PAGE_FILE = join(__dirname, 'page.html');

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function sameSecret(given: string | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A thrown error as the page shows it, with its HTTP status. */
function apiError(e: unknown): { status: number; error: ApiError } {
  if (e instanceof HttpProblem) return { status: e.status, error: { code: e.code, message: e.message } };
  if (e instanceof StudioInputError) return { status: 400, error: { code: 'InvalidInput', message: e.message, ...(e.field ? { fields: { [e.field]: [e.message] } } : {}) } };
  if (e instanceof EntityValidationError) {
    const fields: Record<string, string[]> = {};
    for (const v of e.violations) (fields[v.property.split('.')[0]] ??= []).push(v.message);
    return { status: 422, error: { code: 'ValidationFailed', message: e.message, fields } };
  }
  if (e instanceof RepositoryUsageError) {
    // e.g. an insert that gives the auto-increment key (a CodecError before the error family split them)
    return { status: 400, error: { code: 'InvalidValue', message: e.message, ...(e.property ? { fields: { [e.property]: [e.message] } } : {}) } };
  }
  if (e instanceof CodecError) {
    const field = e.column ?? e.property;
    return { status: 400, error: { code: 'InvalidValue', message: e.message, ...(field ? { fields: { [field]: [e.message] } } : {}) } };
  }
  if (e instanceof ConditionCheckFailedError) {
    return {
      status: 409,
      error: { code: 'Conflict', message: `The row changed since it was read (the write's condition failed: ${e.message}). Reload it and try again; nothing was overwritten.` },
    };
  }
  if (e instanceof TableStoreError) return { status: 502, error: { code: e.code, message: `${e.message} (${e.code}${e.action ? ` from ${e.action}` : ''})` } };
  return { status: 500, error: { code: 'InternalError', message: e instanceof Error ? e.message : String(e) } };
}

export async function startStudio(options: StudioOptions): Promise<RunningStudio> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const host = options.host ?? '127.0.0.1';
  const writable = options.emulator || !!options.write;
  const loopback = /^(127\.\d+\.\d+\.\d+|localhost|::1)$/.test(host);
  const page = options.pageHtml ?? readFileSync(PAGE_FILE, 'utf8');
  // The page's one inline script is allowed by its hash: no other script runs on the page (CSP).
  const script = /<script>([\s\S]*?)<\/script>/.exec(page)?.[1] ?? '';
  const scriptHash = createHash('sha256').update(script).digest('base64');
  const csp = `default-src 'none'; script-src 'sha256-${scriptHash}'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
  const entities = options.entities ?? [];
  const entityOf = (table: string) => entities.find((e) => e.schema.tableName === table);
  const views = new Map<string, TableView>();
  const client = options.client;

  async function tableView(name: unknown, fresh = false): Promise<TableView> {
    if (typeof name !== 'string' || name === '') throw new StudioInputError('table: a table name is required', 'table');
    let view = fresh ? undefined : views.get(name);
    if (!view) views.set(name, (view = await describeTableView(client, name, entityOf(name))));
    return view;
  }

  function writeTarget(view: TableView): WriteTarget {
    if (!writable) {
      throw new HttpProblem(403, 'ReadOnly', `The studio is read-only against ${options.where}: start it with --write to change data on an endpoint other than the emulator.`);
    }
    return { view, entity: entityOf(view.name) };
  }

  const api: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
    info: async (): Promise<InfoView> => ({
      version: options.version ?? '',
      where: options.where,
      emulator: options.emulator,
      writable,
      ...(writable ? {} : { readOnlyReason: 'not the emulator, and started without --write' }),
      entities: entities.length,
      ...(options.configProblem ? { configProblem: options.configProblem } : {}),
      tariffs: TARIFFS,
      assumptions: assumptions(false),
    }),
    tables: async (): Promise<TableListItem[]> => {
      const res = await client.call('listTable', {});
      return [...res.tableNames].sort().map((name) => {
        const e = entityOf(name);
        return e ? { name, entity: e.schema.entityName } : { name };
      });
    },
    table: async (b) => tableView(b.table, true),
    rows: async (b) => {
      const view = await tableView(b.table);
      return readRows(client, view.primaryKey, view.options.maxVersions, b as unknown as RowsQuery);
    },
    searchindex: async (b) => describeSearchIndex(client, b.table, b.index),
    search: async (b) => runSearch(client, b as unknown as SearchRequest),
    create: async (b) => ({ key: await createRow(client, writeTarget(await tableView(b.table)), rowWrite(b)) }),
    update: async (b) => {
      await updateRow(client, writeTarget(await tableView(b.table)), rowWrite(b));
      return {};
    },
    delete: async (b) => {
      await deleteRow(client, writeTarget(await tableView(b.table)), rowWrite({ set: {}, ...b }));
      return {};
    },
    migrations: async () => {
      if (!options.migrations) throw new HttpProblem(404, 'NoMigrations', 'no migrations: the studio was started without a config');
      return options.migrations();
    },
  };

  async function handleApi(name: string, req: http.IncomingMessage, res: http.ServerResponse, origin: string): Promise<void> {
    if (req.method !== 'POST') throw new HttpProblem(405, 'MethodNotAllowed', 'the API takes POST');
    if (!sameSecret(req.headers[TOKEN_HEADER] as string | undefined, token)) throw new HttpProblem(401, 'Unauthorized', `missing or wrong ${TOKEN_HEADER}: open the URL the studio printed`);
    const from = req.headers.origin;
    if (from !== undefined && from !== origin) throw new HttpProblem(403, 'CrossOrigin', `requests from ${from} are refused`);
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) throw new HttpProblem(415, 'UnsupportedMediaType', 'the API takes application/json');
    const handler = Object.prototype.hasOwnProperty.call(api, name) ? api[name] : undefined;
    if (!handler) throw new HttpProblem(404, 'NotFound', `no API ${JSON.stringify(name)}`);
    const body = await readJson(req);
    const scope = new CallScope();
    const started = performance.now();
    const cost = (): Cost => {
      const u = scope.usage;
      return { calls: u.calls, readCU: u.readCU, writeCU: u.writeCU, ms: Math.round(performance.now() - started), usd: tablestoreUsd(u.readCU, u.writeCU) };
    };
    try {
      const data = await scope.run(() => handler(body));
      send(res, 200, { ok: true, data, cost: cost() } satisfies ApiResponse<unknown>);
    } catch (e) {
      const { status, error } = apiError(e);
      if (status === 500) options.onError?.(e);
      send(res, status, { ok: false, error, cost: cost() } satisfies ApiResponse<unknown>);
    }
  }

  const server = http.createServer((req, res) => {
    const port = (server.address() as AddressInfo).port;
    const allowedHosts = [`${host}:${port}`, `127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
    const origin = `http://${req.headers.host ?? ''}`;
    void (async () => {
      try {
        // On loopback, a Host other than our own is a rebound DNS name; bound wider (--host), the token alone guards.
        if (loopback && !allowedHosts.includes(req.headers.host ?? '')) throw new HttpProblem(421, 'WrongHost', 'this studio answers only on its own address');
        // Only a path is served. Appended to an origin, not resolved against a base URL: resolved, `//` is a
        // host (and an Invalid URL thrown, answered as an internal error).
        if (!req.url?.startsWith('/')) throw new HttpProblem(404, 'NotFound', 'not found');
        const url = new URL(`http://studio.invalid${req.url}`);
        if (url.pathname === '/') {
          if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpProblem(405, 'MethodNotAllowed', 'GET only');
          if (!sameSecret(url.searchParams.get('token') ?? undefined, token)) {
            sendText(res, 401, 'tsorm studio: this address needs the token the studio printed (the URL with ?token=…).\n');
            return;
          }
          res.writeHead(200, {
            'content-type': 'text/html; charset=utf-8',
            'content-security-policy': csp,
            'cache-control': 'no-store',
            'referrer-policy': 'no-referrer',
            'x-content-type-options': 'nosniff',
            'x-frame-options': 'DENY',
          });
          res.end(req.method === 'HEAD' ? undefined : page);
          return;
        }
        const m = /^\/api\/([a-z]+)$/.exec(url.pathname);
        if (!m) throw new HttpProblem(404, 'NotFound', 'not found');
        await handleApi(m[1], req, res, origin);
      } catch (e) {
        const { status, error } = apiError(e);
        if (status === 500) options.onError?.(e);
        if (!res.headersSent) send(res, status, { ok: false, error });
        else res.destroy();
      }
    })();
  });
  server.on('clientError', (_e, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const originUrl = `http://${shownHost}:${port}`;
  return {
    url: `${originUrl}/?token=${token}`,
    origin: originUrl,
    token,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function rowWrite(b: Record<string, unknown>): RowWrite {
  const isObj = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isObj(b.key)) throw new StudioInputError('key: an object of primary-key cells is required', 'key');
  if (!isObj(b.set)) throw new StudioInputError('set: an object of column cells is required', 'set');
  if (b.expected !== undefined && !isObj(b.expected)) throw new StudioInputError('expected: an object of column cells', 'expected');
  return b as unknown as RowWrite;
}

function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpProblem(413, 'TooLarge', `the request body exceeds ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('error', reject);
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve({});
      try {
        const v = JSON.parse(text) as unknown;
        if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('expected a JSON object');
        resolve(v as Record<string, unknown>);
      } catch (e) {
        reject(new HttpProblem(400, 'InvalidJson', `the request body is not a JSON object: ${(e as Error).message}`));
      }
    });
  });
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(text);
}

function sendText(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  res.end(text);
}
