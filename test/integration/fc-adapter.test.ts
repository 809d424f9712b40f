/**
 * The Function Compute adapter in every call shape FC uses, called exactly as FC calls it (no local runtime in
 * between): FC 3.0 HTTP and event, FC 2.0 event (callback) and HTTP (req, resp). The handler talks to the
 * suite's backend; credential rotation runs on an emulator of its own that accepts two key pairs.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { AccessDeniedError, Column, DeadlineExceededError, PrimaryKey, PrimaryKeys, Table } from '../../src';
import { startEmulator } from '../../src/emulator';
import {
  defineFunction,
  FunctionDefinitionError,
  FunctionInitializationError,
  HttpError,
  type FcContext,
  type Fc3HttpResult,
  type FunctionDefinition,
} from '../../src/fc';
import { connectDb, createTables } from '../support/orm';

const suffix = randomBytes(3).toString('hex');

@Table(`fc_items_${suffix}`)
class Item {
  declare readonly [PrimaryKeys]?: 'id';
  @PrimaryKey() id!: string;
  @Column({ type: 'int64' }) count!: number;
  @Column() data?: Buffer;
}

const backend = () => inject('backend');

interface Ctx extends FcContext {
  lines: string[];
  warnings: string[];
  errors: unknown[][];
}

let seq = 0;
function context(over: Partial<FcContext> = {}): Ctx {
  const b = backend();
  const lines: string[] = [];
  const warnings: string[] = [];
  const errors: unknown[][] = [];
  return {
    requestId: `req-${++seq}`,
    credentials: { accessKeyId: b.accessKeyId, accessKeySecret: b.accessKeySecret, securityToken: '' },
    function: { name: 'items', handler: 'index.handler', memory: 512, timeout: 10 },
    logger: {
      info: (...a: unknown[]) => lines.push(a.join(' ')),
      warn: (...a: unknown[]) => warnings.push(a.join(' ')),
      error: (...a: unknown[]) => errors.push(a),
    },
    lines,
    warnings,
    errors,
    ...over,
  };
}

function fc3Http(method: string, path: string, body?: Buffer | string, headers: Record<string, string> = {}, query: Record<string, string> = {}): Buffer {
  const binary = Buffer.isBuffer(body);
  return Buffer.from(
    JSON.stringify({
      version: 'v1',
      rawPath: path,
      body: body === undefined ? '' : binary ? body.toString('base64') : body,
      isBase64Encoded: binary,
      headers,
      queryParameters: query,
      requestContext: { requestId: 'r', http: { method, path, protocol: 'HTTP/1.1', sourceIp: '10.0.0.1', userAgent: 'test' } },
    }),
  );
}

/** The app under test: items by id; `/boom` throws, `/teapot` throws an HttpError. */
function itemsDefinition(over: Partial<FunctionDefinition> = {}): FunctionDefinition {
  const b = backend();
  return {
    entities: [Item],
    connection: { endpoint: b.endpoint, instance: b.instance },
    http: async (req, { repo }) => {
      const items = repo(Item);
      const m = /^\/items\/([^/]+)$/.exec(req.path);
      if (req.path === '/boom') throw new TypeError('boom');
      if (req.path === '/teapot') throw new HttpError(418, { error: 'short and stout' }, { 'X-Why': 'tea' });
      if (req.path === '/echo') return { headers: { 'X-Echo': 'yes' }, body: { method: req.method, headers: req.headers, query: req.query, text: req.text() } };
      if (req.path === '/bytes') return { body: Buffer.concat([req.body, Buffer.from([0xff, 0x00])]) };
      if (m && req.method === 'PUT') {
        const data = Buffer.from(req.json<{ data: string }>().data, 'base64');
        await items.save({ id: m[1], count: 1, data });
        return { status: 201, body: { id: m[1] } };
      }
      if (m && req.method === 'GET') {
        const item = await items.get({ id: m[1] });
        if (!item) throw new HttpError(404);
        return { body: item };
      }
      throw new HttpError(404, 'no route');
    },
    event: async (event, { repo }) => {
      const { id, by } = JSON.parse(event.toString()) as { id: string; by: number };
      if (id === 'fail') throw new RangeError('bad event');
      if (id === 'http-error') throw new HttpError(400, 'not in an event');
      return { id, count: await repo(Item).increment({ id }, 'count', by, { expect: 'any' }) };
    },
    ...over,
  };
}

