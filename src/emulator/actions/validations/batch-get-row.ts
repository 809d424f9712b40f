/**
 * BatchGetRow's validation (spec §6.4): what fails the whole request (names, limits, read options, key values
 * no row may hold). A missing table or a key that does not fit the schema fails its row alone, when it runs.
 */
import type { ReadOptions } from '../../engine/reads';
import { OtsError } from '../../errors';
import type { Cell } from '../../model/row';
import { tableName } from '../common';
import { checkBatchKey, pkField, readOptions } from './request';

export const BATCH_GET_MAX_ROWS = 100;

export interface BatchGetTable {
  name: string;
  keys: Cell[][];
  opts: ReadOptions;
}

export function validateBatchGetRow(req: any): BatchGetTable[] {
  const tables: any[] = req.tables ?? [];
  if (tables.length === 0) throw OtsError.param('No row specified in the request of BatchGetRow.');
  const seen = new Set<string>();
  let total = 0;
  const plans = tables.map((t) => {
    const name = tableName(t.tableName);
    if (seen.has(name)) throw OtsError.param(`Duplicated table name: \`${name}\`.`);
    seen.add(name);
    total += (t.primaryKey ?? []).length;
    const keys: Cell[][] = (t.primaryKey ?? []).map((b: Uint8Array) => pkField(b));
    for (const k of keys) checkBatchKey(k, true);
    const opts = readOptions(t, 'No version condition is specified while querying row.');
    const dup = new Set<string>();
    for (const k of keys) {
      const id = JSON.stringify(k, (_key, v) => (typeof v === 'bigint' ? v.toString() : v));
      if (dup.has(id)) throw OtsError.param('Duplicate rows detected in MultiGet.');
      dup.add(id);
    }
    return { name, keys, opts };
  });
  if (total > BATCH_GET_MAX_ROWS) throw OtsError.param(`Rows count exceeds the upper limit: ${BATCH_GET_MAX_ROWS}.`);
  return plans;
}
