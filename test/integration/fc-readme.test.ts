/**
 * The README's FC adapter section: examples/fc-quickstart.ts is shown verbatim in both READMEs, and it works
 * as the README's `tsorm/testing` snippet says (in-process emulator, tables from the module, invoke).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as fn from '../../examples/fc-quickstart';
import { createTables, invoke, startEmulator, type TestEmulator } from '../../src/testing';

const root = join(__dirname, '../..');
let emu: TestEmulator | undefined;
afterAll(() => emu?.close());

describe('README: FC adapter', () => {
  it('runs examples/fc-quickstart.ts as the README says', async () => {
    emu = await startEmulator(); // in process, in memory, on a free port
    await createTables(emu, fn); // the tables of the function's entities
    const res = await invoke(fn, { http: { method: 'POST', path: '/home', headers: { referer: 'https://example.com' } } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ page: 'home', referrer: 'https://example.com', id: expect.stringMatching(/^\d+$/) });
    expect(res.logs.at(-1)).toMatch(/tsorm invocation .* status=201 .* calls=1 requests=1 failures=0 readCU=0 writeCU=1$/);
    const list = await invoke(fn, { http: 'GET /home', runtime: 'fc2' });
    expect(list.json().items).toHaveLength(1);
    expect((await invoke(fn, { http: 'GET /' })).statusCode).toBe(400);
  });

  it.each(['README.md', 'README.zh-CN.md'])('%s shows the handler verbatim and documents invoke, testing and deployment', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    expect(text).toContain(readFileSync(join(root, 'examples/fc-quickstart.ts'), 'utf8').trim());
    expect(text).toContain('tsorm invoke <module>[#export]');
    expect(text).toContain("from 'tsorm/testing'");
    expect(text).toContain('examples/app/DEPLOY.md');
    expect(text).toContain('npm ci && npm start');
    expect(text).toContain('npm run emulator');
  });
});