beforeAll(async () => {
  const db = connectDb();
  await createTables(db, Item);
  db.close();
});
afterAll(async () => {
  // the backend's 64-table quota is shared by the test files running side by side
  const db = connectDb();
  await db.client.call('deleteTable', { tableName: `fc_items_${suffix}` }).catch(() => undefined);
  db.close();
});

describe('FC 3.0 HTTP trigger (async (event, context) with a version "v1" document)', () => {
  const fn = defineFunction(itemsDefinition());

  it('answers { statusCode, headers, body, isBase64Encoded }; JSON bodies keep int64 and Buffers readable', async () => {
    const ctx = context();
    await fn.initializer(ctx);
    const put = (await fn.handler(fc3Http('PUT', '/items/a', JSON.stringify({ data: Buffer.from('hi').toString('base64') })), ctx)) as Fc3HttpResult;
    expect(put).toEqual({ statusCode: 201, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"id":"a"}', isBase64Encoded: false });
    const got = (await fn.handler(fc3Http('GET', '/items/a'), context())) as Fc3HttpResult;
    expect(got.statusCode).toBe(200);
    expect(JSON.parse(got.body)).toEqual({ id: 'a', count: 1, data: Buffer.from('hi').toString('base64') });
  });

  it('lower-cases header names, reads query parameters, decodes base64 bodies and base64-encodes binary answers', async () => {
    const echo = (await fn.handler(fc3Http('post', '/echo', 'plain text', { 'Content-Type': 'text/plain', 'X-Multi': 'a,b' }, { q: '1' }), context())) as Fc3HttpResult;
    expect(echo.headers['x-echo']).toBe('yes');
    expect(JSON.parse(echo.body)).toEqual({ method: 'POST', headers: { 'content-type': 'text/plain', 'x-multi': 'a,b' }, query: { q: '1' }, text: 'plain text' });
    const bytes = (await fn.handler(fc3Http('POST', '/bytes', Buffer.from([1, 2, 0x80])), context())) as Fc3HttpResult;
    expect(bytes).toMatchObject({ statusCode: 200, isBase64Encoded: true, headers: { 'content-type': 'application/octet-stream' } });
    expect([...Buffer.from(bytes.body, 'base64')]).toEqual([1, 2, 0x80, 0xff, 0x00]);
  });

  it('turns an HttpError into its response and lets any other error propagate', async () => {
    const tea = (await fn.handler(fc3Http('GET', '/teapot'), context())) as Fc3HttpResult;
    expect(tea).toMatchObject({ statusCode: 418, headers: { 'x-why': 'tea' }, body: '{"error":"short and stout"}' });
    const missing = (await fn.handler(fc3Http('GET', '/items/none'), context())) as Fc3HttpResult;
    expect(missing).toMatchObject({ statusCode: 404, body: '{"error":"Not Found"}' });
    const bad = (await fn.handler(fc3Http('PUT', '/items/x', '{not json'), context())) as Fc3HttpResult;
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body).error).toMatch(/not valid JSON/);
    await expect(fn.handler(fc3Http('GET', '/boom'), context())).rejects.toThrow(TypeError);
  });

  it('refuses a response that is not { status?, headers?, body? }, naming the mistake', async () => {
    const wrong = (value: unknown) => defineFunction({ connection: itemsDefinition().connection, http: async () => value as never });
    await expect(wrong('text').handler(fc3Http('GET', '/'), context())).rejects.toThrow(/returns \{ status\?, headers\?, body\? \} or nothing, got a string \(put it in `body`\)/);
    await expect(wrong({ statusCode: 200 }).handler(fc3Http('GET', '/'), context())).rejects.toThrow(/unknown field `statusCode`.*\(status, not statusCode\)/);
    await expect(wrong({ status: 42 }).handler(fc3Http('GET', '/'), context())).rejects.toThrow(/status must be an integer between 100 and 599, got 42/);
    expect(await wrong(undefined).handler(fc3Http('GET', '/'), context())).toMatchObject({ statusCode: 204, body: '' });
  });

  it('a failing log function does not fail the invocation', async () => {
    const fn = defineFunction({ connection: itemsDefinition().connection, http: async () => ({ body: 'ok' }), log: () => { throw new Error('log sink down'); } });
    expect(await fn.handler(fc3Http('GET', '/'), context())).toMatchObject({ statusCode: 200, body: 'ok' });
  });

  it('logs one line per invocation with request id, duration, TableStore calls and capacity units', async () => {
    const ctx = context({ requestId: 'log-me' });
    await fn.handler(fc3Http('GET', '/items/a'), ctx);
    expect(ctx.lines).toHaveLength(1);
    expect(ctx.lines[0]).toMatch(
      /^tsorm invocation requestId=log-me trigger=http method=GET path=\/items\/a status=200 durationMs=\d+\.\d\d calls=1 requests=1 failures=0 readCU=1 writeCU=0$/,
    );
    const failed = context({ requestId: 'fails' });
    await expect(fn.handler(fc3Http('GET', '/boom'), failed)).rejects.toThrow();
    expect(failed.lines[0]).toMatch(/requestId=fails .*error=TypeError .*calls=0/);
  });
});

