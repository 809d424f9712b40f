import { defineConfig } from 'vitest/config';
import base from './vitest.config';

// `npm run test:unit`: the pure parts (test/unit: codec, schema, query, the request builders, errors, the
// client against a local fake server) and the type tests (test/unit/types.test.ts: their run-time half here;
// their compile-time half, the @ts-expect-error lines, is `npm run typecheck`). No emulator (no global
// setup), no build, one worker pool without per-file isolation [performance]: a few seconds, where the
// isolated forks of the whole suite spend most of their time starting workers.
export default defineConfig({
  plugins: base.plugins,
  resolve: base.resolve,
  test: {
    include: ['test/unit/**/*.test.ts'],
    testTimeout: 30_000,
    pool: 'threads',
    isolate: false,
  },
});
