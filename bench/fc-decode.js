/**
 * TableStore-trigger event decoding (issue 12), per record, for a 10-column row (2 key + 8 attribute columns of
 * every type: string, int64 beyond 2^53, double, boolean, binary, date, json): tsorm's typed decoding
 * (`decodeTriggerEvent` + `decodeChange`, what a `tablestore` handler gets) beside the official samples' way
 * (the `cbor` package's `decodeFirstSync`, then plain `{ column: value }` objects; streams spec §3.4).
 * Rounds alternate between the two; the median of the rounds' per-record means is reported and the ratio is
 * the median of the rounds' ratios. Target: typed ≤ 1.5× cbor.
 *
 * Part of `npm run bench:fc`; alone: `npm run build && node bench/fc-decode.js`.
 * Environment: BENCH_FC_DECODE_ROUNDS (default 15), BENCH_FC_DECODE_RECORDS (records per event, default 100).
 */
'use strict';
const { performance } = require('node:perf_hooks');
const cbor = require('cbor');
const { Column, PrimaryKey, Table, getTableSchema, decodeChange } = require('tsorm');
const { decodeTriggerEvent } = require('tsorm/fc');
const { triggerEvent } = require('tsorm/testing');

class Order {}
PrimaryKey({ type: 'string' })(Order.prototype, 'shop');
PrimaryKey({ type: 'int64', mode: 'bigint' })(Order.prototype, 'id');
Column({ type: 'string' })(Order.prototype, 'name');
Column({ type: 'int64', mode: 'bigint' })(Order.prototype, 'qty');
Column({ type: 'double' })(Order.prototype, 'price');
Column({ type: 'boolean' })(Order.prototype, 'paid');
Column({ type: 'binary' })(Order.prototype, 'blob');
Column({ type: 'date' })(Order.prototype, 'at');
Column({ type: 'json' })(Order.prototype, 'meta');
Column({ type: 'string' })(Order.prototype, 'note');
Table('bench_decode_orders')(Order);

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function event(records) {
  const changes = [];
  for (let i = 0; i < records; i++) {
    changes.push({
      type: 'put',
      row: {
        shop: `shop-${i % 7}`,
        id: 9007199254740993n + BigInt(i),
        name: `order number ${i}`,
        qty: BigInt(i * 3),
        price: i + 0.5,
        paid: i % 2 === 0,
        blob: Buffer.alloc(16, i),
        at: new Date(1_700_000_000_000 + i),
        meta: { tags: ['a', 'b'], n: i },
        note: 'a short note',
      },
    });
  }
  return triggerEvent(Order, changes);
}

/** The official samples' decoding: `cbor`, then each record as plain objects. */
function viaCbor(bytes) {
  const ev = cbor.decodeFirstSync(bytes);
  return ev.Records.map((r) => {
    const key = {};
    for (const c of r.PrimaryKey) key[c.ColumnName] = c.Value;
    const row = {};
    for (const c of r.Columns) row[c.ColumnName] = c.Value;
    return { type: r.Type, timestamp: r.Info.Timestamp, key, row };
  });
}

exports.measure = ({ log = () => {} } = {}) => {
  const rounds = Number(process.env.BENCH_FC_DECODE_ROUNDS || 15);
  const records = Number(process.env.BENCH_FC_DECODE_RECORDS || 100);
  const schema = getTableSchema(Order);
  const bytes = event(records);
  const typed = (b) => decodeTriggerEvent(b).records.map((r) => decodeChange(schema, r));

  // Both read the same thing (and only tsorm keeps the types: qty is a bigint, price a double).
  const a = typed(bytes);
  const b = viaCbor(bytes);
  if (a.length !== records || b.length !== records || a[1].row.qty !== 3n || b[1].row.name !== a[1].row.name) throw new Error('the decoders disagree');

  const time = (fn, n) => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn(bytes);
    return ((performance.now() - t0) / n / records) * 1000; // µs per record
  };
  const calls = Math.max(20, Math.round(20_000 / records));
  log(`decode: ${rounds} rounds of ${calls} events × ${records} records (${bytes.length} bytes), alternating`);
  const per = { typed: [], cbor: [] };
  for (let r = 0; r <= rounds; r++) {
    const c = time(viaCbor, calls);
    const t = time(typed, calls);
    if (r === 0) continue; // the first round warms the JIT
    per.cbor.push(c);
    per.typed.push(t);
  }
  const ratio = median(per.typed.map((t, i) => t / per.cbor[i]));
  return [
    { name: 'cbor-sample.decode', value: median(per.cbor), unit: 'µs/record', note: 'cbor.decodeFirstSync + plain objects' },
    {
      name: 'fc.trigger.decode',
      value: median(per.typed),
      unit: 'µs/record',
      baseline: 'cbor-sample.decode',
      ratio,
      target: '≤ 1.5',
      pass: ratio <= 1.5,
    },
  ];
};

if (require.main === module) {
  for (const row of exports.measure({ log: (m) => process.stderr.write(`${m}\n`) })) console.log(JSON.stringify(row));
}
