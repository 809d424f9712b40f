/**
 * `tsorm/testing`: the in-process emulator, table creation from entities or a function module, and the local
 * FC runtime behind `invoke()` (initializer once per instance, call shapes, timeouts, misuse detection).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Column, PrimaryKey, PrimaryKeys, Table } from '../../src';
import { defineFunction } from '../../src/fc';
import {
  CallbackReusedError,
  createTables,
  FunctionTimeoutError,
  HandlerNotFoundError,
  invoke,
  resetInstance,
  startEmulator,
  type TestEmulator,
} from '../../src/testing';

@Table('testing_counters')
class Counter {
  declare readonly [PrimaryKeys]?: 'name';
  @PrimaryKey() name!: string;
  @Column({ type: 'int64' }) value!: number;
}

const fn = defineFunction({
  entities: [Counter],
  http: async (req, { repo, ctx, remainingMs }) => {
    const value = await repo(Counter).increment({ name: req.path.slice(1) }, 'value', 1, { expect: 'any' });
    return { body: { value, requestId: ctx.requestId, timeout: ctx.function?.timeout, budget: remainingMs() } };
  },
  event: async (event) => event.toString().toUpperCase(),
});
const counterModule = { ...fn };

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());

describe('startEmulator + createTables', () => {
  it('starts in memory on a free port and creates the tables of a function module once', async () => {
    expect(emu.storage).toBe('in memory');
    expect(emu.port).toBeGreaterThan(0);
    expect(emu.env.TABLESTORE_ENDPOINT).toBe(emu.endpoint);
    expect(await createTables(emu, counterModule)).toEqual(['testing_counters']);
    expect(await createTables(emu, Counter)).toEqual([]); // exists already
    const db = emu.connect();
    expect((await db.client.call('listTable', {})).tableNames).toContain('testing_counters');
    db.close();
  });
});

describe('invoke', () => {
  it('uses the latest started emulator, runs the initializer once, and passes an FC-like context', async () => {
    resetInstance(counterModule);
    const first = await invoke(counterModule, { http: 'GET /a', requestId: 'r-1', timeout: 5 });
    expect(first.initialized).toBe(true);
    expect(first.json()).toMatchObject({ value: 1, requestId: 'r-1', timeout: 5 });
    expect(first.json().budget).toBeGreaterThan(4000);
    expect(first.json().budget).toBeLessThanOrEqual(4500); // 5 s minus the default margin (a tenth)
    const second = await invoke(counterModule, { http: 'GET /a' });
    expect(second.initialized).toBe(false);
    expect(second.json().value).toBe(2);
    expect(second.logs).toHaveLength(1);
    expect(second.logs[0]).toMatch(/^\S+Z \S+ \[INFO\] tsorm invocation requestId=\S+ trigger=http method=GET path=\/a status=200/);
  });

  it('resetInstance makes the next invocation a cold start', async () => {
    resetInstance(counterModule);
    expect((await invoke(counterModule, { http: 'GET /b' })).initialized).toBe(true);
  });

  it('runs events in both runtimes', async () => {
    expect((await invoke(counterModule, { event: 'hi' })).result).toBe('HI');
    expect((await invoke(counterModule, { event: Buffer.from('yo'), runtime: 'fc2' })).result).toBe('YO');
  });

  it('runs plain handlers too: initializer once, FC 2.0 callbacks, and reports misuse', async () => {
    let inits = 0;
    const plain = {
      initializer: (_ctx: unknown, cb: (e: unknown) => void) => {
        inits++;
        cb(null);
      },
      handler: (event: Buffer, _ctx: unknown, cb: (e: unknown, d?: unknown) => void) => {
        cb(null, `got ${event.toString()}`);
        if (event.toString() === 'twice') cb(null, 'again');
      },
      slow: async () => new Promise(() => undefined),
      fc2http: (_req: unknown, resp: { setStatusCode(s: number): void; setHeader(k: string, v: string): void; send(b: string): void }) => {
        resp.setStatusCode(202);
        resp.setHeader('X-Plain', '1');
        resp.send('accepted');
      },
    };
    expect((await invoke(plain, { event: 'x', runtime: 'fc2' })).result).toBe('got x');
    expect((await invoke(plain, { event: 'y', runtime: 'fc2' })).result).toBe('got y');
    expect(inits).toBe(1);
    // a second callback call is misuse: the invocation rejects even though an answer arrived first
    await expect(invoke(plain, { event: 'twice', runtime: 'fc2' })).rejects.toBeInstanceOf(CallbackReusedError);
    const http = await invoke(plain, { http: 'POST /x', runtime: 'fc2', handler: 'fc2http' });
    expect(http).toMatchObject({ statusCode: 202, headers: { 'x-plain': '1' } });
    expect(http.text()).toBe('accepted');
    await expect(invoke(plain, { event: 'z', handler: 'slow', timeout: 0.2 })).rejects.toBeInstanceOf(FunctionTimeoutError);
    await expect(invoke(plain, { event: 'z', handler: 'nope' })).rejects.toThrow(HandlerNotFoundError);
    await expect(invoke(plain, { event: 'z', handler: 'nope' })).rejects.toThrow(/its function exports: initializer, handler, slow, fc2http/);
  });

  it('a callback called twice before the answer is taken rejects with CallbackReusedError', async () => {
    const eager = { handler: (_e: unknown, _c: unknown, cb: (e: unknown, d?: unknown) => void) => (cb(new Error('first')), cb(null, 'second')) };
    // the error arrives first and rejects; the second call is reported on the context logger
    await expect(invoke(eager, { event: '', runtime: 'fc2', initializer: false })).rejects.toThrow('first');
    const doubled = { handler: (_e: unknown, _c: unknown, cb: (e: unknown, d?: unknown) => void) => Promise.resolve().then(() => (cb(null, 1), cb(null, 2))) };
    const logs: string[] = [];
    const r = await invoke(doubled, { event: '', runtime: 'fc2', initializer: false, onLog: (l) => logs.push(l) }).catch((e: unknown) => e);
    expect(r).toBeInstanceOf(CallbackReusedError);
    expect(logs.join('\n')).toMatch(/called 2 times/);
  });

  it('rejects with the handler error, and says what it expected from a bad HTTP result', async () => {
    const failing = { handler: async () => Promise.reject(new RangeError('nope')) };
    await expect(invoke(failing, { event: '', initializer: false })).rejects.toThrow(RangeError);
    const wrong = { handler: async () => 'just text' };
    await expect(invoke(wrong, { http: 'GET /', initializer: false })).rejects.toThrow(/did not return an FC 3.0 HTTP result/);
    await expect(invoke(wrong, { http: 'GET' as never, initializer: false })).rejects.toThrow(/METHOD \/path/);
  });
});
