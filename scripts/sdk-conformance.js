#!/usr/bin/env node
/**
 * Runs the official SDKs' own test files against the emulator: each file against a fresh in-memory emulator
 * (`node dist/cli/tsorm.js emulator`, so `npm run build` first), with the SDK's usual environment variables
 * pointing at it. The SDKs are not dependencies of tsorm and nothing of theirs is in this repository: give the
 * path of a checkout (or of an installed package that ships its tests).
 *
 *   node scripts/sdk-conformance.js python /path/to/aliyun-tablestore-python-sdk [tests/agg_test.py …]
 *   node scripts/sdk-conformance.js node node_modules/tablestore [test/search.test.js …]
 *
 * Python: needs python3 with protobuf, urllib3, certifi, six, future, flatbuffers, numpy and crc32c (Debian:
 * `apt-get install python3-protobuf python3-urllib3 python3-certifi python3-six python3-future
 * python3-flatbuffers python3-numpy python3-crc32c`), and runs /usr/bin/python3 unless PYTHON is set. The tests'
 * fixed waits (60 s per table, 300 s per index) are skipped: `time.sleep` is a no-op in the test process,
 * since the emulator's search indexes are in sync when a write returns. transaction_test's table is created
 * first, as its comment asks of the test account. Node: needs mocha (MOCHA, default `npx mocha`).
 */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { join, resolve } = require('node:path');

const ROOT = join(__dirname, '..');
const DEFAULTS = {
  python: ['tests/table_operation_test.py', 'tests/row_op_test.py', 'tests/transaction_test.py', 'tests/search_index_test.py', 'tests/agg_test.py', 'tests/group_by_test.py', 'tests/parallel_scan_test.py', 'tests/full_text_search_test.py'],
  node: ['test/table.test.js', 'test/data_opration.test.js', 'test/globalIndex.test.js', 'test/long.test.js', 'test/search.test.js', 'test/search_old.test.js'],
};
const KEY = { id: 'tsorm-emulator', secret: 'tsorm-emulator-secret', instance: 'tsorm' };

// Python prelude: the precondition of transaction_test, then unittest with time.sleep disabled.
const PY_MAIN = `
import os, sys, time, unittest
if any('transaction_test' in a for a in sys.argv[1:]):
    from tablestore import OTSClient, TableMeta, TableOptions, ReservedThroughput, CapacityUnit
    OTSClient(os.environ['OTS_TEST_ENDPOINT'], os.environ['OTS_TEST_ACCESS_KEY_ID'], os.environ['OTS_TEST_ACCESS_KEY_SECRET'],
              os.environ['OTS_TEST_INSTANCE']).create_table(TableMeta('TransactionTable', [('PK0', 'INTEGER'), ('PK1', 'STRING')]),
              TableOptions(), ReservedThroughput(CapacityUnit(0, 0)))
time.sleep = lambda s: None
sys.argv = ['unittest'] + sys.argv[1:]
unittest.main(module=None)
`;

function startEmulator() {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli', 'tsorm.js'), 'emulator', '--in-memory', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolvePromise({ endpoint: m[1], close: () => child.kill() });
    });
    child.on('exit', (code) => reject(new Error(`the emulator exited (${code}) before it listened`)));
  });
}

function command(kind, sdk, file, endpoint) {
  if (kind === 'python') {
    const env = { OTS_TEST_ENDPOINT: endpoint, OTS_TEST_ACCESS_KEY_ID: KEY.id, OTS_TEST_ACCESS_KEY_SECRET: KEY.secret, OTS_TEST_INSTANCE: KEY.instance, PYTHONPATH: `${sdk}:${join(sdk, 'tablestore', 'flatbuffer')}` };
    return { cmd: process.env.PYTHON || '/usr/bin/python3', args: ['-c', PY_MAIN, file], env };
  }
  const env = { endpoint, accessKeyId: KEY.id, secretAccessKey: KEY.secret, instancename: KEY.instance };
  const mocha = process.env.MOCHA ? [process.env.MOCHA] : ['npx', '--yes', 'mocha'];
  return { cmd: mocha[0], args: [...mocha.slice(1), '--timeout', '600000', file], env };
}

async function main() {
  const [kind, sdkPath, ...files] = process.argv.slice(2);
  if (!DEFAULTS[kind] || !sdkPath) {
    process.stderr.write('usage: node scripts/sdk-conformance.js python|node <path of the SDK checkout> [test files…]\n');
    process.exit(2);
  }
  const sdk = resolve(sdkPath);
  let failed = 0;
  for (const file of files.length ? files : DEFAULTS[kind]) {
    const emu = await startEmulator();
    const { cmd, args, env } = command(kind, sdk, file, emu.endpoint);
    const r = spawnSync(cmd, args, { cwd: sdk, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 << 20 });
    emu.close();
    const text = `${r.stdout}\n${r.stderr}`;
    const summary = kind === 'python' ? (text.match(/^Ran \d+ tests?.*$/m)?.[0] ?? '') + ' ' + (text.match(/^(OK|FAILED.*)$/m)?.[0] ?? '') : [/\d+ passing/, /\d+ failing/].map((re) => text.match(re)?.[0]).filter(Boolean).join(', ');
    process.stdout.write(`${r.status === 0 ? 'ok  ' : 'FAIL'} ${file}: ${summary.trim()}\n`);
    if (r.status !== 0) {
      failed++;
      process.stdout.write(text.replace(/^(?=.)/gm, '    ') + '\n');
    }
  }
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
