#!/usr/bin/env node
/**
 * Build step after `tsc` (`npm run build`): the runtime — every module `tsorm` and `tsorm/fc` load (schema,
 * codec, query, repository, client, fc) — bundled into one file, `dist/src/_runtime.js`, and a two-line stub
 * left at each of those modules' paths that hands out the bundle's copy.
 *
 * Why: a Function Compute cold start pays for every file Node loads, about 0.2 ms of CPU per CommonJS file
 * whatever its size (resolution, read, compile), and the runtime is some seventy small files: one file instead
 * saves most of that (`npm run bench:fc`). Why stubs: `tsorm/migrations`, `tsorm/testing`, the emulator and
 * the CLI import runtime modules by relative path; through the stubs they get the very same module objects
 * (one entity registry, one `TableStoreError` class), never a second copy.
 *
 * Packages (`tablestore`, `long`, `class-validator`…) stay external: users' node_modules provide them.
 * The bundle's source map chains tsc's, so `--enable-source-maps` stack traces point at src/*.ts.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const DIST = path.join(__dirname, '..', 'dist', 'src');
const ENTRIES = ['index.js', 'fc/index.js'];
const BUNDLE = '_runtime.js';
const STUB = '/* tsorm: bundled into _runtime.js (scripts/bundle-runtime.js) */';

function fail(message) {
  process.stderr.write(`bundle-runtime: ${message}\n`);
  process.exit(1);
}

async function main() {
  for (const entry of ENTRIES) {
    const file = path.join(DIST, entry);
    if (!fs.existsSync(file)) fail(`${file} is missing: run tsc first (npm run build does both)`);
    if (fs.readFileSync(file, 'utf8').includes(STUB)) fail(`${file} is already a stub: run tsc first (npm run build does both)`);
  }

  // Pass 1: which modules the runtime entries reach.
  const probe = await esbuild.build({
    entryPoints: ENTRIES.map((e) => path.join(DIST, e)),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    write: false,
    metafile: true,
    outdir: path.join(DIST, '.probe'),
    logLevel: 'silent',
  });
  const modules = Object.keys(probe.metafile.inputs)
    .map((p) => path.resolve(p))
    .filter((p) => p.startsWith(DIST + path.sep) && p.endsWith('.js'))
    .map((p) => path.relative(DIST, p).split(path.sep).join('/').replace(/\.js$/, ''))
    .sort();
  for (const m of modules) {
    if (/^(emulator|migrations|testing)\//.test(m)) fail(`the runtime reaches ${m}: tsorm and tsorm/fc must not load the emulator, migrations or testing`);
  }

  // Pass 2: one bundle exposing each module by its path.
  const registry = `const load = {\n${modules.map((m) => `  ${JSON.stringify(m)}: () => require(${JSON.stringify(`./${m}.js`)}),`).join('\n')}\n};\nmodule.exports = (name) => load[name]();\n`;
  await esbuild.build({
    stdin: { contents: registry, resolveDir: DIST, sourcefile: 'runtime-registry.js', loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    outfile: path.join(DIST, BUNDLE),
    logLevel: 'warning',
  });

  // The stubs.
  for (const m of modules) {
    const file = path.join(DIST, `${m}.js`);
    let rel = path.relative(path.dirname(file), path.join(DIST, BUNDLE)).split(path.sep).join('/');
    if (!rel.startsWith('.')) rel = `./${rel}`;
    fs.writeFileSync(file, `"use strict";\n${STUB}\nmodule.exports = require(${JSON.stringify(rel)})(${JSON.stringify(m)});\n`);
    fs.rmSync(`${file}.map`, { force: true });
  }
  process.stdout.write(`bundle-runtime: ${modules.length} runtime modules → dist/src/${BUNDLE}\n`);
}

main().catch((e) => fail(e && e.stack ? e.stack : String(e)));
