import type { GetRangeParams, PrimaryKeyInput } from '../../../client/actions';
import type { ColumnFilter } from '../../../client/values';
import { toSdkCondition } from '../../../query/compile';
import { resolveWhere, type Where } from '../../../query/condition';
import { keyRange, prefixRange, type Direction, type SdkKeyRange } from '../../../query/range';
import type { AttributeKeys, KeyPrefix } from '../../../schema/entity-types';
import type { TableSchema } from '../../../schema/types';
import { columnsToGet } from '../columns';
import { inTransaction } from '../target';

/** A range given by key prefixes: `start` inclusive, `end` exclusive (see `keyRange`). */
export interface KeyRangeQuery<T> {
  start?: KeyPrefix<T>;
  end?: KeyPrefix<T>;
}

export interface FindOptions<T> {
  direction?: Direction;
  /** Stop after this many rows (default: every row in the range). */
  limit?: number;
  /** Filter applied by the service after the scan. */
  where?: Where<T>;
  columns?: AttributeKeys<T>[];
  /** Rows asked per request (the service caps a page at 5,000 rows / 4 MB). */
  pageSize?: number;
}

/** What every page of one range read sends alike. */
export interface ScanPlan {
  table: string;
  range: SdkKeyRange;
  columnsToGet?: string[];
  columnFilter?: ColumnFilter;
  pageSize: number;
}

/** `{ start, end }` (neither a key property) is a range; anything else a key prefix. */
function rangeOf<T>(keySchema: TableSchema<T>, query: KeyPrefix<T> | KeyRangeQuery<T>, direction: Direction): SdkKeyRange {
  const keys = Object.keys(query ?? {});
  const isRange = keys.length > 0 && keys.every((k) => (k === 'start' || k === 'end') && !keySchema.primaryKeys.some((p) => p.property === k));
  return isRange ? keyRange(keySchema, query as KeyRangeQuery<T>, direction) : prefixRange(keySchema, query as KeyPrefix<T>, direction);
}

/**
 * The plan of a range read: the key range over `keySchema` (the table's, or an index's keys), the filter and
 * columns over the entity's `schema`. The filter is compiled once for every page. [performance]
 */
export function scanPlan<T>(schema: TableSchema<T>, keySchema: TableSchema<T>, query: KeyPrefix<T> | KeyRangeQuery<T>, options: FindOptions<T>): ScanPlan {
  const range = rangeOf(keySchema, query, options.direction ?? 'forward');
  const pageSize = options.pageSize ?? 5000;
  // An empty range sends nothing, so nothing else of the read is checked (as a read that finds no row).
  if (range.empty) return { table: keySchema.tableName, range, pageSize };
  const where = options.where ? resolveWhere(schema, options.where) : undefined;
  return {
    table: keySchema.tableName,
    range,
    columnsToGet: columnsToGet(schema, options.columns as string[] | undefined, where),
    ...(where ? { columnFilter: toSdkCondition(schema, where) } : {}),
    pageSize,
  };
}

/** The GetRange request of one page: from `start` (the range's start, or where the previous page stopped). */
export function getRangeParams(plan: ScanPlan, start: PrimaryKeyInput, limit: number, transactionId?: string): GetRangeParams {
  return {
    tableName: plan.table,
    direction: plan.range.direction,
    inclusiveStartPrimaryKey: start,
    exclusiveEndPrimaryKey: plan.range.exclusiveEndPrimaryKey,
    limit: Math.min(limit, plan.pageSize),
    ...(plan.columnsToGet ? { columnsToGet: plan.columnsToGet } : {}),
    ...(plan.columnFilter ? { columnFilter: plan.columnFilter } : {}),
    ...inTransaction(transactionId),
  };
}
