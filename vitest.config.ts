import { defineConfig } from 'vitest/config';
import swc from 'unplugin-swc';

// SWC (not esbuild) compiles the tests: the ORM relies on `emitDecoratorMetadata`, which esbuild does not emit.
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
