/**
 * `connect()` and `TableStoreClient`: the only way the rest of tsorm talks to TableStore.
 */
import type * as http from 'node:http';
import type * as https from 'node:https';
import { READ_ACTIONS, sdkOperation, type ActionName, type ActionParams, type ActionResult } from './actions';
import { resolveConfig, validateCredentials, type ConnectOptions, type Credentials } from './config';
import { DeadlineExceededError, TableStoreError } from './errors';
import { RetryPolicy, type RetryOptions } from './retry';
import { assertSdkInternals, loadSdk, type SdkClient, type SdkHttpOptions } from './sdk';
import { deadlineError, earliest, sendOnce, type AttemptContext } from './transport';
import { HttpPool, POOL_CLOSED as CLOSED } from './wire/http-pool';
import { sendWireOnce, usesWire, type WireEndpoint } from './wire/transport';
import { CallScope, consumedCapacity, toEpochMs, UsageMeter, type CallScopeOptions, type Usage } from './usage';

export interface CallOptions {
  /** Absolute time (ms since epoch, or a Date) by which the call, retries included, must finish. */
  deadline?: number | Date;
  /** Relative form of `deadline`: ms from now. */
  timeoutMs?: number;
  /**
   * Whether replaying this request is harmless, which allows retrying it after ambiguous failures
   * (OTSTimeout, 5xx, network errors). Defaults to `true` for reads, `false` for writes. Set it for a write that
   * is idempotent, e.g. a put with condition IGNORE and no auto-increment key.
   */
  idempotent?: boolean;
  /** Retry options for this call only, or `false` to make exactly one attempt. */
  retry?: Partial<RetryOptions> | false;
}

/** The call's data and the response's metadata. */
export interface CallMeta {
  requestId: string | undefined;
  attempts: number;
  readCU: number;
  writeCU: number;
}

export class TableStoreClient {
  readonly endpoint: string;
  readonly instance: string;
  readonly retryPolicy: RetryPolicy;

  /** The SDK's client, created on first use: with `transport: 'sdk'`, or for an API the wire does not speak. */
  private sdkClient: SdkClient | undefined;
  /** Where tsorm's own transport sends: every API it speaks (the default), else the stream APIs. */
  private readonly wire: WireEndpoint;
  private readonly wireTransport: boolean;
  private readonly secure: boolean;
  private creds: Credentials;
  private readonly agentOptions: http.AgentOptions;
  /** The supplied agent, or the client's own, created for the first request through `http.request`. */
  private httpAgent: http.Agent | undefined;
  private readonly ownsAgent: boolean;
  /** The wire transport's connections, unless an agent was supplied. */
  private readonly pool: HttpPool | undefined;
  private readonly meter = new UsageMeter();
  private closed = false;

  constructor(options: ConnectOptions = {}) {
    const cfg = resolveConfig(options);
    this.endpoint = cfg.endpoint;
    this.instance = cfg.instance;
    this.retryPolicy =
      options.retry === false
        ? RetryPolicy.none()
        : options.retry instanceof RetryPolicy
          ? options.retry
          : new RetryPolicy(options.retry ?? {});

    const url = cfg.url;
    const secure = (this.secure = url.protocol === 'https:');
    this.agentOptions = {
      keepAlive: true,
      maxSockets: cfg.maxSockets,
      maxFreeSockets: cfg.maxSockets,
      timeout: cfg.idleSocketTimeoutMs,
      scheduling: 'lifo',
    };
    this.ownsAgent = options.agent === undefined;
    this.httpAgent = options.agent;
    // [decision] A supplied agent (a proxy, custom TLS options) is honoured by sending through Node's
    // `http.request` on it; otherwise the wire transport uses its own connections, with the same limits.
    this.pool = this.ownsAgent
      ? new HttpPool({
          hostname: url.hostname,
          port: url.port ? Number(url.port) : secure ? 443 : 80,
          secure,
          maxSockets: cfg.maxSockets,
          idleTimeoutMs: cfg.idleSocketTimeoutMs,
        })
      : undefined;

    this.creds = cfg.credentials;
    if (options.transport !== undefined && options.transport !== 'sdk' && options.transport !== 'wire') {
      throw new TypeError(`connect: transport must be 'sdk' or 'wire', got ${String(options.transport)}`);
    }
    this.wireTransport = options.transport !== 'sdk';
    // With `transport: 'sdk'`, checked now, so that an SDK upgrade that moved its internals fails at
    // connect(), not mid-request.
    if (!this.wireTransport) assertSdkInternals();
    this.wire = { url, instance: cfg.instance, pool: this.pool, agent: this.httpAgent, credentials: () => this.creds };
  }

