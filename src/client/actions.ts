/**
 * Request parameters and decoded results of the SDK actions tsorm calls, typed from the SDK's encoder and
 * decoder (`lib/protocol/encoder.js`, `lib/protocol/decoder.js`). Names are the SDK's method names.
 */
import type {
  CellValue,
  ColumnFilter,
  Condition,
  Int64LE,
  PrimaryKeyValue,
  RowExistenceExpectationValue,
} from './values';
import type {
  DescribeStreamParams,
  DescribeStreamResult,
  GetShardIteratorParams,
  GetShardIteratorResult,
  GetStreamRecordParams,
  GetStreamRecordResult,
  ListStreamParams,
  ListStreamResult,
} from './wire/stream-ops';

// ---------------------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------------------

/** A primary key as the SDK takes it: one single-entry object per key column, in schema order. */
export type PrimaryKeyInput = Array<Record<string, PrimaryKeyValue>>;

/**
 * Attribute columns for a put: one object per column (`{ name: value }`), optionally with `timestamp`
 * (a cell version in ms) on the same object.
 */
export type AttributeColumnsInput = Array<Record<string, CellValue>>;

/** The update operations of UpdateRow / a batch UPDATE row. */
export type UpdateOfAttributeColumns = Array<
  | { PUT: Array<Record<string, CellValue>> }
  | { DELETE: Array<Record<string, number | Int64LE>> }
  | { DELETE_ALL: string[] }
  | { INCREMENT: Array<Record<string, Int64LE>> }
>;

/** A primary-key column's value: a key is STRING, INTEGER or BINARY, never a double or boolean. */
export type KeyCellValue = string | Buffer | Int64LE;

export interface PrimaryKeyCell {
  name: string;
  value: KeyCellValue;
}

export interface AttributeCell {
  columnName: string;
  columnValue: CellValue | null;
  /** Cell version; `null` when the response carries none. */
  timestamp: Int64LE | null;
}

export interface SdkRow {
  primaryKey: PrimaryKeyCell[];
  attributes: AttributeCell[];
}

/**
 * A response's read-shape key (`[{ name, value }]`, e.g. `nextStartPrimaryKey`) as a request's write-shape key
 * (`[{ name: value }]`), to resume a range where a page stopped.
 */
export function toKeyInput(key: readonly PrimaryKeyCell[]): PrimaryKeyInput {
  return key.map((c) => ({ [c.name]: c.value }));
}

/** A single-row response's row: `{}` when the row does not exist or nothing was asked back. */
export type MaybeRow = Partial<SdkRow>;

/**
 * Any row a response carries, as the codec reads it: a GetRange row, a single-row response's `row` (`{}` when
 * missing) or a batch row result (`primaryKey: null` when missing). Each of those is assignable to this.
 */
export interface ReadRow {
  primaryKey?: readonly PrimaryKeyCell[] | null;
  attributes?: readonly AttributeCell[] | null;
}

export interface CapacityUnit {
  read: number;
  write: number;
}

export interface ConsumedCapacity {
  capacityUnit: CapacityUnit;
}

export interface TimeRange {
  startTime?: number | Int64LE;
  endTime?: number | Int64LE;
  specificTime?: number | Int64LE;
}

export interface ReturnContent {
  /** `ReturnType.Primarykey` (1) or `ReturnType.AfterModify` (2). */
  returnType: 0 | 1 | 2;
  returnColumns?: string[];
}

interface WithRequestId {
  /** `x-ots-requestid` of the response. */
  RequestId?: string;
}

// ---------------------------------------------------------------------------------------------------------
// Single-row operations
// ---------------------------------------------------------------------------------------------------------

interface ReadOptions {
  columnsToGet?: string[];
  maxVersions?: number;
  timeRange?: TimeRange;
  columnFilter?: ColumnFilter;
  startColumn?: string;
  endColumn?: string;
}

