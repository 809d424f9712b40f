/**
 * `tsorm studio` driven in a real Chromium (Debian's `chromium`, through playwright-core): the built binary
 * runs in a project folder against an emulator this file starts and fills, as a user would run it against an
 * instance. One browser for the whole file. Needs `npm run build` (the page is built into dist).
 */
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TableStoreClient } from '../../src/client/client';
import { toSdkInt64 } from '../../src/codec/sdk-values';
import { Condition, RowExistenceExpectation } from '../../src/client/values';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { ROOT } from '../support/emulator-process';
import { configFile, Project, type Running } from '../support/migrate-project';
import { FT } from '../support/search';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const BIG = 'studio_big';
const NOTES = 'studio_notes';
const VERSIONS = 'studio_versions';
const ROWS = 10_000;
const HUGE = '9007199254740993'; // 2^53 + 1: a JS number would show ...992
const BYTES = Buffer.from([0x00, 0xff, 0x10, 0x7f, 0x80]);
const SCREENSHOT = join(ROOT, 'docs', 'studio.png');

let emu: RunningEmulator;
let client: TableStoreClient;
let browser: Browser;
let project: Project;
let rw: { run: Running; url: string };
let ro: { run: Running; url: string };

const entities = `import { Length } from 'class-validator';
import { Column, PrimaryKey, Table } from 'tsorm';

@Table('${NOTES}')
export class StudioNote {
  @PrimaryKey() id!: string;
  @Column() @Length(1, 10) title!: string;
  @Column() createdAt?: Date;
  @Column({ type: 'json' }) meta?: unknown;
}
`;

