/**
 * Every error the Function Compute adapter raises or understands. Users branch with `instanceof`.
 *
 * - {@link HttpError}: thrown by an HTTP handler, it becomes that HTTP response (status, body, headers) in
 *   every HTTP call shape. Any other error propagates to FC (callback(err) or a rejected promise), so FC
 *   reports an unhandled error and retries asynchronous invocations.
 * - {@link FunctionInitializationError}: the initializer (or the lazy initialisation of the first invocation)
 *   failed; `cause` is the original error. The next invocation tries again.
 * - {@link FunctionDefinitionError}: `defineFunction` was given something it cannot use, or an invocation
 *   arrived for a trigger the definition has no handler for.
 */
import { TsormError } from '../errors';

/** Base class of the adapter's errors (the `fc` layer of tsorm's error family). */
export class FunctionError extends TsormError {
  constructor(message: string, options?: { cause?: unknown; code?: string; retryable?: boolean }) {
    super('fc', options?.code ?? 'TsormFunctionError', message, options);
  }
}

/** A mistake in the `defineFunction` definition, or a trigger it has no handler for. */
export class FunctionDefinitionError extends FunctionError {
  constructor(message: string) {
    super(message, { code: 'TsormFunctionDefinition' });
  }
}

/**
 * Creating the TableStore client or running the `initialize` hook failed. The next invocation retries, so
 * it is `retryable`.
 */
export class FunctionInitializationError extends FunctionError {
  constructor(cause: unknown) {
    super(`tsorm/fc: the function instance could not be initialised: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
      code: 'TsormFunctionInitialization',
      retryable: true,
    });
  }
}

/**
 * Throw from an HTTP handler to answer with this status, body and headers. `body` follows the same rules as a
 * returned response: a string is sent as text, a Buffer as bytes, anything else as JSON.
 *
 * ```ts
 * if (!order) throw new HttpError(404, { error: 'no such order' });
 * ```
 */
export class HttpError extends FunctionError {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;

  constructor(status: number, body?: unknown, headers: Record<string, string> = {}) {
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      throw new RangeError(`tsorm/fc: HttpError status must be an integer between 100 and 599, got ${String(status)}`);
    }
    super(`HTTP ${status}${typeof body === 'string' ? `: ${body}` : ''}`, { code: 'TsormHttpError' });
    this.status = status;
    this.body = body === undefined ? { error: defaultReason(status) } : body;
    this.headers = headers;
  }
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function defaultReason(status: number): string {
  return REASONS[status] ?? `HTTP ${status}`;
}

/**
 * A TableStore trigger event that cannot be read: bytes that are not well-formed CBOR (or JSON, for a console
 * test event), an item that is not the shape of streams spec §3.1, or a record the handler's entity cannot
 * read (another table's key, a value its codec refuses; `cause` is the `CodecError`). `position` is the byte offset in the
 * event where the problem was found (absent for an event given as an object); `path` names the field
 * (`Records[0].Columns[2].Type`). Thrown from a trigger handler it fails the invocation, and FC retries the
 * batch until the stream data expires (spec §3.3); a retry cannot fix malformed bytes, so it is not
 * `retryable` in tsorm's sense.
 */
export class TriggerEventError extends FunctionError {
  readonly position: number | undefined;
  readonly path: string | undefined;

  constructor(rule: string, where: { position?: number; path?: string } = {}, cause?: unknown) {
    const at = [where.path, where.position === undefined ? undefined : `byte ${where.position}`].filter((x) => x !== undefined).join(', ');
    super(`tsorm/fc: malformed TableStore trigger event${at ? ` at ${at}` : ''}: ${rule}`, { code: 'TsormTriggerEvent', cause });
    this.position = where.position;
    this.path = where.path;
  }
}
