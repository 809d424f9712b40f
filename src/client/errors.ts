/**
 * Every error the client layer raises. Each carries the OTS `code`, the HTTP `status`, the `requestId`, the
 * `action` and whether retrying the same request is safe (`retryable`). Users branch with `instanceof`; nobody
 * parses messages.
 *
 * Retry rules (semantics spec §8.1, §8.3):
 * - Codes the service returns *before* applying anything (throttling, row conflicts, table/partition not
 *   ready) are retryable for every action, reads and writes alike.
 * - Ambiguous failures (OTSTimeout, OTSInternalServerError, OTSServerUnavailable, OTSRequestTimeout, a 5xx
 *   without an OTS error body, a transport failure after the connection was made, an attempt timeout) may
 *   have been applied, so they are retryable only for idempotent actions (reads, or a write the caller marks
 *   idempotent).
 * - Everything else (parameter errors, condition failures, auth, missing tables…) is never retried.
 */

import { TsormError } from '../errors';

/** Codes that mean "slow down": the request was rejected before it was applied. */
const THROTTLING_CODES: ReadonlySet<string> = new Set([
  'OTSServerBusy',
  'OTSNotEnoughCapacityUnit',
  'OTSOperationThrottled',
  'OTSStorageServerBusy',
  // The docs mark the three below "no retry"; they are rejections before anything is applied, so tsorm
  // retries them with backoff like the others (the C++ SDK does the same for the first two).
  'OTSCapacityUnitExhausted',
  'OTSTooFrequentReservedThroughputAdjustment',
  'OTSFlowControl',
]);

/** OTSQuotaExhausted is throttling only with this exact message ("Number of tables exceeded…" is not). */
const TOO_FREQUENT_TABLE_OPERATIONS = 'Too frequent table operations.';

/** Not throttling, but also guaranteed not applied: retried for any action. */
const UNAPPLIED_RETRYABLE_CODES: ReadonlySet<string> = new Set([
  'OTSRowOperationConflict',
  'OTSTableNotReady',
  'OTSPartitionUnavailable',
]);

/** May or may not have been applied: retried only for idempotent actions. */
const AMBIGUOUS_CODES: ReadonlySet<string> = new Set([
  'OTSTimeout',
  'OTSInternalServerError',
  'OTSServerUnavailable',
  'OTSRequestTimeout',
]);

const VALIDATION_CODES: ReadonlySet<string> = new Set([
  'OTSParameterInvalid',
  'OTSInvalidPK',
  'OTSOutOfRowSizeLimit',
  'OTSOutOfColumnCountLimit',
  'OTSRequestBodyTooLarge',
  'OTSDataOutOfRange',
  'OTSUnsupportOperation',
  'OTSMethodNotAllowed',
]);

const ACCESS_DENIED_CODES: ReadonlySet<string> = new Set([
  'OTSAuthFailed',
  'OTSNoPermissionAccess',
  'OTSPermissionDenied',
]);

/** Client-side codes (not from the service). */
export const ClientErrorCode = {
  /** The SDK refused to encode the request (bad parameter shape or value). Nothing was sent. */
  InvalidRequest: 'ClientInvalidRequest',
  /** A 2xx response the SDK could not decode. */
  InvalidResponse: 'ClientInvalidResponse',
  /** A non-2xx response without a decodable OTS error body: `HTTP_<status>`. */
  httpStatus: (status: number): string => `HTTP_${status}`,
  /** A transport failure whose system error name is unknown. */
  Network: 'NetworkError',
  /** One attempt took longer than `attemptTimeoutMs`. */
  AttemptTimeout: 'AttemptTimeout',
  DeadlineExceeded: 'DeadlineExceeded',
  Configuration: 'ConfigurationError',
} as const;

/** What the client knows about a failure when it builds an error. */
export interface TableStoreErrorInit {
  /** The OTS error code (`OTSConditionCheckFail`…) or a client-side code (see {@link ClientErrorCode}). */
  code: string;
  message: string;
  /** HTTP status of the response, when there was one. */
  status?: number;
  /** `x-ots-requestid` of the response, when there was one. */
  requestId?: string;
  /** The SDK action (`putRow`…). */
  action?: string;
  /** Whether sending the same request again is safe and may succeed. Computed from the code when absent. */
  retryable?: boolean;
  /** How many HTTP attempts were made before giving up (1 = no retry). */
  attempts?: number;
  cause?: unknown;
}

