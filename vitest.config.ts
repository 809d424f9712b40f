import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';
import swc from 'unplugin-swc';

const CONSUMER_MATRIX = 'test/cli/consumer-matrix.test.ts';
// Also packs and installs the package, then runs tsc, tsx and `tsorm dev` processes in generated projects.
const INIT_DEV = 'test/cli/init-dev.test.ts';
// Issue 15: the wire transport is the default; these ORM tests run a second time on `transport: 'sdk'`
// (test/support/orm.ts): single-row CRUD, conditions, batches, ranges and cursors, transactions, search,
// faults and retries, streams, and a migration backfill.
const SDK_SMOKE = [
  'test/integration/orm-crud.test.ts',
  'test/integration/orm-search.test.ts',
  'test/integration/orm-faults.test.ts',
  'test/integration/repository-changes.test.ts',
  'test/integration/migrations-backfill.test.ts',
  'test/integration/https.test.ts',
];

// SWC (not esbuild) compiles the tests: the ORM relies on `emitDecoratorMetadata`, which esbuild does not emit.
// `tsorm` and `tsorm/<entry>` resolve to the sources, so examples import the package as users do.
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  resolve: {
    alias: [
      { find: /^tsorm$/, replacement: resolve(__dirname, 'src/index.ts') },
      { find: /^tsorm\/(.+)$/, replacement: resolve(__dirname, 'src/$1/index.ts') },
    ],
  },
  test: {
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The consumer matrix (npm pack, installs, tsc, esbuild, tsx) and the init/dev tests are CPU-heavy: they run
    // after the rest instead of slowing the timing-sensitive CLI tests that would otherwise share the machine.
    projects: [
      { extends: true, test: { name: 'suite', include: ['test/**/*.test.ts'], exclude: [CONSUMER_MATRIX, INIT_DEV], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'sdk-smoke', include: SDK_SMOKE, env: { TSORM_TEST_TRANSPORT: 'sdk' }, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'consumer-matrix', include: [CONSUMER_MATRIX], sequence: { groupOrder: 1 } } },
      // After the matrix, alone: both pack and install the package with blocking npm calls.
      { extends: true, test: { name: 'init-dev', include: [INIT_DEV], sequence: { groupOrder: 2 } } },
    ],
  },
});
