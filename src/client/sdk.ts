/**
 * The one place that loads the official `tablestore` SDK (5.6.x, untyped CommonJS).
 *
 * Only the parts tsorm uses are declared here, typed from the SDK's source (lib/client.js, lib/request.js,
 * lib/event_listeners.js, lib/http/node.js, lib/metadata.js, lib/filter.js, lib/protocol/*). `@types/tablestore`
 * is wrong in places and is not used.
 *
 * Everything else in tsorm that needs an SDK value (a `Condition`, `INF_MIN`, an int64 cell) imports it from
 * here (or from `client/index.ts`), never from `tablestore` itself.
 */
import type * as http from 'node:http';

// ---------------------------------------------------------------------------------------------------------
// Values the SDK reads and writes
// ---------------------------------------------------------------------------------------------------------

/**
 * The SDK's int64 value: `Int64LE` from its own copy of `int64-buffer`. The SDK's encoder checks
 * `instanceof Int64LE`, so int64 cells must be built with the constructor exported below (never with
 * `TableStore.Long`, which keeps shared state in a singleton: values made earlier can change under you).
 * `toString()` is exact; `toNumber()` and `toJSON()` lose precision beyond 2^53.
 */
export interface Int64LE {
  toNumber(): number;
  toJSON(): number;
  toString(radix?: number): string;
  toBuffer(raw?: boolean): Buffer;
  toArray(raw?: boolean): number[];
}

/**
 * A number the SDK hands back: a plain number, or an int64 read as a protobufjs `Long` (search, aggregation,
 * DescribeSearchIndex, DescribeTable replies) or an `Int64LE` (cells). Precision beyond 2^53 is lost, which
 * callers accept for counts, sizes and timestamps.
 */
export function sdkNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v && typeof (v as { toNumber?: unknown }).toNumber === 'function') return (v as { toNumber(): number }).toNumber();
  return Number(v);
}

export interface Int64LEConstructor {
  /** From a safe integer, or from a decimal string (`radix` 10) that may exceed 2^53. */
  new (value?: number): Int64LE;
  new (value: string, radix?: number): Int64LE;
  new (high: number, low: number): Int64LE;
  /** Reads 8 little-endian bytes. */
  new (buffer: Buffer | Uint8Array, offset?: number): Int64LE;
  isInt64LE(value: unknown): value is Int64LE;
}

/** Sentinels of `lib/metadata.js`: plain objects compared by identity. */
export interface InfMin {
  readonly __tablestoreSentinel: 'INF_MIN';
}
export interface InfMax {
  readonly __tablestoreSentinel: 'INF_MAX';
}
export interface PkAutoIncrement {
  readonly __tablestoreSentinel: 'PK_AUTO_INCR';
}

/** A primary-key value the encoder accepts (a JS number is refused as a primary key). */
export type PrimaryKeyValue = string | Buffer | Int64LE | InfMin | InfMax | PkAutoIncrement;
/** An attribute value the encoder accepts: a JS `number` is written as DOUBLE, int64 must be `Int64LE`. */
export type CellValue = string | number | boolean | Buffer | Int64LE;

// ---------------------------------------------------------------------------------------------------------
// Condition / filter classes (lib/filter.js)
// ---------------------------------------------------------------------------------------------------------

export type RowExistenceExpectationValue = 0 | 1 | 2;
export type LogicalOperatorValue = number;
export type ComparatorTypeValue = number;

/** Base of the column-condition classes; the encoder dispatches on `instanceof`. */
export interface ColumnCondition {
  getType(): number;
}

export interface SingleColumnCondition extends ColumnCondition {
  columnName: string;
  columnValue: CellValue;
  comparator: ComparatorTypeValue;
  passIfMissing: boolean;
  latestVersionOnly: boolean;
}
export interface SingleColumnConditionConstructor {
  /** `passIfMissing` and `latestVersionOnly` default to `true`. */
  new (
    columnName: string,
    columnValue: CellValue,
    comparator: ComparatorTypeValue,
    passIfMissing?: boolean,
    latestVersionOnly?: boolean,
  ): SingleColumnCondition;
}

