#!/usr/bin/env node
/**
 * Build step after `tsc` (`npm run build`): the runtime — every module `tsorm` and `tsorm/fc` load (schema,
 * codec, query, repository, client, fc) — bundled into one file, `dist/src/_runtime.js` (plus the chunks
 * below), and a two-line stub left at each of those modules' paths that hands out the bundle's copy.
 *
 * Why: a Function Compute cold start pays for every file Node loads, about 0.2 ms of CPU per CommonJS file
 * whatever its size (resolution, read, compile), and the runtime is some ninety small files: one file instead
 * saves most of that (`npm run bench:fc`). Why stubs: `tsorm/migrations`, `tsorm/testing`, the emulator and
 * the CLI import runtime modules by relative path; through the stubs they get the very same module objects
 * (one entity registry, one `TableStoreError` class), never a second copy.
 *
 * Chunks: what a handler doing row calls never needs (search; change streams and trigger decoding: `CHUNKS`)
 * is bundled apart, into `dist/src/_runtime-<chunk>.js`, loaded on first use. [performance] A cold start pays for
 * every byte Node reads and V8 parses, not only for the code it runs (`npm run bench:orm`, `require-tsorm`).
 * A runtime module that imports a chunk's module gets a stand-in from the main bundle: an object with the
 * module's export names (read from tsc's output at build time) as getters that load the chunk on first read.
 * tsc's CommonJS reads an import's members at use (`(0, m.f)(…)`), never at load, so nothing changes for the
 * code: the same functions and classes (`instanceof` holds), one copy of every module. The chunk reaches the
 * main bundle's modules through its registry, as the stubs do. The build fails if `require('tsorm')` or
 * `require('tsorm/fc')` loads a chunk (test/cli/runtime-bundle.test.ts checks it too).
 *
 * Packages (`tablestore`, `long`, `class-validator`…) stay external: users' node_modules provide them.
 * The bundles are minified (whitespace and syntax only: names stay, for stack traces), and their source maps
 * chain tsc's, so `--enable-source-maps` stack traces point at src/*.ts.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const esbuild = require('esbuild');

const DIST = path.join(__dirname, '..', 'dist', 'src');
const ENTRIES = ['index.js', 'fc/index.js'];
const BUNDLE = '_runtime.js';
const STUB = '/* tsorm: bundled into _runtime.js (scripts/bundle-runtime.js) */';
/**
 * The chunks: name → the runtime modules (paths under dist/src, no extension) bundled into
 * `_runtime-<name>.js` instead of the main bundle. Search: what `repository.search/aggregate/parallelScan`,
 * the search builder, the wire transport's search APIs and `@SearchIndex` declarations run (query/search/nodes
 * stays: the entry's SearchQuery/Sorter/ScoreFunction classes are small). Stream: reading a table's changes
 * (`repository.changes`, the stream reader) and decoding TableStore-trigger events (CBOR, change records).
 */