  /**
   * The keep-alive agent of requests sent through Node's `http.request`: the supplied one (every request then
   * goes through it), or the client's own, created on first use, for requests through the SDK
   * (`transport: 'sdk'`, or an API the wire transport does not speak). The wire transport's own connections
   * are not an agent's.
   */
  get agent(): http.Agent {
    return (this.httpAgent ??= new (this.secure ? httpsModule() : httpModule()).Agent(this.agentOptions));
  }

  /** @internal The wire transport's connections: open, idle and queued counts (tests). */
  get connectionStats(): { open: number; idle: number; queued: number } | undefined {
    return this.pool?.stats;
  }

  /** The access key id requests are currently signed with. */
  get accessKeyId(): string {
    return this.creds.accessKeyId;
  }

  /** Which transport sends this client's requests. */
  get transport(): 'wire' | 'sdk' {
    return this.wireTransport ? 'wire' : 'sdk';
  }

  /** The SDK's client, created (and the SDK loaded) the first time a request goes through the SDK. */
  private sdk(): SdkClient {
    if (this.sdkClient) return this.sdkClient;
    if (this.wireTransport) assertSdkInternals();
    const c = this.creds;
    this.sdkClient = new (loadSdk().Client)({
      endpoint: this.endpoint,
      instancename: this.instance,
      accessKeyId: c.accessKeyId,
      accessKeySecret: c.accessKeySecret,
      httpOptions: sdkHttpOptions(this.agent, this.secure),
    });
    this.applyCredentials(c);
    return this.sdkClient;
  }

  /**
   * Replaces the credentials (STS rotation). Requests signed from now on use them; attempts already sent are
   * unaffected. FC passes fresh temporary credentials to every invocation: call this with them.
   */
  setCredentials(credentials: Credentials): void {
    this.applyCredentials(validateCredentials(credentials));
  }

  /** What this client's calls consumed since it was created (or since `resetUsage()`). */
  get usage(): Usage {
    return this.meter.snapshot();
  }

  resetUsage(): void {
    this.meter.reset();
  }

  /**
   * Runs `fn` in a new {@link CallScope}: every call made inside it, by this or any other tsorm client,
   * is counted in the returned `usage` (and in any enclosing scope). With `deadline`, every call inside must
   * finish by then. If `fn` throws, the error propagates (use `CallScope` directly to read usage after a throw).
   */
  async scope<T>(fn: () => T | Promise<T>, options?: CallScopeOptions): Promise<{ result: T; usage: Usage }> {
    const scope = new CallScope(options);
    const result = await scope.run(fn);
    return { result, usage: scope.usage };
  }

  /**
   * Calls an SDK action with tsorm's retry policy, deadline, error decoding and capacity accounting.
   * Rejects with a {@link TableStoreError} subclass.
   */
  async call<A extends ActionName>(action: A, params: ActionParams<A>, options?: CallOptions): Promise<ActionResult<A>> {
    return (await this.callWithMeta(action, params, options)).data;
  }

  /** Like {@link call}, with the request id, attempts and consumed capacity of the call. */
  async callWithMeta<A extends ActionName>(
    action: A,
    params: ActionParams<A>,
    options: CallOptions = {},
  ): Promise<{ data: ActionResult<A>; meta: CallMeta }> {
    const policy = options.retry === false ? RetryPolicy.none(this.retryPolicy.clock) : options.retry ? this.retryPolicy.with(options.retry) : this.retryPolicy;
    const clock = policy.clock;
    const start = clock.now();
    const callDeadline = earliest(
      start + policy.options.timeBudgetMs,
      options.deadline === undefined ? undefined : toEpochMs(options.deadline),
      options.timeoutMs === undefined ? undefined : start + options.timeoutMs,
      CallScope.deadline(),
    );
    const idempotent = options.idempotent ?? READ_ACTIONS.has(action);
    const operation = sdkOperation(action);
    // Chosen once per call (the operation decides it), not per attempt: the default SDK path pays one check.
    const wire = usesWire(operation, this.wireTransport) ? this.wire : undefined;
    const sdk = wire ? undefined : this.sdk();
    this.record({ calls: 1 });

    let previousError: TableStoreError | undefined;
    for (let attempt = 1; ; attempt++) {
      if (this.closed) {
        throw this.fail(new TableStoreError({ code: CLOSED, message: 'tsorm: the client was closed', action, attempts: attempt - 1 }));
      }
      if (callDeadline !== undefined && clock.now() >= callDeadline) {
        throw this.fail(previousError ?? deadlineError({ action, attempt: 0, previousError }, false));
      }
      this.record({ requests: 1 });
      const attemptTimeout = policy.options.attemptTimeoutMs;
      const ctx: AttemptContext = {
        action,
        operation,
        idempotent,
        attemptDeadline: attemptTimeout > 0 ? clock.now() + attemptTimeout : undefined,
        callDeadline,
        previousError,
        attempt,
        clock,
      };
      const outcome = await (wire ? sendWireOnce(wire, params, ctx) : sendOnce(sdk as SdkClient, params, ctx));

      if (outcome.ok) {
        const cu = consumedCapacity(outcome.data);
        this.record({ readCU: cu.read, writeCU: cu.write });
        return {
          data: outcome.data as ActionResult<A>,
          meta: { requestId: outcome.requestId, attempts: attempt, readCU: cu.read, writeCU: cu.write },
        };
      }

      const error = outcome.error;
      error.attempts = attempt;
      if (error instanceof DeadlineExceededError || !policy.shouldRetry(error, attempt)) throw this.fail(error);
      // Closed meanwhile (its sockets destroyed under this attempt): no retry to wait for; the loop's check says so.
      if (this.closed) continue;
      const delay = policy.delayMs(attempt, error);
      // Not enough time left for the wait and another attempt: report the real failure now.
      if (callDeadline !== undefined && clock.now() + delay >= callDeadline) throw this.fail(error);
      previousError = error;
      if (delay > 0) await clock.sleep(delay);
    }
  }

