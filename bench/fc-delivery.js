/**
 * Local TableStore-trigger delivery latency (issue 12, item 5): from a write to the handler that receives its
 * change, through the path `tsorm invoke --stream` and `createTrigger` use (tsorm's stream reader polling the
 * emulator over HTTP, FC's CBOR event, the local FC runtime, the handler decoding the event).
 *
 * The writer puts rows one at a time at random gaps (0–20 ms) while delivery runs in the background with its
 * default poll interval; each row's latency is handler time minus the time its PutRow was issued, so it
 * includes the write's own round trip. p50 and p99 over BENCH_FC_DELIVERY_WRITES rows (default 300).
 */
'use strict';
const { performance } = require('node:perf_hooks');
const { setTimeout: sleep } = require('node:timers/promises');

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** `target`: { endpoint, instance, accessKeyId, accessKeySecret } of a running emulator. */
exports.run = async ({ log, target }) => {
  const writes = Number(process.env.BENCH_FC_DELIVERY_WRITES || 300);
  const { connectClient } = require('tsorm');
  const { Condition, RowExistenceExpectation } = require('tablestore');
  const { createTrigger } = require('tsorm/testing');
  const { decodeTriggerEvent } = require('tsorm/fc');
  const client = connectClient(target);
  const table = 'bench_delivery';
  await client.call('createTable', {
    tableMeta: { tableName: table, primaryKey: [{ name: 'id', type: 'STRING' }] },
    reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
    tableOptions: { timeToLive: -1, maxVersions: 1 },
    streamSpecification: { enableStream: true, expirationTime: 1 },
  });
  const issued = new Map();
  const latencies = [];
  let batches = 0;
  const mod = {
    handler: async (event) => {
      const now = performance.now();
      batches++;
      for (const r of decodeTriggerEvent(event).records) {
        const id = r.primaryKey[0].value.value;
        if (issued.has(id)) latencies.push(now - issued.get(id));
      }
      return 'ok';
    },
  };
  const trigger = await createTrigger(mod, { table, emulator: target });
  trigger.start();
  try {
    for (let i = 0; i < writes; i++) {
      const id = `r${i}`;
      issued.set(id, performance.now());
      await client.call('putRow', {
        tableName: table,
        condition: new Condition(RowExistenceExpectation.IGNORE, null),
        primaryKey: [{ id }],
        attributeColumns: [{ n: i }],
      });
      await sleep(Math.random() * 20);
    }
    for (let i = 0; i < 500 && latencies.length < writes; i++) await sleep(10);
  } finally {
    await trigger.close();
    client.close();
  }
  if (latencies.length !== writes) throw new Error(`delivery bench: ${latencies.length} of ${writes} changes reached the handler`);
  const sorted = latencies.slice().sort((a, b) => a - b);
  log(`delivery: ${writes} writes, ${batches} invocations, default poll interval`);
  return [
    { name: 'fc.delivery.p50', value: percentile(sorted, 50), unit: 'ms', note: 'write issued → handler called, local trigger delivery' },
    { name: 'fc.delivery.p99', value: percentile(sorted, 99), unit: 'ms' },
  ];
};
