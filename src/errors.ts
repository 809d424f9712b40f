/**
 * tsorm's one error family. Every error tsorm raises is a `TsormError`: a stable `code`, `retryable`, the
 * `layer` that raised it and, when it wraps another failure, `cause`. Each layer adds its own classes and
 * codes (schema/errors.ts, codec/errors.ts, query/errors.ts, repository/errors.ts, client/errors.ts,
 * migrations/errors.ts, fc/errors.ts, testing/errors.ts); callers branch on `code` (or a class) and test
 * with `isTsormError(e, { layer, code })` rather than `instanceof` across hierarchies. The model is
 * dynamodb-toolbox's `src/errors/`. The emulator stays apart: its `OtsError` is what the *service* answers.
 *
 * Codes: a service error keeps the OTS code (`OTSConditionCheckFail`…, with `status` and `requestId`); a
 * client-side failure has a client code (`ClientErrorCode`); everything else a `Tsorm…` code.
 */

/** The layer an error comes from (see docs/ARCHITECTURE.md). `client` includes the service's answers. */
export type ErrorLayer = 'schema' | 'codec' | 'query' | 'repository' | 'client' | 'project' | 'migrations' | 'fc' | 'testing';

export interface TsormErrorOptions {
  retryable?: boolean;
  cause?: unknown;
}

export class TsormError extends Error {
  /** Stable identifier to branch on; messages may change. */
  readonly code: string;
  /** Whether doing the same thing again may succeed. */
  readonly retryable: boolean;
  readonly layer: ErrorLayer;

  constructor(layer: ErrorLayer, code: string, message: string, options: TsormErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.layer = layer;
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** What `isTsormError` checks besides the family: any of the layers, any of the codes. */
export interface ErrorMatch {
  layer?: ErrorLayer | readonly ErrorLayer[];
  code?: string | readonly string[];
}

function oneOf<V>(want: V | readonly V[] | undefined, value: V): boolean {
  return want === undefined || (Array.isArray(want) ? want.includes(value) : want === value);
}

/**
 * True when `e` is a tsorm error (and, with `match`, of one of the given layers and codes):
 * `isTsormError(e, { code: 'OTSConditionCheckFail' })`, `isTsormError(e, { layer: 'codec' })`.
 */
export function isTsormError(e: unknown, match: ErrorMatch = {}): e is TsormError {
  return e instanceof TsormError && oneOf(match.layer, e.layer) && oneOf(match.code, e.code);
}