export interface CompositeCondition extends ColumnCondition {
  combinator: LogicalOperatorValue;
  sub_conditions: ColumnFilter[];
  addSubCondition(condition: ColumnFilter): void;
  clearSubCondition(): void;
}
export interface CompositeConditionConstructor {
  new (combinator: LogicalOperatorValue): CompositeCondition;
}

export interface ColumnPaginationFilter {
  limit: number;
  offset: number;
  getType(): number;
}
export interface ColumnPaginationFilterConstructor {
  new (limit?: number, offset?: number): ColumnPaginationFilter;
}

export type ColumnFilter = SingleColumnCondition | CompositeCondition | ColumnPaginationFilter;

export interface Condition {
  rowExistenceExpectation: RowExistenceExpectationValue;
  columnCondition: ColumnFilter | null;
}
export interface ConditionConstructor {
  new (rowExistenceExpectation: RowExistenceExpectationValue, columnCondition?: ColumnFilter | null): Condition;
}

// ---------------------------------------------------------------------------------------------------------
// Request machinery (lib/config.js, lib/request.js, lib/http.js, lib/http/node.js)
// ---------------------------------------------------------------------------------------------------------

/**
 * `httpOptions` of the SDK's config. `lib/http/node.js` copies every own enumerable key onto the options of
 * `http.request` (so `agent` reaches Node), but first writes `http.globalAgent.maxSockets = httpOptions.maxSockets
 * || 300` on every request.
 */
export interface SdkHttpOptions {
  agent?: http.Agent;
  /** Socket inactivity timeout of one attempt; 0 or absent = none. */
  timeout?: number;
  maxSockets?: number;
}

/** `TableStore.Config`: credentials are read from here at signing time, with both spellings. */
export interface SdkConfig {
  endpoint: string;
  instancename: string;
  accessKeyId: string | null;
  secretAccessKey: string | null;
  accessKeySecret: string | null;
  stsToken: string | null;
  securityToken: string | null;
  httpOptions: SdkHttpOptions;
  /** Never set by tsorm: the SDK copies it into a process-global retry default. */
  maxRetries?: number;
  logger: unknown;
  getCredentials(): { accessKeyId: string | null; secretAccessKey: string | null; securityToken: string | null };
}

export interface SdkConfigInit {
  endpoint: string;
  instancename: string;
  accessKeyId: string;
  accessKeySecret: string;
  stsToken?: string;
  httpOptions?: SdkHttpOptions;
}

/** An error as the SDK reports it: `code` is the HTTP status (a number) or a string like `NetworkingError`. */
export interface SdkError extends Error {
  code?: string | number;
  retryable?: boolean;
  errno?: number;
  syscall?: string;
}

export interface SdkHttpResponse {
  statusCode: number | undefined;
  headers: http.IncomingHttpHeaders;
  /** The whole response body once the response ended; an empty buffer when there was none. */
  body: Buffer | undefined;
}

export interface SdkResponse {
  request: SdkRequest;
  data: unknown;
  error: SdkError | null;
  retryCount: number;
  httpResponse: SdkHttpResponse;
}

/** Events of the request state machine that tsorm listens to. */
export type SdkRequestEvent = 'build' | 'afterBuild' | 'sign' | 'send' | 'extractData' | 'retry' | 'afterRetry' | 'complete';

export interface SdkRequest {
  readonly config: SdkConfig;
  readonly operation: string;
  readonly params: unknown;
  readonly response: SdkResponse;
  readonly httpRequest: {
    path: string;
    headers: Record<string, string | number>;
    body: Buffer | string;
    /** The `http.ClientRequest` of the current attempt, set when it is sent. */
    stream?: http.ClientRequest;
  };
  /** Listeners of 'build', 'afterBuild' and 'sign' receive the request; the others receive the response. */
  on(event: 'build' | 'afterBuild' | 'sign', listener: (request: SdkRequest) => void): this;
  on(event: 'send' | 'extractData' | 'retry' | 'afterRetry' | 'complete', listener: (response: SdkResponse) => void): this;
  send(callback?: (this: SdkResponse, err: SdkError | null, data: unknown) => void): Promise<SdkResponse>;
  removeListener(event: SdkRequestEvent, listener: (arg: never) => void): this;
}

