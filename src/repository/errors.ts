/**
 * Repository-layer errors (the `repository` layer of tsorm's error family, see src/errors.ts). Service
 * errors are the client's `TableStoreError` classes (re-exported from `tsorm`); these are the ORM's own,
 * raised without the service having said anything.
 */
import type { TableStoreError } from '../client/errors';
import { TsormError } from '../errors';

/** One failed class-validator constraint, or a required value that is missing. */
export interface FieldViolation {
  /** Entity property (dotted path for nested objects). */
  property: string;
  /** class-validator constraint name (`isEmail`…) or tsorm's rule. */
  rule: string;
  message: string;
}

/**
 * The *entity* failed its class-validator rules; nothing was sent to TableStore. (A request the service
 * refuses as invalid is `InvalidRequestError`, formerly `ValidationError`.)
 */
export class EntityValidationError extends TsormError {
  readonly entity: string;
  readonly violations: FieldViolation[];
  constructor(entity: string, violations: FieldViolation[]) {
    super('repository', 'TsormEntityValidation', `${entity} is invalid: ${violations.map((v) => `${v.property}: ${v.message} (${v.rule})`).join('; ')}`);
    this.name = 'EntityValidationError';
    this.entity = entity;
    this.violations = violations;
  }
}

/** The outcome of one input of a batch write: in input order, one per input. */
export type BatchItemResult<T> = { index: number; ok: true; item: T } | { index: number; ok: false; item: T; error: TableStoreError | Error };

/** Some rows of a batch write failed after their retries; `results` holds one result per input. */
export class BatchWriteError<T = unknown> extends TsormError {
  readonly results: BatchItemResult<T>[];
  readonly failures: Array<Extract<BatchItemResult<T>, { ok: false }>>;
  constructor(table: string, results: BatchItemResult<T>[]) {
    const failures = results.filter((r): r is Extract<BatchItemResult<T>, { ok: false }> => !r.ok);
    const first = failures[0];
    super(
      'repository',
      'TsormBatchWriteFailed',
      `${failures.length} of ${results.length} rows of the batch write to ${table} failed` +
        (first ? `; first (input #${first.index}): ${first.error.message}` : ''),
    );
    this.name = 'BatchWriteError';
    this.results = results;
    this.failures = failures;
  }
}

/** A cursor given to `page()` that this repository did not produce (or for another range). */
export class InvalidCursorError extends TsormError {
  constructor(message: string) {
    super('repository', 'TsormInvalidCursor', message);
    this.name = 'InvalidCursorError';
  }
}

/**
 * `batchInsert()` was given the same key twice: a row can be inserted once, so the later input fails without
 * being sent. Detected locally: there is no service code, status or request id.
 */
export class DuplicateKeyError extends TsormError {
  constructor(
    readonly table: string,
    /** The input that repeats a key. */
    readonly index: number,
    /** The earlier input with the same key. */
    readonly firstIndex: number,
  ) {
    super('repository', 'TsormDuplicateKey', `the key of input #${index} repeats input #${firstIndex} in a batch insert into ${table}: a row can be inserted once`);
    this.name = 'DuplicateKeyError';
  }
}

/** How the repository was misused (stable identifiers; messages may change). */
export type RepositoryUsageRule =
  /** `insert()` was given an auto-increment key: the service generates it (`save()` writes a given key). */
  | 'GENERATED_KEY'
  /** `update()` tried to set or increment the `@Version` column, which tsorm maintains. */
  | 'VERSION_MAINTAINED'
  /** `index(name)` / `search(name)` names no index the entity declares. */
  | 'UNKNOWN_INDEX'
  /** An option of a repository method is out of its range (e.g. `changes({ pollIntervalMs })`, a search limit) or combined with one it excludes. */
  | 'INVALID_OPTION';

/** A repository method was called in a way it does not allow; nothing was sent. */
export class RepositoryUsageError extends TsormError {
  constructor(
    readonly rule: RepositoryUsageRule,
    readonly entity: string,
    /** The property concerned, when there is one. */
    readonly property: string | undefined,
    detail: string,
  ) {
    super('repository', 'TsormRepositoryUsage', `${entity}${property !== undefined ? `.${property}` : ''}: ${detail}`);
    this.name = 'RepositoryUsageError';
  }
}

/** `waitForSearch` gave up: the search index had not caught up with the writes made before the call. */
export class SearchSyncTimeoutError extends TsormError {
  constructor(
    readonly table: string,
    readonly index: string,
    readonly waitedMs: number,
  ) {
    super('repository', 'TsormSearchSyncTimeout', `search index ${table}.${index} had not caught up with earlier writes after ${waitedMs} ms`, { retryable: true });
    this.name = 'SearchSyncTimeoutError';
  }
}
