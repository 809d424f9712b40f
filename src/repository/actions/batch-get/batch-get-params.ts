import type { BatchGetRowParams, PrimaryKeyInput } from '../../../client/actions';
import { encodeKey } from '../../../codec/row';
import type { KeyOf } from '../../../schema/entity-types';
import type { TableSchema } from '../../../schema/types';
import { columnsToGet } from '../columns';
import type { GetOptions } from '../get/get-params';
import { keyId } from '../key-id';
import { inTransaction } from '../target';

/** The service's limit of rows in one BatchGetRow. */
export const BATCH_GET_MAX_ROWS = 100;

export interface BatchGetPlan {
  /** The identity of each input key, in input order (results are mapped back through it). */
  ids: string[];
  /** Requests to send: each distinct key once, at most {@link BATCH_GET_MAX_ROWS} a request. */
  chunks: Array<Array<{ id: string; pk: PrimaryKeyInput }>>;
  columnsToGet?: string[];
}

/** Plans `batchGet()`: keys encoded, repeated keys read once, chunks of 100. */
export function batchGetPlan<T>(schema: TableSchema<T>, keys: readonly KeyOf<T>[], options: GetOptions<T> = {}): BatchGetPlan {
  const encoded = keys.map((k) => encodeKey(schema, k as object));
  const ids = encoded.map((k) => keyId(k)!); // encodeKey (no autoIncrement option) never yields a placeholder
  const unique = [...new Map(ids.map((id, i) => [id, i])).entries()].map(([id, i]) => ({ id, pk: encoded[i] }));
  const chunks: BatchGetPlan['chunks'] = [];
  for (let i = 0; i < unique.length; i += BATCH_GET_MAX_ROWS) chunks.push(unique.slice(i, i + BATCH_GET_MAX_ROWS));
  return { ids, chunks, columnsToGet: columnsToGet(schema, options.columns as string[] | undefined) };
}

/** The BatchGetRow request of some keys of one plan. */
export function batchGetParams(table: string, plan: BatchGetPlan, keys: ReadonlyArray<{ pk: PrimaryKeyInput }>, transactionId?: string): BatchGetRowParams {
  return {
    tables: [{ tableName: table, primaryKey: keys.map((p) => p.pk), ...(plan.columnsToGet ? { columnsToGet: plan.columnsToGet } : {}) }],
    ...inTransaction(transactionId),
  };
}
