/**
 * The wire transport's operation lookup (client/wire/operations.ts) reads its codecs' tables in order, at
 * lookup time (so the search codec's chunk loads only for a search API): no operation may be in two tables,
 * or the order would silently pick one codec.
 */
import { describe, expect, it } from 'vitest';
import { OPERATION_TABLES, wireOperation } from '../../src/client/wire/operations';

describe('wire operation lookup', () => {
  it('finds every operation of every table, each in exactly one table', () => {
    const seen = new Map<string, number>();
    OPERATION_TABLES.forEach((table, i) => {
      for (const name of Object.keys(table())) {
        expect(seen.get(name), `${name} is in tables ${seen.get(name)} and ${i}`).toBeUndefined();
        seen.set(name, i);
        expect(wireOperation(name)).toBe(table()[name]);
      }
    });
    for (const name of ['getRow', 'batchWriteRow', 'createTable', 'startLocalTransaction', 'listStream', 'search', 'parallelScan']) {
      expect(seen.has(name), name).toBe(true);
    }
  });

  it('has no codec for an API it does not speak, nor for an inherited name', () => {
    expect(wireOperation('SQLQuery')).toBeUndefined();
    expect(wireOperation('toString')).toBeUndefined();
    expect(wireOperation('__proto__')).toBeUndefined();
  });
});
