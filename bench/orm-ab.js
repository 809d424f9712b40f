#!/usr/bin/env node
/**
 * The repository layer of this tree beside another build, in one process: each tree's Repository against a
 * client whose call() answers at once with canned SDK results (no I/O, no emulator), in interleaved rounds,
 * CPU µs per op (process.cpuUsage) and the median of per-round ratios. The HTTP benchmark (bench:orm) cannot
 * tell a 10% change in tsorm's own CPU from the load of other processes on a shared machine; this can.
 *
 *   npm run build; node bench/orm-ab.js [A_DIST] B_DIST      (A_DIST defaults to this tree's dist/src)
 *   OPS=update,get node bench/orm-ab.js …                    (some operations only)
 */
'use strict';
const { join } = require('node:path');
const args = process.argv.slice(2);
const [distA, distB] = args.length === 1 ? [join(__dirname, '..', 'dist', 'src'), args[0]] : args;
if (!distB) throw new Error('usage: node bench/orm-ab.js [A_DIST] B_DIST');
function setup(dist) {
  const t = require(dist);
  const { Table, PrimaryKey, Column, Version, Index, Repository, getTableSchema } = t;
  class Item {}
  PrimaryKey({ type: 'string' })(Item.prototype, 'id');
  Column({ type: 'string' })(Item.prototype, 'name');
  Column({ type: 'int64', mode: 'number' })(Item.prototype, 'qty');
  Version({ type: 'int64', mode: 'number' })(Item.prototype, 'version');
  Index('ab_items_by_name', { primaryKey: ['name'] })(Item);
  Table('ab_items')(Item);
  const rowResult = { consumed: { capacityUnit: { read: 1, write: 0 } }, row: { primaryKey: [{ name: 'id', value: 'a' }], attributes: [{ columnName: 'name', columnValue: 'x', timestamp: 1 }] } };
  const Int64 = require('tablestore').Long;
  const one = Int64.fromNumber(2);
  const fake = {
    async call(action) {
      if (action === 'getRow') return rowResult;
      if (action === 'updateRow') return { consumed: { capacityUnit: { read: 0, write: 1 } }, row: { primaryKey: [{ name: 'id', value: 'a' }], attributes: [{ columnName: 'qty', columnValue: one }, { columnName: 'version', columnValue: one }] } };
      if (action === 'getRange') return { consumed: { capacityUnit: { read: 1, write: 0 } }, rows: Array.from({ length: 100 }, () => rowResult.row), nextStartPrimaryKey: null };
      return { consumed: { capacityUnit: { read: 0, write: 1 } }, row: {} };
    },
  };
  const repo = new Repository(fake, getTableSchema(Item));
  return {
    insert: () => repo.insert({ id: 'a', name: 'n', qty: 1 }),
    get: () => repo.get({ id: 'a' }),
    update: () => repo.update({ id: 'a' }, { set: { name: 'y' }, increment: { qty: 1 } }),
    save: () => repo.save(Object.assign(new Item(), { id: 'a', name: 'n', qty: 1, version: 3 })),
    find100: async () => { for await (const _ of repo.find({}, { where: (c) => c.qty.gt(1) })) void _; },
    index: async () => repo.index('ab_items_by_name'),
  };
}
const A = setup(distA);
const B = setup(distB);
async function time(fn, n) {
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / n;
}
(async () => {
  const ops = process.env.OPS ? process.env.OPS.split(',') : Object.keys(A);
  const res = Object.fromEntries(ops.map((o) => [o, { a: [], b: [] }]));
  for (const o of ops) { await time(A[o], 2000); await time(B[o], 2000); } // warm
  for (let round = 0; round < 14; round++) {
    for (const o of ops) {
      const n = o === 'find100' ? 600 : 6000;
      if (round % 2) { res[o].b.push(await time(B[o], n)); res[o].a.push(await time(A[o], n)); }
      else { res[o].a.push(await time(A[o], n)); res[o].b.push(await time(B[o], n)); }
    }
  }
  const med = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  for (const o of ops) {
    const ratios = res[o].a.map((x, i) => x / res[o].b[i]);
    console.log(`${o.padEnd(8)} A ${med(res[o].a).toFixed(2)} µs/op  B ${med(res[o].b).toFixed(2)} µs/op  A/B median of rounds ${med(ratios).toFixed(2)}`);
  }
})();
