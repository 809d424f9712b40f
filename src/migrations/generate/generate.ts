/**
 * `migrate:generate` and `migrate:check`: the entities' specs diffed against the snapshot (no connection).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedMigrationSource } from './migration-source';
import { loadEntities, type ResolvedConfig } from '../../project/config';
import { diffSchemas, type Operation, type SchemaDiff } from './diff';
import { UnsupportedChangeError, type RefusedChange } from '../errors';
import { validateMigrationName, writeMigrationFile, type MigrationFile } from '../files';
import { readSnapshot, serializeSnapshot, SNAPSHOT_FILE, writeSnapshot } from './snapshot';
import { keyText, specFromSchema, streamText } from '../spec/table-spec';

/** The diff of the configured entities against the snapshot in the migrations folder. */
export async function diffEntities(config: ResolvedConfig): Promise<SchemaDiff> {
  const entities = await loadEntities(config);
  return diffSchemas(readSnapshot(config.migrationsDir), entities.map((e) => specFromSchema(e.schema)));
}

export interface GenerateReport {
  /** The migration written, or undefined when nothing changed. */
  file?: MigrationFile;
  snapshot: string;
  operations: Operation[];
  notes: string[];
}

/** One line per operation, for output. */
export function describeOperation(o: Operation): string {
  switch (o.op) {
    case 'createTable':
      return `${o.commented ? '(commented out) ' : ''}create table ${o.spec.name} (${keyText(o.spec)}${o.spec.indexes.length ? `; indexes ${o.spec.indexes.map((i) => i.name).join(', ')}` : ''}${o.spec.stream ? `; stream ${streamText(o.spec.stream)}` : ''}${o.spec.searchIndexes?.length ? `; search indexes ${o.spec.searchIndexes.map((i) => i.name).join(', ')}` : ''})`;
    case 'deleteTable':
      return `${o.commented ? '(commented out) ' : ''}delete table ${o.table}`;
    case 'updateTable':
      return `update table ${o.table}: ${Object.entries(o.changes).map(([k, v]) => `${k} ${k === 'stream' ? streamText(v ?? undefined) : typeof v === 'object' ? JSON.stringify(v) : v}`).join(', ')}`;
    case 'createIndex':
      return `create index ${o.index.name} on ${o.table} (${o.index.primaryKey.join(', ')})`;
    case 'dropIndex':
      return `drop index ${o.index} of ${o.table}`;
    case 'createSearchIndex':
      return `create search index ${o.index.name} on ${o.table} (${o.index.fields.map((f) => `${f.name} ${f.type}`).join(', ')})`;
    case 'deleteSearchIndex':
      return `delete search index ${o.index} of ${o.table}`;
    case 'updateSearchIndex':
      return `update search index ${o.index} of ${o.table}: ttl ${o.ttl}`;
  }
}

/** Writes a migration with the diff's operations and updates the snapshot; writes nothing when nothing changed. */
export async function generateMigration(config: ResolvedConfig, name: string): Promise<GenerateReport> {
  validateMigrationName(name);
  const diff = await diffEntities(config);
  const snapshot = join(config.migrationsDir, SNAPSHOT_FILE);
  if (diff.refused.length) throw new UnsupportedChangeError(diff.refused);
  if (diff.empty) return { snapshot, operations: [], notes: diff.notes };
  const file = writeMigrationFile(config.migrationsDir, name, (fullName) => generatedMigrationSource(fullName, diff.up, diff.down, diff.notes));
  writeSnapshot(config.migrationsDir, diff.next);
  return { file, snapshot, operations: diff.up, notes: diff.notes };
}

export interface CheckReport {
  inSync: boolean;
  operations: Operation[];
  refused: RefusedChange[];
  snapshot: string;
  /** True when the snapshot file exists but is not in canonical form (hand-edited). */
  snapshotNotCanonical: boolean;
}

export async function checkEntities(config: ResolvedConfig): Promise<CheckReport> {
  const diff = await diffEntities(config);
  const snapshot = join(config.migrationsDir, SNAPSHOT_FILE);
  const snapshotNotCanonical = existsSync(snapshot) && readFileSync(snapshot, 'utf8') !== serializeSnapshot(readSnapshot(config.migrationsDir));
  return { inSync: diff.empty && diff.refused.length === 0, operations: diff.up, refused: diff.refused, snapshot, snapshotNotCanonical };
}
