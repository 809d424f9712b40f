#!/usr/bin/env node
/**
 * The emulator's actions and engine in process, this tree against another build of tsorm, for a refactor
 * that must not make the write or read path slower (issue 9). No HTTP, no SDK: each action handles
 * pre-decoded requests on an in-memory store, so the figure is the CPU the emulator itself spends per row.
 * Both trees run in this one process, in interleaved rounds (the machines are shared and noisy: the ratio
 * holds where an absolute number means little); the least disturbed round of each is reported.
 *
 *   npm run build && (cd <other checkout> && npx tsc -p tsconfig.build.json) && node bench/engine-ab.js <other checkout>
 *
 * ROUNDS (default 16) sets the number of rounds. Not part of `npm run bench`: it needs a second build.
 */
'use strict';
const { join, resolve } = require('node:path');

const HERE = join(__dirname, '..');
const other = process.argv[2];
if (!other) {
  console.error('usage: node bench/engine-ab.js <another tsorm checkout, built with tsc>');
  process.exit(2);
}
// Request rows are PlainBuffer bytes, the same for both trees: this tree encodes them.
const { encodeRow } = require(join(HERE, 'dist/src/emulator/model/plainbuffer'));

function workloads(root) {
  const d = join(resolve(root), 'dist/src/emulator');
  const { ACTIONS } = require(join(d, 'actions'));
  const { Engine } = require(join(d, 'engine/engine'));
  const { MemoryStore } = require(join(d, 'storage/memory'));
  const { Faults } = require(join(d, 'faults'));
  const { decodeMessage, encodeMessage } = require(join(d, 'protocol/proto'));
  const engine = new Engine(new MemoryStore());
  const ctx = { engine, faults: new Faults(undefined) };
  // What startEmulator builds around the engine, where the build has it: the stream log (in the actions'
  // context) and the search catalog (a commit-feed listener on every server, so it is part of each write's cost).
  const optional = (path, build) => {
    try {
      build(require(join(d, path)));
    } catch (e) {
      if (e.code !== 'MODULE_NOT_FOUND') throw e;
    }
  };
  optional('stream/log', ({ StreamLog }) => (ctx.streams = new StreamLog(engine)));
  optional('search/catalog', ({ SearchIndexes }) => (ctx.search = new SearchIndexes(engine)));
  const request = (name, req) => decodeMessage(`${name}Request`, encodeMessage(`${name}Request`, req));
  const handle = (name, req) => ACTIONS.get(name).handle(req, ctx);
  handle('CreateTable', request('CreateTable', {
    tableMeta: { tableName: 't', primaryKey: [{ name: 'id', type: 1 }] },
    reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
    tableOptions: { timeToLive: -1, maxVersions: 1 },
  }));
  const pk = (i) => [{ name: 'id', value: { t: 0, v: BigInt(i) } }];
  // The bench/emulator.js row: a short string, an integer, a double, a 64-byte string.
  const cells = (i) => [
    { name: 'name', value: { t: 3, v: Buffer.from(`user-${i}`) } },
    { name: 'n', value: { t: 0, v: BigInt(i) } },
    { name: 'score', value: { t: 1, v: i / 7 } },
    { name: 'payload', value: { t: 3, v: Buffer.alloc(64, 'x') } },
  ];
  const row = (i, c = cells(i)) => encodeRow({ pk: pk(i), cells: c, deleteMarker: false });
  const bound = (t) => encodeRow({ pk: [{ name: 'id', value: { t } }], cells: [], deleteMarker: false });
  const N = 1000;
  const puts = Array.from({ length: N }, (_, i) => request('PutRow', { tableName: 't', row: row(i), condition: { rowExistence: 0 } }));
  const increments = Array.from({ length: N }, (_, i) => request('UpdateRow', { tableName: 't', rowChange: row(i, [{ name: 'n', value: { t: 0, v: 1n }, op: 4 }]), condition: { rowExistence: 0 } }));
  const gets = Array.from({ length: N }, (_, i) => request('GetRow', { tableName: 't', primaryKey: encodeRow({ pk: pk(i), cells: [], deleteMarker: false }), maxVersions: 1 }));
  const batch = request('BatchWriteRow', { tables: [{ tableName: 't', rows: Array.from({ length: 200 }, (_, i) => ({ type: 1, rowChange: row(N + i), condition: { rowExistence: 0 } })) }] });
  const range = request('GetRange', { tableName: 't', direction: 0, inclusiveStartPrimaryKey: bound(9), exclusiveEndPrimaryKey: bound(10), maxVersions: 1, columnsToGet: ['n', 'name'] });
  for (const p of puts) handle('PutRow', p);
  handle('BatchWriteRow', batch);
  return {
    putRow: () => (puts.forEach((p) => handle('PutRow', p)), N),
    updateRowIncrement: () => (increments.forEach((u) => handle('UpdateRow', u)), N),
    getRow: () => (gets.forEach((g) => handle('GetRow', g)), N),
    batchWriteRow: () => (handle('BatchWriteRow', batch), 200),
    getRangeColumns: () => (handle('GetRange', range), N + 200),
  };
}

const trees = { this: workloads(HERE), other: workloads(other) };
const best = {};
const rounds = Number(process.env.ROUNDS || 16);
for (let round = 0; round < rounds; round++) {
  for (const name of Object.keys(trees.this)) {
    for (const tree of round % 2 ? ['this', 'other'] : ['other', 'this']) {
      const t0 = process.cpuUsage();
      const wall = Date.now();
      let rows = 0;
      while (Date.now() - wall < 150) rows += trees[tree][name]();
      const c = process.cpuUsage(t0);
      best[`${tree}.${name}`] = Math.min(best[`${tree}.${name}`] ?? Infinity, (c.user + c.system) / rows);
    }
  }
}
console.log(`CPU µs per row, best of ${rounds} interleaved rounds; this = ${HERE}, other = ${resolve(other)}`);
for (const name of Object.keys(trees.this)) {
  const a = best[`other.${name}`];
  const b = best[`this.${name}`];
  console.log(`${name.padEnd(20)} other ${a.toFixed(2).padStart(7)}  this ${b.toFixed(2).padStart(7)}  this/other ${(b / a).toFixed(2)}`);
}
