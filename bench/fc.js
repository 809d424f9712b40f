/**
 * Function Compute adapter benchmark (issue 5, item 7): tsorm/fc beside a hand-written raw-SDK handler
 * (bench/fc-handlers/raw.js vs tsorm.js: the same FC 3.0 event handler, one GetRow), in one run, against the
 * emulator as users run it (the built CLI, in memory, in a child process).
 *
 * - cold: a fresh `node` process per sample that loads the handler module, runs the initializer and answers
 *   the first invocation (bench/fc-cold.js), measured inside the process; samples alternate raw / tsorm, the
 *   medians are reported and the ratio is the median of the pairs' ratios (a pair runs back to back, under
 *   the same load of a shared machine). Target (issue 15): tsorm ≤ 0.6× raw, wall and CPU. The same span's CPU time (`*.cold.cpu`, steadier on a
 *   shared machine) and the whole process (spawn to exit, Node's own start-up included) are reported too.
 * - warm: sequential invocations of the initialised handlers in this process, rounds alternating between
 *   them; median of the rounds' means. `fc.overhead.*`: the adapter alone (a `defineFunction` handler whose
 *   body returns at once, minus calling that body directly), per call shape. Target: ≤ 0.2 ms per invocation.
 *
 * - deploy: both handlers built with the esbuild command examples/app/DEPLOY.md gives users (read from DEPLOY.md,
 *   so the figure follows the documentation), the artifact's bytes and their ratio. Target: tsorm ≤ 1.3× raw.
 *   `*.deploy.zipped`: the same deflated, as the zip FC uploads stores it.
 *
 * - decode (bench/fc-decode.js): a TableStore-trigger event decoded per record, typed (tsorm) beside the official
 *   samples' `cbor` package + plain objects. Target: typed ≤ 1.5× cbor.
 * - delivery (bench/fc-delivery.js): local TableStore-trigger delivery latency, write to handler, p50 and p99.
 *
 * Environment: BENCH_FC_COLD_SAMPLES (default 11 per handler), BENCH_FC_ROUNDS (default 15),
 * BENCH_FC_DELIVERY_WRITES (default 300); fc-decode.js has its own.
 */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { deflateRawSync } = require('node:zlib');
const { performance } = require('node:perf_hooks');
const { setTimeout: sleep } = require('node:timers/promises');

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'cli', 'tsorm.js');
const KEY_ID = 'tsorm-emulator';
const SECRET = 'tsorm-emulator-secret';

exports.description = 'tsorm/fc vs a hand-written raw-SDK handler (GetRow), emulator in a child process; cold = new process';