async function startStudio(args: string[]): Promise<{ run: Running; url: string }> {
  const run = project.start(['studio', ...args]);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const m = /tsorm studio: (http:\/\/\S+)\n.*Ctrl-C stops\./.exec(run.stdout()); // both lines: stdout may arrive in pieces
    if (m) return { run, url: m[1] };
    if (run.proc.exitCode !== null || Date.now() > deadline) throw new Error(`studio did not start:\n${run.stdout()}\n${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A table keyed by one STRING column `id`. */
async function createIdTable(name: string, maxVersions = 1): Promise<void> {
  await client.call('createTable', {
    tableMeta: { tableName: name, primaryKey: [{ name: 'id', type: 'STRING' }] },
    reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
    tableOptions: { timeToLive: -1, maxVersions },
  });
}

async function seed(): Promise<void> {
  const pk = (n: number) => [{ p: 'a' }, { n: toSdkInt64(BigInt(n)) }];
  await client.call('createTable', {
    tableMeta: { tableName: BIG, primaryKey: [{ name: 'p', type: 'STRING' }, { name: 'n', type: 'INTEGER' }] },
    reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
    tableOptions: { timeToLive: -1, maxVersions: 1 },
  });
  for (let start = 0; start < ROWS; start += 200) {
    const rows = [];
    for (let n = start; n < start + 200; n++) {
      rows.push({ type: 'PUT' as const, condition: new Condition(RowExistenceExpectation.IGNORE, null), primaryKey: pk(n), attributeColumns: [{ label: `row ${n}` }, { v: toSdkInt64(BigInt(n % 100)) }] });
    }
    await client.call('batchWriteRow', { tables: [{ tableName: BIG, rows }] } as never);
  }
  await client.call('putRow', {
    tableName: BIG,
    condition: new Condition(RowExistenceExpectation.IGNORE, null),
    primaryKey: pk(0) as never,
    attributeColumns: [{ label: 'row 0' }, { v: toSdkInt64(0n) }, { huge: toSdkInt64(BigInt(HUGE)) }, { bytes: BYTES }] as never,
  });
  await createIdTable(VERSIONS, 3);
  const t0 = Date.now() - 60_000;
  for (const [i, text] of ['first draft', 'second draft'].entries()) {
    await client.call('updateRow', { tableName: VERSIONS, condition: new Condition(RowExistenceExpectation.IGNORE, null), primaryKey: [{ id: 'doc' }], updateOfAttributeColumns: [{ PUT: [{ body: text, timestamp: t0 + i * 1000 }] }] } as never);
  }
  await createIdTable(NOTES);
  await client.call('putRow', {
    tableName: NOTES,
    condition: new Condition(RowExistenceExpectation.IGNORE, null),
    primaryKey: [{ id: 'n1' }],
    attributeColumns: [{ title: 'first' }, { createdAt: toSdkInt64(1764000000000n) }, { meta: '{"tags":["a","b"]}' }] as never,
  });
}

async function open(url: string): Promise<Page> {
  const page = await browser.newPage({ locale: 'en-US', viewport: { width: 1280, height: 860 } });
  if (process.env.STUDIO_DEBUG) page.on('response', (r) => void r.text().then((t) => console.log(r.url(), r.status(), t.slice(0, 300))).catch(() => undefined));
  await page.goto(url);
  await page.getByTestId('mode').waitFor();
  return page;
}

async function openTable(page: Page, table: string): Promise<void> {
  await page.getByTestId(`table-${table}`).click();
  await page.waitForFunction((t) => (globalThis as any).document.querySelector('[data-testid="table-details"] summary strong')?.textContent === t, table);
  await page.getByTestId('rows').waitFor();
}

/** A column's latest value in the table, read with the SDK (not through the studio). */
async function stored(table: string, primaryKey: Array<Record<string, unknown>>, column: string): Promise<unknown> {
  const res = await client.call('getRow', { tableName: table, primaryKey: primaryKey as never });
  return res.row.attributes?.find((a) => a.columnName === column)?.columnValue;
}

/** Waits until the first shown row's `n` is `n` (the page has rendered the page asked for). */
function firstRowIs(page: Page, n: string): Promise<unknown> {
  return page.waitForFunction((want) => (globalThis as any).document.querySelector('[data-testid="row"] td.pk:nth-child(2)')?.textContent === want, n);
}

/** The primary-key `n` of every shown row, as the page prints it. */
async function shownN(page: Page): Promise<string[]> {
  return page.locator('[data-testid="row"] td.pk:nth-child(2)').allTextContents();
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk (or set CHROMIUM_PATH)`);
  emu = await startEmulator({ port: 0, inMemory: true });
  client = new TableStoreClient({ endpoint: emu.endpoint, instance: emu.instance, accessKeyId: emu.accessKeyId, accessKeySecret: emu.accessKeySecret });
  await seed();
  project = new Project(
    { endpoint: emu.endpoint, instance: emu.instance, accessKeyId: emu.accessKeyId, accessKeySecret: emu.accessKeySecret },
    { 'tsorm.config.ts': configFile({ historyTable: 'studio_history' }), 'entities.ts': entities },
  );
  [rw, ro, browser] = await Promise.all([startStudio(['--write']), startStudio([]), chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const s of [rw, ro]) s?.run.proc.kill('SIGTERM');
  await Promise.all([rw, ro].map((s) => s?.run.exited));
  client?.close();
  await emu?.close();
  project?.remove();
});

