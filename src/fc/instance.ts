/**
 * The instance lifecycle: one FC instance (one module instance) holds one `Database` (one client, one
 * set of keep-alive connections), built by the initializer from `context.credentials` and the environment
 * (`TABLESTORE_ENDPOINT`, `TABLESTORE_INSTANCE`), or lazily by the first invocation. Success is memoised,
 * failure forgotten (the next call tries again). `preStop` closes it; `preFreeze` only runs its hook.
 */
import { CallScope } from '../client/usage';
import { connect, type Database } from '../repository/database';
import type { EntityClass } from '../schema/types';
import { deadlineOf, instanceTools, type FunctionDefinition } from './definition';
import { FunctionInitializationError } from './errors';
import { formatInvocation, loggerOf, type InvocationRecord } from './log';
import type { FcContext, FcCredentials } from './types';

/** @internal Where local tooling (`tsorm invoke`, `tsorm/testing`) finds an instance to inspect or reset. */
export const FUNCTION_INSTANCE: unique symbol = Symbol.for('tsorm.fc.instance') as never;
/** @internal A context property local tooling sets to supply the environment instead of `process.env`. */
export const CONTEXT_ENV: unique symbol = Symbol.for('tsorm.fc.env') as never;

/** @internal What local tooling sees of an instance. */
export interface FunctionInstanceHandle {
  readonly entities: readonly EntityClass[];
  /** The endpoint of the current client, if initialised. */
  readonly endpoint: string | undefined;
  readonly initialized: boolean;
  /** Drops the client (closing it), as if FC started a new instance. */
  reset(): void;
}

export interface Ready {
  db: Database;
  /** `accessKeyId \0 accessKeySecret \0 securityToken` of the context credentials the client signs with ('' = from the environment). */
  credentialKey: string;
}

function credentialsOf(ctx: FcContext | undefined): FcCredentials | undefined {
  const c = ctx?.credentials;
  return c && c.accessKeyId && c.accessKeySecret ? c : undefined;
}

function keyOf(c: { accessKeyId?: string; accessKeySecret?: string; securityToken?: string }): string {
  return `${c.accessKeyId}\0${c.accessKeySecret}\0${c.securityToken ?? ''}`;
}

export class FunctionInstance implements FunctionInstanceHandle {
  readonly entities: EntityClass[];
  private ready: Ready | undefined;
  private pending: Promise<Ready> | undefined;
  private initializerRan = false;
  private warnedLazy = false;

  constructor(private readonly definition: FunctionDefinition) {
    this.entities = [...(definition.entities ?? [])];
    const triggered = definition.tablestore?.entity;
    if (triggered && !this.entities.includes(triggered)) this.entities.push(triggered);
  }

  get endpoint(): string | undefined {
    return this.ready?.db.client.endpoint;
  }

  get initialized(): boolean {
    return this.ready !== undefined;
  }

  /** The deadline of TableStore calls in a phase of `timeoutSeconds` started now. */
  deadline(timeoutSeconds: unknown, start = Date.now()): number | undefined {
    return deadlineOf(start, timeoutSeconds, this.definition.deadlineMarginMs);
  }

  /** The invocation's log line (or the user's `log` function). Logging never fails an invocation. */
  emit(record: InvocationRecord, ctx: FcContext): void {
    const logOption = this.definition.log ?? true;
    if (logOption === false) return;
    try {
      if (typeof logOption === 'function') logOption(record, ctx);
      else loggerOf(ctx).info(formatInvocation(record));
    } catch (e) {
      console.error('tsorm/fc: the invocation log failed:', e);
    }
  }