  /**
   * Destroys this client's sockets (unless the agent was supplied). Later calls fail with code `ClientClosed`.
   * Idle keep-alive sockets do not keep the process alive, so calling this is optional.
   */
  close(): void {
    this.closed = true;
    this.pool?.close();
    if (this.ownsAgent) this.httpAgent?.destroy();
  }

  private applyCredentials(c: Credentials): void {
    this.creds = c;
    if (!this.sdkClient) return;
    const cfg = this.sdkClient.config;
    // The SDK reads both spellings at signing time (`secretAccessKey || accessKeySecret`,
    // `stsToken || securityToken`): set both so neither can shadow the new value.
    cfg.accessKeyId = c.accessKeyId;
    cfg.secretAccessKey = c.accessKeySecret;
    cfg.accessKeySecret = c.accessKeySecret;
    cfg.stsToken = c.securityToken ?? null;
    cfg.securityToken = c.securityToken ?? null;
  }

  private record(delta: Partial<Usage>): void {
    this.meter.add(delta);
    CallScope.record(delta);
  }

  private fail(error: TableStoreError): TableStoreError {
    this.record({ failures: 1 });
    return error;
  }
}

/** `node:https`, loaded for https endpoints only (it pulls in `tls`: a few ms of every FC cold start otherwise). */
function httpsModule(): typeof https {
  return require('node:https') as typeof https;
}

/**
 * `node:http`, loaded for requests through `http.request` only (a supplied agent, the SDK): the default
 * transport's connections need `net` alone, and `http` is ~2.5 ms of `require('tsorm')` [performance].
 */
function httpModule(): typeof http {
  return require('node:http') as typeof http;
}

/**
 * The SDK's `httpOptions`. `lib/http/node.js` does, on every request,
 * `http.globalAgent.maxSockets = httpOptions.maxSockets || 300` (on `https.globalAgent` for https) and then
 * copies the own enumerable keys of `httpOptions` onto the `http.request` options. So:
 * - `agent` (enumerable) reaches `http.request`: Node's global agent is never used;
 * - `maxSockets` is a non-enumerable getter returning the global agent's current value, which turns the SDK's
 *   write into a no-op (and is not copied onto the request options). Our own limit is on our agent.
 * - no `timeout`: the SDK then calls `setTimeout(0)` on the request; tsorm's attempt timer does that job.
 */
function sdkHttpOptions(agent: http.Agent, secure: boolean): SdkHttpOptions {
  const options: SdkHttpOptions = { agent };
  Object.defineProperty(options, 'maxSockets', {
    enumerable: false,
    get: () => (secure ? httpsModule() : httpModule()).globalAgent.maxSockets,
  });
  return options;
}

/**
 * Creates a client. Settings absent from `options` are read from `TABLESTORE_ENDPOINT`, `TABLESTORE_INSTANCE`,
 * `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, `ALIBABA_CLOUD_SECURITY_TOKEN`; a
 * `ConfigurationError` names whatever is still missing. Nothing is sent until the first call.
 */
export function connect(options?: ConnectOptions): TableStoreClient {
  return new TableStoreClient(options);
}
