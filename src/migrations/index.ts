/**
 * `tsorm/migrations`: what a user calls — the config (`defineConfig`, `loadConfig`), `loadModule` (the
 * TypeScript loader the CLI uses: config, entities, handlers), the types a migration is written
 * against (`MigrationContext`, table specs, backfill), `Migrator` for running migrations from code,
 * `createEntityTable` for tests and quick starts, and the errors to branch on. The pieces the `tsorm migrate*`
 * commands are built from (snapshot, diff, code generation, history, lock, progress) stay internal, so they
 * can change freely. Never imported by the runtime entry `tsorm`.
 */
export { defineConfig, loadConfig } from '../project/config';
export type { TsormConfig, ResolvedConfig } from '../project/config';
export { loadModule } from '../project/loader';
export { createEntityTable } from './spec/entity-table';
export type { TableSpec, IndexSpec, PrimaryKeySpec, DefinedColumnSpec, TableOptionsSpec, ReservedThroughputSpec, KeyType } from './spec/table-spec';
export type { MigrationContext, StepReport, UpdateTableChanges } from './run/context';
export type { BackfillOptions, BackfillResult, BackfillChange, RawRow, RawChange } from './run/backfill';
export { Migrator } from './run/runner';
export type { MigratorOptions, MigrateReport, RevertReport, StatusReport, StatusEntry, MigrationState, AppliedReport, MigrationModule } from './run/runner';
export {
  MigrationError,
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
// The config and module-loading errors belong to the project layer (src/project/), which every CLI command uses.
export { ConfigError, ModuleLoadError } from '../project/errors';
