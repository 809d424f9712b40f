/**
 * The built runtime (scripts/bundle-runtime.js): `dist/src/_runtime.js` plus chunks loaded on first use
 * (`_runtime-search.js`), behind a stub at each runtime module's path. Needs `npm run build`.
 *
 * - `require('tsorm')` and `require('tsorm/fc')` load neither a chunk nor `long` (they cost cold-start time a
 *   handler doing row calls never needs), and the chunk loads on first use of one of its modules;
 * - so do `import` from an ES module: the `.mjs` entries export a chunk's names as forwarding stand-ins that reach
 *   the real function or class on first use (call, `new`, `extends`, `instanceof`, statics), and no stub has the
 *   `module.exports = require(…)` form that Node's CommonJS lexer follows into the bundles on every import;
 * - a chunk's module is one module object whoever asks (the package entry's export, the stub at its path,
 *   the main bundle's modules through their stand-ins): classes are the same, `instanceof` holds across bundles;
 * - the bundles are minified, and `--enable-source-maps` stack traces still name src/*.ts files and functions,
 *   for a throw in the main bundle and in a chunk.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireBuild, ROOT } from '../support/emulator-process';

function run(script: string, args: string[] = []): Record<string, unknown> {
  const r = spawnSync(process.execPath, [...args, '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

const LOADED = `const loaded = () => Object.keys(require.cache).map((f) => f.replace(/\\\\/g, '/')).filter((f) => /\\/dist\\/src\\/_runtime|\\/node_modules\\/long\\//.test(f)).map((f) => f.slice(process.cwd().length + 1));`;

describe('the runtime bundle and its chunks', () => {
  beforeAll(() => requireBuild());

  it('require(tsorm) and require(tsorm/fc) load the main bundle only; the search chunk loads on first use', () => {
    const out = run(`${LOADED}
      const tsorm = require('tsorm'); require('tsorm/fc');
      const atRequire = loaded();
      const { Column, PrimaryKey, Table, connect } = tsorm;
      class Item {}
      PrimaryKey({ type: 'string' })(Item.prototype, 'id');
      Column({ type: 'int64', mode: 'long' })(Item.prototype, 'n');
      Table('items')(Item);
      connect({ endpoint: 'http://127.0.0.1:1', instance: 'i', accessKeyId: 'a', accessKeySecret: 'b' }).repository(Item);
      const afterEntity = loaded();
      const Agg = tsorm.Agg;
      console.log(JSON.stringify({ atRequire, afterEntity, afterAgg: loaded(), agg: typeof Agg }));`);
    expect(out.atRequire).toEqual(['dist/src/_runtime.js']);
    expect(out.afterEntity).toEqual(['dist/src/_runtime.js']);
    expect(out.afterAgg).toEqual(['dist/src/_runtime.js', 'dist/src/_runtime-search.js']);
    expect(out.agg).toBe('function');
  });

  it('import from an ES module loads the main bundle only; chunked names forward to the real ones on first use', () => {
    const out = run(
      `import { createRequire } from 'node:module';
      import * as tsorm from 'tsorm';
      import { decodeTriggerEvent } from 'tsorm/fc';
      const require = createRequire(process.cwd() + '/');
      ${LOADED}
      const atImport = loaded();
      const cjs = require('tsorm');
      const afterRequire = loaded();
      class Trimmed extends tsorm.StreamTrimmedError {}
      const mine = new Trimmed({ code: 'OTSTrimmedDataAccess', message: 'gone' });
      const real = new cjs.StreamTrimmedError({ code: 'OTSTrimmedDataAccess', message: 'gone' });
      const agg = new tsorm.SourceAgg({});
      let decodeError = '';
      try { decodeTriggerEvent(Buffer.from('not cbor')); } catch (e) { decodeError = e.constructor.name; }
      console.log(JSON.stringify({
        atImport,
        afterRequire,
        kinds: [typeof tsorm.Agg, typeof tsorm.decodeChange, typeof decodeTriggerEvent, tsorm.StreamReader.name, tsorm.Agg.length === cjs.Agg.length],
        instances: [agg instanceof tsorm.Agg, agg instanceof cjs.Agg, Object.getPrototypeOf(agg) === cjs.SourceAgg.prototype, real instanceof tsorm.StreamTrimmedError],
        subclass: [mine instanceof cjs.StreamTrimmedError, mine instanceof cjs.TableStoreError, mine instanceof Trimmed, mine.name, mine.message],
        decodeError,
        afterUse: loaded().sort(),
        mainNamesSame: tsorm.TableStoreError === cjs.TableStoreError && tsorm.connect === cjs.connect,
      }));`,
      ['--input-type=module'],
    );
    expect(out.atImport).toEqual(['dist/src/_runtime.js']);
    expect(out.afterRequire).toEqual(['dist/src/_runtime.js']);
    expect(out.kinds).toEqual(['function', 'function', 'function', 'StreamReader', true]);
    expect(out.instances).toEqual([true, true, true, true]);
    expect(out.subclass).toEqual([true, true, true, 'StreamTrimmedError', 'gone']);
    expect(out.decodeError).not.toBe('');
    expect(out.afterUse).toEqual(['dist/src/_runtime-search.js', 'dist/src/_runtime-stream.js', 'dist/src/_runtime.js']);
    expect(out.mainNamesSame).toBe(true);
    const stubs = ['index.js', 'fc/index.js', 'client/index.js'].map((f) => readFileSync(join(ROOT, 'dist', 'src', f), 'utf8'));
    for (const stub of stubs) expect(stub).not.toMatch(/module\.exports\s*=\s*require\(/);
  });

  it("a chunk's module is one module object: entry export, stub and stand-in agree, instanceof holds across bundles", () => {
    const out = run(`
      const tsorm = require('tsorm');
      const aggregations = require('./dist/src/query/search/aggregations.js');
      const compile = require('./dist/src/query/search/compile.js');
      const errors = require('./dist/src/query/errors.js');
      let thrown;
      try { compile.fieldOf({ schema: { entityName: 'Doc' }, index: { name: 'docs' } }, { fields: [], prefix: '' }, 'nope'); } catch (e) { thrown = e; }
      console.log(JSON.stringify({
        sameAgg: aggregations.Agg === tsorm.Agg && aggregations.SourceAgg === tsorm.SourceAgg,
        subclass: new tsorm.SourceAgg({}) instanceof tsorm.Agg,
        sameStub: require('./dist/src/query/search/compile.js') === compile,
        queryError: thrown instanceof tsorm.QueryError && thrown instanceof errors.QueryError && thrown.name === 'QueryError' && /is not a field of search index 'docs'/.test(thrown.message),
      }));`);
    expect(out).toEqual({ sameAgg: true, subclass: true, sameStub: true, queryError: true });
  });

  it('with --enable-source-maps, stack traces of either bundle point at src/*.ts, function names kept', () => {
    const out = run(
      `const frames = (f) => { try { f(); } catch (e) { return e.stack.split('\\n').filter((l) => /^\\s+at /.test(l)).slice(0, 3).map((l) => l.trim().replace(process.cwd() + '/', '')); } };
      const tsorm = require('tsorm');
      const compile = require('./dist/src/query/search/compile.js');
      console.log(JSON.stringify({
        main: frames(() => tsorm.connect({ env: {} })),
        chunk: frames(() => compile.fieldOf({ schema: { entityName: 'Doc' }, index: { name: 'docs' } }, { fields: [], prefix: '' }, 'nope')),
      }));`,
      ['--enable-source-maps'],
    );
    const main = out.main as string[];
    const chunk = out.chunk as string[];
    expect(main[0]).toMatch(/^at resolveConfig \(src\/client\/config\.ts:\d+:\d+\)$/);
    expect(main[1]).toMatch(/^at new TableStoreClient \(src\/client\/client\.ts:\d+:\d+\)$/);
    expect(chunk[0]).toMatch(/^at (Object\.)?fieldOf \(src\/query\/search\/compile\.ts:\d+:\d+\)$/);
  });

  it('an uncaught error without source maps prints a short source line, not a whole minified bundle', () => {
    // Node prints the throw site's source line above an uncaught error's stack (terminals, FC logs).
    const r = spawnSync(process.execPath, ['-e', "require('tsorm').connect({ env: {} })"], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/ConfigurationError: tsorm: cannot connect to TableStore/);
    const before = r.stderr.slice(0, r.stderr.indexOf('ConfigurationError'));
    expect(before).toMatch(/_runtime\.js:\d+/);
    expect(before.length).toBeLessThan(2_000);
    for (const file of ['_runtime.js', '_runtime-search.js', '_runtime-stream.js']) {
      const longest = Math.max(...readFileSync(join(ROOT, 'dist', 'src', file), 'utf8').split('\n').map((l) => l.length));
      expect(longest, file).toBeLessThan(1_000);
    }
  });
});
