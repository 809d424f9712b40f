/**
 * Errors raised while an entity class is being defined (decorator time).
 *
 * A `SchemaError` is thrown synchronously when the class declaration is evaluated, so a broken entity fails at
 * import time rather than on its first request. Branch on {@link SchemaError.rule}, never on the message.
 */

import { TsormError } from '../errors';

/** The rule an entity definition broke. Stable identifiers; messages may change. */
export type SchemaRule =
  | 'TABLE_NAME'
  | 'COLUMN_NAME'
  | 'INDEX_NAME'
  | 'PK_COUNT'
  | 'PK_TYPE'
  | 'PK_ORDER'
  | 'AUTO_INCREMENT'
  | 'UNSUPPORTED_TYPE'
  | 'AMBIGUOUS_NUMBER'
  /** No type stated and no decorator metadata to infer it from (esbuild, tsx, Bun, vitest without SWC). */
  | 'NO_METADATA'
  | 'TYPE_MISMATCH'
  | 'INT64_MODE'
  | 'DUPLICATE_NAME'
  | 'DECORATOR_CONFLICT'
  | 'VERSION'
  | 'INDEX'
  /** A `@SearchIndex` declaration breaks a rule of the search-index spec (§2). */
  | 'SEARCH_INDEX'
  | 'TABLE_OPTIONS'
  | 'NO_TABLE'
  | 'SYMBOL_PROPERTY';

/** Thrown when an entity class breaks a schema rule. Carries the class, the property (if any) and the rule. */
export class SchemaError extends TsormError {
  override readonly name = 'SchemaError';
  /** A tsorm code (not an OTS code: nothing was sent). Never retryable: the definition itself is wrong. */
  declare readonly code: 'TsormSchemaError';

  constructor(
    /** The rule that was broken. */
    readonly rule: SchemaRule,
    /** The entity class name. */
    readonly entity: string,
    /** The property concerned, when the error is about one property. */
    readonly property: string | undefined,
    detail: string,
  ) {
    super('schema', 'TsormSchemaError', `${entity}${property !== undefined ? `.${property}` : ''}: ${detail}`);
  }
}
