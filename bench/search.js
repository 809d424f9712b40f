/**
 * Search in the emulator (issue 10), part of `npm run bench:emulator`. The official SDK against the built
 * `tsorm emulator` in a child process (on disk), each figure beside its comparison in the same run:
 *   - indexing cost: BatchWriteRow rows/s on a table with one search index (keyword, long, double, text, date)
 *     ÷ the same table without one (target ≥ 0.5);
 *   - query throughput over 100,000 indexed rows: a term query (limit 10), a range query sorted by a LONG field
 *     (limit 100), a bool query with a field group-by, each ÷ GetRow on the same emulator (target ≥ 0.5); beside
 *     each, the SDK client's own CPU per call; and the same GetRow and sorted range calls against a bare
 *     http.createServer answering with the emulator's recorded responses (bench/bare-server.js): the ratio the
 *     SDK client and Node's HTTP stack allow with no emulator work at all;
 *   - memory: the search index of 1,000,000 such rows (built in this process from the emulator's own modules,
 *     heap measured after GC) ÷ the rows' data size, split into documents and postings.
 * Environment: BENCH_SEARCH_ROWS (query table, default 100000), BENCH_SEARCH_MEMORY_ROWS (default 1000000; 0
 * skips), BENCH_SECONDS, BENCH_ROUNDS.
 */
'use strict';
const { execFileSync } = require('node:child_process');
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const http = require('node:http');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const TableStore = require('tablestore');
const { measure, median, recordingProxy, startChild, sdkCall } = require('./lib');

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'cli', 'tsorm.js');
const CONCURRENCY = 16;
const BATCH = 200;
const Q = TableStore.QueryType;
const IGNORE = new TableStore.Condition(TableStore.RowExistenceExpectation.IGNORE, null);
const long = (n) => TableStore.Long.fromNumber(n);
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima'];

/** The benchmark row: keyword (100 categories), long, double, text of four words, date. */
function attrs(i) {
  return [
    { cat: `cat-${i % 100}` },
    { n: long(i) },
    { price: (i % 1000) / 10 },
    { title: `${WORDS[i % 12]} ${WORDS[(i * 7) % 12]} item ${i}` },
    { day: `2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}` },
  ];
}

const SCHEMA = {
  fieldSchemas: [
    { fieldName: 'cat', fieldType: TableStore.FieldType.KEYWORD, enableSortAndAgg: true },
    { fieldName: 'n', fieldType: TableStore.FieldType.LONG, enableSortAndAgg: true },
    { fieldName: 'price', fieldType: TableStore.FieldType.DOUBLE, enableSortAndAgg: true },
    { fieldName: 'title', fieldType: TableStore.FieldType.TEXT, analyzer: 'single_word', analyzerParameter: { caseSensitive: false, delimitWord: false } },
    { fieldName: 'day', fieldType: TableStore.FieldType.DATE, dateFormats: ['yyyy-MM-dd'] },
  ],
};

function client(endpoint, agent) {
  const raw = new TableStore.Client({ endpoint, instancename: 'tsorm', accessKeyId: 'tsorm-emulator', secretAccessKey: 'tsorm-emulator-secret', maxRetries: 0, httpOptions: { agent } });
  return new Proxy({}, { get: (_t, m) => (params) => sdkCall(raw, m, params) });
}

const table = (tableName) => ({
  tableMeta: { tableName, primaryKey: [{ name: 'id', type: 'INTEGER' }] },
  reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
  tableOptions: { timeToLive: -1, maxVersions: 1 },
});

function batch(sdk, tableName, start) {
  const rows = [];
  for (let i = start; i < start + BATCH; i++) rows.push({ type: 'PUT', condition: IGNORE, primaryKey: [{ id: long(i) }], attributeColumns: attrs(i) });
  return sdk.batchWriteRow({ tables: [{ tableName, rows }] });
}

const searchCall = (sdk, searchQuery) => sdk.search({ tableName: 'q', indexName: 'i', searchQuery, columnToGet: { returnType: TableStore.ColumnReturnType.RETURN_NONE } });

