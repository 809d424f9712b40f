/** The action registry: one file per API action. */
import { abortTransaction } from './abort-transaction';
import { batchGetRow } from './batch-get-row';
import { batchWriteRow } from './batch-write-row';
import { commitTransaction } from './commit-transaction';
import type { Action } from './common';
import { computeSplits } from './compute-splits';
import { createIndex } from './create-index';
import { createSearchIndex } from './create-search-index';
import { createTable } from './create-table';
import { deleteRow } from './delete-row';
import { deleteSearchIndex } from './delete-search-index';
import { deleteTable } from './delete-table';
import { describeSearchIndex } from './describe-search-index';
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
import { parallelScan } from './parallel-scan';
import { putRow } from './put-row';
import { search } from './search';
import { startLocalTransaction } from './start-local-transaction';
import { updateRow } from './update-row';
import { updateSearchIndex } from './update-search-index';
import { updateTable } from './update-table';

export const ACTIONS: ReadonlyMap<string, Action> = new Map(
  [
    createTable, listTable, describeTable, updateTable, deleteTable, createIndex, dropIndex,
    getRow, putRow, updateRow, deleteRow, getRange, batchGetRow, batchWriteRow,
    startLocalTransaction, commitTransaction, abortTransaction,
    createSearchIndex, describeSearchIndex, listSearchIndex, deleteSearchIndex, updateSearchIndex, search,
    computeSplits, parallelScan,
    listStream, describeStream, getShardIterator, getStreamRecord,
  ].map((a) => [a.name, a]),
);

/** Actions the service has and the emulator does not implement: answered with OTSUnsupportOperation. */
export const UNSUPPORTED_ACTIONS: ReadonlySet<string> = new Set([
  'SQLQuery',
  'ComputeSplitPointsBySize', 'AddDefinedColumn', 'DeleteDefinedColumn', 'BulkImport', 'BulkExport',
  'CreateTimeseriesTable', 'ListTimeseriesTable', 'DeleteTimeseriesTable', 'DescribeTimeseriesTable',
  'UpdateTimeseriesTable', 'PutTimeseriesData', 'GetTimeseriesData', 'QueryTimeseriesMeta', 'UpdateTimeseriesMeta',
  'DeleteTimeseriesMeta', 'SplitTimeseriesScanTask', 'ScanTimeseriesData', 'CreateTimeseriesAnalyticalStore',
  'LoadTable', 'UnloadTable', 'CreateTunnel', 'ListTunnel', 'DescribeTunnel', 'DeleteTunnel',
]);
