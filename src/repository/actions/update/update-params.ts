import type { UpdateRowParams } from '../../../client/actions';
import { encodeUpdate } from '../../../codec/update';
import type { KeyOf, UpdateChanges } from '../../../schema/entity-types';
import type { TableSchema } from '../../../schema/types';
import { RepositoryUsageError } from '../../errors';
import { validateEntity } from '../../validate';
import { keyedWrite, type WriteOptions } from '../conditions';

export interface UpdateRequest {
  params: UpdateRowParams;
  /** The version `key` carried (checked by the condition), for the lost-race error and the write-back. */
  current: unknown;
}

/**
 * The UpdateRow request of `update()`. The values set are validated (only those present); the `@Version`
 * column is tsorm's to maintain (incremented by every update, checked when `key` carries it). The row must
 * exist unless `options.expect` says otherwise; incremented columns are asked back (RT_AFTER_MODIFY).
 */
export function updateParams<T extends object>(
  schema: TableSchema<T>,
  key: KeyOf<T> | T,
  changes: UpdateChanges<T>,
  options: WriteOptions<T> = {},
  transactionId?: string,
): UpdateRequest {
  const version = schema.version;
  const set = (changes.set ?? {}) as Record<string, unknown>;
  if (version && (set[version.property] !== undefined || (changes.increment as Record<string, unknown> | undefined)?.[version.property] !== undefined)) {
    throw new RepositoryUsageError('VERSION_MAINTAINED', schema.entityName, version.property, 'the @Version column is maintained by tsorm');
  }
  const partial = Object.assign(Object.create(schema.entity.prototype as object), Object.fromEntries(Object.entries(set).filter(([, v]) => v !== null && v !== undefined)));
  validateEntity(schema, partial, true);
  const increment = { ...(changes.increment as Record<string, unknown> | undefined) };
  if (version) increment[version.property] = 1;
  const encoded = encodeUpdate(schema, { ...changes, increment } as UpdateChanges<T>);
  const { request, current } = keyedWrite(schema, key as object, options, 'exist', transactionId, {
    updateOfAttributeColumns: encoded.updateOfAttributeColumns,
    ...(encoded.incremented.length ? { returnContent: { returnType: 2 as const, returnColumns: encoded.incremented } } : {}),
  });
  return { params: request, current };
}
