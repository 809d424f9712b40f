/**
 * What a user gives `defineFunction()` and what FC gets back: the definition (handlers, hooks, connection,
 * deadline margin, log), the tools handlers receive, and its check at definition time.
 */
import type { RawChangeEvent } from '../client/changes';
import type { TableStoreClient } from '../client/client';
import type { ConnectOptions } from '../client/config';
import type { ChangeRecord } from '../codec/change';
import type { Database } from '../repository/database';
import type { Repository } from '../repository/repository';
import { getTableSchema } from '../schema/decorators';
import type { EntityClass } from '../schema/types';
import { FunctionDefinitionError } from './errors';
import type { InvocationRecord } from './log';
import type { CallShape, FcCallback, FcContext, HttpRequest, HttpResponse } from './types';

/** What the `initialize`, `preStop` and `preFreeze` hooks get. */
export interface InstanceTools {
  db: Database;
  client: TableStoreClient;
  repo<T extends object>(entity: EntityClass<T>): Repository<T>;
  ctx: FcContext;
}

/** What `http` and `event` handlers get with each invocation. */
export interface InvocationTools extends InstanceTools {
  requestId: string;
  /** The call shape the invocation arrived in. */
  shape: CallShape;
  /**
   * Epoch ms by which TableStore calls must be done (function timeout minus `deadlineMarginMs`); every call
   * made during the invocation gives up by then with `DeadlineExceededError`. `undefined` when FC gave no timeout.
   */
  deadline: number | undefined;
  /** Milliseconds left before `deadline` (Infinity without one). */
  remainingMs(): number;
  logger: { info(...a: unknown[]): void; warn(...a: unknown[]): void; error(...a: unknown[]): void };
}

/** What a TableStore-trigger handler gets besides its records. */
export interface TableStoreTriggerTools extends InvocationTools {
  /** The event as decoded, before the entity's codec: every record's raw, lossless values (client/changes.ts). */
  event: RawChangeEvent;
}

/**
 * A TableStore-trigger handler bound to the entity of the table whose stream triggers the function (streams
 * spec §3). It gets the batch's records decoded into typed changes, in stream order. Returning (or resolving)
 * acknowledges the batch; throwing fails the invocation, and FC delivers the same batch again until it
 * succeeds or the stream data expires (§3.3): at-least-once, so the handler must be idempotent.
 */
export interface TableStoreTrigger<T extends object = any> {
  entity: EntityClass<T>;
  handler: (changes: Array<ChangeRecord<T>>, tools: TableStoreTriggerTools) => unknown;
}

export interface FunctionDefinition<T extends object = any> {
  /**
   * The entity classes the function uses (checked now, their repositories made in the initializer). The
   * `tablestore` trigger's entity is added when not listed.
   */
  entities?: EntityClass[];
  /** HTTP-trigger handler. Return a response, or throw `HttpError`. */
  http?: (req: HttpRequest, tools: InvocationTools) => HttpResponse | void | Promise<HttpResponse | void>;
  /** Event-trigger handler: gets the event bytes; its return value is the invocation's result. */
  event?: (event: Buffer, tools: InvocationTools) => unknown;
  /**
   * TableStore-trigger handler: `{ entity: Note, handler: async (changes, tools) => … }`. With an `event` handler
   * too, a CBOR event (or a JSON one with `Version` and `Records`) goes here and anything else to `event`.
   */
  tablestore?: TableStoreTrigger<T>;
  /** Runs once per instance in the initializer, after the client is built (warm caches, check tables…). */
  initialize?: (tools: InstanceTools) => void | Promise<void>;
  /** Runs before the instance is stopped; the client is closed afterwards. */
  preStop?: (tools: InstanceTools) => void | Promise<void>;
  /** FC 2.0: runs before the instance is frozen. */
  preFreeze?: (tools: InstanceTools) => void | Promise<void>;
  /**
   * Connection settings besides credentials (endpoint, instance, retry, maxSockets…). Endpoint and instance
   * default to `TABLESTORE_ENDPOINT` / `TABLESTORE_INSTANCE`; credentials always come from `context.credentials`,
   * or from `ALIBABA_CLOUD_ACCESS_KEY_ID` / `_SECRET` / `ALIBABA_CLOUD_SECURITY_TOKEN` when the context has none.
   */
  connection?: Omit<ConnectOptions, 'accessKeyId' | 'accessKeySecret' | 'securityToken' | 'env'>;
  /** How long before the function timeout TableStore calls give up. Default: a tenth of the timeout, at most 1000 ms. */
  deadlineMarginMs?: number;
  /** `false`: no per-invocation log line; a function: receives each record instead of the default line. */
  log?: boolean | ((record: InvocationRecord, ctx: FcContext) => void);
}

