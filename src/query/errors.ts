/**
 * Errors raised while building or compiling a condition or key range, before any request is sent.
 * Branch on {@link QueryError.rule}, never on the message.
 */

import { TsormError } from '../errors';

export type QueryRule =
  /** The condition or key names a property that the schema does not map (or that is not a key). */
  | 'UNKNOWN_PROPERTY'
  /** A comparison the column cannot take (ordering on a json column). */
  | 'UNSUPPORTED_COMPARISON'
  /** `and()` / `or()` / `in()` with nothing to combine, or a value that is not a condition. */
  | 'INVALID_CONDITION'
  /** A key prefix that skips a primary key. */
  | 'KEY_PREFIX';

export class QueryError extends TsormError {
  override readonly name = 'QueryError';
  /** A tsorm code (not an OTS code: nothing was sent). */
  declare readonly code: 'TsormQueryError';

  constructor(
    readonly rule: QueryRule,
    /** Entity class name, when known. */
    readonly entity: string | undefined,
    /** Property concerned, when there is one. */
    readonly property: string | undefined,
    detail: string,
  ) {
    super('query', 'TsormQueryError', `${entity ?? 'condition'}${property !== undefined ? `.${property}` : ''}: ${detail}`);
  }
}
