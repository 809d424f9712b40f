/**
 * One cold start, in a fresh process: load the handler module, run its initializer, answer the first
 * invocation (a GetRow). Prints `{ "ms": …, "loadMs": …, "initMs": …, "firstMs": …, "cpuMs": … }` on stdout
(cpuMs: the CPU time of the same span, user + system, less disturbed by other processes than the wall time).
 *
 *   TABLESTORE_ENDPOINT=… TABLESTORE_INSTANCE=… node bench/fc-cold.js raw|tsorm
 */
'use strict';
const { performance } = require('node:perf_hooks');

const ms = (usage) => (usage.user + usage.system) / 1000;

async function main() {
  const kind = process.argv[2];
  const ctx = {
    requestId: 'cold-1',
    credentials: { accessKeyId: process.env.BENCH_KEY_ID, accessKeySecret: process.env.BENCH_KEY_SECRET, securityToken: '' },
    function: { name: 'bench', handler: 'index.handler', memory: 512, timeout: 10 },
    logger: { info() {}, warn() {}, error() {} },
  };
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const mod = require(kind === 'raw' ? './fc-handlers/raw.js' : './fc-handlers/tsorm.js');
  const t1 = performance.now();
  const c1 = process.cpuUsage(c0);
  await mod.initializer(ctx);
  const t2 = performance.now();
  const c2 = process.cpuUsage(c0);
  const item = await mod.handler(Buffer.from('{"id":"k1"}'), ctx);
  const t3 = performance.now();
  const cpu = process.cpuUsage(c0);
  if (!item || item.id !== 'k1') throw new Error(`unexpected answer ${JSON.stringify(item)}`);
  process.stdout.write(`${JSON.stringify({ ms: t3 - t0, loadMs: t1 - t0, initMs: t2 - t1, firstMs: t3 - t2, cpuMs: ms(cpu), loadCpuMs: ms(c1), initCpuMs: ms(c2) - ms(c1), firstCpuMs: ms(cpu) - ms(c2) })}\n`);
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
    process.exit(1);
  },
);
