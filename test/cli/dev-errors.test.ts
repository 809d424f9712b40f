/**
 * `tsorm dev` reports failures as FC does (function-compute.md "Errors as callers see them"), here in the FC 2.0
 * call shapes (`--fc2`), on a small hand-written project in a temp dir (its `tsorm/fc` import resolves to the
 * built CLI's own copy, as the loader promises for a globally installed CLI):
 *
 * - `callback(err)` → HandledInvocationError; a throw → UnhandledInvocationError;
 * - a failing initializer → InitializationError, and the next call gets a new instance (initializer again);
 * - a module that does not load → reported at start, then InitializationError;
 * - an FC 2.0 HTTP handler `(req, resp, context)` behind real HTTP; its throw → 502 with x-fc-error-type;
 * - a function's own memorySize, environment and FC_* variables reach its instance.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, requireBuild } from '../support/emulator-process';

const S_YAML = `edition: 3.0.0
name: errors
vars:
  level: verbose
resources:
  cb:
    component: fc3
    props:
      functionName: cb
      handler: cb.handler
      memorySize: 128
      timeout: 5
      environmentVariables:
        LEVEL: \${vars.level}
  boom:
    component: fc3
    props:
      functionName: boom
      handler: boom.handler
      timeout: 5
      instanceLifecycleConfig:
        initializer:
          handler: boom.initializer
          timeout: 5
  broken:
    component: fc3
    props:
      functionName: broken
      handler: broken.handler
  web:
    component: fc3
    props:
      functionName: web
      handler: web.handler
      triggers:
        - triggerName: http
          triggerType: http
          triggerConfig:
            methods: [GET]
`;

const SOURCES: Record<string, string> = {
  'cb.ts': `export function handler(event: Buffer, context: any, callback: (e: unknown, d?: unknown) => void) {
  const { mode } = JSON.parse(event.toString());
  if (mode === 'throw') throw new RangeError('thrown');
  if (mode === 'callback') return callback(new Error('reported'));
  callback(null, { level: process.env.LEVEL, memory: context.function.memory, name: process.env.FC_FUNCTION_NAME, heapMb: Math.round(require('node:v8').getHeapStatistics().heap_size_limit / 1048576) });
}
`,
  'boom.ts': `let n = 0;
export function initializer(_context: unknown, callback: (e?: unknown) => void) {
  n++;
  console.log('initializer attempt ' + n + ' in pid ' + process.pid);
  callback(new Error('no database today'));
}
export function handler(_e: Buffer, _c: unknown, callback: (e: unknown, d?: unknown) => void) { callback(null, 'never'); }
`,
  'broken.ts': `throw new Error('this module does not load');\n`,
  'web.ts': `export function handler(req: any, resp: any) {
  if (req.queries.fail) throw new Error('web failed');
  resp.setStatusCode(201);
  resp.setHeader('x-answer', 'yes');
  resp.send('hi ' + req.method + ' ' + req.path + ' q=' + req.queries.q);
}
`,
};

let dir: string;
let proc: ReturnType<typeof spawn>;
let out = '';

function call(url: string, body?: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: body === undefined ? 'GET' : 'POST' }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function waitFor(re: RegExp): Promise<RegExpMatchArray> {
  for (let i = 0; i < 600; i++) {
    const m = out.match(re);
    if (m) return m;
    if (proc.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ${re} in:\n${out}`);
}

beforeAll(async () => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'tsorm-dev-errors-'));
  writeFileSync(join(dir, 's.yaml'), S_YAML);
  for (const [name, text] of Object.entries(SOURCES)) writeFileSync(join(dir, name), text);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TABLESTORE_') && !k.startsWith('TSORM_')));
  proc = spawn(process.execPath, [BIN, 'dev', '--port', '0', '--in-memory', '--fc2', '--no-watch'], { cwd: dir, env });
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  await waitFor(/^tsorm dev: ready; Ctrl-C stops$/m);
}, 60_000);

afterAll(async () => {
  if (proc && proc.exitCode === null) {
    proc.kill('SIGINT');
    await new Promise((r) => proc.once('exit', r));
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const invokeUrl = (name: string) => `${out.match(/POST (http:\/\/127\.0\.0\.1:\d+)\/2023-03-30\//)![1]}/2023-03-30/functions/${name}/invocations`;

describe('tsorm dev: FC error types, FC 2.0 shapes', () => {
  it('callback(err) is HandledInvocationError, a throw UnhandledInvocationError; the function gets its memory and env', async () => {
    const ok = await call(invokeUrl('cb'), '{"mode":"ok"}');
    expect(ok.headers['x-fc-error-type']).toBeUndefined();
    const body = JSON.parse(ok.body);
    expect(body).toMatchObject({ level: 'verbose', memory: 128, name: 'cb' });
    // memorySize bounds the heap: V8 reports the limit it was given (plus its own small reserve).
    expect(body.heapMb).toBeGreaterThanOrEqual(128);
    expect(body.heapMb).toBeLessThan(256);
    const handled = await call(invokeUrl('cb'), '{"mode":"callback"}');
    expect([handled.status, handled.headers['x-fc-error-type'], JSON.parse(handled.body).errorMessage]).toEqual([200, 'HandledInvocationError', 'reported']);
    const unhandled = await call(invokeUrl('cb'), '{"mode":"throw"}');
    expect([unhandled.headers['x-fc-error-type'], JSON.parse(unhandled.body)]).toEqual(['UnhandledInvocationError', expect.objectContaining({ errorType: 'RangeError', errorMessage: 'thrown' })]);
    expect(JSON.parse(unhandled.body).stackTrace.some((l: string) => /cb\.ts:3/.test(l))).toBe(true); // source-mapped
  });

  it('a failing initializer is InitializationError, and the next call runs it again on a new instance', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await call(invokeUrl('boom'), '{}');
      expect([r.headers['x-fc-error-type'], JSON.parse(r.body).errorMessage]).toEqual(['InitializationError', 'no database today']);
    }
    const pids = [...out.matchAll(/^\[boom\] initializer attempt 1 in pid (\d+)$/gm)].map((m) => m[1]);
    expect(new Set(pids).size).toBe(2); // attempt 1 each time: a new process, not a retry in the old one
    expect(out.match(/^\[boom\] the instance did not initialize; the next call gets a new one$/gm)).toHaveLength(2);
  });

  it('a module that does not load is reported at start, then as InitializationError', async () => {
    expect(out).toMatch(/^\[broken\] the module does not load: cannot load \S+broken\.ts: this module does not load/m);
    const r = await call(invokeUrl('broken'), '{}');
    expect([r.headers['x-fc-error-type'], JSON.parse(r.body).errorMessage]).toEqual(['InitializationError', expect.stringMatching(/broken\.ts: this module does not load$/)]);
  });

  it('real HTTP to an FC 2.0 (req, resp, context) handler; its throw is a 502 with the error type', async () => {
    const web = out.match(/^ {2}web +HTTP +(http:\/\/127\.0\.0\.1:\d+)\/ /m)![1];
    const r = await call(`${web}/hello/there?q=1`);
    expect([r.status, r.headers['x-answer'], r.body]).toEqual([201, 'yes', 'hi GET /hello/there q=1']);
    const failed = await call(`${web}/x?fail=1`);
    expect([failed.status, failed.headers['x-fc-error-type'], JSON.parse(failed.body).errorMessage]).toEqual([502, 'UnhandledInvocationError', 'web failed']);
    expect(out).toMatch(/^\[web\] FC Invoke End RequestId: \S+, Trigger: http GET \/hello\/there, Duration: [\d.]+ ms, Memory Size: 512 MB/m);
  });
});
