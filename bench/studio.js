/**
 * Studio benchmark (issue 14): a page of rows from a table of 1,000,000 rows beside the same page from a table
 * of 1,000 rows, through the studio's API (the built `src/studio/server` over the built client), one emulator
 * in process (in memory), same run. A page is one GetRange from a key, so the ratio should stay near 1:
 * target ≤ 1.5 for the first page, a page deep in the table (from a start key) and the page before it (a
 * backward read from a cursor).
 * Environment: BENCH_STUDIO_ROWS (default 1000000), BENCH_STUDIO_PAGES (pages timed per case, default 200).
 */
'use strict';
/* global fetch */
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
const { median, ROOT } = require('./lib');

const DIST = join(ROOT, 'dist', 'src');
exports.description = 'a studio page from 1,000,000 rows beside one from 1,000 rows (API, in-process emulator, same run)';

exports.run = async ({ log }) => {
  const { startEmulator } = require(join(DIST, 'emulator'));
  const { TableStoreClient } = require(join(DIST, 'client', 'client'));
  const { toSdkInt64 } = require(join(DIST, 'codec', 'sdk-values'));
  const { Condition } = require(join(DIST, 'client', 'sdk'));
  const { startStudio } = require(join(DIST, 'studio', 'server'));
  const bigRows = Number(process.env.BENCH_STUDIO_ROWS ?? 1_000_000);
  const pages = Number(process.env.BENCH_STUDIO_PAGES ?? 200);
  const emu = await startEmulator({ port: 0, inMemory: true });
  const client = new TableStoreClient({ endpoint: emu.endpoint, instance: emu.instance, accessKeyId: emu.accessKeyId, accessKeySecret: emu.accessKeySecret });
  const fill = async (table, rows) => {
    await client.call('createTable', {
      tableMeta: { tableName: table, primaryKey: [{ name: 'p', type: 'STRING' }, { name: 'n', type: 'INTEGER' }] },
      reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
      tableOptions: { timeToLive: -1, maxVersions: 1 },
    });
    const ignore = new Condition(0, null);
    const batches = [];
    for (let start = 0; start < rows; start += 200) {
      const list = [];
      for (let n = start; n < Math.min(rows, start + 200); n++) list.push({ type: 'PUT', condition: ignore, primaryKey: [{ p: 'k' }, { n: toSdkInt64(BigInt(n)) }], attributeColumns: [{ label: `row ${n}` }, { v: toSdkInt64(BigInt(n % 100)) }] });
      batches.push(list);
    }
    const inFlight = 8;
    for (let i = 0; i < batches.length; i += inFlight) {
      await Promise.all(batches.slice(i, i + inFlight).map((b) => client.call('batchWriteRow', { tables: [{ tableName: table, rows: b }] })));
      if (i % 2000 === 0 && rows > 10_000) log(`  filled ${Math.min(rows, (i + inFlight) * 200).toLocaleString('en-US')} of ${rows.toLocaleString('en-US')} rows`);
    }
  };
  const started = performance.now();
  await fill('bench_small', 1000);
  await fill('bench_big', bigRows);
  log(`  filled in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const studio = await startStudio({ client, where: 'bench', emulator: true, pageHtml: '<script></script>' });
  const api = async (body) => {
    const res = await fetch(`${studio.origin}/api/rows`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-tsorm-studio-token': studio.token }, body: JSON.stringify(body) });
    const json = await res.json();
    if (!json.ok) throw new Error(json.error.message);
    return json.data;
  };
  const time = async (body) => {
    const ms = [];
    for (let i = 0; i < pages; i++) {
      const t = performance.now();
      await api(body);
      ms.push(performance.now() - t);
    }
    return median(ms);
  };
  const cases = async (table, rows) => {
    const middle = { table, keyMode: 'from', key: { p: { t: 'STRING', v: 'k' }, n: { t: 'INTEGER', v: String(Math.floor(rows / 2)) } }, limit: 50 };
    const deep = await api(middle);
    return {
      first: await time({ table, limit: 50 }),
      middle: await time(middle),
      back: await time({ ...middle, cursor: (await api({ ...middle, cursor: deep.next })).prev }),
    };
  };
  // Interleave: small, big, small (the faster small run is the baseline): the shared machine's noise falls on both sides.
  const small = await cases('bench_small', 1000);
  const big = await cases('bench_big', bigRows);
  const small2 = await cases('bench_small', 1000);
  await studio.close();
  client.close();
  await emu.close();
  const rows = [];
  for (const k of ['first', 'middle', 'back']) {
    const base = Math.min(small[k], small2[k]);
    const ratio = big[k] / base;
    rows.push({ name: `studio.page.${k}.${bigRows}`, value: big[k], unit: 'ms/page', baseline: `studio.page.${k}.1000`, ratio, target: '≤ 1.5', pass: ratio <= 1.5 });
  }
  return rows;
};
