/**
 * Deletes the tables a test file creates as soon as they are no longer needed: a table made inside a test
 * goes after that test; one made in a beforeAll (for a whole describe block or file) goes after the file.
 * The backend's 64-table quota is shared by every test file running at the same time (and, on a real
 * instance, by everything else in it), so tables must not pile up until the end of a file.
 */
import { afterAll, afterEach, beforeEach } from 'vitest';
import type { Sdk } from './sdk';

export interface Janitor {
  /** Registers a created table for deletion (after this test, or after the file when outside a test). */
  add(name: string): string;
}

export function tableJanitor(sdk: Sdk): Janitor {
  const perTest: string[] = [];
  const perFile: string[] = [];
  let inTest = false;
  const drop = async (list: string[]) => {
    while (list.length) {
      const tableName = list.pop()!;
      // A table with search indexes can't be deleted (semantics spec §7.4): drop them first, as the SDKs' harnesses do.
      const indexes = await sdk.listSearchIndex({ tableName }).then((r) => r.indices ?? [], () => []);
      for (const i of indexes) await sdk.deleteSearchIndex({ tableName, indexName: i.indexName }).catch(() => undefined);
      await sdk.deleteTable({ tableName }).catch(() => undefined);
    }
  };
  beforeEach(() => {
    inTest = true;
  });
  afterEach(async () => {
    inTest = false;
    await drop(perTest);
  });
  afterAll(() => drop(perFile));
  return {
    add(name) {
      (inTest ? perTest : perFile).push(name);
      return name;
    },
  };
}
