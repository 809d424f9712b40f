import type { StartLocalTransactionParams } from '../../../client/actions';
import { CodecError } from '../../../codec/errors';
import { encodeKey } from '../../../codec/row';
import type { KeyPrefix } from '../../../schema/entity-types';
import type { TableSchema } from '../../../schema/types';
import type { RowTarget } from '../target';

/** The StartLocalTransaction request: the partition key (the first primary key) of `partitionKey`. */
export function startTransactionParams<T>(schema: TableSchema<T>, partitionKey: KeyPrefix<T>): StartLocalTransactionParams {
  const first = schema.primaryKeys[0];
  const value = (partitionKey as Record<string, unknown>)[first.property];
  if (value === undefined || value === null) {
    throw new CodecError('MISSING_KEY', { entity: schema.entityName, table: schema.tableName, property: first.property, column: first.name }, 'a transaction needs the partition key');
  }
  return { tableName: schema.tableName, primaryKey: encodeKey({ ...schema, primaryKeys: [first] } as TableSchema, { [first.property]: value }) };
}

/**
 * Runs `fn` with a repository bound to a new local transaction (`bind` makes it): commits when `fn` resolves,
 * aborts when it throws.
 */
export async function transaction<T, R, Repo>(target: RowTarget<T>, partitionKey: KeyPrefix<T>, bind: (transactionId: string) => Repo, fn: (repo: Repo) => Promise<R>): Promise<R> {
  const { transactionId } = await target.client.call('startLocalTransaction', startTransactionParams(target.schema, partitionKey));
  let result: R;
  try {
    result = await fn(bind(transactionId));
  } catch (e) {
    await target.client.call('abortTransaction', { transactionId }).catch(() => undefined);
    throw e;
  }
  await target.client.call('commitTransaction', { transactionId });
  return result;
}
