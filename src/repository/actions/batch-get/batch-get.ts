import { createTableStoreError, isRetryableCode } from '../../../client/errors';
import { decodeRow } from '../../../codec/row';
import type { KeyOf } from '../../../schema/entity-types';
import { rowRetryPolicy } from '../batch-write/engine';
import type { GetOptions } from '../get/get-params';
import type { RowTarget } from '../target';
import { batchGetParams, batchGetPlan } from './batch-get-params';

/**
 * Sends `batchGet()`: results in input order, `undefined` for missing rows. Rows refused with a retryable
 * code are asked again (per-row retry policy, see `rowRetryPolicy`); any other row error throws.
 */
export async function batchGet<T extends object>(target: RowTarget<T>, keys: KeyOf<T>[], options: GetOptions<T> = {}): Promise<Array<T | undefined>> {
  const { schema } = target;
  const plan = batchGetPlan(schema, keys, options);
  const policy = rowRetryPolicy(target.client);
  const found = new Map<string, T | undefined>();
  for (const chunk of plan.chunks) {
    let pending = chunk;
    for (let attempt = 1; pending.length; attempt++) {
      const res = await target.client.call('batchGetRow', batchGetParams(schema.tableName, plan, pending, target.transactionId));
      const retry: typeof pending = [];
      res.tables[0].forEach((r, j) => {
        const want = pending[j];
        if (r.isOk) {
          found.set(want.id, r.primaryKey ? decodeRow(schema, r) : undefined);
          return;
        }
        const code = r.errorCode ?? 'OTSUnknownError';
        const error = createTableStoreError({ code, message: r.errorMessage ?? code, status: 200, action: 'batchGetRow', idempotent: true });
        if (!isRetryableCode(code, r.errorMessage ?? undefined, true) || attempt >= policy.options.maxAttempts) throw error;
        retry.push(want);
      });
      if (retry.length) await policy.clock.sleep(policy.delayMs(attempt));
      pending = retry;
    }
  }
  return plan.ids.map((id) => found.get(id));
}