describe('FC 3.0 event trigger (async (event, context))', () => {
  const fn = defineFunction(itemsDefinition());

  it('passes the event bytes and returns the result; errors (HttpError too) reject', async () => {
    const ctx = context();
    await fn.initializer(ctx);
    await expect(fn.handler(Buffer.from(JSON.stringify({ id: 'ev3', by: 2 })), ctx)).resolves.toEqual({ id: 'ev3', count: 2 });
    await expect(fn.handler(Buffer.from(JSON.stringify({ id: 'ev3', by: 3 })), context())).resolves.toEqual({ id: 'ev3', count: 5 });
    await expect(fn.handler(Buffer.from('{"id":"fail"}'), context())).rejects.toThrow(RangeError);
    await expect(fn.handler(Buffer.from('{"id":"http-error"}'), context())).rejects.toBeInstanceOf(HttpError);
    const line = context();
    await fn.handler(Buffer.from(JSON.stringify({ id: 'ev3', by: 1 })), line);
    expect(line.lines[0]).toMatch(/trigger=event durationMs=\S+ calls=1 requests=1 failures=0 readCU=\d+ writeCU=1$/);
  });

  it('a JSON event that is not an HTTP document is an event, and a definition without `event` refuses it', async () => {
    const onlyHttp = defineFunction({ ...itemsDefinition(), event: undefined });
    await expect(onlyHttp.handler(Buffer.from('{"version":"v1","rawPath":"/x"}'), context())).rejects.toBeInstanceOf(FunctionDefinitionError);
    const onlyEvent = defineFunction({ ...itemsDefinition(), http: undefined, event: async (e) => e.toString() });
    const doc = fc3Http('GET', '/items/a');
    await expect(onlyEvent.handler(doc, context())).resolves.toBe(doc.toString());
  });
});