function queries(sdk, rows) {
  const rnd = (n) => Math.floor(Math.random() * n);
  return {
    getRow: { op: () => sdk.getRow({ tableName: 'q', primaryKey: [{ id: long(rnd(rows)) }], maxVersions: 1 }) },
    termQuery: { op: () => searchCall(sdk, { limit: 10, query: { queryType: Q.TERM_QUERY, query: { fieldName: 'cat', term: `cat-${rnd(100)}` } } }) },
    rangeSortedQuery: {
      op: () => {
        const from = rnd(rows - 2000);
        return searchCall(sdk, {
          limit: 100,
          query: { queryType: Q.RANGE_QUERY, query: { fieldName: 'n', rangeFrom: long(from), rangeTo: long(from + 2000), includeLower: true } },
          sort: { sorters: [{ fieldSort: { fieldName: 'n', order: TableStore.SortOrder.SORT_ORDER_DESC } }] },
        });
      },
    },
    boolGroupBy: {
      op: () =>
        searchCall(sdk, {
          limit: 10,
          query: {
            queryType: Q.BOOL_QUERY,
            query: {
              mustQueries: [{ queryType: Q.TERM_QUERY, query: { fieldName: 'cat', term: `cat-${rnd(100)}` } }],
              filterQueries: [{ queryType: Q.RANGE_QUERY, query: { fieldName: 'price', rangeFrom: 10.0, includeLower: true } }],
            },
          },
          groupBys: { groupBys: [{ name: 'g', type: TableStore.GroupByType.GROUP_BY_FIELD, body: { fieldName: 'price', size: 10 } }] },
        }),
    },
  };
}

