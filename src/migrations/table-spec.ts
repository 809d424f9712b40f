/**
 * An entity's `TableSchema` as the CreateTable request that makes its table: primary keys (with
 * auto-increment), defined columns, options, reserved throughput and secondary indexes. The migration runner
 * builds on this; tests use it to create their tables.
 */
import type { CreateTableParams, DefinedColumnInput } from '../client/actions';
import type { TableStoreClient } from '../client/client';
import { TableAlreadyExistsError } from '../client/errors';
import type { StorageType, TableSchema } from '../schema/types';

const DEFINED_TYPE: Record<StorageType, number> = { INTEGER: 1, DOUBLE: 2, BOOLEAN: 3, STRING: 4, BINARY: 7 };

export function createTableRequest(schema: TableSchema): CreateTableParams {
  const o = schema.options;
  return {
    tableMeta: {
      tableName: schema.tableName,
      primaryKey: schema.primaryKeys.map((pk) => ({ name: pk.name, type: pk.storage, ...(pk.autoIncrement ? { option: 'AUTO_INCREMENT' as const } : {}) })),
      ...(schema.definedColumns.length
        ? { definedColumn: schema.definedColumns.map((c) => ({ name: c.name, type: DEFINED_TYPE[c.storage] as DefinedColumnInput['type'] })) }
        : {}),
    },
    reservedThroughput: { capacityUnit: { read: o.reservedThroughput.read, write: o.reservedThroughput.write } },
    tableOptions: { timeToLive: o.timeToLive, maxVersions: o.maxVersions, maxTimeDeviation: o.maxTimeDeviation, allowUpdate: o.allowUpdate },
    ...(schema.indexes.length
      ? {
          indexMetas: schema.indexes.map((i) => ({
            name: i.name,
            primaryKey: [...i.primaryKey],
            definedColumn: [...i.definedColumns],
            indexType: i.type === 'local' ? (1 as const) : (0 as const),
            indexUpdateMode: i.type === 'local' ? (1 as const) : (0 as const),
          })),
        }
      : {}),
  };
}

/** Creates the entity's table; `ifNotExists` makes an existing table a no-op. */
export async function createEntityTable(client: TableStoreClient, schema: TableSchema, options: { ifNotExists?: boolean } = {}): Promise<boolean> {
  try {
    await client.call('createTable', createTableRequest(schema));
    return true;
  } catch (e) {
    if (options.ifNotExists && e instanceof TableAlreadyExistsError) return false;
    throw e;
  }
}
