/** `columnsToGet` of a read: stored names of the asked properties, plus what the read itself needs. */
import { CodecError } from '../../codec/errors';
import { conditionColumns } from '../../query/compile';
import type { ConditionNode } from '../../query/condition';
import type { TableSchema } from '../../schema/types';

/**
 * The stored names of `columns`, with every primary key (a row is decoded by its key) and the columns a read
 * filter reads (the service filters only what it fetched); `undefined` (every column) when none are asked.
 */
export function columnsToGet(schema: TableSchema, columns: readonly string[] | undefined, where?: ConditionNode): string[] | undefined {
  if (!columns || columns.length === 0) return undefined;
  const names = columns.map((p) => {
    const f = schema.byProperty[p];
    if (!f) throw new CodecError('UNKNOWN_PROPERTY', { entity: schema.entityName, table: schema.tableName, property: p }, `'${p}' is not a mapped property of ${schema.entityName}`);
    return f.name;
  });
  for (const pk of schema.primaryKeys) if (!names.includes(pk.name)) names.push(pk.name);
  if (where) for (const n of conditionColumns(schema, where)) if (!names.includes(n)) names.push(n);
  return names;
}