export interface GetRowParams extends ReadOptions {
  tableName: string;
  primaryKey: PrimaryKeyInput;
  transactionId?: string;
}
export interface GetRowResult extends WithRequestId {
  consumed: ConsumedCapacity;
  row: MaybeRow;
}

export interface PutRowParams {
  tableName: string;
  condition: Condition;
  primaryKey: PrimaryKeyInput;
  attributeColumns: AttributeColumnsInput;
  returnContent?: ReturnContent;
  transactionId?: string;
}
export interface WriteRowResult extends WithRequestId {
  consumed: ConsumedCapacity;
  row: MaybeRow;
}

export interface UpdateRowParams {
  tableName: string;
  condition: Condition;
  primaryKey: PrimaryKeyInput;
  updateOfAttributeColumns: UpdateOfAttributeColumns;
  returnContent?: ReturnContent;
  transactionId?: string;
}

export interface DeleteRowParams {
  tableName: string;
  condition: Condition;
  primaryKey: PrimaryKeyInput;
  returnContent?: ReturnContent;
  transactionId?: string;
}

export interface GetRangeParams extends ReadOptions {
  tableName: string;
  direction: 'FORWARD' | 'BACKWARD';
  inclusiveStartPrimaryKey: PrimaryKeyInput;
  exclusiveEndPrimaryKey: PrimaryKeyInput;
  limit?: number;
  transactionId?: string;
}
export interface GetRangeResult extends WithRequestId {
  consumed: ConsumedCapacity;
  rows: SdkRow[];
  /** Where the next page starts, or `null` when the range is exhausted. */
  nextStartPrimaryKey: PrimaryKeyCell[] | null;
  nextToken?: Uint8Array;
}

// ---------------------------------------------------------------------------------------------------------
// Batches
// ---------------------------------------------------------------------------------------------------------

export interface BatchGetRowTable extends ReadOptions {
  tableName: string;
  primaryKey: PrimaryKeyInput[];
}
export interface BatchGetRowParams {
  tables: BatchGetRowTable[];
  transactionId?: string;
}

/** One row's result in a batch response (`lib/protocol/decoder.js`). */
export interface BatchRowResult {
  isOk: boolean;
  errorCode: string | null;
  errorMessage: string | null;
  tableName: string;
  /** `''` when the row carries no consumed capacity. */
  capacityUnit: CapacityUnit | '';
  /** `null` for a missing row in BatchGetRow, or when nothing was asked back in BatchWriteRow. */
  primaryKey: PrimaryKeyCell[] | null;
  attributes: AttributeCell[] | null;
}
export interface BatchGetRowResult extends WithRequestId {
  /** One array per requested table, rows in request order. */
  tables: BatchRowResult[][];
}

export type BatchWriteRowItem =
  | {
      type: 'PUT';
      condition: Condition;
      primaryKey: PrimaryKeyInput;
      attributeColumns: AttributeColumnsInput;
      returnContent?: ReturnContent;
    }
  | {
      type: 'UPDATE';
      condition: Condition;
      primaryKey: PrimaryKeyInput;
      attributeColumns: UpdateOfAttributeColumns;
      returnContent?: ReturnContent;
    }
  | { type: 'DELETE'; condition: Condition; primaryKey: PrimaryKeyInput; returnContent?: ReturnContent };

export interface BatchWriteRowParams {
  tables: Array<{ tableName: string; rows: BatchWriteRowItem[] }>;
  transactionId?: string;
}
export interface BatchWriteRowResult extends WithRequestId {
  /** One flat list of per-row results, in request order across all tables. */
  tables: BatchRowResult[];
}

// ---------------------------------------------------------------------------------------------------------
// Tables and indexes
// ---------------------------------------------------------------------------------------------------------