  private async build(ctx: FcContext, phase: 'initializer' | 'lazy'): Promise<Ready> {
    const started = performance.now();
    const scope = new CallScope({ deadline: this.deadline(ctx.function?.initializationTimeout) });
    let db: Database | undefined;
    try {
      const env = (ctx as { [CONTEXT_ENV]?: Record<string, string | undefined> })[CONTEXT_ENV] ?? process.env;
      const creds = credentialsOf(ctx);
      db = connect({
        ...this.definition.connection,
        env,
        ...(creds ? { accessKeyId: creds.accessKeyId, accessKeySecret: creds.accessKeySecret, securityToken: creds.securityToken } : {}),
      });
      for (const e of this.entities) db.repository(e);
      const created = db;
      const initialize = this.definition.initialize;
      if (initialize) await scope.run(() => initialize(instanceTools(created, ctx)));
      return { db: created, credentialKey: creds ? keyOf(creds) : '' };
    } catch (e) {
      db?.close();
      throw e instanceof FunctionInitializationError ? e : new FunctionInitializationError(e);
    } finally {
      if (phase === 'initializer') {
        this.emit({ phase: 'initializer', requestId: ctx.requestId ?? '-', durationMs: performance.now() - started, usage: scope.usage }, ctx);
      }
    }
  }

  /** The instance's database, initialising it once; a failure is forgotten so the next call tries again. */
  private init(ctx: FcContext, phase: 'initializer' | 'lazy'): Promise<Ready> {
    if (this.ready) return Promise.resolve(this.ready);
    if (!this.pending) {
      this.pending = this.build(ctx, phase).then(
        (r) => {
          this.ready = r;
          this.pending = undefined;
          return r;
        },
        (e: unknown) => {
          this.pending = undefined;
          throw e;
        },
      );
    }
    return this.pending;
  }

  /** FC's initializer: builds the database now. */
  async initialize(ctx: FcContext): Promise<void> {
    this.initializerRan = true;
    await this.init(ctx, 'initializer');
  }

  /** The database for an invocation: built lazily (with a warning, once) when no initializer ran. */
  async forInvocation(ctx: FcContext): Promise<Ready> {
    if (this.ready) return this.ready;
    if (!this.initializerRan && !this.warnedLazy) {
      this.warnedLazy = true;
      loggerOf(ctx).warn(
        'tsorm/fc: no initializer ran on this instance; initialising on the first invocation instead. Export `initializer` and ' +
          'configure it (FC 3.0: instanceLifecycleConfig.initializer.handler = index.initializer) so the client is built before requests arrive.',
      );
    }
    return this.init(ctx, 'lazy');
  }

  /** Signs with the context's credentials from now on when they changed (STS tokens rotate). */
  refreshCredentials(r: Ready, ctx: FcContext): void {
    const creds = credentialsOf(ctx);
    if (!creds) return; // none in this context: keep what the client has (from the initializer or the environment)
    const key = keyOf(creds);
    if (key === r.credentialKey) return;
    r.db.setCredentials({ accessKeyId: creds.accessKeyId!, accessKeySecret: creds.accessKeySecret!, securityToken: creds.securityToken || undefined });
    r.credentialKey = key;
  }

  /** `preStop` / `preFreeze`: the user's hook (when the instance is initialised); preStop then closes the client. */
  async hook(name: 'preStop' | 'preFreeze', ctx: FcContext): Promise<void> {
    const started = performance.now();
    const scope = new CallScope({ deadline: this.deadline(ctx.function?.timeout) });
    try {
      const fn = this.definition[name];
      const ready = this.ready;
      if (fn && ready) {
        this.refreshCredentials(ready, ctx);
        const tools = instanceTools(ready.db, ctx);
        await scope.run(() => fn(tools));
      }
    } finally {
      if (name === 'preStop') this.reset();
      this.emit({ phase: name, requestId: ctx.requestId ?? '-', durationMs: performance.now() - started, usage: scope.usage }, ctx);
    }
  }

  reset(): void {
    this.ready?.db.close();
    this.ready = undefined;
    this.pending = undefined;
    this.initializerRan = false;
    this.warnedLazy = false;
  }
}