describe('tsorm studio in Chromium', () => {
  it('pages through 10,000 rows forward and backward, with the cost of each page', async () => {
    const page = await open(rw.url);
    await openTable(page, BIG);
    expect(await shownN(page)).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
    for (let p = 1; p <= 3; p++) {
      await page.getByTestId('next').click();
      await firstRowIs(page, String(p * 50));
    }
    expect((await shownN(page))[0]).toBe('150');
    await page.getByTestId('prev').click();
    await firstRowIs(page, '100');
    expect(await shownN(page)).toEqual(Array.from({ length: 50 }, (_, i) => String(100 + i)));
    await expect(page.getByTestId('cost').textContent()).resolves.toMatch(/calls 1 · read CU \d+ · write CU 0 · ≈ \$[\d.]+ per million such requests/);
    // Descending from the end of the table: the last rows first, then back up.
    await page.getByTestId('order').selectOption('desc');
    await page.getByTestId('load').click();
    await firstRowIs(page, '9999');
    await page.getByTestId('next').click();
    await firstRowIs(page, '9949');
    await page.getByTestId('prev').click();
    await firstRowIs(page, '9999');
    expect(await page.getByTestId('prev').isDisabled()).toBe(true);
    await page.close();
  });

  it('shows int64 above 2^53 exactly and binary values with their length', async () => {
    const page = await open(ro.url);
    await openTable(page, BIG);
    const first = page.getByTestId('row').first();
    await expect(first.textContent()).resolves.toContain(HUGE);
    await expect(first.getByTestId('binary').textContent()).resolves.toBe(`${BYTES.toString('hex')} 5 bytes`);
    await page.getByTestId('binary-as').selectOption('base64');
    await expect(first.getByTestId('binary').textContent()).resolves.toBe(`${BYTES.toString('base64')} 5 bytes`);
    // maxVersions 3: the latest value, and every kept version behind it.
    await openTable(page, VERSIONS);
    const doc = page.getByTestId('row').first();
    await expect(doc.locator('td').nth(1).textContent()).resolves.toMatch(/^second draft2 versions/);
    await doc.locator('summary').click();
    await expect(doc.locator('details li').allTextContents()).resolves.toEqual([expect.stringMatching(/Z second draft$/), expect.stringMatching(/Z first draft$/)]);
    await page.close();
  });

  it('filters rows with column conditions and a key prefix', async () => {
    const page = await open(rw.url);
    await openTable(page, BIG);
    await page.getByTestId('add-condition').click();
    await page.getByTestId('cond-column-0').fill('v');
    await page.getByTestId('cond-op-0').selectOption('=');
    await page.locator('[data-testid="cond-value-0"] + select').selectOption('INTEGER');
    // Malformed input: a clear message on the page, and the server keeps serving.
    await page.getByTestId('cond-value-0').fill('forty-two');
    await page.getByTestId('load').click();
    await expect(page.getByTestId('message-error').textContent()).resolves.toBe('Error: v: "forty-two" is not an integer');
    await page.getByTestId('cond-value-0').fill('42');
    await page.getByTestId('load').click();
    await firstRowIs(page, '42');
    expect(await shownN(page)).toEqual(Array.from({ length: 50 }, (_, i) => String(42 + i * 100)));
    await page.getByTestId('next').click();
    await firstRowIs(page, '5042');
    await page.close();
  });

  it('edits through the entity: a validation error on the field, then a valid value', async () => {
    const page = await open(rw.url);
    await openTable(page, NOTES);
    await expect(page.getByTestId('entity').textContent()).resolves.toContain('StudioNote');
    const row = page.getByTestId('row').first();
    await expect(row.textContent()).resolves.toContain('2025-11-24T16:00:00.000Z'); // createdAt shown as a Date
    await expect(row.locator('pre.json').textContent()).resolves.toBe('{\n  "tags": [\n    "a",\n    "b"\n  ]\n}');
    await row.click();
    await page.getByTestId('col-title').fill('far too long for ten');
    await page.getByTestId('save').click();
    await expect(page.locator('.field.has-error .field-error').first().textContent()).resolves.toMatch(/title must be shorter than or equal to 10 characters/);
    await page.getByTestId('col-title').fill('short');
    await page.getByTestId('save').click();
    await page.getByTestId('message-ok').waitFor();
    expect(await stored(NOTES, [{ id: 'n1' }], 'title')).toBe('short');
    await page.close();
  });

  it('reports a concurrent change instead of overwriting it', async () => {
    const page = await open(rw.url);
    await openTable(page, BIG);
    await page.getByTestId('row').nth(1).click();
    // Someone else changes the row after the page read it.
    await client.call('updateRow', { tableName: BIG, condition: new Condition(RowExistenceExpectation.IGNORE, null), primaryKey: [{ p: 'a' }, { n: toSdkInt64(1n) }] as never, updateOfAttributeColumns: [{ PUT: [{ label: 'changed elsewhere' }] }] });
    await page.getByTestId('col-label').fill('mine');
    await page.getByTestId('save').click();
    await expect(page.getByTestId('message-error').textContent()).resolves.toMatch(/Conflict: The row changed since it was read/);
    expect(await stored(BIG, [{ p: 'a' }, { n: toSdkInt64(1n) }], 'label')).toBe('changed elsewhere');
    await page.close();
  });

  it('deletes a row after confirmation', async () => {
    const page = await open(rw.url);
    await openTable(page, BIG);
    // Keyboard: Tab to a row, Enter opens it.
    await page.getByTestId('row').nth(2).focus();
    await page.keyboard.press('Enter');
    let asked = '';
    page.once('dialog', (d) => {
      asked = d.message();
      void d.accept();
    });
    await page.getByTestId('delete').click();
    await page.getByTestId('message-ok').waitFor();
    expect(asked).toMatch(/Delete this row/);
    const gone = await client.call('getRow', { tableName: BIG, primaryKey: [{ p: 'a' }, { n: toSdkInt64(2n) }] as never });
    expect(gone.row.primaryKey).toBeUndefined();
    await page.close();
  });

  it('is read-only against a non-emulator endpoint without --write, and says so', async () => {
    const page = await open(ro.url);
    await expect(page.getByTestId('mode').textContent()).resolves.toBe('real instance · read-only');
    await page.getByTestId('readonly-banner').waitFor();
    await openTable(page, NOTES);
    expect(await page.getByTestId('new-row').count()).toBe(0);
    // The API refuses writes too, whatever the page shows.
    const token = new URL(ro.url).searchParams.get('token')!;
    const res = await page.evaluate(async (t) => {
      const r = await fetch('/api/delete', { method: 'POST', headers: { 'content-type': 'application/json', 'x-tsorm-studio-token': t }, body: JSON.stringify({ table: 'studio_notes', key: { id: { t: 'STRING', v: 'n1' } } }) });
      return { status: r.status, body: (await r.json()) as { error: { code: string } } };
    }, token);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('ReadOnly');
    await page.close();
  });

  it('refuses requests without the token, from other origins and for other files; bad input is a message', async () => {
    const origin = new URL(rw.url).origin;
    const token = new URL(rw.url).searchParams.get('token')!;
    expect((await fetch(`${origin}/`)).status).toBe(401);
    expect((await fetch(`${origin}/?token=wrong`)).status).toBe(401);
    const post = (path: string, headers: Record<string, string>, body = '{}') => fetch(`${origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    expect((await post('/api/tables', {})).status).toBe(401);
    expect((await post('/api/tables', { 'x-tsorm-studio-token': token, origin: 'https://evil.example' })).status).toBe(403);
    expect((await post('/api/tables', { 'x-tsorm-studio-token': token })).status).toBe(200);
    for (const path of ['/page.html', '/../package.json', '/api/../../etc/passwd', '/%2e%2e/package.json', '//', `//?token=${token}`]) expect((await fetch(`${origin}${path}`)).status, path).toBe(404);
    // The API takes POST of JSON only (a cross-site form can send neither).
    expect((await fetch(`${origin}/api/tables`, { headers: { 'x-tsorm-studio-token': token } })).status).toBe(405);
    expect((await post('/api/tables', { 'x-tsorm-studio-token': token, 'content-type': 'text/plain' })).status).toBe(415);
    const bad = await post('/api/rows', { 'x-tsorm-studio-token': token }, '{not json');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/not a JSON object/);
    const badCursor = await post('/api/rows', { 'x-tsorm-studio-token': token }, JSON.stringify({ table: BIG, cursor: 'F.garbage' }));
    expect(badCursor.status).toBe(400);
    // A page on another name rebound to 127.0.0.1 sends its own Host: refused, even with the token.
    const rebound = await new Promise<number>((resolve, reject) => {
      const u = new URL(rw.url);
      const req = request({ host: '127.0.0.1', port: Number(u.port), path: `/?token=${token}`, headers: { host: `evil.example:${u.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(rebound).toBe(421);
    // The server still serves, and took none of it for an internal error.
    expect((await post('/api/tables', { 'x-tsorm-studio-token': token })).status).toBe(200);
    expect(rw.run.stderr()).not.toMatch(/internal error/);
    // The page's CSP runs its own script only: a script injected into it does not run.
    const shown = await open(rw.url);
    const ran = await shown.evaluate(() => {
      const g = globalThis as any;
      const s = g.document.createElement('script');
      s.textContent = 'globalThis.injected = true';
      g.document.body.append(s);
      return g.injected === true;
    });
    expect(ran).toBe(false);
    await shown.close();
    // In the browser, the page without the token shows the refusal, not data.
    const page = await browser.newPage();
    await page.goto(`${origin}/`);
    await expect(page.textContent('body')).resolves.toMatch(/needs the token/);
    await page.close();
  });

  it('searches a table\'s search index: match + range sorted by a field, with total, highlights and group-by bars', async () => {
    const table = 'studio_search';
    await createIdTable(table);
    await client.call('createSearchIndex', {
      tableName: table,
      indexName: 'by_text',
      schema: {
        fieldSchemas: [
          { fieldName: 'title', fieldType: FT.TEXT, enableHighlighting: true },
          { fieldName: 'city', fieldType: FT.KEYWORD, enableSortAndAgg: true },
          { fieldName: 'price', fieldType: FT.LONG, enableSortAndAgg: true },
        ],
      },
    });
    const rows: Array<[string, string, string, number]> = [
      ['a', 'red apple pie', 'hz', 30],
      ['b', 'green apple', 'sh', 10],
      ['c', 'apple juice', 'hz', 50],
      ['d', 'apple tart', 'bj', 200],
      ['e', 'banana bread', 'hz', 20],
    ];
    for (const [id, title, city, price] of rows) {
      await client.call('putRow', {
        tableName: table,
        condition: new Condition(RowExistenceExpectation.IGNORE, null),
        primaryKey: [{ id }] as never,
        attributeColumns: [{ title }, { city }, { price: toSdkInt64(BigInt(price)) }, { huge: toSdkInt64(BigInt(HUGE)) }] as never,
      });
    }
    const page = await open(ro.url);
    await page.getByTestId('table-' + table).click();
    await page.getByTestId('subtab-search').click();
    await page.getByTestId('search-form').waitFor();
    await page.getByTestId('add-clause').click();
    await page.getByTestId('clause-field-0').selectOption('title');
    await page.getByTestId('clause-value-0').fill('apple');
    await page.getByTestId('add-clause').click();
    await page.getByTestId('clause-kind-1').selectOption('range');
    await page.getByTestId('clause-field-1').selectOption('price');
    // Malformed bound: a message naming the clause's field, and the page keeps working.
    await page.getByTestId('clause-from-1').fill('ten');
    await page.getByTestId('run-search').click();
    await expect(page.getByTestId('message-error').textContent()).resolves.toBe('Error: clause 2 (price) lower bound: "ten" is not an integer');
    await page.getByTestId('clause-from-1').fill('10');
    await page.getByTestId('clause-to-1').fill('100');
    await page.getByTestId('search-sort').selectOption('price');
    await page.getByTestId('search-order').selectOption('desc');
    await page.getByTestId('search-group-by').selectOption('city');
    await page.getByTestId('run-search').click();
    await page.getByTestId('hits').waitFor();
    await expect(page.getByTestId('search-total').textContent()).resolves.toBe('Total: 3');
    const hits = page.getByTestId('hit');
    await expect(hits.locator('td.pk').allTextContents()).resolves.toEqual(['c', 'a', 'b']);
    await expect(hits.first().textContent()).resolves.toContain(HUGE);
    await expect(page.getByTestId('highlight').allTextContents()).resolves.toEqual(['apple juice', 'red apple pie', 'green apple']);
    await expect(page.locator('[data-testid="highlight"] mark').allTextContents()).resolves.toEqual(['apple', 'apple', 'apple']);
    await expect(page.getByTestId('bar-label').allTextContents()).resolves.toEqual(['hz', 'sh']);
    await expect(page.getByTestId('bar-count').allTextContents()).resolves.toEqual(['2', '1']);
    await expect(page.getByTestId('cost').textContent()).resolves.toMatch(/calls 2 · read CU \d+/);
    await page.close();
  });

  it('switches to Chinese and takes the README screenshot', async () => {
    const page = await open(rw.url);
    await openTable(page, BIG);
    await page.getByTestId('lang').click();
    await expect(page.getByTestId('tab-tables').textContent()).resolves.toBe('表');
    await page.getByTestId('lang').click();
    await page.getByTestId('tab-tables').waitFor();
    // The README's picture: rewritten with TSORM_UPDATE_SCREENSHOTS=1 (a plain run must not dirty the tree).
    const shot = await page.screenshot({ ...(process.env.TSORM_UPDATE_SCREENSHOTS ? { path: SCREENSHOT } : {}) });
    expect(shot.subarray(1, 4).toString()).toBe('PNG');
    expect(shot.readUInt32BE(16)).toBe(1280);
    await page.close();
  });

  it('is the picture both READMEs show in their Studio section', () => {
    expect(existsSync(SCREENSHOT)).toBe(true);
    for (const readme of ['README.md', 'README.zh-CN.md']) {
      const text = readFileSync(join(ROOT, readme), 'utf8');
      expect(text, readme).toMatch(/^## Studio/m);
      expect(text, readme).toContain('](docs/studio.png)');
    }
  });
});
