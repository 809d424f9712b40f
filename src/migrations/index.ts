/**
 * `tsorm/migrations`: versioned, locked, reversible migrations of TableStore tables, and the pieces the
 * `tsorm migrate*` commands are made of (config, snapshot + diff, runner, history + lock, backfill, the
 * TypeScript loader). Never imported by the runtime entry `tsorm`.
 */
export { createTableRequest, createEntityTable } from './table-spec';
export { defineConfig, loadConfig, loadEntities, expandGlob, schemaOf, CONFIG_FILES, DEFAULT_DATA_DIR, DEFAULT_HISTORY_TABLE } from './config';
export type { TsormConfig, ResolvedConfig, LoadedEntity } from './config';
export type { MigrationContext, StepReport, UpdateTableChanges } from './context';
export { createContext } from './context';
export type { BackfillOptions, BackfillResult, BackfillChange, RawRow, RawChange } from './backfill';
export { MARKER_COLUMN } from './backfill';
export {
  normalizeSpec,
  specFromSchema,
  specFromDescribe,
  createTableParams,
  compareSpecs,
  DEFAULT_OPTIONS,
} from './spec';
export type { TableSpec, NormalizedTableSpec, IndexSpec, PrimaryKeySpec, DefinedColumnSpec, TableOptionsSpec, ReservedThroughputSpec, KeyType } from './spec';
export { diffSchemas } from './diff';
export type { Operation, SchemaDiff } from './diff';
export { readSnapshot, writeSnapshot, serializeSnapshot, parseSnapshot, snapshotOf, emptySnapshot, SNAPSHOT_FILE } from './snapshot';
export type { Snapshot } from './snapshot';
export { generatedMigrationSource, blankMigrationSource } from './codegen';
export { listMigrations, writeMigrationFile, findMigration, checksumOf, timestamp } from './files';
export type { MigrationFile } from './files';
export { diffEntities, generateMigration, checkEntities, describeOperation } from './generate';
export type { GenerateReport, CheckReport } from './generate';
export { Migrator } from './runner';
export type { MigratorOptions, MigrateReport, RevertReport, StatusReport, StatusEntry, MigrationState, AppliedReport, MigrationModule } from './runner';
export { HistoryStore } from './history';
export type { HistoryRecord } from './history';
export { MigrationLock } from './lock';
export { Progress } from './progress';
export type { ProgressOptions } from './progress';
export { registerTypeScript, loadModule, compileTypeScript } from './loader';
export {
  MigrationError,
  ConfigError,
  ModuleLoadError,
  TableSpecError,
  SnapshotError,
  UnsupportedChangeError,
  TableConflictError,
  TableNotReadyError,
  ThroughputAdjustmentError,
  LockHeldError,
  LockLostError,
  MigrationFailedError,
  UnknownMigrationError,
  DryRunWriteError,
  BackfillError,
} from './errors';
export type { MigrationErrorCode, RefusedChange, LockHolder } from './errors';