export interface PrimaryKeySchemaInput {
  name: string;
  type: 'INTEGER' | 'STRING' | 'BINARY' | 1 | 2 | 3;
  option?: 'AUTO_INCREMENT' | 1;
}
export interface DefinedColumnInput {
  name: string;
  /** `DefinedColumnType`: 1 INTEGER, 2 DOUBLE, 3 BOOLEAN, 4 STRING. */
  type: 1 | 2 | 3 | 4;
}
export interface TableOptionsInput {
  /** Seconds; -1 = never expire. */
  timeToLive: number;
  maxVersions: number;
  /** Seconds. */
  maxTimeDeviation?: number;
  allowUpdate?: boolean;
}
export interface IndexMetaInput {
  name: string;
  primaryKey: string[];
  definedColumn: string[];
  indexUpdateMode?: 0 | 1;
  indexType?: 0 | 1;
}
export interface StreamSpecificationInput {
  enableStream: boolean;
  /** Hours. */
  expirationTime?: number;
  /**
   * Origin columns (`columns_to_get`, field 3): not in the Node SDK's proto, so transport.ts adds them to the
   * request body itself (streams spec §1.1).
   */
  columnsToGet?: string[];
}

export interface CreateTableParams {
  tableMeta: { tableName: string; primaryKey: PrimaryKeySchemaInput[]; definedColumn?: DefinedColumnInput[] };
  reservedThroughput: { capacityUnit: CapacityUnit };
  tableOptions: TableOptionsInput;
  streamSpecification?: StreamSpecificationInput;
  indexMetas?: IndexMetaInput[];
}

export interface UpdateTableParams {
  tableName: string;
  tableOptions: Partial<TableOptionsInput>;
  reservedThroughput?: { capacityUnit: Partial<CapacityUnit> };
  streamSpecification?: StreamSpecificationInput;
}

/** int64 fields inside protobuf messages are decoded as `long` objects (or numbers when small). */
export type ProtoInt64 = number | { toString(): string; toNumber(): number; low: number; high: number };

export interface TableOptionsOutput {
  timeToLive: number;
  maxVersions: number;
  deviationCellVersionInSec: ProtoInt64;
  allowUpdate: boolean;
  bloomFilterType?: number;
  blockSize?: number;
}
export interface ReservedThroughputDetails {
  capacityUnit: CapacityUnit;
  lastIncreaseTime: ProtoInt64;
  lastDecreaseTime?: ProtoInt64;
}
export interface IndexMetaOutput {
  name: string;
  primaryKey: string[];
  definedColumn: string[];
  indexUpdateMode: number;
  indexType: number;
  indexSyncPhase?: number | string;
}
export interface DescribeTableResult extends WithRequestId {
  tableMeta: {
    tableName: string;
    primaryKey: Array<{ name: string; type: number; option?: number }>;
    definedColumn: Array<{ name: string; type: number }>;
  };
  reservedThroughputDetails: ReservedThroughputDetails;
  tableOptions: TableOptionsOutput;
  /** `TableStatus`: 0 ACTIVE, 1 INACTIVE, 2 LOADING, 3 UNLOADING, 4 UPDATING. */
  tableStatus: number;
  streamDetails?: { enableStream: boolean; streamId?: string; expirationTime?: number; lastEnableTime?: ProtoInt64; columnsToGet?: string[] };
  indexMetas: IndexMetaOutput[];
}
export interface UpdateTableResult extends WithRequestId {
  reservedThroughputDetails: ReservedThroughputDetails;
  tableOptions: TableOptionsOutput;
}

export interface CreateIndexParams {
  mainTableName: string;
  indexMeta: IndexMetaInput;
  includeBaseData?: boolean;
}
export interface DropIndexParams {
  mainTableName: string;
  indexName: string;
}

export interface StartLocalTransactionParams {
  tableName: string;
  primaryKey: PrimaryKeyInput;
}

// ---------------------------------------------------------------------------------------------------------
// The action map
// ---------------------------------------------------------------------------------------------------------

type Loose = Record<string, unknown>;