/**
 * A request failed: the service answered with an OTS error (`code`, `status`, `requestId` are the
 * service's), or the client could not complete it (a client code, see {@link ClientErrorCode}). The client
 * layer's part of tsorm's error family.
 */
export class TableStoreError extends TsormError {
  /** HTTP status of the response; `undefined` when no response was received. */
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  /** The SDK action that failed, e.g. `putRow`. */
  readonly action: string | undefined;
  /** HTTP attempts made for this call (1 = no retry). */
  attempts: number;

  constructor(init: TableStoreErrorInit) {
    // `retryable`: sending the same request again is safe and may succeed (the service guarantees nothing was
    // applied, or the action is idempotent and the failure transient); the client already retried it within
    // its budget when it is true.
    super('client', init.code, init.message, { retryable: init.retryable ?? false, cause: init.cause });
    this.name = 'TableStoreError';
    this.status = init.status;
    this.requestId = init.requestId;
    this.action = init.action;
    this.attempts = init.attempts ?? 1;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      status: this.status,
      requestId: this.requestId,
      action: this.action,
      retryable: this.retryable,
      attempts: this.attempts,
    };
  }
}

/** OTSConditionCheckFail: the row-existence expectation or the column condition did not hold. */
export class ConditionCheckFailedError extends TableStoreError {
  constructor(init: TableStoreErrorInit) {
    super(init);
    this.name = 'ConditionCheckFailedError';
  }
}

export interface ConcurrentModificationInit extends Partial<TableStoreErrorInit> {
  table?: string;
  /** The row's primary key, as the caller knows it. */
  key?: unknown;
  /** The version the write expected to find. */
  expectedVersion?: unknown;
}

/**
 * An optimistic-locking write (`@Version`) lost a race: the row's version was no longer the one read.
 * Raised by the repository when the service answers OTSConditionCheckFail to a version-checked write, so it
 * is also a {@link ConditionCheckFailedError}.
 */
export class ConcurrentModificationError extends ConditionCheckFailedError {
  readonly table: string | undefined;
  readonly key: unknown;
  readonly expectedVersion: unknown;

  constructor(init: ConcurrentModificationInit = {}) {
    super({
      code: 'OTSConditionCheckFail',
      status: 403,
      ...init,
      message:
        init.message ??
        `Row${init.table ? ` in ${init.table}` : ''} was modified concurrently` +
          (init.expectedVersion === undefined ? '' : ` (expected version ${String(init.expectedVersion)})`),
      retryable: false,
    });
    this.name = 'ConcurrentModificationError';
    this.table = init.table;
    this.key = init.key;
    this.expectedVersion = init.expectedVersion;
  }
}

/** OTSObjectNotExist: the table (or index) does not exist. */
export class TableNotFoundError extends TableStoreError {
  constructor(init: TableStoreErrorInit) {
    super(init);
    this.name = 'TableNotFoundError';
  }
}

/** OTSObjectAlreadyExist: CreateTable / CreateIndex on a name that exists. */
export class TableAlreadyExistsError extends TableStoreError {
  constructor(init: TableStoreErrorInit) {
    super(init);
    this.name = 'TableAlreadyExistsError';
  }
}

/**
 * The *request* is invalid: the service refused it (OTSParameterInvalid, OTSInvalidPK, row/column/body size
 * limits…), or the SDK refused to encode it (`code` = `ClientInvalidRequest`, no `status`, nothing was sent).
 * Not to be confused with `EntityValidationError`: an *entity* broke its class-validator rules, before any
 * request existed.
 */
export class InvalidRequestError extends TableStoreError {
  constructor(init: TableStoreErrorInit) {
    super(init);
    this.name = 'InvalidRequestError';
  }
}

/** @deprecated the former name of {@link InvalidRequestError} (the same class), kept for existing code. */
export const ValidationError = InvalidRequestError;
/** @deprecated see {@link InvalidRequestError}. */
export type ValidationError = InvalidRequestError;

