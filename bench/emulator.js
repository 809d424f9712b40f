/**
 * Emulator benchmark (issue 2, item 9). The official `tablestore` SDK with a keep-alive agent, 16 calls in
 * flight, against:
 *   - the emulator as users run it: the built `tsorm emulator` CLI in a child process, on disk (LMDB, the
 *     default) and in memory;
 *   - a bare `http.createServer` child process answering the same requests with the emulator's own canned
 *     responses (bench/bare-server.js): the HTTP stack's and the SDK's limit, measured in the same run.
 * The SDK (client) and each server are separate processes, so they do not share an event loop; on a 2-core
 * machine they do share the CPU, as a developer's test run and its emulator would.
 *
 * Search (bench/search.js) runs after these: indexing cost, query throughput beside GetRow, index memory.
 *
 * Workloads: single-row PutRow and GetRow (ops/s), BatchWriteRow of 200 rows (rows/s), GetRange of 5000-row
 * pages (rows/s). Rows are a small entity: an INTEGER key and four attributes (a short string, an integer, a
 * double, a 64-byte string); `getRangeNarrow` reads rows of one 8-byte attribute, to show where the SDK's own
 * row decoding stops being the limit. Ratios are emulator / bare server request rates.
 *
 * The machines are shared and noisy: each measurement is taken in several short rounds, the targets
 * interleaved (bare, disk, memory, bare, ...), and the best round is reported (the least disturbed one).
 * The table also gives each server process's CPU time per call (median over rounds, from /proc), which is
 * much less sensitive to other load than throughput is.
 *
 * Environment: BENCH_SECONDS (per round, default 1.5), BENCH_ROUNDS (default 2), BENCH_EMULATOR_NODE_ARGS
 * (extra node flags for the emulator processes, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
 */
'use strict';
const { mkdtempSync, rmSync, writeFileSync, existsSync } = require('node:fs');
const http = require('node:http');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const TableStore = require('tablestore');
const { measure, median, recordingProxy, startChild } = require('./lib');

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'cli', 'tsorm.js');
const CONCURRENCY = 16;
const BATCH = 200;
const PAGE = 5000;
const RANGE_ROWS = 8_000;
const KEY_ID = 'tsorm-emulator';
const SECRET = 'tsorm-emulator-secret';

exports.description = `official SDK, keep-alive agent, concurrency ${CONCURRENCY}; emulator (child process) vs bare http.createServer with canned responses`;

// ------------------------------------------------------------------ processes

function startEmulatorProcess(storageArgs) {
  const nodeArgs = (process.env.BENCH_EMULATOR_NODE_ARGS || '').split(' ').filter(Boolean);
  return startChild([...nodeArgs, CLI, 'emulator', '--port', '0', ...storageArgs], /TableStore emulator listening on (http:\/\/\S+)/);
}

// ------------------------------------------------------------------ the SDK

function client(endpoint, agent) {
  const raw = new TableStore.Client({
    endpoint,
    instancename: 'tsorm',
    accessKeyId: KEY_ID,
    secretAccessKey: SECRET,
    maxRetries: 0,
    httpOptions: { agent },
  });
  const call = (method) => (params) => new Promise((resolve, reject) => raw[method](params, (e, d) => (e ? reject(e) : resolve(d))));
  return {
    createTable: call('createTable'),
    putRow: call('putRow'),
    getRow: call('getRow'),
    batchWriteRow: call('batchWriteRow'),
    getRange: call('getRange'),
  };
}

const IGNORE = new TableStore.Condition(TableStore.RowExistenceExpectation.IGNORE, null);
const long = (n) => TableStore.Long.fromNumber(n);
const PAYLOAD = 'x'.repeat(64);
const attrs = (i) => [{ name: `user-${i}` }, { n: long(i) }, { score: i / 7 }, { payload: PAYLOAD }];
const narrow = (i) => [{ v: `v${String(i).padStart(7, '0')}` }];

function tableArgs(tableName) {
  return {
    tableMeta: { tableName, primaryKey: [{ name: 'id', type: 'INTEGER' }] },
    reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
    tableOptions: { timeToLive: -1, maxVersions: 1 },
  };
}

/** The four workloads; `next` is a per-target id counter so writes always create new rows. */
function workloads(sdk) {
  let next = 1_000_000;
  return {
    putRow: { unit: 'ops/s', perOp: () => 1, op: () => { const i = next++; return sdk.putRow({ tableName: 'single', condition: IGNORE, primaryKey: [{ id: long(i) }], attributeColumns: attrs(i) }); } },
    getRow: {
      unit: 'ops/s',
      perOp: () => 1,
      op: () => sdk.getRow({ tableName: 'range', primaryKey: [{ id: long(Math.floor(Math.random() * RANGE_ROWS)) }], maxVersions: 1 }),
    },
    batchWriteRow: {
      unit: 'rows/s',
      perOp: () => BATCH,
      op: () => {
        const rows = [];
        for (let k = 0; k < BATCH; k++) {
          const i = next++;
          rows.push({ type: 'PUT', condition: IGNORE, primaryKey: [{ id: long(i) }], attributeColumns: attrs(i) });
        }
        return sdk.batchWriteRow({ tables: [{ tableName: 'batch', rows }] });
      },
    },
    getRange: rangeWorkload(sdk, 'range'),
    getRangeNarrow: rangeWorkload(sdk, 'narrow'),
  };
}

function rangeWorkload(sdk, tableName) {
  return {
    unit: 'rows/s',
    perOp: (r) => r.rows.length,
    op: () => {
        const start = Math.floor(Math.random() * (RANGE_ROWS - PAGE));
        return sdk.getRange({
          tableName,
          direction: TableStore.Direction.FORWARD,
          inclusiveStartPrimaryKey: [{ id: long(start) }],
          exclusiveEndPrimaryKey: [{ id: TableStore.INF_MAX }],
          limit: PAGE,
          maxVersions: 1,
        });
    },
  };
}