function startEmulator() {
  const proc = spawn(process.execPath, [CLI, 'emulator', '--port', '0', '--in-memory'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the emulator did not start: ${err}`)), 20_000);
    proc.on('exit', (code) => reject(new Error(`the emulator exited with ${code}: ${err}`)));
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /TableStore emulator listening on (http:\/\/\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      proc.removeAllListeners('exit');
      resolve({
        endpoint: m[1],
        stop: () =>
          new Promise((r) => {
            if (proc.exitCode !== null) return r();
            proc.on('exit', () => r());
            proc.kill('SIGTERM');
          }),
      });
    });
  });
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function coldSample(kind, env) {
  const started = performance.now();
  const r = spawnSync(process.execPath, [join(__dirname, 'fc-cold.js'), kind], { cwd: ROOT, env, encoding: 'utf8' });
  const wall = performance.now() - started;
  if (r.status !== 0) throw new Error(`fc-cold.js ${kind} failed: ${r.stderr}`);
  return { ...JSON.parse(r.stdout), wall };
}

/** The esbuild flags of DEPLOY.md's "Build the code package" command. */
function deployFlags() {
  const md = readFileSync(join(ROOT, 'examples', 'app', 'DEPLOY.md'), 'utf8');
  // The handler files (index.ts events.ts counts.ts…) come first, the flags after them.
  const m = /npx esbuild ((?:\w+\.ts )+)(.+?) --outdir=code/.exec(md);
  if (!m) throw new Error('examples/app/DEPLOY.md names no `npx esbuild <handler>.ts… --flags --outdir=code` command');
  return m[2].split(/\s+/);
}

/**
 * The deploy artifact of one handler, built as DEPLOY.md says: bytes, and deflated bytes (its size in the zip).
 * `--tsconfig-raw={}`: the repository's tsconfig maps `tsorm` to src/ (for its own type-check); users' builds
 * bundle the package's dist/, so this one does too (through the package's self-reference).
 */
function deployArtifact(handler, flags) {
  const dir = mkdtempSync(join(tmpdir(), 'tsorm-bench-deploy-'));
  try {
    const out = join(dir, 'index.js');
    const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'esbuild'), [join(__dirname, 'fc-handlers', handler), ...flags, `--outfile=${out}`, '--tsconfig-raw={}'], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`esbuild ${handler} failed: ${r.stderr}`);
    const bytes = readFileSync(out);
    return { bytes: bytes.length, zipped: deflateRawSync(bytes, { level: 9 }).length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Mean ms per call of `fn` over `n` sequential calls. */
async function timeCalls(fn, n) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return (performance.now() - t0) / n;
}

exports.run = async ({ log }) => {
  const coldSamples = Number(process.env.BENCH_FC_COLD_SAMPLES || 11);
  const rounds = Number(process.env.BENCH_FC_ROUNDS || 15);
  const emu = await startEmulator();
  const env = {
    ...process.env,
    TABLESTORE_ENDPOINT: emu.endpoint,
    TABLESTORE_INSTANCE: 'tsorm',
    BENCH_KEY_ID: KEY_ID,
    BENCH_KEY_SECRET: SECRET,
  };
  try {
    // The table and its one row.
    Object.assign(process.env, { TABLESTORE_ENDPOINT: emu.endpoint, TABLESTORE_INSTANCE: 'tsorm' });
    const { connect, getTableSchema } = require('tsorm');
    const { createEntityTable } = require('tsorm/migrations');
    const tsormHandler = require('./fc-handlers/tsorm.js');
    const rawHandler = require('./fc-handlers/raw.js');
    const db = connect({ endpoint: emu.endpoint, instance: 'tsorm', accessKeyId: KEY_ID, accessKeySecret: SECRET });
    await createEntityTable(db.client, getTableSchema(tsormHandler.Item));
    await db.repository(tsormHandler.Item).save({ id: 'k1', count: 42, name: 'bench' });

    // ---------------------------------------------------------------- cold
    log(`cold: ${coldSamples} fresh processes per handler, alternating`);
    const cold = { raw: [], tsorm: [] };
    coldSample('raw', env); // warm the OS file cache for both
    coldSample('tsorm', env);
    for (let i = 0; i < coldSamples; i++) {
      cold.raw.push(coldSample('raw', env));
      cold.tsorm.push(coldSample('tsorm', env));
    }
    const m = (kind, key) => median(cold[kind].map((s) => s[key]));
    for (const kind of ['raw', 'tsorm']) {
      log(
        `  ${kind}: load ${m(kind, 'loadMs').toFixed(1)} ms + initializer ${m(kind, 'initMs').toFixed(1)} ms + first get ${m(kind, 'firstMs').toFixed(1)} ms; ` +
          `CPU ${m(kind, 'loadCpuMs').toFixed(1)} + ${m(kind, 'initCpuMs').toFixed(1)} + ${m(kind, 'firstCpuMs').toFixed(1)} ms (medians)`,
      );
    }

    // ---------------------------------------------------------------- warm
    const ctx = () => ({
      requestId: 'warm',
      credentials: { accessKeyId: KEY_ID, accessKeySecret: SECRET, securityToken: '' },
      function: { name: 'bench', handler: 'index.handler', memory: 512, timeout: 10 },
      logger: { info() {}, warn() {}, error() {} },
    });
    await rawHandler.initializer(ctx());
    await tsormHandler.initializer(ctx());
    const event = Buffer.from('{"id":"k1"}');
    const check = await tsormHandler.handler(event, ctx());
    const checkRaw = await rawHandler.handler(event, ctx());
    if (check.count !== 42 || checkRaw.count !== 42) throw new Error(`unexpected answers ${JSON.stringify([check, checkRaw])}`);

    // The adapter alone: the same trivial body, through defineFunction and called directly.
    const { defineFunction } = require('tsorm/fc');
    const body = async () => 1;
    const httpBody = async () => ({ body: { ok: true } });
    const noopEvent = defineFunction({ entities: [tsormHandler.Item], event: body });
    const noopHttp = defineFunction({ entities: [tsormHandler.Item], http: httpBody });
    await noopEvent.initializer(ctx());
    await noopHttp.initializer(ctx());
    const httpEvent = Buffer.from(
      JSON.stringify({
        version: 'v1',
        rawPath: '/items/k1',
        body: '',
        isBase64Encoded: false,
        headers: { host: 'example.fcapp.run', 'user-agent': 'bench', accept: '*/*' },
        queryParameters: {},
        requestContext: { requestId: 'r', http: { method: 'GET', path: '/items/k1', protocol: 'HTTP/1.1', sourceIp: '10.0.0.1', userAgent: 'bench' } },
      }),
    );
    const { toJson } = require('tsorm/fc');
    const direct = async () => {
      const c = ctx();
      return body(event, c);
    };
    const directHttp = async () => {
      const c = ctx();
      const parsed = JSON.parse(httpEvent.toString());
      const r = await httpBody(parsed, c);
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: toJson(r.body), isBase64Encoded: false };
    };

    log(`warm: ${rounds} rounds, alternating`);
    const perRound = { raw: [], tsorm: [], noopEvent: [], direct: [], noopHttp: [], directHttp: [] };
    const io = 300;
    const cpu = 20_000;
    for (let r = 0; r < rounds; r++) {
      perRound.raw.push(await timeCalls(() => rawHandler.handler(event, ctx()), io));
      perRound.tsorm.push(await timeCalls(() => tsormHandler.handler(event, ctx()), io));
      perRound.direct.push(await timeCalls(direct, cpu));
      perRound.noopEvent.push(await timeCalls(() => noopEvent.handler(event, ctx()), cpu));
      perRound.directHttp.push(await timeCalls(directHttp, cpu));
      perRound.noopHttp.push(await timeCalls(() => noopHttp.handler(httpEvent, ctx()), cpu));
      await sleep(5);
    }
    const w = (k) => median(perRound[k].slice(1)); // the first round warms the JIT
    db.close();

    // Ratios from the pairs (each tsorm sample ran right after its raw one, under the same machine load).
    const paired = (key) => median(cold.tsorm.map((s, i) => s[key] / cold.raw[i][key]));
    const coldRatio = paired('ms');
    const overheadEvent = w('noopEvent') - w('direct');
    const overheadHttp = w('noopHttp') - w('directHttp');

    // ---------------------------------------------------------------- deploy
    const flags = deployFlags();
    const rawDeploy = deployArtifact('raw.js', flags);
    const tsormDeploy = deployArtifact('tsorm.js', flags);
    const deployRatio = tsormDeploy.bytes / rawDeploy.bytes;
    log(`deploy: esbuild ${flags.join(' ')} (DEPLOY.md)`);
    const delivery = await require('./fc-delivery').run({ log, target: { endpoint: emu.endpoint, instance: 'tsorm', accessKeyId: KEY_ID, accessKeySecret: SECRET } });
    const decode = require('./fc-decode').measure({ log });
    return [
      { name: 'raw-sdk.cold', value: m('raw', 'ms'), unit: 'ms', note: `load ${m('raw', 'loadMs').toFixed(1)} + init ${m('raw', 'initMs').toFixed(1)} + first get ${m('raw', 'firstMs').toFixed(1)}` },
      {
        name: 'fc.cold',
        value: m('tsorm', 'ms'),
        unit: 'ms',
        baseline: 'raw-sdk.cold',
        ratio: coldRatio,
        target: '≤ 0.6',
        pass: coldRatio <= 0.6,
        note: `load ${m('tsorm', 'loadMs').toFixed(1)} + init ${m('tsorm', 'initMs').toFixed(1)} + first get ${m('tsorm', 'firstMs').toFixed(1)}`,
      },
      { name: 'raw-sdk.cold.cpu', value: m('raw', 'cpuMs'), unit: 'ms' },
      { name: 'fc.cold.cpu', value: m('tsorm', 'cpuMs'), unit: 'ms', baseline: 'raw-sdk.cold.cpu', ratio: paired('cpuMs'), target: '≤ 0.6', pass: paired('cpuMs') <= 0.6 },
      { name: 'raw-sdk.cold.process', value: m('raw', 'wall'), unit: 'ms' },
      { name: 'fc.cold.process', value: m('tsorm', 'wall'), unit: 'ms', baseline: 'raw-sdk.cold.process', ratio: paired('wall') },
      { name: 'raw-sdk.warm', value: w('raw'), unit: 'ms' },
      { name: 'fc.warm', value: w('tsorm'), unit: 'ms', baseline: 'raw-sdk.warm', ratio: w('tsorm') / w('raw') },
      { name: 'fc.overhead.event', value: overheadEvent, unit: 'ms', target: '≤ 0.2', pass: overheadEvent <= 0.2 },
      { name: 'fc.overhead.http', value: overheadHttp, unit: 'ms', target: '≤ 0.2', pass: overheadHttp <= 0.2 },
      { name: 'raw-sdk.deploy', value: rawDeploy.bytes, unit: 'bytes' },
      {
        name: 'fc.deploy',
        value: tsormDeploy.bytes,
        unit: 'bytes',
        baseline: 'raw-sdk.deploy',
        ratio: deployRatio,
        target: '≤ 1.3',
        pass: deployRatio <= 1.3,
      },
      { name: 'raw-sdk.deploy.zipped', value: rawDeploy.zipped, unit: 'bytes' },
      { name: 'fc.deploy.zipped', value: tsormDeploy.zipped, unit: 'bytes', baseline: 'raw-sdk.deploy.zipped', ratio: tsormDeploy.zipped / rawDeploy.zipped },
      ...delivery,
      ...decode,
    ];
  } finally {
    await emu.stop();
  }
};
