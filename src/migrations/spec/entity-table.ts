/**
 * An entity's `TableSchema` as the CreateTable request that makes its table: primary keys (with
 * auto-increment), defined columns, options, reserved throughput, secondary indexes, and then its search indexes. Tests and quick starts
 * use `createEntityTable`; migrations go through `m.createTable`, which also compares an existing table.
 */
import type { TableStoreClient } from '../../client/client';
import { TableAlreadyExistsError } from '../../client/errors';
import type { TableSchema } from '../../schema/types';
import { waitForSearchIndex } from '../../repository/actions/search/sync';
import { createSearchIndexParams } from './search-index-spec';
import { createTableParams, specFromSchema } from './table-spec';

/** Creates the entity's table; `ifNotExists` makes an existing table a no-op. */
export async function createEntityTable(client: TableStoreClient, schema: TableSchema, options: { ifNotExists?: boolean } = {}): Promise<boolean> {
  const spec = specFromSchema(schema);
  try {
    await client.call('createTable', createTableParams(spec));
  } catch (e) {
    if (options.ifNotExists && e instanceof TableAlreadyExistsError) return false;
    throw e;
  }
  for (const ix of spec.searchIndexes ?? []) {
    await client.call('createSearchIndex', createSearchIndexParams(spec.name, ix));
    await waitForSearchIndex(client, spec.name, ix.name);
  }
  return true;
}
