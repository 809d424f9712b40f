/**
 * One invocation: the instance's database (credentials refreshed), a `CallScope` carrying the deadline (the
 * function timeout minus the margin) and counting calls and capacity units, the user's handler, one log line.
 */
import type { TableStoreClient } from '../client/client';
import { CallScope } from '../client/usage';
import type { Database } from '../repository/database';
import type { Repository } from '../repository/repository';
import type { EntityClass } from '../schema/types';
import { decodeChange, type ChangeRecord } from '../codec/change';
import { CodecError } from '../codec/errors';
import { getTableSchema } from '../schema/decorators';
import type { FunctionDefinition, InvocationTools, TableStoreTrigger, TableStoreTriggerTools } from './definition';
import { FunctionDefinitionError, HttpError, TriggerEventError } from './errors';
import { decodeTriggerEvent } from './trigger/cbor';
import { encodeHttpError, encodeResponse, type EncodedResponse } from './http';
import type { FunctionInstance } from './instance';
import { loggerOf } from './log';
import type { CallShape, FcContext, HttpRequest } from './types';

/** The tools of one invocation. Methods are own arrow properties: handlers destructure them (`{ repo }`). */
class Invocation implements InvocationTools {
  readonly client: TableStoreClient;
  readonly repo: <T extends object>(entity: EntityClass<T>) => Repository<T>;
  readonly remainingMs: () => number;

  constructor(
    readonly db: Database,
    readonly ctx: FcContext,
    readonly requestId: string,
    readonly shape: CallShape,
    readonly deadline: number | undefined,
    readonly logger: InvocationTools['logger'],
  ) {
    this.client = db.client;
    this.repo = (entity) => db.repository(entity);
    this.remainingMs = deadline === undefined ? () => Infinity : () => Math.max(0, deadline - Date.now());
  }
}

/** Runs the definition's handlers for invocations of one instance. */
export class Invoker {
  constructor(
    private readonly definition: FunctionDefinition,
    private readonly instance: FunctionInstance,
  ) {}

  /** Runs a user handler for one invocation inside a CallScope with the deadline, and logs the line. */
  private async invoke<R>(
    ctx: FcContext,
    shape: CallShape,
    phase: 'http' | 'event' | 'tablestore',
    // Read when the invocation ends, so `fn` may fill in what it learns (the record count).
    details: { method?: string; path?: string; records?: number },
    fn: (tools: InvocationTools) => Promise<R>,
    statusOf: (result: R) => number | undefined,
  ): Promise<R> {
    const started = performance.now();
    const deadline = this.instance.deadline(ctx.function?.timeout);
    const scope = new CallScope({ deadline });
    let status: number | undefined;
    let failure: string | undefined;
    try {
      const r = await this.instance.forInvocation(ctx);
      this.instance.refreshCredentials(r, ctx);
      const tools = new Invocation(r.db, ctx, ctx.requestId ?? '-', shape, deadline, loggerOf(ctx));
      const result = await scope.run(() => fn(tools));
      status = statusOf(result);
      return result;
    } catch (e) {
      failure = e instanceof Error ? e.name || 'Error' : typeof e;
      throw e;
    } finally {
      this.instance.emit({ phase, requestId: ctx.requestId ?? '-', shape, ...details, status, error: failure, durationMs: performance.now() - started, usage: scope.usage }, ctx);
    }
  }

  /** Whether the definition handles HTTP invocations. */
  get handlesHttp(): boolean {
    return !!this.definition.http;
  }

  /** An event invocation → the handler's result (a TableStore-trigger event → the `tablestore` handler). */
  runEvent(bytes: Buffer, ctx: FcContext, shape: CallShape): Promise<unknown> {
    const event = this.definition.event;
    const trigger = this.definition.tablestore;
    if (trigger && (!event || isTriggerEvent(bytes))) return this.runTrigger(trigger, bytes, ctx, shape);
    if (!event) {
      return Promise.reject(new FunctionDefinitionError('tsorm/fc: this function received an event invocation, but its definition has no `event` handler'));
    }
    return this.invoke(ctx, shape, 'event', {}, async (tools) => event(bytes, tools), () => undefined);
  }

  /**
   * A TableStore-trigger invocation: the event decoded (CBOR, or a JSON test event) and each record typed by the
   * entity's codec, before the handler runs. A malformed event or a record that is not the entity's is a
   * `TriggerEventError`: the invocation fails and FC retries the batch (streams spec §3.3).
   */
  private runTrigger(trigger: TableStoreTrigger, bytes: Buffer, ctx: FcContext, shape: CallShape): Promise<unknown> {
    const details: { records?: number } = {};
    return this.invoke(
      ctx,
      shape,
      'tablestore',
      details,
      async (tools) => {
        const event = decodeTriggerEvent(bytes);
        details.records = event.records.length;
        const schema = getTableSchema(trigger.entity);
        const changes: Array<ChangeRecord<object>> = event.records.map((record, i) => {
          try {
            return decodeChange(schema, record);
          } catch (e) {
            if (!(e instanceof CodecError)) throw e;
            throw new TriggerEventError(`the record cannot be read as ${schema.entityName} (table ${schema.tableName}): ${e.message}`, { path: `Records[${i}]` }, e);
          }
        });
        return trigger.handler(changes, Object.assign(tools, { event }) as TableStoreTriggerTools);
      },
      () => undefined,
    );
  }

  /** An HTTP invocation → the encoded response; HttpError becomes its response, other errors propagate. */
  async runHttp(req: HttpRequest | Promise<HttpRequest>, ctx: FcContext, shape: CallShape): Promise<EncodedResponse> {
    const request = await req;
    const http = this.definition.http;
    return this.invoke(
      ctx,
      shape,
      'http',
      { method: request.method, path: request.path },
      async (tools) => {
        if (!http) throw new FunctionDefinitionError('tsorm/fc: this function received an HTTP invocation, but its definition has no `http` handler');
        try {
          return encodeResponse(await http(request, tools));
        } catch (e) {
          if (e instanceof HttpError) return encodeHttpError(e);
          throw e;
        }
      },
      (r) => r.status,
    );
  }
}

/**
 * With both an `event` and a `tablestore` handler: is this a trigger event? A CBOR event is a map (first byte
 * 0xA0–0xBF, §3.2); a JSON test event is an object with `Version` and `Records` (§3.4).
 */
function isTriggerEvent(bytes: Buffer): boolean {
  if (bytes.length === 0) return false;
  if (bytes[0] >= 0xa0 && bytes[0] <= 0xbf) return true;
  if (bytes[0] !== 0x7b) return false;
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as { Version?: unknown; Records?: unknown };
    return typeof parsed.Version === 'string' && Array.isArray(parsed.Records);
  } catch {
    return false;
  }
}
