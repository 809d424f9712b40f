import type { GetRowParams } from '../../../client/actions';
import { encodeKey } from '../../../codec/row';
import type { AttributeKeys, KeyOf } from '../../../schema/entity-types';
import type { TableSchema } from '../../../schema/types';
import { columnsToGet } from '../columns';
import { inTransaction } from '../target';

export interface GetOptions<T> {
  /** Properties to read (default: all). Primary keys always come back. */
  columns?: AttributeKeys<T>[];
}

/** The GetRow request of `get()`: the encoded key and, when properties are asked, their stored names. */
export function getParams<T>(schema: TableSchema<T>, key: KeyOf<T>, options: GetOptions<T> = {}, transactionId?: string): GetRowParams {
  return {
    tableName: schema.tableName,
    primaryKey: encodeKey(schema, key as object),
    ...(options.columns ? { columnsToGet: columnsToGet(schema, options.columns as string[]) } : {}),
    ...inTransaction(transactionId),
  };
}
