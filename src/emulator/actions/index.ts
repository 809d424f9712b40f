/** The action registry: one file per API action. */
import { abortTransaction } from './abort-transaction';
import { batchGetRow } from './batch-get-row';
import { batchWriteRow } from './batch-write-row';
import { commitTransaction } from './commit-transaction';
import type { Action } from './common';
import { createIndex } from './create-index';
import { createTable } from './create-table';
import { deleteRow } from './delete-row';
import { deleteTable } from './delete-table';
import { describeStream } from './describe-stream';
import { describeTable } from './describe-table';
import { dropIndex } from './drop-index';
import { getRange } from './get-range';
import { getRow } from './get-row';
import { getShardIterator } from './get-shard-iterator';
import { getStreamRecord } from './get-stream-record';
import { listSearchIndex } from './list-search-index';
import { listStream } from './list-stream';
import { listTable } from './list-table';
import { putRow } from './put-row';
import { startLocalTransaction } from './start-local-transaction';
import { updateRow } from './update-row';
import { updateTable } from './update-table';

export const ACTIONS: ReadonlyMap<string, Action> = new Map(
  [
    createTable, listTable, describeTable, updateTable, deleteTable, createIndex, dropIndex,
    getRow, putRow, updateRow, deleteRow, getRange, batchGetRow, batchWriteRow,
    startLocalTransaction, commitTransaction, abortTransaction, listSearchIndex,
    listStream, describeStream, getShardIterator, getStreamRecord,
  ].map((a) => [a.name, a]),
);

/** Actions the service has and the emulator does not implement: answered with OTSUnsupportOperation. */
export const UNSUPPORTED_ACTIONS: ReadonlySet<string> = new Set([
  'CreateSearchIndex', 'UpdateSearchIndex', 'DescribeSearchIndex', 'DeleteSearchIndex', 'Search', 'ComputeSplits',
  'ParallelScan', 'SQLQuery',
  'ComputeSplitPointsBySize', 'AddDefinedColumn', 'DeleteDefinedColumn', 'BulkImport', 'BulkExport',
  'CreateTimeseriesTable', 'ListTimeseriesTable', 'DeleteTimeseriesTable', 'DescribeTimeseriesTable',
  'UpdateTimeseriesTable', 'PutTimeseriesData', 'GetTimeseriesData', 'QueryTimeseriesMeta', 'UpdateTimeseriesMeta',
  'DeleteTimeseriesMeta', 'SplitTimeseriesScanTask', 'ScanTimeseriesData', 'CreateTimeseriesAnalyticalStore',
  'LoadTable', 'UnloadTable', 'CreateTunnel', 'ListTunnel', 'DescribeTunnel', 'DeleteTunnel',
]);
