/** Entity schema: decorators, the validated `TableSchema`, and the entity helper types. */
export { Table, PrimaryKey, AutoIncrement, Column, Version, Index, SearchIndex, getTableSchema, isEntityClass } from './decorators';
export { defineSearchIndex } from './search-index';
export type {
  IndexSorter,
  SearchAnalyzer,
  SearchFieldDeclaration,
  SearchFieldOptions,
  SearchFieldSchema,
  SearchFieldType,
  SearchIndexOptions,
  SearchIndexRef,
  SearchIndexSchema,
} from './search-index';
export type { ColumnOptions, IndexOptions, PrimaryKeyOptions, VersionOptions } from './decorators';
export { SchemaError } from './errors';
export type { SchemaRule } from './errors';
export type {
  ColumnType,
  DefinedColumnSchema,
  EntityClass,
  FieldKind,
  FieldSchema,
  IndexSchema,
  Int64Mode,
  PrimaryKeySchema,
  ResolvedStreamOptions,
  ResolvedTableOptions,
  StorageType,
  StreamOptions,
  TableOptions,
  TableSchema,
} from './types';
export { PrimaryKeys, Generated } from './entity-types';
export type {
  AttributeKeys,
  Attributes,
  DeclaresKeys,
  GeneratedNames,
  IncrementDelta,
  IncrementOf,
  IncrementableNames,
  InsertOf,
  KeyOf,
  KeyPrefix,
  KeysNotDeclared,
  NonKeyNames,
  PrimaryKeyNames,
  RemovableNames,
  UpdateChanges,
  UpdateOf,
} from './entity-types';