/** Heap (after GC) of a search index of `n` rows built in a child node with --expose-gc, and the rows' data size. */
function memory(n) {
  const script = `
    const { SearchIndex } = require(${JSON.stringify(join(ROOT, 'dist/src/emulator/search/search-index.js'))});
    const { buildDoc } = require(${JSON.stringify(join(ROOT, 'dist/src/emulator/search/document.js'))});
    const { decodeIndexSchema } = require(${JSON.stringify(join(ROOT, 'dist/src/emulator/search/schema.js'))});
    const { decodeMessage, encodeMessage } = require(${JSON.stringify(join(ROOT, 'dist/src/emulator/protocol/proto.js'))});
    const { rowDataSize } = require(${JSON.stringify(join(ROOT, 'dist/src/emulator/model/row.js'))});
    const schema = ${JSON.stringify(SCHEMA)};
    const words = ${JSON.stringify(WORDS)};
    const table = { name: 'q', pk: [{ name: 'id', type: 1 }], definedColumns: [] };
    const msg = decodeMessage('search.proto.IndexSchema', encodeMessage('search.proto.IndexSchema', { fieldSchemas: schema.fieldSchemas.map((f) => ({ fieldName: f.fieldName, fieldType: f.fieldType, docValues: f.enableSortAndAgg, analyzer: f.analyzer, dateFormats: f.dateFormats })) }));
    const def = { table: 'q', tableId: 1, name: 'i', ttl: -1, createdAt: 0, ...decodeIndexSchema(msg, table) };
    const S = (s) => ({ t: 3, v: Buffer.from(s) });
    const row = (i) => {
      const key = Buffer.alloc(14); key.write('R', 0); key.writeUInt32BE(1, 1); key[5] = 2; key.writeBigUInt64BE(BigInt(i) ^ (1n << 63n), 6);
      const cols = new Map([
        ['cat', [{ ts: 1, value: S('cat-' + (i % 100)) }]],
        ['n', [{ ts: 1, value: { t: 0, v: BigInt(i) } }]],
        ['price', [{ ts: 1, value: { t: 1, v: (i % 1000) / 10 } }]],
        ['title', [{ ts: 1, value: S(words[i % 12] + ' ' + words[(i * 7) % 12] + ' item ' + i) }]],
        ['day', [{ ts: 1, value: S('2024-' + String((i % 12) + 1).padStart(2, '0') + '-' + String((i % 28) + 1).padStart(2, '0')) }]],
      ]);
      return { key: key.toString('latin1'), row: { pk: [{ name: 'id', value: { t: 0, v: BigInt(i) } }], cols } };
    };
    // Typed arrays (the index's number columns) live outside the JS heap: count array buffers too.
    const heap = () => { global.gc(); global.gc(); const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
    const n = ${n};
    let data = 0;
    for (let i = 0; i < n; i++) data += rowDataSize(row(i).row);
    const h0 = heap();
    const docs = new Array(n);
    for (let i = 0; i < n; i++) { const r = row(i); docs[i] = buildDoc(r.key, r.row, def.fields); }
    const h1 = heap();
    const index = new SearchIndex(def);
    for (const d of docs) index.put(d);
    docs.length = 0;
    const h2 = heap();
    console.log(JSON.stringify({ data, docs: h1 - h0, total: h2 - h0, size: index.size }));
  `;
  return JSON.parse(execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', '-e', script], { encoding: 'utf8', maxBuffer: 1 << 20 }));
}

exports.run = async function run({ seconds, log }) {
  const secs = seconds || Number(process.env.BENCH_SECONDS) || 1.5;
  const rounds = Number(process.env.BENCH_ROUNDS) || 2;
  const queryRows = Number(process.env.BENCH_SEARCH_ROWS ?? 100_000);
  const memoryRows = Number(process.env.BENCH_SEARCH_MEMORY_ROWS ?? 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'tsorm-bench-search-'));
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let emu;
  let bare;
  const out = [];
  try {
    emu = await startChild([CLI, 'emulator', '--port', '0', '--data-dir', join(dir, 'data')], /TableStore emulator listening on (http:\/\/\S+)/);
    const sdk = client(emu.endpoint, agent);
    for (const t of ['plain', 'indexed', 'q']) await sdk.createTable(table(t));
    await sdk.createSearchIndex({ tableName: 'indexed', indexName: 'i', schema: SCHEMA });

    // Indexing cost: interleaved rounds, best of each.
    let next = { plain: 0, indexed: 0 };
    const write = (t) => () => { const s = next[t]; next[t] += BATCH; return batch(sdk, t, s); };
    const runs = { plain: [], indexed: [] };
    for (let r = 0; r < rounds; r++) for (const t of ['plain', 'indexed']) runs[t].push(await measure(write(t), secs, CONCURRENCY, () => BATCH, emu.proc.pid));
    const best = (xs) => xs.reduce((a, b) => (b.rate > a.rate ? b : a));
    const plain = best(runs.plain);
    const indexed = best(runs.indexed);
    log(`search indexing: plain ${Math.round(plain.rate)} rows/s, indexed ${Math.round(indexed.rate)} rows/s`);
    out.push({ name: 'emulator.batchWriteRow.noSearchIndex', value: plain.rate, unit: 'rows/s', cpu: median(runs.plain.map((m) => m.cpuPerCall)) });
    out.push({
      name: 'emulator.batchWriteRow.withSearchIndex', value: indexed.rate, unit: 'rows/s', baseline: 'emulator.batchWriteRow.noSearchIndex',
      ratio: indexed.rate / plain.rate, cpu: median(runs.indexed.map((m) => m.cpuPerCall)), target: '≥ 0.5x', pass: indexed.rate / plain.rate >= 0.5,
    });

    // Query throughput over `queryRows` indexed rows: rows first, then the index (built from the table).
    log(`loading ${queryRows} rows for the queries ...`);
    for (let s = 0; s < queryRows; s += BATCH * CONCURRENCY) {
      await Promise.all(Array.from({ length: CONCURRENCY }, (_, k) => s + k * BATCH).filter((x) => x < queryRows).map((x) => batch(sdk, 'q', x)));
    }
    await sdk.createSearchIndex({ tableName: 'q', indexName: 'i', schema: SCHEMA });
    const w = queries(sdk, queryRows);

    // The ceiling: the same SDK calls against bench/bare-server.js answering with this emulator's own GetRow and
    // sorted range responses (recorded once), i.e. the SDK client and Node's HTTP stack with no emulator work.
    const proxy = await recordingProxy(emu.endpoint);
    const proxyAgent = new http.Agent({ keepAlive: true });
    const recorded = queries(client(proxy.endpoint, proxyAgent), queryRows);
    await recorded.getRow.op();
    await recorded.rangeSortedQuery.op();
    proxyAgent.destroy();
    proxy.close();
    const cannedFile = join(dir, 'canned.json');
    writeFileSync(cannedFile, JSON.stringify({ GetRow: proxy.canned.GetRow, Search: proxy.canned.Search }));
    bare = await startChild([join(__dirname, 'bare-server.js'), cannedFile], /listening (\d+)/);
    const bw = queries(client(bare.endpoint, agent), queryRows);
    const targets = [
      ...Object.keys(w).map((k) => ({ key: k, op: w[k].op, pid: emu.proc.pid })),
      ...['getRow', 'rangeSortedQuery'].map((k) => ({ key: `bare.${k}`, op: bw[k].op, pid: bare.proc.pid })),
    ];
    const qruns = Object.fromEntries(targets.map((t) => [t.key, []]));
    for (let r = 0; r < rounds; r++) for (const t of targets) qruns[t.key].push(await measure(t.op, secs, CONCURRENCY, () => 1, t.pid));
    const getRow = best(qruns.getRow);
    out.push({ name: 'emulator.search.getRow', value: getRow.rate, unit: 'ops/s', cpu: median(qruns.getRow.map((m) => m.cpuPerCall)) });
    // The SDK client's own CPU per call (this process), least disturbed round: a page of 100 rows and 100 hits
    // is mostly the SDK's decoding.
    const sdkCpu = (k) => Math.min(...qruns[k].map((m) => m.clientCpuPerCall));
    for (const k of ['termQuery', 'rangeSortedQuery', 'boolGroupBy']) {
      const m = best(qruns[k]);
      log(`search ${k}: ${Math.round(m.rate)} ops/s (${(m.rate / getRow.rate).toFixed(2)}x GetRow); SDK client CPU ${Math.round(sdkCpu(k))} µs/call (GetRow ${Math.round(sdkCpu('getRow'))})`);
      out.push({
        name: `emulator.search.${k}`, value: m.rate, unit: 'ops/s', baseline: 'emulator.search.getRow', ratio: m.rate / getRow.rate,
        cpu: median(qruns[k].map((x) => x.cpuPerCall)), target: '≥ 0.5x', pass: m.rate / getRow.rate >= 0.5,
      });
    }
    const bareGet = best(qruns['bare.getRow']);
    const bareRange = best(qruns['bare.rangeSortedQuery']);
    log(`bare-http (canned responses): getRow ${Math.round(bareGet.rate)} ops/s, rangeSortedQuery ${Math.round(bareRange.rate)} ops/s (${(bareRange.rate / bareGet.rate).toFixed(2)}x)`);
    out.push({ name: 'bare-http.search.getRow', value: bareGet.rate, unit: 'ops/s', cpu: median(qruns['bare.getRow'].map((m) => m.cpuPerCall)) });
    out.push({
      name: 'bare-http.search.rangeSortedQuery', value: bareRange.rate, unit: 'ops/s', baseline: 'bare-http.search.getRow', ratio: bareRange.rate / bareGet.rate,
      cpu: median(qruns['bare.rangeSortedQuery'].map((m) => m.cpuPerCall)), target: 'report (ceiling)',
    });
  } finally {
    agent.destroy();
    if (emu) await emu.stop();
    if (bare) await bare.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  if (memoryRows > 0) {
    log(`building a search index of ${memoryRows} rows to weigh it ...`);
    const m = memory(memoryRows);
    out.push({ name: 'emulator.searchIndex.memory', value: m.total / 2 ** 20, unit: `MiB/${memoryRows} rows`, baseline: 'row data size', ratio: m.total / m.data, target: 'report' });
    out.push({ name: 'emulator.searchIndex.memory.documents', value: m.docs / 2 ** 20, unit: 'MiB', ratio: m.docs / m.data });
    out.push({ name: 'emulator.searchIndex.memory.postings', value: (m.total - m.docs) / 2 ** 20, unit: 'MiB', ratio: (m.total - m.docs) / m.data });
    out.push({ name: 'emulator.searchIndex.rowData', value: m.data / 2 ** 20, unit: 'MiB' });
  }
  return out;
};