describe('FC 2.0 event trigger ((event, context, callback))', () => {
  const fn = defineFunction(itemsDefinition());

  function call(event: Buffer | string, ctx: FcContext = context()): Promise<{ calls: unknown[][]; ret: unknown }> {
    return new Promise((resolve) => {
      const calls: unknown[][] = [];
      const ret = fn.handler(event, ctx, (...args: unknown[]) => {
        calls.push(args);
        // wait a little so a second call would be seen
        setTimeout(() => resolve({ calls, ret }), 50);
      });
    });
  }

  it('calls the callback exactly once with (null, result) on success', async () => {
    await new Promise<void>((resolve, reject) => fn.initializer(context(), (e) => (e ? reject(e) : resolve())));
    const { calls, ret } = await call(JSON.stringify({ id: 'ev2', by: 4 }));
    expect(ret).toBeUndefined(); // callback style: nothing returned
    expect(calls).toEqual([[null, { id: 'ev2', count: 4 }]]);
  });

  it('calls the callback exactly once with (err) on error', async () => {
    const { calls } = await call('{"id":"fail"}');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toHaveLength(1);
    expect(calls[0][0]).toBeInstanceOf(RangeError);
    const notJson = await call('not json');
    expect(notJson.calls).toHaveLength(1);
    expect(notJson.calls[0][0]).toBeInstanceOf(SyntaxError);
  });

  it('an HTTP document arriving with a callback is answered through the callback in the FC 3.0 result shape', async () => {
    const { calls } = await call(fc3Http('GET', '/teapot'));
    expect(calls).toHaveLength(1);
    expect(calls[0][0]).toBeNull();
    expect(calls[0][1]).toMatchObject({ statusCode: 418, isBase64Encoded: false });
  });
});

