/**
 * BatchGetRow's validation (spec §6.4): what fails the whole request (names, limits, read options, key values
 * no row may hold). A missing table or a key that does not fit the schema fails its row alone, when it runs.
 * A row asked twice, or a table in two entries, is no error on the current service (spec §6.4, corrected:
 * the Python SDK's real-service test test_batch_get_on_the_same_row): each is answered in its position.
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
  let total = 0;
  const plans = tables.map((t) => {
    const name = tableName(t.tableName);
    total += (t.primaryKey ?? []).length;
    const keys: Cell[][] = (t.primaryKey ?? []).map((b: Uint8Array) => pkField(b));
    for (const k of keys) checkBatchKey(k, true);
    const opts = readOptions(t, 'No version condition is specified while querying row.');
    return { name, keys, opts };
  });
  if (total > BATCH_GET_MAX_ROWS) throw OtsError.param(`Rows count exceeds the upper limit: ${BATCH_GET_MAX_ROWS}.`);
  return plans;
}