const CHUNKS = {
  search: [/^query\/search\/(?!nodes$)/, /^schema\/search-index$/, /^repository\/actions\/search\//, /^client\/wire\/search-codec$/, /^client\/wire\/proto-search\.gen$/],
  stream: [/^fc\/trigger\//, /^codec\/change$/, /^client\/stream-reader$/, /^repository\/actions\/changes\//],
};
const chunkFile = (chunk) => `_runtime-${chunk}.js`;
/**
 * esbuild options of every bundle: Node 20, CommonJS, packages external, minified but for names, source-mapped.
 * `lineLimit`: Node prints the source line of an uncaught error's throw site, and without --enable-source-maps
 * that line would be a whole minified bundle (100 KB in a terminal or an FC log); lines of ~200 characters cost
 * nothing measurable at load (test/cli/runtime-bundle.test.ts holds it).
 */
const COMMON = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  minifyWhitespace: true,
  minifySyntax: true,
  lineLimit: 200,
  sourcemap: true,
  logLevel: 'warning',
};

/**
 * A stub's source: the bundle's copy of module `m`. [performance] Written in two statements, not as
 * `module.exports = require(bundle)(m)`: Node's cjs-module-lexer, which runs when an ES module imports CommonJS
 * (`import 'tsorm'` reaches `index.mjs` → `index.js`), takes `module.exports = require(x)` for a re-export and
 * lexes `x` too, and through it the chunks: half a megabyte of JavaScript lexed by a JavaScript lexer, ~40 ms of
 * every ESM cold start for names nobody reads (`index.mjs` names them itself, scripts/esm-entries.js).
 */
function stubSource(rel, m) {
  return `"use strict";\n${STUB}\nconst runtime = require(${JSON.stringify(rel)});\nmodule.exports = runtime(${JSON.stringify(m)});\n`;
}

function fail(message) {
  process.stderr.write(`bundle-runtime: ${message}\n`);
  process.exit(1);
}

/** A module's name (its path under dist/src, no extension), or undefined for a file outside dist/src. */
function moduleName(file) {
  const p = path.resolve(file);
  if (!p.startsWith(DIST + path.sep) || !p.endsWith('.js')) return undefined;
  return path.relative(DIST, p).split(path.sep).join('/').replace(/\.js$/, '');
}

/** The registry module: each module of `names` by its name, and each of `chunked`'s through its chunk's registry. */
function registry(names, chunked = new Map()) {
  const lines = [
    ...names.map((m) => `  ${JSON.stringify(m)}: () => require(${JSON.stringify(`./${m}.js`)}),`),
    ...[...chunked].map(([m, chunk]) => `  ${JSON.stringify(m)}: () => require(${JSON.stringify(`./${chunkFile(chunk)}`)})(${JSON.stringify(m)}),`),
  ];
  return `const load = {\n${lines.join('\n')}\n};\nmodule.exports = (name) => load[name]();\n`;
}

/**
 * The plugin that keeps each bundle to its own modules. In the bundle of `chunk` (undefined: the main one), an
 * import of another chunk's module becomes a stand-in that loads that chunk on first read; in a chunk, an import
 * of a main-bundle module comes from the main bundle's registry. The bundle files themselves stay external.
 */
function partition(chunk, chunkOf, exportsOf) {
  return {
    name: 'tsorm-runtime-partition',
    setup(build) {
      build.onResolve({ filter: /^\.\/_runtime(-[\w-]+)?\.js$/ }, (args) => (args.namespace === 'tsorm-runtime' ? { path: args.path, external: true } : undefined));
      build.onResolve({ filter: /^\./ }, (args) => {
        if (args.namespace !== 'file') return undefined;
        let file = path.resolve(args.resolveDir, args.path);
        if (!file.endsWith('.js')) file = fs.existsSync(`${file}.js`) ? `${file}.js` : path.join(file, 'index.js');
        const m = moduleName(file);
        if (m === undefined || chunkOf.get(m) === chunk) return undefined;
        if (chunkOf.has(m)) return { path: m, namespace: 'tsorm-runtime', pluginData: { standIn: chunkOf.get(m) } };
        return chunk === undefined ? undefined : { path: m, namespace: 'tsorm-runtime', pluginData: {} };
      });
      build.onLoad({ filter: /.*/, namespace: 'tsorm-runtime' }, (args) => {
        const m = args.path;
        const target = args.pluginData.standIn;
        if (target === undefined) return { contents: `module.exports = require("./${BUNDLE}")(${JSON.stringify(m)});\n`, resolveDir: DIST, loader: 'js' };
        const getters = exportsOf.get(m).map((n) => `Object.defineProperty(exports, ${JSON.stringify(n)}, { enumerable: true, get: () => load()[${JSON.stringify(n)}] });`);
        const contents = [
          `// A stand-in for ${m}, in ${chunkFile(target)}: loaded on first read (scripts/bundle-runtime.js).`,
          'let real;',
          `const load = () => real || (real = require(${JSON.stringify(`./${chunkFile(target)}`)})(${JSON.stringify(m)}));`,
          'Object.defineProperty(exports, "__esModule", { value: true });',
          ...getters,
          '',
        ].join('\n');
        return { contents, resolveDir: DIST, loader: 'js' };
      });
    },
  };
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
  const modules = Object.keys(probe.metafile.inputs).map(moduleName).filter((m) => m !== undefined).sort();
  for (const m of modules) {
    if (/^(emulator|migrations|testing)\//.test(m)) fail(`the runtime reaches ${m}: tsorm and tsorm/fc must not load the emulator, migrations or testing`);
  }

  // Which chunk each module is in (none: the main bundle), and a chunk module's export names (from tsc's
  // output, before any stub is written) for its stand-in.
  const chunkOf = new Map();
  for (const [chunk, patterns] of Object.entries(CHUNKS)) {
    const mine = modules.filter((m) => patterns.some((p) => p.test(m)));
    if (mine.length === 0) fail(`chunk ${chunk} matches no runtime module`);
    for (const m of mine) chunkOf.set(m, chunk);
  }
  const exportsOf = new Map([...chunkOf.keys()].map((m) => [m, Object.keys(require(path.join(DIST, `${m}.js`)))]));
  const main = modules.filter((m) => !chunkOf.has(m));

  // Pass 2: the main bundle, exposing each module by its path (a chunk's through its chunk), and each chunk.
  const mainRegistry = registry(main, chunkOf);
  await esbuild.build({
    ...COMMON,
    stdin: { contents: mainRegistry, resolveDir: DIST, sourcefile: 'runtime-registry.js', loader: 'js' },
    outfile: path.join(DIST, BUNDLE),
    external: Object.keys(CHUNKS).map((c) => `./${chunkFile(c)}`),
    plugins: [partition(undefined, chunkOf, exportsOf)],
  });
  for (const chunk of Object.keys(CHUNKS)) {
    await esbuild.build({
      ...COMMON,
      stdin: { contents: registry(modules.filter((m) => chunkOf.get(m) === chunk)), resolveDir: DIST, sourcefile: `runtime-${chunk}-registry.js`, loader: 'js' },
      outfile: path.join(DIST, chunkFile(chunk)),
      plugins: [partition(chunk, chunkOf, exportsOf)],
    });
  }

  // The stubs.
  for (const m of modules) {
    const file = path.join(DIST, `${m}.js`);
    let rel = path.relative(path.dirname(file), path.join(DIST, BUNDLE)).split(path.sep).join('/');
    if (!rel.startsWith('.')) rel = `./${rel}`;
    fs.writeFileSync(file, stubSource(rel, m));
    fs.rmSync(`${file}.map`, { force: true });
  }

  // The entries must not load a chunk: a runtime module that reads a chunk module's member at load would.
  const check = `require(${JSON.stringify(path.join(DIST, 'index.js'))}); require(${JSON.stringify(path.join(DIST, 'fc', 'index.js'))}); process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((f) => /_runtime-/.test(f))));`;
  const loaded = JSON.parse(execFileSync(process.execPath, ['-e', check], { encoding: 'utf8' }));
  if (loaded.length) fail(`require('tsorm') loads ${loaded.join(', ')}: a module reads a chunk module's export at load time (see CHUNKS)`);
  process.stdout.write(`bundle-runtime: ${modules.length} runtime modules → dist/src/${BUNDLE} (${main.length}) + ${Object.keys(CHUNKS).map((c) => `${chunkFile(c)} (${[...chunkOf.values()].filter((x) => x === c).length})`).join(', ')}\n`);
}

main().catch((e) => fail(e && e.stack ? e.stack : String(e)));
