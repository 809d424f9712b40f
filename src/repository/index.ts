/** Repositories: CRUD, batches, range iterators, transactions; and the ORM's `connect()`. */
export { Repository, IndexReader } from './repository';
export type { BatchResult, Expect, IndexQuery, FindOptions, GetOptions, KeyRangeQuery, Page, PageOptions, UpdateResult, WriteOptions } from './repository';
export { Database, connect } from './database';
export { EntityValidationError, BatchWriteError, InvalidCursorError } from './errors';
export type { BatchItemResult, FieldViolation } from './errors';
export type { BatchOptions } from './batch';
export { useClassValidator, type ClassValidatorModule } from './validate';
