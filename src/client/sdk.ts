/**
 * The one place that loads the official `tablestore` SDK (5.6.x, untyped CommonJS).
 *
 * Only the parts tsorm uses are declared here, typed from the SDK's source (lib/client.js, lib/request.js,
 * lib/event_listeners.js, lib/http/node.js, lib/metadata.js, lib/filter.js, lib/protocol/*). `@types/tablestore`
 * is wrong in places and is not used.
 *
 * Nothing here loads the SDK until `loadSdk()` is called: only `transport: 'sdk'` does (issue 15). The values
 * requests carry (int64, sentinels, conditions) are tsorm's own, in `values.ts`; `sdk-adapter.ts` turns them
 * into the SDK's objects at this transport's boundary.
 */
import type * as http from 'node:http';
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

/** The parts of the `tablestore` module tsorm uses (the value classes are typed by `values.ts`'s twins). */
export interface TableStoreModule {
  Client: new (config: SdkConfigInit) => SdkClient;
  Request: new (config: SdkConfig, operation: string, params: unknown) => SdkRequest;
  Condition: new (rowExistenceExpectation: number, columnCondition?: unknown) => object;
  SingleColumnCondition: new (name: string, value: unknown, comparator: number, passIfMissing?: boolean, latestVersionOnly?: boolean) => object;
  CompositeCondition: new (combinator: number) => { addSubCondition(condition: unknown): void };
  ColumnPaginationFilter: new (limit?: number, offset?: number) => object;
  INF_MIN: object;
  INF_MAX: object;
  PK_AUTO_INCR: object;
  /** A shared singleton: only used once, to find the SDK's `Int64LE` class. */
  Long: { fromNumber(n: number): object };
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

let loaded: TableStoreModule | undefined;

/**
 * `require` of an SDK file, out of bundlers' sight. [decision] Not a static `require('tablestore')`: esbuild
 * and webpack follow those, and would pack the whole SDK (a third of a deploy bundle) into every FC function
 * although only `transport: 'sdk'` and SQLQuery use it (issue 15). A function that uses those with a bundled
 * deployment keeps `tablestore` installed beside the bundle (`--external:tablestore` + node_modules); without
 * it, the first such call says so.
 */
function requireSdk(id: string): unknown {
  const load: NodeJS.Require | undefined = typeof module !== 'undefined' && typeof module.require === 'function' ? module.require.bind(module) as NodeJS.Require : typeof require === 'function' ? require : undefined;
  try {
    if (!load) throw new Error('require() is not available');
    return load(id);
  } catch (err) {
    throw new Error(
      `tsorm: transport 'sdk' and SQLQuery need the official SDK, and '${id}' could not be loaded (${(err as Error).message}). ` +
        'It is a dependency of tsorm: install it, and in a bundled deployment keep it external (esbuild --external:tablestore) and ship node_modules/tablestore beside the bundle.',
      { cause: err },
    );
  }
}

/** The SDK module, loaded on first use: only `transport: 'sdk'` and SQLQuery need it (its `require` costs ~90 ms). */
export function loadSdk(): TableStoreModule {
  if (loaded) return loaded;
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
  loaded = requireSdk('tablestore') as TableStoreModule;
  return loaded;
}

/**
 * Which of the SDK's key sentinels `value` is, if the SDK is loaded (by tsorm or by the caller); never loads
 * it. For callers that pass `TableStore.INF_MIN` & co. to a client on the wire transport.
 */
export function sdkSentinel(value: object): 'INF_MIN' | 'INF_MAX' | 'PK_AUTO_INCR' | undefined {
  let sdk: Partial<TableStoreModule> | undefined = loaded;
  if (!sdk) {
    try {
      sdk = require.cache[require.resolve('tablestore')]?.exports as Partial<TableStoreModule> | undefined;
    } catch {
      return undefined;
    }
  }
  if (!sdk) return undefined;
  return value === sdk.INF_MIN ? 'INF_MIN' : value === sdk.INF_MAX ? 'INF_MAX' : value === sdk.PK_AUTO_INCR ? 'PK_AUTO_INCR' : undefined;
}

/**
 * The SDK's own compiled protobuf module: the same file the SDK's encoder and decoder loaded (the package has
 * no `exports` map), so this costs nothing once the SDK is loaded.
 */
export function sdkProtos(): CompiledProtos {
  loadSdk();
  return requireSdk('tablestore/lib/protocol/tablestore_compiled_proto.js') as CompiledProtos;
}

/**
 * The SDK's version, from its package.json. A function, read on demand: a module-level `require` of the JSON
 * would cost every FC cold start a file read (about 0.25 ms) for a value only an error message needs.
 */
export function sdkVersion(): string {
  return (requireSdk('tablestore/package.json') as { version: string }).version;
}

/**
 * The SDK internals `client/transport.ts` relies on. Checked once when a client is created so that an SDK
 * upgrade that moves them fails loudly at `connect()`, not with a TypeError in the middle of a request.
 */
export function assertSdkInternals(): void {
  const sdk = loadSdk();
  const protos = sdkProtos();
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