/** OTSAuthFailed / OTSNoPermissionAccess: bad or expired credentials, signature, clock, ACL. */
export class AccessDeniedError extends TableStoreError {
  constructor(init: TableStoreErrorInit) {
    super(init);
    this.name = 'AccessDeniedError';
  }
}

/** A throttling code ({@link THROTTLING_CODES}, OTSQuotaExhausted "Too frequent table operations."). */
export class ThrottledError extends TableStoreError {
  constructor(init: TableStoreErrorInit) {
    super(init);
    this.name = 'ThrottledError';
  }
}

/**
 * The request did not get a complete response: connection refused or reset, DNS failure, an attempt that
 * exceeded `attemptTimeoutMs`. `code` is the system error name (`ECONNRESET`…) when known.
 * `requestSent` is `false` when the failure happened before a connection existed (nothing can have been
 * applied, so even writes are retried).
 */
export class NetworkError extends TableStoreError {
  readonly requestSent: boolean;

  constructor(init: TableStoreErrorInit & { requestSent: boolean }) {
    super(init);
    this.name = 'NetworkError';
    this.requestSent = init.requestSent;
  }
}

/**
 * The call's deadline (per call `deadline`/`timeoutMs`, a scope's deadline, or the retry time budget) passed
 * while a request was in flight; the request was aborted. A write may or may not have been applied.
 * `cause` is the previous attempt's error, if any.
 */
export class DeadlineExceededError extends TableStoreError {
  constructor(init: Omit<TableStoreErrorInit, 'code'>) {
    super({ ...init, code: ClientErrorCode.DeadlineExceeded, retryable: false });
    this.name = 'DeadlineExceededError';
  }
}

/** `connect()` was given (or found in the environment) an incomplete or invalid configuration. */
export class ConfigurationError extends TableStoreError {
  constructor(message: string) {
    super({ code: ClientErrorCode.Configuration, message, retryable: false });
    this.name = 'ConfigurationError';
  }
}

/** Is this OTS code (with its message) throttling? */
export function isThrottlingCode(code: string, message?: string): boolean {
  return THROTTLING_CODES.has(code) || (code === 'OTSQuotaExhausted' && message === TOO_FREQUENT_TABLE_OPERATIONS);
}

/**
 * Whether a failure with this OTS code is safe to retry.
 * @param idempotent the action is a read, or a write the caller declared idempotent.
 */
export function isRetryableCode(code: string, message: string | undefined, idempotent: boolean): boolean {
  if (isThrottlingCode(code, message) || UNAPPLIED_RETRYABLE_CODES.has(code)) return true;
  return idempotent && AMBIGUOUS_CODES.has(code);
}

/** The class a user branches on for this OTS code. */
function errorClassFor(code: string, message?: string): new (init: TableStoreErrorInit) => TableStoreError {
  if (code === 'OTSConditionCheckFail') return ConditionCheckFailedError;
  if (code === 'OTSObjectNotExist') return TableNotFoundError;
  if (code === 'OTSObjectAlreadyExist') return TableAlreadyExistsError;
  if (VALIDATION_CODES.has(code) || code === ClientErrorCode.InvalidRequest) return InvalidRequestError;
  if (ACCESS_DENIED_CODES.has(code)) return AccessDeniedError;
  if (isThrottlingCode(code, message)) return ThrottledError;
  return TableStoreError;
}

/**
 * Builds the right subclass for an OTS error, computing `retryable` from the code unless given. Use it for
 * per-row failures of batch responses too (they carry the same codes with HTTP 200):
 * `createTableStoreError({ code: row.errorCode, message: row.errorMessage, action: 'batchWriteRow' })`.
 */
export function createTableStoreError(init: TableStoreErrorInit & { idempotent?: boolean }): TableStoreError {
  const { idempotent, ...rest } = init;
  const Ctor = errorClassFor(init.code, init.message);
  return new Ctor({
    ...rest,
    retryable: init.retryable ?? isRetryableCode(init.code, init.message, idempotent ?? false),
  });
}