/** What FC calls. Export all of them from the handler module: `export const { initializer, handler, preStop } = …`. */
export interface FcFunction {
  /** FC 2.0 `(context, callback)` or FC 3.0 `async (context)`. */
  initializer(context: FcContext, callback?: FcCallback): Promise<void> | void;
  /** Every call shape: `(event, context, callback)`, `(req, resp, context)`, `async (event, context)`. */
  handler(eventOrRequest: unknown, contextOrResponse?: unknown, callbackOrContext?: unknown): Promise<unknown> | void;
  preStop(context: FcContext, callback?: FcCallback): Promise<void> | void;
  preFreeze(context: FcContext, callback?: FcCallback): Promise<void> | void;
}

/**
 * Checks a definition when it is made (a mistake fails the module's load, not the first request): handlers and
 * hooks are functions, at least one handler, every entity a valid `@Table` class, the margin ≥ 0.
 */
export function checkDefinition(definition: FunctionDefinition): void {
  if (definition === null || typeof definition !== 'object') throw new FunctionDefinitionError('tsorm/fc: defineFunction expects an object');
  const { http, event, tablestore } = definition;
  if (http !== undefined && typeof http !== 'function') throw new FunctionDefinitionError('tsorm/fc: `http` must be a function');
  if (event !== undefined && typeof event !== 'function') throw new FunctionDefinitionError('tsorm/fc: `event` must be a function');
  if (tablestore !== undefined) {
    if (tablestore === null || typeof tablestore !== 'object') throw new FunctionDefinitionError('tsorm/fc: `tablestore` must be { entity, handler }');
    if (typeof tablestore.handler !== 'function') throw new FunctionDefinitionError('tsorm/fc: `tablestore.handler` must be a function');
    if (typeof tablestore.entity !== 'function') throw new FunctionDefinitionError('tsorm/fc: `tablestore.entity` must be the @Table entity class of the triggering table');
    getTableSchema(tablestore.entity);
  }
  if (!http && !event && !tablestore) throw new FunctionDefinitionError('tsorm/fc: defineFunction needs an `http`, an `event` or a `tablestore` handler');
  for (const hook of ['initialize', 'preStop', 'preFreeze'] as const) {
    if (definition[hook] !== undefined && typeof definition[hook] !== 'function') throw new FunctionDefinitionError(`tsorm/fc: \`${hook}\` must be a function`);
  }
  for (const e of definition.entities ?? []) getTableSchema(e); // a SchemaError now, not at the first request
  const margin = definition.deadlineMarginMs;
  if (margin !== undefined && !(Number.isFinite(margin) && margin >= 0)) throw new FunctionDefinitionError(`tsorm/fc: deadlineMarginMs must be ≥ 0, got ${margin}`);
}

/**
 * The deadline of TableStore calls made during a phase that started at `start` (epoch ms) and may last
 * `timeoutSeconds`: the timeout minus the margin (default a tenth of it, at most 1000 ms); none without a timeout.
 */
export function deadlineOf(start: number, timeoutSeconds: unknown, marginMs: number | undefined): number | undefined {
  if (typeof timeoutSeconds !== 'number' || !(timeoutSeconds > 0)) return undefined;
  const timeoutMs = timeoutSeconds * 1000;
  return start + timeoutMs - (marginMs ?? Math.min(1000, timeoutMs / 10));
}

export function instanceTools(db: Database, ctx: FcContext): InstanceTools {
  return { db, client: db.client, repo: (e) => db.repository(e), ctx };
}