export interface SdkClient {
  config: SdkConfig;
  /** Adds the global, core and client listeners (build, sign, send, extract…) to a request. */
  addAllRequestListeners(request: SdkRequest): void;
  makeRequest(operation: string, params: unknown): Promise<unknown>;
  /** 'build' listeners: the SDK's encoder, then the body's MD5 header (`lib/client.js`). */
  buildContent(request: SdkRequest): void;
  computeContentMd5(request: SdkRequest): void;
  /** 'extractData' listener: the SDK's decoder. */
  extractData(response: SdkResponse): void;
}

// ---------------------------------------------------------------------------------------------------------
// The module
// ---------------------------------------------------------------------------------------------------------

interface TableStoreModule {
  Client: new (config: SdkConfigInit) => SdkClient;
  Request: new (config: SdkConfig, operation: string, params: unknown) => SdkRequest;
  Condition: ConditionConstructor;
  SingleColumnCondition: SingleColumnConditionConstructor;
  CompositeCondition: CompositeConditionConstructor;
  ColumnPaginationFilter: ColumnPaginationFilterConstructor;
  ColumnCondition: abstract new () => ColumnCondition;
  RowExistenceExpectation: { IGNORE: 0; EXPECT_EXIST: 1; EXPECT_NOT_EXIST: 2 };
  LogicalOperator: { NOT: number; AND: number; OR: number };
  ComparatorType: {
    EQUAL: number;
    NOT_EQUAL: number;
    GREATER_THAN: number;
    GREATER_EQUAL: number;
    LESS_THAN: number;
    LESS_EQUAL: number;
  };
  Direction: { FORWARD: 'FORWARD'; BACKWARD: 'BACKWARD' };
  UpdateType: { PUT: 'PUT'; DELETE: 'DELETE'; DELETE_ALL: 'DELETE_ALL'; INCREMENT: 'INCREMENT' };
  BatchWriteType: { PUT: 1; UPDATE: 2; DELETE: 3 };
  ReturnType: { NONE: 0; Primarykey: 1; AfterModify: 2 };
  PrimaryKeyType: { INTEGER: 1; STRING: 2; BINARY: 3 };
  PrimaryKeyOption: { AUTO_INCREMENT: 1 };
  DefinedColumnType: { DCT_INTEGER: 1; DCT_DOUBLE: 2; DCT_BOOLEAN: 3; DCT_STRING: 4 };
  IndexUpdateMode: { IUM_ASYNC_INDEX: 0; IUM_SYNC_INDEX: 1 };
  IndexType: { IT_GLOBAL_INDEX: 0; IT_LOCAL_INDEX: 1 };
  INF_MIN: InfMin;
  INF_MAX: InfMax;
  PK_AUTO_INCR: PkAutoIncrement;
  /** A shared singleton: only used once, to find the SDK's `Int64LE` class. */
  Long: { fromNumber(n: number): Int64LE };
}

/** A protobufjs static message type (from the SDK's `tablestore_compiled_proto.js`). */
export interface ProtoMessageType<T = Record<string, unknown>> {
  create(properties?: Partial<T> | Record<string, unknown>): T;
  encode(message: Partial<T> | Record<string, unknown>): { finish(): Uint8Array };
  decode(reader: Uint8Array): T;
  toObject(message: T, options?: Record<string, unknown>): Record<string, unknown>;
}

/** `main.proto.Error`: the body of every non-2xx response, and of failed rows in batch responses. */
export interface ProtoError {
  code: string;
  message: string;
}

/** The SDK's compiled protobuf root (`lib/protocol/tablestore_compiled_proto.js`); shared with the SDK. */
export interface CompiledProtos {
  main: { proto: Record<string, ProtoMessageType<any>> & { Error: ProtoMessageType<ProtoError> } };
  filter: { proto: Record<string, ProtoMessageType<any>> };
  search: { proto: Record<string, ProtoMessageType<any>> };
}

/**
 * Globals the SDK assigns without declaring them (found with eslint `no-undef` over tablestore 5.6 lib/):
 * `for (pro in …)` in lib/filter.js (the Condition and filter constructors: every conditional write),
 * `for (sub in …)` in lib/protocol/encoder.js (composite filters), `for (key in …)` and `size = …` in
 * lib/protocol/plian_buffer_builder.js (every write's size check). In the SDK's own sloppy-mode files these
 * create globals; in a bundle whose output starts with "use strict" (esbuild with a tsconfig `strict` or
 * `alwaysStrict`, or ESM output) they throw `ReferenceError: pro is not defined` at the first write (issue 8,
 * item 5). Declaring the globals the SDK would have created itself makes both work, with no edit in
 * node_modules. [decision] Not enumerable, so they show in no `for … in globalThis`.
 */
