import type { BatchWriteRowItem } from '../../../client/actions';
import { decodeKey } from '../../../codec/row';
import { BatchWriteError, type BatchItemResult } from '../../errors';
import { isObject } from '../entity';
import type { RowTarget } from '../target';
import { planBatchWrite } from './batch-write-params';
import { writeBatches, type BatchOptions } from './engine';

export interface BatchResult<T> {
  /** One result per input, in input order. */
  results: BatchItemResult<T>[];
  /** The inputs written, in input order (with generated keys filled in). */
  succeeded: T[];
  failures: Array<Extract<BatchItemResult<T>, { ok: false }>>;
}

/**
 * The shared path of `batchInsert`, `batchSave` and `batchDelete`: plan (see `planBatchWrite`), send through
 * the batch engine, one result per input. Generated keys are written back onto the inputs. Throws
 * `BatchWriteError` when any row failed, unless `throwOnError: false`.
 */
export async function batchWrite<T extends object, I>(
  target: RowTarget<T>,
  inputs: I[],
  options: BatchOptions,
  build: (input: I) => BatchWriteRowItem,
  duplicates: 'insert' | 'replace',
): Promise<BatchResult<I>> {
  const { schema } = target;
  const { items, results, supersededBy } = planBatchWrite(inputs, build, duplicates, schema.tableName);
  const outcomes = await writeBatches(target.client, schema.tableName, items, options, target.transactionId);
  // forEach, not for-of: a Map's entries iterator allocates a [key, value] pair per row.
  outcomes.forEach((outcome, index) => {
    const item = inputs[index];
    if (outcome.ok) {
      if (outcome.primaryKey && schema.autoIncrement && isObject(item)) Object.assign(item, decodeKey(schema, outcome.primaryKey));
      results[index] = { index, ok: true, item };
    } else {
      results[index] = { index, ok: false, item, error: outcome.error };
    }
  });
  // Earlier occurrences of a repeated key share the outcome of the last one.
  for (const [earlier, later] of supersededBy) {
    let last = later;
    while (supersededBy.has(last)) last = supersededBy.get(last)!;
    const r = results[last];
    results[earlier] = r.ok ? { index: earlier, ok: true, item: inputs[earlier] } : { index: earlier, ok: false, item: inputs[earlier], error: r.error };
  }
  const failures: Array<Extract<BatchItemResult<I>, { ok: false }>> = [];
  const succeeded: I[] = [];
  for (const r of results) {
    if (r.ok) succeeded.push(r.item);
    else failures.push(r);
  }
  if (failures.length && options.throwOnError !== false) throw new BatchWriteError(schema.tableName, results);
  return { results, succeeded, failures };
}
