import { toKeyInput, type PrimaryKeyCell, type PrimaryKeyInput } from '../../../client/actions';
import { decodeRow } from '../../../codec/row';
import type { KeyPrefix } from '../../../schema/entity-types';
import type { TableSchema } from '../../../schema/types';
import type { RowTarget } from '../target';
import { decodeCursor, encodeCursor } from './cursor';
import { getRangeParams, scanPlan, type FindOptions, type KeyRangeQuery } from './find-params';

export interface PageOptions<T> extends Omit<FindOptions<T>, 'limit'> {
  /** Rows per page (default 100). */
  limit?: number;
  /** The `cursor` of the previous page. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  /** Pass to the next `page()` call; absent on the last page. */
  cursor?: string;
}

/**
 * Reads a range page after page (GetRange), yielding decoded rows; memory stays bounded by one page.
 * `keySchema` is the entity's schema for the table, an index schema for an index. `pageOut.next` receives
 * where the last page stopped (for cursors).
 */
export async function* scan<T extends object>(
  target: RowTarget<T>,
  keySchema: TableSchema<T>,
  query: KeyPrefix<T> | KeyRangeQuery<T>,
  options: FindOptions<T>,
  startAt?: PrimaryKeyInput,
  pageOut?: { next?: PrimaryKeyCell[] },
): AsyncIterableIterator<T> {
  const plan = scanPlan(target.schema, keySchema, query, options);
  if (plan.range.empty) return;
  let remaining = options.limit ?? Infinity;
  let start = startAt ?? plan.range.inclusiveStartPrimaryKey;
  while (remaining > 0) {
    const res = await target.client.call('getRange', getRangeParams(plan, start, remaining, target.transactionId));
    for (const row of res.rows) {
      remaining--;
      yield decodeRow(target.schema, row);
    }
    if (pageOut) pageOut.next = res.nextStartPrimaryKey ?? undefined;
    if (!res.nextStartPrimaryKey) return;
    start = toKeyInput(res.nextStartPrimaryKey);
  }
}

/** One page of a range read and an opaque cursor for the next. */
export async function page<T extends object>(target: RowTarget<T>, keySchema: TableSchema<T>, query: KeyPrefix<T> | KeyRangeQuery<T>, options: PageOptions<T>): Promise<Page<T>> {
  const limit = options.limit ?? 100;
  const out: { next?: PrimaryKeyCell[] } = {};
  const items: T[] = [];
  const table = keySchema.tableName;
  const startAt = options.cursor ? decodeCursor(table, options.cursor) : undefined;
  for await (const item of scan(target, keySchema, query, { ...options, limit }, startAt, out)) items.push(item);
  return out.next ? { items, cursor: encodeCursor(table, out.next) } : { items };
}
