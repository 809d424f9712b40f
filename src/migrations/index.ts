/**
 * `tsorm/migrations`: table definitions from entities. (The versioned migration runner and its CLI build on
 * this module.)
 */
export { createTableRequest, createEntityTable } from './table-spec';
