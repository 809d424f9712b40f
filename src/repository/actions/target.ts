/**
 * What every repository action works on: the client that sends, the entity's schema and, inside
 * `transaction()`, the local transaction the requests belong to. `Repository` is one.
 */
import type { TableStoreClient } from '../../client/client';
import type { TableSchema } from '../../schema/types';

export interface RowTarget<T> {
  readonly client: TableStoreClient;
  readonly schema: TableSchema<T>;
  readonly transactionId?: string;
}

/** `{ transactionId }` to spread into a request when there is one (a request outside a transaction has none). */
export function inTransaction(transactionId: string | undefined): { transactionId?: string } {
  return transactionId ? { transactionId } : {};
}
