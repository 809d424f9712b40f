/**
 * `tsorm`: the runtime entry. Entities, codecs, conditions, repositories and the client — never the
 * emulator, the CLI or the migration runner (FC cold starts pay for every module loaded).
 */
import 'reflect-metadata';

// Explicit on purpose: each name here is one a user calls or writes in a type. Internals (schema building,
// codec helpers, the request builders) stay importable only by path, so they can change freely.
export { Table, PrimaryKey, AutoIncrement, Column, Version, Index, SearchIndex, defineSearchIndex, getTableSchema, isEntityClass, SchemaError, PrimaryKeys, Generated } from './schema';
export type {
  AttributeKeys,
  Attributes,
  ColumnOptions,
  ColumnType,
  DeclaresKeys,
  DefinedColumnSchema,
  EntityClass,
  FieldKind,
  FieldSchema,
  GeneratedNames,
  IncrementDelta,
  IncrementOf,
  IncrementableNames,
  IndexOptions,
  IndexSchema,
  InsertOf,
  Int64Mode,
  KeyOf,
  KeyPrefix,
  KeysNotDeclared,
  NonKeyNames,
  PrimaryKeyNames,
  PrimaryKeyOptions,
  PrimaryKeySchema,
  RemovableNames,
  ResolvedStreamOptions,
  ResolvedTableOptions,
  SchemaRule,
  SearchAnalyzer,
  SearchFieldDeclaration,
  SearchFieldOptions,
  SearchFieldType,
  SearchIndexOptions,
  SearchIndexRef,
  StorageType,
  StreamOptions,
  TableOptions,
  TableSchema,
  UpdateChanges,
  UpdateOf,
  VersionOptions,
} from './schema';
export { TsormError, isTsormError } from './errors';
export type { ErrorLayer, ErrorMatch } from './errors';
export { CodecError, decodeChange } from './codec';
export type { CodecErrorContext, CodecRule, ChangeRecord, ChangeDeletion, ChangeVersions, PutChange, UpdateChange, DeleteChange } from './codec';
export type { RawChange, RawChangeColumn, RawChangeEvent, RawChangeType, RawChangeValue } from './client/changes';
export { Condition, QueryError, conditionBuilder } from './query';
export type { CompareOptions, ConditionBuilder, Direction, Where } from './query';
export {
  Repository,
  IndexReader,
  Database,
  connect,
  EntityValidationError,
  BatchWriteError,
  InvalidCursorError,
  DuplicateKeyError,
  RepositoryUsageError,
  SearchSyncTimeoutError,
  useClassValidator,
} from './repository';
export type {
  BatchItemResult,
  BatchOptions,
  BatchResult,
  ChangesOptions,
  ClassValidatorModule,
  Expect,
  FieldViolation,
  FindOptions,
  GetOptions,
  IndexQuery,
  KeyRangeQuery,
  Page,
  PageOptions,
  RepositoryUsageRule,
  InnerHit,
  InnerHitsOf,
  SearchCall,
  SearchHit,
  SearchItem,
  SearchOptions,
  SearchPage,
  StreamChange,
  UpdateResult,
  WaitForSearchOptions,
  WriteOptions,
} from './repository';
export { SearchQuery, Sorter } from './query/search/nodes';
export { Agg, SourceAgg } from './query/search/aggregations';
export type {
  AggBuilder,
  AggCombinators,
  AggResults,
  CompositeBucket,
  CompositeKey,
  CompositePage,
  CountAggs,
  DateAggs,
  GeoAggs,
  GroupByFieldAgg,
  LatLon,
  NumericAggs,
} from './query/search/aggregations';
export { ScoreFunction } from './query/search/nodes';
export type { Duration, DurationUnit, FactorModifier, FunctionCombineMode, FunctionScoreMode, GeoPoint } from './query/search/nodes';
export type {
  BooleanField,
  GeoField,
  InnerHitsOptions,
  NestedOptions,
  KeywordField,
  LooseSearchQueryBuilder,
  MatchOptions,
  RangeBounds,
  RangeField,
  SearchQueryBuilder,
  SortBuilder,
  TextField,
  VectorField,
} from './query/search/builder';
export type { DecayFunctions, DecayOptions, FunctionBuilder, FunctionOptions, FunctionScoreOptions, NumericFunctions } from './query/search/score-functions';
export {
  TableStoreClient,
  connect as connectClient,
  CallScope,
  RetryPolicy,
  TableStoreError,
  ConditionCheckFailedError,
  ConcurrentModificationError,
  TableNotFoundError,
  TableAlreadyExistsError,
  InvalidRequestError,
  ValidationError,
  AccessDeniedError,
  ThrottledError,
  NetworkError,
  DeadlineExceededError,
  ConfigurationError,
  StreamReader,
  StreamTrimmedError,
  StreamUnavailableError,
} from './client';
export type { CallOptions, Clock, ConnectOptions, Credentials, RetryOptions, Usage, StreamBatch, StreamReaderOptions, StreamStart, StreamRecord } from './client';
