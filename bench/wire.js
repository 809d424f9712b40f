#!/usr/bin/env node
/**
 * Issue 15: client CPU per getRow / putRow, three ways against one emulator process (the built
 * `tsorm emulator --in-memory`, a child process): tsorm's client on its own wire transport
 * (`transport: 'wire'`, the default), tsorm's client on the SDK transport (`transport: 'sdk'`), and the raw SDK. Client CPU is
 * this process's `process.cpuUsage()` over a burst of calls, 16 in flight; the three run in interleaved
 * rounds (the order rotates each round) and the medians of the rounds are reported, with calls/s.
 *
 *   npm run build && node bench/wire.js            BENCH_ROUNDS (default 9), BENCH_CALLS (per burst, default 2000)
 */
'use strict';
const { join } = require('node:path');
const TableStore = require('tablestore');
const { startChild, interleaved, sdkCall, rawSdkClient, ROOT } = require('./lib');

const DIST = join(ROOT, 'dist', 'src');
const CONCURRENCY = 16;
const ROUNDS = Number(process.env.BENCH_ROUNDS) || 9;
const CALLS = Number(process.env.BENCH_CALLS) || 2000;

async function main() {
  const tsorm = require(join(DIST, 'index.js'));
  const { createEntityTable } = require(join(DIST, 'migrations', 'index.js'));
  const { Table, PrimaryKey, Column } = tsorm;
  class Item {}
  PrimaryKey({ type: 'string' })(Item.prototype, 'id');
  Column({ type: 'string' })(Item.prototype, 'name');
  Column({ type: 'int64', mode: 'number' })(Item.prototype, 'qty');
  Table(`bench_wire_${Date.now().toString(36)}`)(Item);

  const emu = await startChild([join(ROOT, 'dist', 'cli', 'tsorm.js'), 'emulator', '--in-memory', '--port', '0'], /TableStore emulator listening on (http:\/\/\S+)/);
  try {
    const keys = { accessKeyId: 'tsorm-emulator', accessKeySecret: 'tsorm-emulator-secret' };
    const conn = { endpoint: emu.endpoint, instance: 'tsorm', ...keys, maxSockets: CONCURRENCY };
    const wire = tsorm.connect({ ...conn, transport: 'wire' }).client;
    const sdk = tsorm.connect({ ...conn, transport: 'sdk' }).client;
    const raw = rawSdkClient(emu.endpoint, keys, CONCURRENCY);
    const schema = tsorm.getTableSchema(Item);
    await createEntityTable(sdk, schema);
    const table = schema.tableName;
    const ignore = () => new TableStore.Condition(TableStore.RowExistenceExpectation.IGNORE, null);
    const qty = TableStore.Long.fromNumber(1);
    let seq = 0;
    const getParams = () => ({ tableName: table, primaryKey: [{ id: `k${seq++ % 1000}` }] });
    const putParams = () => ({ tableName: table, condition: ignore(), primaryKey: [{ id: `k${seq++ % 1000}` }], attributeColumns: [{ name: 'x' }, { qty }] });
    for (let i = 0; i < 1000; i++) await sdk.call('putRow', putParams());

    const ops = {
      getRow: { wire: () => wire.call('getRow', getParams()), sdk: () => sdk.call('getRow', getParams()), raw: () => sdkCall(raw, 'getRow', getParams()) },
      putRow: { wire: () => wire.call('putRow', putParams()), sdk: () => sdk.call('putRow', putParams()), raw: () => sdkCall(raw, 'putRow', putParams()) },
    };
    const variants = ['wire', 'sdk', 'raw'];
    const results = {};
    for (const [name, fns] of Object.entries(ops)) {
      const r = await interleaved(fns, { rounds: ROUNDS, calls: CALLS, concurrency: CONCURRENCY });
      results[name] = Object.fromEntries(variants.map((v) => [v, { cpuMicros: r[v].cpu, callsPerSecond: r[v].rate }]));
    }
    for (const [name, r] of Object.entries(results)) {
      console.log(`${name}: client CPU µs/call (median of ${ROUNDS} rounds of ${CALLS} calls, ${CONCURRENCY} in flight)`);
      for (const v of variants) console.log(`  ${v.padEnd(5)} ${r[v].cpuMicros.toFixed(0).padStart(5)} µs   ${r[v].callsPerSecond.toFixed(0).padStart(6)} calls/s`);
      console.log(`  wire ÷ raw SDK: CPU ${(r.wire.cpuMicros / r.raw.cpuMicros).toFixed(2)}×, calls/s ${(r.wire.callsPerSecond / r.raw.callsPerSecond).toFixed(2)}×;` +
        ` wire ÷ sdk transport: CPU ${(r.wire.cpuMicros / r.sdk.cpuMicros).toFixed(2)}×`);
    }
    wire.close();
    sdk.close();
  } finally {
    await emu.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