for (const name of ['pro', 'sub', 'key', 'size']) {
  if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value: undefined, writable: true, configurable: true, enumerable: false });
}

// Static specifiers only, so that bundlers (FC deployments often bundle) can follow them.
const sdk = require('tablestore') as TableStoreModule;

/** The SDK module itself, for `client/` internals only. */
export const TableStoreSdk: TableStoreModule = sdk;

/**
 * The SDK's own compiled protobuf module: the same file the SDK's encoder and decoder loaded (the package has
 * no `exports` map), so this costs nothing.
 */
export const protos: CompiledProtos = require('tablestore/lib/protocol/tablestore_compiled_proto.js');

/**
 * The SDK's version, from its package.json. A function, read on demand: a module-level `require` of the JSON
 * would cost every FC cold start a file read (about 0.25 ms) for a value only an error message needs.
 */
export function sdkVersion(): string {
  return (require('tablestore/package.json') as { version: string }).version;
}

/**
 * The `Int64LE` class the SDK's encoder recognises: taken from a value the SDK itself builds, so it is the
 * SDK's own copy of `int64-buffer` whatever the install layout (`int64-buffer` is not a tsorm dependency).
 */
export const Int64LE: Int64LEConstructor = sdk.Long.fromNumber(0).constructor as unknown as Int64LEConstructor;

// Constants, re-exported with their literal types.
export const Condition: ConditionConstructor = sdk.Condition;
export const SingleColumnCondition: SingleColumnConditionConstructor = sdk.SingleColumnCondition;
export const CompositeCondition: CompositeConditionConstructor = sdk.CompositeCondition;
export const ColumnPaginationFilter: ColumnPaginationFilterConstructor = sdk.ColumnPaginationFilter;
export const RowExistenceExpectation = sdk.RowExistenceExpectation;
export const LogicalOperator = sdk.LogicalOperator;
export const ComparatorType = sdk.ComparatorType;
export const Direction = sdk.Direction;
export const UpdateType = sdk.UpdateType;
export const BatchWriteType = sdk.BatchWriteType;
/** Note the SDK's spelling: `Primarykey` (lower-case k). */
export const ReturnType = sdk.ReturnType;
export const PrimaryKeyType = sdk.PrimaryKeyType;
export const PrimaryKeyOption = sdk.PrimaryKeyOption;
export const DefinedColumnType = sdk.DefinedColumnType;
export const IndexUpdateMode = sdk.IndexUpdateMode;
export const IndexType = sdk.IndexType;
export const INF_MIN: InfMin = sdk.INF_MIN;
export const INF_MAX: InfMax = sdk.INF_MAX;
export const PK_AUTO_INCR: PkAutoIncrement = sdk.PK_AUTO_INCR;

/**
 * The SDK internals `client/transport.ts` relies on. Checked once when a client is created so that an SDK
 * upgrade that moves them fails loudly at `connect()`, not with a TypeError in the middle of a request.
 */
export function assertSdkInternals(): void {
  const missing: string[] = [];
  if (typeof sdk.Client !== 'function') missing.push('TableStore.Client');
  if (typeof sdk.Request !== 'function') missing.push('TableStore.Request');
  if (typeof (sdk.Client.prototype as Partial<SdkClient>).addAllRequestListeners !== 'function') {
    missing.push('TableStore.Client.prototype.addAllRequestListeners');
  }
  for (const listener of ['buildContent', 'computeContentMd5', 'extractData'] as const) {
    if (typeof (sdk.Client.prototype as Partial<SdkClient>)[listener] !== 'function') missing.push(`TableStore.Client.prototype.${listener}`);
  }
  if (typeof protos.main?.proto?.Error?.decode !== 'function') missing.push('main.proto.Error');
  if (missing.length > 0) {
    throw new Error(
      `tsorm: the installed tablestore SDK (${sdkVersion()}) lacks ${missing.join(', ')}; tsorm supports tablestore 5.6.x`,
    );
  }
}
