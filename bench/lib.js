/** Pieces the benchmark areas share: child processes, the measuring loop, the promisified SDK call. */
'use strict';
const { spawn } = require('node:child_process');
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

/**
 * Runs `op` with `concurrency` calls in flight for `seconds` after a short warm-up; `perOp(result)` counts
 * units per call (rows for batches). Resolves to units/s and calls/s.
 */
async function measure(op, seconds, concurrency, perOp = () => 1) {
  const warmup = Math.min(1, seconds / 3);
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
  const t0 = performance.now();
  await sleep(seconds * 1000);
  counting = false;
  const elapsed = (performance.now() - t0) / 1000;
  stop = true;
  await Promise.all(workers);
  if (failure) throw new Error(`benchmark call failed: ${failure.message || failure.code || failure}`);
  return { rate: units / elapsed, callRate: calls / elapsed };
}

/** The raw SDK's callback API as a promise. */
function sdkCall(client, method, params) {
  return new Promise((resolve, reject) => client[method](params, (err, data) => (err ? reject(err) : resolve(data))));
}

module.exports = { startChild, measure, sdkCall, ROOT };
