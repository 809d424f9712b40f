/**
 * client/: the one place that touches the `tablestore` SDK: configuration, keep-alive agent, retry policy,
 * error decoding and capacity-unit accounting.
 */
export { connect, TableStoreClient, type CallMeta, type CallOptions } from './client';
export { ENV, type ConnectOptions, type Credentials } from './config';
export {
  AccessDeniedError,
  ClientErrorCode,
  ConcurrentModificationError,
  ConditionCheckFailedError,
  ConfigurationError,
  createTableStoreError,
  DeadlineExceededError,
  isRetryableCode,
  isThrottlingCode,
  NetworkError,
  TableAlreadyExistsError,
  TableNotFoundError,
  TableStoreError,
  ThrottledError,
  InvalidRequestError,
  ValidationError,
  type ConcurrentModificationInit,
  type TableStoreErrorInit,
} from './errors';
export { DEFAULT_RETRY_OPTIONS, RetryPolicy, type RetryOptions } from './retry';
export { systemClock, type Clock } from './clock';
export { CallScope, consumedCapacity, type CallScopeOptions, type Usage } from './usage';
export { decodeErrorBody } from './transport';
export * from './actions';
export type { RawChange, RawChangeColumn, RawChangeEvent, RawChangeType, RawChangeValue } from './changes';
export {
  decodeStreamRecord,
  type DescribeStreamParams,
  type DescribeStreamResult,
  type GetShardIteratorParams,
  type GetShardIteratorResult,
  type GetStreamRecordParams,
  type GetStreamRecordResult,
  type ListStreamParams,
  type ListStreamResult,
  type StreamInfo,
  type StreamRecord,
  type StreamShard,
} from './wire/stream-ops';
export { PlainBufferError, type SequenceInfo } from './wire/plainbuffer';
export {
  StreamReader,
  StreamTrimmedError,
  StreamUnavailableError,
  type StreamBatch,
  type StreamReaderOptions,
  type StreamStart,
} from './stream-reader';
export {
  BatchWriteType,
  ColumnPaginationFilter,
  ComparatorType,
  CompositeCondition,
  Condition,
  DefinedColumnType,
  Direction,
  IndexType,
  IndexUpdateMode,
  INF_MAX,
  INF_MIN,
  Int64LE,
  LogicalOperator,
  PK_AUTO_INCR,
  PrimaryKeyOption,
  PrimaryKeyType,
  ReturnType,
  RowExistenceExpectation,
  SingleColumnCondition,
  UpdateType,
  type CellValue,
  type ColumnCondition,
  type ColumnFilter,
  type InfMax,
  type InfMin,
  type PkAutoIncrement,
  type PrimaryKeyValue,
} from './values';
export { sdkVersion } from './sdk';
