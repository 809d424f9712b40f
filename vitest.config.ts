import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';
import swc from 'unplugin-swc';

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
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