describe('FC 2.0 HTTP trigger ((req, resp, context))', () => {
  const fn = defineFunction(itemsDefinition());

  function call(req: Record<string, unknown>, ctx: FcContext = context()) {
    return new Promise<{ status: number; headers: Record<string, string>; body: Buffer | string; sends: number }>((resolve) => {
      let status = 200;
      let sends = 0;
      const headers: Record<string, string> = {};
      fn.handler(
        req,
        {
          setStatusCode: (s: number) => (status = s),
          setHeader: (k: string, v: string) => (headers[k] = v),
          deleteHeader: (k: string) => delete headers[k],
          send: (body: Buffer | string) => {
            sends++;
            setTimeout(() => resolve({ status, headers, body, sends }), 50);
          },
        },
        ctx,
      );
    });
  }

  it('answers with resp.setStatusCode / setHeader / send, once', async () => {
    const put = await call({
      method: 'PUT',
      path: '/items/b',
      headers: { 'Content-Type': 'application/json' },
      queries: {},
      body: Buffer.from(JSON.stringify({ data: Buffer.from([7]).toString('base64') })),
    });
    expect(put).toEqual({ status: 201, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"id":"b"}', sends: 1 });
    const echo = await call({ method: 'GET', path: '/echo', headers: { 'X-A': ['1', '2'] }, queries: { q: ['x', 'y'] }, body: Buffer.alloc(0) });
    expect(JSON.parse(echo.body.toString())).toEqual({ method: 'GET', headers: { 'x-a': '1,2' }, query: { q: 'x,y' }, text: '' });
    const bytes = await call({ method: 'POST', path: '/bytes', headers: {}, body: Buffer.from([9]) });
    expect(Buffer.isBuffer(bytes.body) && [...bytes.body]).toEqual([9, 0xff, 0]);
  });

  it('reads the body from the request stream on runtimes without req.body', async () => {
    const { Readable } = await import('node:stream');
    const req = Object.assign(Readable.from([Buffer.from('str'), Buffer.from('eam')]), { method: 'POST', path: '/echo', headers: {}, queries: {} });
    const res = await call(req as unknown as Record<string, unknown>);
    expect(JSON.parse(res.body.toString()).text).toBe('stream');
  });

  it('an HttpError becomes its response; an unexpected error is logged and answered 500 (never left hanging)', async () => {
    const tea = await call({ method: 'GET', path: '/teapot', headers: {} });
    expect(tea).toMatchObject({ status: 418, headers: { 'x-why': 'tea' }, sends: 1 });
    const ctx = context();
    const boom = await call({ method: 'GET', path: '/boom', headers: {} }, ctx);
    expect(boom).toMatchObject({ status: 500, body: '{"error":"Internal Server Error"}', sends: 1 });
    expect(ctx.errors).toHaveLength(1);
    expect(ctx.errors[0][1]).toBeInstanceOf(TypeError);
  });
});

describe('instance lifecycle', () => {
  it('without an initializer, the first invocation initialises lazily and warns once', async () => {
    const fn = defineFunction(itemsDefinition());
    const first = context();
    const second = context();
    await fn.handler(fc3Http('GET', '/items/a'), first);
    await fn.handler(fc3Http('GET', '/items/a'), second);
    expect(first.warnings).toHaveLength(1);
    expect(first.warnings[0]).toMatch(/no initializer ran/);
    expect(second.warnings).toHaveLength(0);
  });

  it('concurrent first invocations share one initialisation and one client', async () => {
    let inits = 0;
    const fn = defineFunction(itemsDefinition({ initialize: async () => void (inits++, await sleep(20)) }));
    const results = (await Promise.all([1, 2, 3].map(() => fn.handler(fc3Http('GET', '/items/a'), context())))) as Fc3HttpResult[];
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect(inits).toBe(1);
  });

  it('a failed initializer fails that invocation and is tried again on the next; success is remembered', async () => {
    let attempts = 0;
    const fn = defineFunction(
      itemsDefinition({
        initialize: async ({ repo }) => {
          attempts++;
          if (attempts === 1) throw new Error('warm-up failed');
          await repo(Item).get({ id: 'a' }); // TableStore calls in the initializer are counted in its log line
        },
      }),
    );
    const initCtx = context({ requestId: 'init-1' });
    const err = await new Promise<unknown>((resolve) => fn.initializer(initCtx, (e) => resolve(e)));
    expect(err).toBeInstanceOf(FunctionInitializationError);
    expect((err as Error).message).toMatch(/warm-up failed/);
    expect(initCtx.lines[0]).toMatch(/^tsorm initializer requestId=init-1 durationMs=/);

    const ok = (await fn.handler(fc3Http('GET', '/items/a'), context())) as Fc3HttpResult; // retried lazily
    expect(ok.statusCode).toBe(200);
    expect(attempts).toBe(2);
    await fn.handler(fc3Http('GET', '/items/a'), context());
    await fn.initializer(context()); // already initialised: nothing to do
    expect(attempts).toBe(2);
  });

  it('configuration errors name what is missing, fail the invocation, and the next one recovers', async () => {
    const b = backend();
    const fn = defineFunction({ ...itemsDefinition(), connection: {} });
    const env = { [Symbol.for('tsorm.fc.env')]: { TABLESTORE_INSTANCE: b.instance } } as Partial<FcContext>;
    await expect(fn.initializer(context(env))).rejects.toThrow(/cannot connect to TableStore: missing endpoint .*TABLESTORE_ENDPOINT/);
    await expect(fn.handler(fc3Http('GET', '/items/a'), context(env))).rejects.toBeInstanceOf(FunctionInitializationError);
    const fixed = { [Symbol.for('tsorm.fc.env')]: { TABLESTORE_ENDPOINT: b.endpoint, TABLESTORE_INSTANCE: b.instance } } as Partial<FcContext>;
    expect(((await fn.handler(fc3Http('GET', '/items/a'), context(fixed))) as Fc3HttpResult).statusCode).toBe(200);
  });

  it('preStop runs the hook and closes the client; preFreeze runs its hook', async () => {
    const seen: string[] = [];
    const fn = defineFunction(
      itemsDefinition({
        preStop: async ({ repo }) => void seen.push(`stop ${(await repo(Item).get({ id: 'a' }))?.id}`),
        preFreeze: () => void seen.push('freeze'),
      }),
    );
    await fn.initializer(context());
    await new Promise<void>((resolve, reject) => fn.preFreeze(context(), (e) => (e ? reject(e) : resolve())));
    await fn.preStop(context());
    expect(seen).toEqual(['freeze', 'stop a']);
  });

  it('rejects definitions it cannot use', () => {
    expect(() => defineFunction({})).toThrow(FunctionDefinitionError);
    expect(() => defineFunction({ http: 'x' as never })).toThrow(/`http` must be a function/);
    expect(() => defineFunction({ http: async () => undefined, entities: [class NotAnEntity {}] })).toThrow(/is not an entity/);
  });
});

describe('deadline from the function timeout', () => {
  it('TableStore calls give up before FC would kill the function', async () => {
    let deadline: number | undefined;
    const fn = defineFunction(
      itemsDefinition({
        deadlineMarginMs: 200,
        http: async (_req, tools) => {
          deadline = tools.deadline;
          await sleep(tools.remainingMs() + 20); // the handler used up its time
          return { body: await tools.repo(Item).get({ id: 'a' }) };
        },
      }),
    );
    await fn.initializer(context());
    const started = Date.now();
    await expect(fn.handler(fc3Http('GET', '/x'), context({ function: { timeout: 1 } }))).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(deadline! - started).toBeGreaterThanOrEqual(790);
    expect(deadline! - started).toBeLessThanOrEqual(810);
  });
});

describe('credential rotation', () => {
  const pairs = { 'sts-key-1': 'secret-1', 'sts-key-2': 'secret-2' };
  let emu: Awaited<ReturnType<typeof startEmulator>>;
  beforeAll(async () => {
    emu = await startEmulator({ port: 0, inMemory: true, accessKeyId: 'owner', accessKeySecret: 'owner-secret', keys: pairs });
    const { connect } = await import('../../src');
    const db = connect({ endpoint: emu.endpoint, instance: emu.instance, accessKeyId: 'owner', accessKeySecret: 'owner-secret' });
    await createTables(db, Item);
    db.close();
  });
  afterAll(() => emu?.close());

  it('each invocation signs with the credentials of its context, as the emulator sees them', async () => {
    const seen: string[] = [];
    const fn = defineFunction({
      entities: [Item],
      connection: { endpoint: emu.endpoint, instance: emu.instance },
      http: async (_req, { repo, client }) => {
        seen.push(client.accessKeyId);
        await repo(Item).get({ id: 'a' });
        return { body: 'ok' };
      },
    });
    const withKey = (accessKeyId: string, accessKeySecret: string) => context({ credentials: { accessKeyId, accessKeySecret, securityToken: 'token' } });

    await fn.initializer(withKey('sts-key-1', 'secret-1'));
    expect(((await fn.handler(fc3Http('GET', '/'), withKey('sts-key-1', 'secret-1'))) as Fc3HttpResult).statusCode).toBe(200);
    expect(((await fn.handler(fc3Http('GET', '/'), withKey('sts-key-2', 'secret-2'))) as Fc3HttpResult).statusCode).toBe(200);
    // A key the emulator does not know: the rotated credentials really are the ones on the wire.
    await expect(fn.handler(fc3Http('GET', '/'), withKey('revoked-key', 'whatever'))).rejects.toBeInstanceOf(AccessDeniedError);
    // The right id with a stale secret: the signature is checked with the new secret too.
    await expect(fn.handler(fc3Http('GET', '/'), withKey('sts-key-1', 'secret-2'))).rejects.toBeInstanceOf(AccessDeniedError);
    expect(((await fn.handler(fc3Http('GET', '/'), withKey('sts-key-1', 'secret-1'))) as Fc3HttpResult).statusCode).toBe(200);
    expect(seen).toEqual(['sts-key-1', 'sts-key-2', 'revoked-key', 'sts-key-1', 'sts-key-1']);
  });
});