/** Every action `TableStoreClient.call` knows: its parameters and its decoded result. */
export interface ActionMap {
  createTable: { params: CreateTableParams; result: WithRequestId };
  listTable: { params: Record<string, never>; result: WithRequestId & { tableNames: string[] } };
  describeTable: { params: { tableName: string }; result: DescribeTableResult };
  updateTable: { params: UpdateTableParams; result: UpdateTableResult };
  deleteTable: { params: { tableName: string }; result: WithRequestId };
  getRow: { params: GetRowParams; result: GetRowResult };
  putRow: { params: PutRowParams; result: WriteRowResult };
  updateRow: { params: UpdateRowParams; result: WriteRowResult };
  deleteRow: { params: DeleteRowParams; result: WriteRowResult };
  getRange: { params: GetRangeParams; result: GetRangeResult };
  batchGetRow: { params: BatchGetRowParams; result: BatchGetRowResult };
  batchWriteRow: { params: BatchWriteRowParams; result: BatchWriteRowResult };
  createIndex: { params: CreateIndexParams; result: WithRequestId };
  dropIndex: { params: DropIndexParams; result: WithRequestId };
  startLocalTransaction: { params: StartLocalTransactionParams; result: WithRequestId & { transactionId: string } };
  commitTransaction: { params: { transactionId: string }; result: WithRequestId };
  abortTransaction: { params: { transactionId: string }; result: WithRequestId };
  // Search index and SQL: passed through untyped.
  listSearchIndex: { params: { tableName: string }; result: Loose };
  describeSearchIndex: { params: { tableName: string; indexName: string }; result: Loose };
  createSearchIndex: { params: Loose; result: Loose };
  updateSearchIndex: { params: Loose; result: Loose };
  deleteSearchIndex: { params: { tableName: string; indexName: string }; result: Loose };
  search: { params: Loose; result: Loose };
  computeSplits: { params: Loose; result: Loose };
  parallelScan: { params: Loose; result: Loose };
  sqlQuery: { params: { query: string }; result: Loose };
  // Streams (spec §2): encoded and decoded by tsorm itself (wire/stream-ops.ts), the SDK has no calls for them.
  listStream: { params: ListStreamParams; result: ListStreamResult };
  describeStream: { params: DescribeStreamParams; result: DescribeStreamResult };
  getShardIterator: { params: GetShardIteratorParams; result: GetShardIteratorResult };
  getStreamRecord: { params: GetStreamRecordParams; result: GetStreamRecordResult };
}

export type ActionName = keyof ActionMap;
export type ActionParams<A extends ActionName> = ActionMap[A]['params'];
export type ActionResult<A extends ActionName> = ActionMap[A]['result'];

/**
 * Actions that change nothing, so replaying one is always safe: they are retried on ambiguous failures
 * (OTSTimeout, OTSInternalServerError, 5xx without an OTS error, network errors). The list follows the SDK's
 * `isRepeatableApi` and the semantics spec §8.3. Everything else is a write.
 */
export const READ_ACTIONS: ReadonlySet<ActionName> = new Set<ActionName>([
  'listTable',
  'describeTable',
  'getRow',
  'getRange',
  'batchGetRow',
  'listSearchIndex',
  'describeSearchIndex',
  'search',
  'computeSplits',
  'parallelScan',
  'sqlQuery',
  // Go retries ListStream, DescribeStream and GetStreamRecord as idempotent (streams spec §2.1). [decision]
  // GetShardIterator too: it changes nothing, and a replay returns the same deterministic position.
  'listStream',
  'describeStream',
  'getShardIterator',
  'getStreamRecord',
]);

/** The operation name the SDK's encoder and decoder use (`sqlQuery` is `SQLQuery` there). */
export function sdkOperation(action: ActionName): string {
  return action === 'sqlQuery' ? 'SQLQuery' : action;
}

/** Re-exported for convenience: the condition expectation values. */
export type { RowExistenceExpectationValue };
