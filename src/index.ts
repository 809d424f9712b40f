/**
 * `tsorm`: the runtime entry. Entities, codecs, conditions, repositories and the client — never the
 * emulator, the CLI or the migration runner (FC cold starts pay for every module loaded).
 */
import 'reflect-metadata';

export * from './schema';
export { CodecError } from './codec';
export type { CodecErrorContext, CodecRule } from './codec';
export { Condition, QueryError, conditionBuilder } from './query';
export type { CompareOptions, ConditionBuilder, Direction, Where } from './query';
export * from './repository';
export {
  TableStoreClient,
  connect as connectClient,
  CallScope,
  RetryPolicy,
  TableStoreError,
  ConditionCheckFailedError,
  ConcurrentModificationError,
  TableNotFoundError,
  TableAlreadyExistsError,
  ValidationError,
  AccessDeniedError,
  ThrottledError,
  NetworkError,
  DeadlineExceededError,
  ConfigurationError,
} from './client';
export type { CallOptions, ConnectOptions, Credentials, RetryOptions, Usage } from './client';
