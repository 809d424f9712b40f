/**
 * Vitest global setup: the integration suite's backend. With TSORM_TEST_ENDPOINT, TSORM_TEST_INSTANCE,
 * TSORM_TEST_ACCESS_KEY_ID and TSORM_TEST_ACCESS_KEY_SECRET set it runs against that real instance;
 * otherwise it starts the emulator in process on a free port (in memory). One suite, two backends.
 */
import type { TestProject } from 'vitest/node';
import { startEmulator, type RunningEmulator } from '../src/emulator';

export interface Backend {
  endpoint: string;
  instance: string;
  accessKeyId: string;
  accessKeySecret: string;
  /** true when the suite runs against the in-process emulator. */
  emulator: boolean;
}

declare module 'vitest' {
  export interface ProvidedContext {
    backend: Backend;
  }
}

let emu: RunningEmulator | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const env = process.env;
  if (env.TSORM_TEST_ENDPOINT) {
    for (const v of ['TSORM_TEST_INSTANCE', 'TSORM_TEST_ACCESS_KEY_ID', 'TSORM_TEST_ACCESS_KEY_SECRET']) {
      if (!env[v]) throw new Error(`TSORM_TEST_ENDPOINT is set but ${v} is not`);
    }
    project.provide('backend', {
      endpoint: env.TSORM_TEST_ENDPOINT,
      instance: env.TSORM_TEST_INSTANCE!,
      accessKeyId: env.TSORM_TEST_ACCESS_KEY_ID!,
      accessKeySecret: env.TSORM_TEST_ACCESS_KEY_SECRET!,
      emulator: false,
    });
  } else {
    emu = await startEmulator({ port: 0, inMemory: true, onInternalError: (e) => console.error('EMULATOR INTERNAL ERROR', e) });
    project.provide('backend', {
      endpoint: emu.endpoint,
      instance: emu.instance,
      accessKeyId: emu.accessKeyId,
      accessKeySecret: emu.accessKeySecret,
      emulator: true,
    });
  }
  return async () => {
    await emu?.close();
  };
}
