/**
 * Table-level calls with the care migrations need: DescribeTable as a spec (`undefined` when missing), and
 * waiting until a new table answers reads (the service may say OTSTableNotReady for up to a minute after
 * CreateTable, spec §7.1; the emulator is ready at once).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { TableStoreClient } from '../../client/client';
import { TableNotFoundError, TableStoreError } from '../../client/errors';
import { INF_MAX, INF_MIN } from '../../client/values';
import { TableNotReadyError } from '../errors';
import { describeSearchIndexes } from './search-index-spec';
import { specFromDescribe, type NormalizedTableSpec } from './table-spec';

/** The live table as a spec, or `undefined` when it does not exist. */
export async function describeSpec(client: TableStoreClient, table: string): Promise<NormalizedTableSpec | undefined> {
  try {
    const spec = specFromDescribe(await client.call('describeTable', { tableName: table }));
    const searchIndexes = await describeSearchIndexes(client, table);
    return searchIndexes.length ? { ...spec, searchIndexes } : spec;
  } catch (e) {
    if (e instanceof TableNotFoundError) return undefined;
    throw e;
  }
}

function notReady(e: unknown): boolean {
  // Right after CreateTable the service may also briefly answer "does not exist" to reads; an index being built
  // from the table's rows answers "Disallow read index table in building base state" (spec §7.6).
  return (
    e instanceof TableNotFoundError ||
    (e instanceof TableStoreError && (e.code === 'OTSTableNotReady' || /building base state/i.test(e.message)))
  );
}

/** Waits until a one-row GetRange on `table` (or an index table) succeeds (polling each second), up to `timeoutMs`. */
export async function waitUntilUsable(client: TableStoreClient, table: string, primaryKey: readonly string[], timeoutMs = 120_000): Promise<void> {
  const start = Date.now();
  for (;;) {
    try {
      await client.call(
        'getRange',
        {
          tableName: table,
          direction: 'FORWARD',
          inclusiveStartPrimaryKey: primaryKey.map((n) => ({ [n]: INF_MIN })),
          exclusiveEndPrimaryKey: primaryKey.map((n) => ({ [n]: INF_MAX })),
          limit: 1,
          columnsToGet: [primaryKey[0]],
        },
        { retry: { maxAttempts: 1 } },
      );
      return;
    } catch (e) {
      if (!notReady(e) && !(e instanceof TableStoreError && e.retryable)) throw e;
      if (Date.now() - start >= timeoutMs) throw new TableNotReadyError(table, Date.now() - start);
      await sleep(1000);
    }
  }
}
