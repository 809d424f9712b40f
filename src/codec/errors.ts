/**
 * Errors raised while converting between entities and SDK cells. They are raised before any request is sent
 * (encoding) or when a stored row cannot be represented exactly by the entity (decoding).
 * Branch on {@link CodecError.rule}, never on the message.
 */

import { TsormError } from '../errors';

/** The rule a value broke. */
export type CodecRule =
  /** An int64 value is outside [-2^63, 2^63-1]. */
  | 'INT64_RANGE'
  /** An int64 value in `number` mode has |v| > 2^53-1 (refused, never rounded). */
  | 'UNSAFE_INTEGER'
  /** A value meant as an integer is not one (fraction, non-decimal string…). */
  | 'NOT_INTEGER'
  /** A JavaScript value does not fit the column's type (e.g. a string for a boolean column). */
  | 'INVALID_VALUE'
  /** A stored cell's type differs from the column's and cannot be converted without loss. */
  | 'TYPE_MISMATCH'
  /** A primary-key value is missing. */
  | 'MISSING_KEY'
  /** A string/binary value is larger than the service accepts. */
  | 'VALUE_TOO_LARGE'
  /** A json column holds text that is not JSON, or a value JSON cannot represent. */
  | 'INVALID_JSON'
  /** A property or column that the schema does not map. */
  | 'UNKNOWN_PROPERTY'
  /** An operation the schema forbids (updating a key, incrementing a non-int64 column, …). */
  | 'NOT_ALLOWED'
  /** The SDK row has an unexpected shape. */
  | 'INVALID_ROW';

/** Where a codec error happened. */
export interface CodecErrorContext {
  entity: string;
  table: string;
  property?: string;
  column?: string;
  /** Expected type (the column's). */
  expected?: string;
  /** What was found. */
  actual?: string;
}

/** Thrown when a value cannot be converted exactly. Carries entity, table, property, column and the rule. */
export class CodecError extends TsormError {
  override readonly name = 'CodecError';
  /** A tsorm code (not an OTS code: the service was not involved). */
  declare readonly code: 'TsormCodecError';
  readonly entity: string;
  readonly table: string;
  readonly property?: string;
  readonly column?: string;
  readonly expected?: string;
  readonly actual?: string;

  constructor(
    readonly rule: CodecRule,
    context: CodecErrorContext,
    detail: string,
  ) {
    const where =
      context.property !== undefined
        ? `${context.entity}.${context.property} (table ${context.table}, column ${context.column ?? context.property})`
        : context.column !== undefined
          ? `${context.entity} (table ${context.table}, column ${context.column})`
          : `${context.entity} (table ${context.table})`;
    super('codec', 'TsormCodecError', `${where}: ${detail}`);
    this.entity = context.entity;
    this.table = context.table;
    this.property = context.property;
    this.column = context.column;
    this.expected = context.expected;
    this.actual = context.actual;
  }
}
