/** Repositories: CRUD, batches, range iterators, transactions; and the ORM's `connect()`. */
export { Repository, IndexReader } from './repository';
export type { BatchResult, ChangesOptions, StreamChange, Expect, IndexQuery, FindOptions, GetOptions, KeyRangeQuery, Page, PageOptions, InnerHit, InnerHitsOf, SearchCall, SearchHit, SearchItem, SearchOptions, SearchPage, UpdateResult, WaitForSearchOptions, WriteOptions } from './repository';
export { Database, connect } from './database';
export { EntityValidationError, BatchWriteError, InvalidCursorError, DuplicateKeyError, RepositoryUsageError, SearchSyncTimeoutError } from './errors';
export type { BatchItemResult, FieldViolation, RepositoryUsageRule } from './errors';
export type { BatchOptions } from './actions/batch-write/engine';
export { useClassValidator, type ClassValidatorModule } from './validate';
