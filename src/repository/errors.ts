/**
 * Repository-layer errors. Service errors are the client's `TableStoreError` classes (re-exported from
 * `tsorm`); these are the ORM's own.
 */
import type { TableStoreError } from '../client/errors';

/** One failed class-validator constraint, or a required value that is missing. */
export interface FieldViolation {
  /** Entity property (dotted path for nested objects). */
  property: string;
  /** class-validator constraint name (`isEmail`…) or tsorm's rule. */
  rule: string;
  message: string;
}

/** The entity failed validation; nothing was sent to TableStore. */
export class EntityValidationError extends Error {
  readonly entity: string;
  readonly violations: FieldViolation[];
  constructor(entity: string, violations: FieldViolation[]) {
    super(`${entity} is invalid: ${violations.map((v) => `${v.property}: ${v.message} (${v.rule})`).join('; ')}`);
    this.name = 'EntityValidationError';
    this.entity = entity;
    this.violations = violations;
  }
}

/** The outcome of one input of a batch write: in input order, one per input. */
export type BatchItemResult<T> = { index: number; ok: true; item: T } | { index: number; ok: false; item: T; error: TableStoreError | Error };

/** Some rows of a batch write failed after their retries; `results` holds one result per input. */
export class BatchWriteError<T = unknown> extends Error {
  readonly results: BatchItemResult<T>[];
  readonly failures: Array<Extract<BatchItemResult<T>, { ok: false }>>;
  constructor(table: string, results: BatchItemResult<T>[]) {
    const failures = results.filter((r): r is Extract<BatchItemResult<T>, { ok: false }> => !r.ok);
    const first = failures[0];
    super(
      `${failures.length} of ${results.length} rows of the batch write to ${table} failed` +
        (first ? `; first (input #${first.index}): ${first.error.message}` : ''),
    );
    this.name = 'BatchWriteError';
    this.results = results;
    this.failures = failures;
  }
}

/** A cursor given to `page()` that this repository did not produce (or for another range). */
export class InvalidCursorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidCursorError';
  }
}
