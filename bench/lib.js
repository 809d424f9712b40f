/** Pieces the benchmark areas share: child processes, the measuring loop, the promisified SDK call. */
'use strict';
const { execFileSync, spawn } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { performance } = require('node:perf_hooks');
const { setTimeout: sleep } = require('node:timers/promises');

const ROOT = require('node:path').join(__dirname, '..');

/** Starts `node args…`; resolves when stdout matches `ready` (group 1 = endpoint or port). */
function startChild(args, ready, env = {}) {
  const proc = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start: ${err}`)), 20_000);
    proc.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${err}`)));
    proc.stdout.on('data', (d) => {
      out += d;
      const m = ready.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        proc,
        endpoint: m[1].startsWith('http') ? m[1] : `http://127.0.0.1:${m[1]}`,
        stop: () =>
          new Promise((r) => {
            if (proc.exitCode !== null) return r();
            proc.removeAllListeners('exit');
            proc.on('exit', () => r());
            proc.kill('SIGTERM');
          }),
      });
    });
  });
}

let clockTicks;
/** CPU time (user + system) a process has used, µs, from /proc; undefined where /proc is not there. */
function cpuMicros(pid) {
  try {
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / clockTicks;
  } catch {
    return undefined;
  }
}

function median(xs) {
  const v = xs.filter((x) => x !== undefined).sort((a, b) => a - b);
  return v.length ? v[Math.floor(v.length / 2)] : undefined;
}

/**
 * Runs `op` with `concurrency` calls in flight for `seconds` after a short warm-up; `perOp(result)` counts
 * units per call (rows for batches). Resolves to units/s, calls/s, this process's (the client's) CPU µs per
 * call and, given the server's `pid`, the server's CPU µs per call.
 */
async function measure(op, seconds, concurrency, perOp = () => 1, pid = undefined) {
  const warmup = Math.min(0.5, seconds / 4);
  let counting = false;
  let stop = false;
  let units = 0;
  let calls = 0;
  let failure;
  const worker = async () => {
    while (!stop) {
      try {
        const r = await op();
        if (counting) {
          units += perOp(r);
          calls++;
        }
      } catch (e) {
        failure = e;
        stop = true;
      }
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  await sleep(warmup * 1000);
  counting = true;
  const cpu0 = pid === undefined ? undefined : cpuMicros(pid);
  const own0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  counting = false;
  const elapsed = (performance.now() - t0) / 1000;
  const own = process.cpuUsage(own0);
  const cpu1 = pid === undefined ? undefined : cpuMicros(pid);
  stop = true;
  await Promise.all(workers);
  if (failure) throw new Error(`benchmark call failed: ${failure.message || failure.code || failure}`);
  const cpuPerCall = cpu0 === undefined || cpu1 === undefined || !calls ? undefined : (cpu1 - cpu0) / calls;
  return { rate: units / elapsed, callRate: calls / elapsed, cpuPerCall, clientCpuPerCall: calls ? (own.user + own.system) / calls : undefined };
}

/**
 * `calls` calls of `op`, `concurrency` in flight: this process's client CPU (user + system, `process.cpuUsage`)
 * µs per call, and calls/s.
 */
async function burst(op, calls, concurrency) {
  let next = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls) {
        next++;
        await op();
      }
    }),
  );
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / calls, rate: calls / ((performance.now() - t0) / 1000) };
}

/**
 * Bursts of each variant (`{ name: op }`) in interleaved rounds, the order rotating each round, after one
 * warm-up burst each: the load of a shared machine then weighs on every variant alike. Resolves to
 * `{ name: { cpu, rate } }`, the medians of the rounds.
 */
async function interleaved(variants, { rounds, calls, concurrency }) {
  const names = Object.keys(variants);
  for (const n of names) await burst(variants[n], calls, concurrency);
  const cpu = Object.fromEntries(names.map((n) => [n, []]));
  const rate = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < names.length; k++) {
      const n = names[(round + k) % names.length];
      const r = await burst(variants[n], calls, concurrency);
      cpu[n].push(r.cpu);
      rate[n].push(r.rate);
    }
  }
  return Object.fromEntries(names.map((n) => [n, { cpu: median(cpu[n]), rate: median(rate[n]) }]));
}

/** The raw official SDK's client for the emulator at `endpoint`, on its own keep-alive agent. */
function rawSdkClient(endpoint, keys, maxSockets) {
  const TableStore = require('tablestore');
  const http = require('node:http');
  return new TableStore.Client({
    endpoint,
    instancename: 'tsorm',
    accessKeyId: keys.accessKeyId,
    secretAccessKey: keys.accessKeySecret,
    maxRetries: 0,
    httpOptions: { agent: new http.Agent({ keepAlive: true, maxSockets }) },
  });
}

/**
 * A proxy in front of `target` that records the last 200 response of each action (`canned[action]`:
 * status, headers, base64 body), the canned responses bench/bare-server.js answers with.
 */
async function recordingProxy(target) {
  const http = require('node:http');
  const up = new URL(target);
  const canned = {};
  const proxy = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const u = http.request({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers }, (ur) => {
        const body = [];
        ur.on('data', (c) => body.push(c));
        ur.on('end', () => {
          const b = Buffer.concat(body);
          const action = req.url.split('?')[0].slice(1);
          if (ur.statusCode === 200) canned[action] = { status: ur.statusCode, headers: ur.headers, body: b.toString('base64') };
          res.writeHead(ur.statusCode, ur.headers);
          res.end(b);
        });
      });
      u.end(Buffer.concat(chunks));
    });
  });
  await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
  return { endpoint: `http://127.0.0.1:${proxy.address().port}`, canned, close: () => proxy.close() };
}

/** The raw SDK's callback API as a promise. */
function sdkCall(client, method, params) {
  return new Promise((resolve, reject) => client[method](params, (err, data) => (err ? reject(err) : resolve(data))));
}

module.exports = { startChild, measure, burst, interleaved, median, cpuMicros, sdkCall, rawSdkClient, recordingProxy, ROOT };