async function prepare(sdk) {
  for (const t of ['single', 'batch', 'range', 'narrow']) await sdk.createTable(tableArgs(t));
  for (const [tableName, columns] of [['range', attrs], ['narrow', narrow]]) {
    for (let start = 0; start < RANGE_ROWS; start += BATCH) {
      const rows = [];
      for (let i = start; i < start + BATCH; i++) rows.push({ type: 'PUT', condition: IGNORE, primaryKey: [{ id: long(i) }], attributeColumns: columns(i) });
      const r = await sdk.batchWriteRow({ tables: [{ tableName, rows }] });
      if (r.tables.some((x) => !x.isOk)) throw new Error('preload failed');
    }
  }
}

/** One call of each workload through a recording proxy: the emulator's exact responses, for the bare server. */
async function captureResponses(emulatorEndpoint, file) {
  const proxy = await recordingProxy(emulatorEndpoint);
  const agent = new http.Agent({ keepAlive: true });
  const w = workloads(client(proxy.endpoint, agent));
  const files = {};
  for (const name of Object.keys(w)) {
    await w[name].op();
    const action = name.replace(/Narrow$/, '').replace(/^./, (c) => c.toUpperCase());
    if (!proxy.canned[action]) throw new Error(`no canned response for ${action}`);
    // the two GetRange workloads differ only by table: the bare server tells them apart by table name
    files[action === 'GetRange' ? `${action}:${name === 'getRange' ? 'range' : 'narrow'}` : action] = proxy.canned[action];
  }
  agent.destroy();
  proxy.close();
  writeFileSync(file, JSON.stringify(files));
}

const TARGETS = {
  putRow: { min: 4000, text: '≥ 4,000 ops/s' },
  getRow: { min: 4000, text: '≥ 4,000 ops/s' },
  batchWriteRow: { min: 60_000, text: '≥ 60,000 rows/s' },
  getRange: { min: 150_000, text: '≥ 150,000 rows/s' },
  getRangeNarrow: { min: 150_000, text: '≥ 150,000 rows/s' },
};

exports.run = async function run(opts) {
  // BENCH_EMULATOR_ONLY=search runs only the search part (bench/search.js); =core only the part above.
  const only = process.env.BENCH_EMULATOR_ONLY;
  const rows = only === 'search' ? [] : await runCore(opts);
  if (only !== 'core') rows.push(...(await require('./search').run(opts)));
  return rows;
};

async function runCore({ seconds, log }) {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm run bench does).`);
  const secs = seconds || Number(process.env.BENCH_SECONDS) || 1.5;
  const rounds = Number(process.env.BENCH_ROUNDS) || 2;
  const dir = mkdtempSync(join(tmpdir(), 'tsorm-bench-'));
  const children = [];
  try {
    log('starting the emulator (disk and memory) and the bare server ...');
    const disk = await startEmulatorProcess(['--data-dir', join(dir, 'data')]);
    children.push(disk);
    const memory = await startEmulatorProcess(['--in-memory']);
    children.push(memory);
    const targets = [
      { label: 'emulator', proc: disk, agent: new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY }) },
      { label: 'emulator-memory', proc: memory, agent: new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY }) },
    ];
    log(`preloading ${RANGE_ROWS} rows into each range table ...`);
    await Promise.all(
      targets.map(async (t) => {
        t.sdk = client(t.proc.endpoint, t.agent);
        await prepare(t.sdk);
        t.work = workloads(t.sdk);
      }),
    );
    const cannedFile = join(dir, 'canned.json');
    await captureResponses(disk.endpoint, cannedFile);
    const bareProc = await startChild([join(__dirname, 'bare-server.js'), cannedFile], /listening (\d+)/);
    children.push(bareProc);
    const bare = { label: 'bare-http', proc: bareProc, agent: new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY }) };
    bare.sdk = client(bareProc.endpoint, bare.agent);
    bare.work = workloads(bare.sdk);

    const rows = [];
    for (const name of Object.keys(TARGETS)) {
      const all = [bare, ...targets];
      const runs = new Map(all.map((t) => [t, []]));
      for (let r = 0; r < rounds; r++) for (const t of all) runs.get(t).push(await measure(t.work[name].op, secs, CONCURRENCY, t.work[name].perOp, t.proc.proc.pid));
      const best = (t) => runs.get(t).reduce((a, b) => (b.rate > a.rate ? b : a));
      const cpu = (t) => median(runs.get(t).map((m) => m.cpuPerCall));
      const base = best(bare);
      log(`${name}: bare-http ${Math.round(base.rate)} ${bare.work[name].unit}`);
      rows.push({ name: `bare-http.${name}`, value: base.rate, unit: bare.work[name].unit, cpu: cpu(bare) });
      for (const t of targets) {
        const m = best(t);
        const ratio = m.callRate / base.callRate;
        log(`${name}: ${t.label} ${Math.round(m.rate)} ${t.work[name].unit} (${ratio.toFixed(2)}x bare)`);
        rows.push({
          name: `${t.label}.${name}`,
          value: m.rate,
          unit: t.work[name].unit,
          baseline: `bare-http.${name}`,
          ratio,
          cpu: cpu(t),
          target: `${TARGETS[name].text}, ≥ 0.5x`,
          pass: m.rate >= TARGETS[name].min && ratio >= 0.5,
        });
      }
    }
    for (const t of [...targets, bare]) t.agent.destroy();
    return rows;
  } finally {
    for (const c of children) await c.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
