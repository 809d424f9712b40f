/**
 * The project's migration config: `tsorm.config.ts`, `.js` or `.json` in the working directory (or
 * `--config PATH`). Relative paths in it are relative to the file's directory.
 *
 * ```ts
 * import { defineConfig } from 'tsorm/migrations';
 * export default defineConfig({
 *   entities: ['src/entities/*.ts'],   // modules (paths or globs) whose exported @Table classes are the schema
 *   migrations: 'migrations',          // default
 *   connection: { endpoint, instance, accessKeyId, accessKeySecret }, // default: the ORM's environment variables
 * });
 * ```
 *
 * With no endpoint (neither `connection.endpoint` nor `TABLESTORE_ENDPOINT`), the CLI starts the local emulator
 * in process on `emulator.dataDir` (default `.tsorm/data`): the embedded default.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ConnectOptions } from '../client/config';
import { getTableSchema, isEntityClass } from '../schema/decorators';
import type { EntityClass, TableSchema } from '../schema/types';
import { ConfigError } from './errors';
import { DEFAULT_DATA_DIR } from './defaults';
import { loadModule } from './loader';

export interface TsormConfig {
  /** Entity modules: paths or globs (`*`, `**`, `?`), relative to the config file; or entity classes. */
  entities?: Array<string | EntityClass>;
  /** Migrations folder. Default `migrations`. */
  migrations?: string;
  /** Connection settings; absent ones come from the ORM's environment variables (`TABLESTORE_ENDPOINT`, …). */
  connection?: Pick<ConnectOptions, 'endpoint' | 'instance' | 'accessKeyId' | 'accessKeySecret' | 'securityToken'>;
  /** The embedded emulator used when no endpoint is configured. */
  emulator?: { dataDir?: string; inMemory?: boolean };
  /** The history and lock table. Default `tsorm_migrations`. */
  historyTable?: string;
  lock?: {
    /** How long the lock stays valid without renewal; renewed every third of it. Default 30 000 ms. */
    leaseMs?: number;
    /** How long `migrate` waits for another run's lock before giving up. Default 120 000 ms. */
    waitMs?: number;
  };
  /** How long to keep retrying a reserved-throughput change refused as too frequent. Default 130 000 ms. */
  throughputWaitMs?: number;
}

/** Identity function that types a config file's export. */
export function defineConfig(config: TsormConfig): TsormConfig {
  return config;
}

export interface ResolvedConfig {
  /** The config file, when there is one. */
  file?: string;
  /** The directory relative paths are resolved from. */
  root: string;
  migrationsDir: string;
  entities: Array<string | EntityClass>;
  connection: NonNullable<TsormConfig['connection']>;
  emulator: { dataDir: string; inMemory: boolean };
  historyTable: string;
  lock: { leaseMs: number; waitMs: number };
  throughputWaitMs: number;
}

const CONFIG_FILES = ['tsorm.config.ts', 'tsorm.config.js', 'tsorm.config.cjs', 'tsorm.config.mjs', 'tsorm.config.json'];
const DEFAULT_HISTORY_TABLE = 'tsorm_migrations';

function positive(file: string | undefined, name: string, v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ConfigError(`${name} must be a number ≥ 0, got ${JSON.stringify(v)}`, file);
  return v;
}

/** Finds and loads the config (`explicit` = `--config`), applying defaults. No config file = all defaults. */
export async function loadConfig(explicit?: string, cwd = process.cwd()): Promise<ResolvedConfig> {
  let file: string | undefined;
  if (explicit) {
    file = resolve(cwd, explicit);
    if (!existsSync(file)) throw new ConfigError('config file not found', file);
  } else {
    file = CONFIG_FILES.map((f) => join(cwd, f)).find((f) => existsSync(f));
  }
  let raw: unknown = {};
  if (file) {
    const mod = await loadModule(file);
    raw = file.endsWith('.json') ? mod : ((mod as { default?: unknown }).default ?? mod);
    if (raw && typeof raw === 'object' && 'default' in raw && Object.keys(raw).length === 1) raw = (raw as { default: unknown }).default;
  }
  if (!raw || typeof raw !== 'object') throw new ConfigError('must export a config object (export default defineConfig({ … }))', file);
  const c = raw as TsormConfig;
  const root = file ? dirname(file) : cwd;
  const known = new Set(['entities', 'migrations', 'connection', 'emulator', 'historyTable', 'lock', 'throughputWaitMs']);
  const unknown = Object.keys(c).filter((k) => !known.has(k) && k !== '__esModule');
  if (unknown.length) throw new ConfigError(`unknown setting${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${[...known].join(', ')})`, file);
  if (c.entities !== undefined && !Array.isArray(c.entities)) throw new ConfigError('entities must be an array of paths, globs or entity classes', file);
  if (c.migrations !== undefined && typeof c.migrations !== 'string') throw new ConfigError('migrations must be a folder path', file);
  const history = c.historyTable ?? DEFAULT_HISTORY_TABLE;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(history)) throw new ConfigError(`historyTable ${JSON.stringify(history)} is not a valid table name`, file);
  return {
    file,
    root,
    migrationsDir: resolve(root, c.migrations ?? 'migrations'),
    entities: c.entities ?? [],
    connection: { ...(c.connection ?? {}) },
    emulator: { dataDir: resolve(root, c.emulator?.dataDir ?? DEFAULT_DATA_DIR), inMemory: !!c.emulator?.inMemory },
    historyTable: history,
    lock: { leaseMs: positive(file, 'lock.leaseMs', c.lock?.leaseMs, 30_000), waitMs: positive(file, 'lock.waitMs', c.lock?.waitMs, 120_000) },
    throughputWaitMs: positive(file, 'throughputWaitMs', c.throughputWaitMs, 130_000),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Entities
// ---------------------------------------------------------------------------------------------------------

/** A path relative to `root`, with forward slashes, for messages. */
export function displayPath(root: string, file: string): string {
  const r = relative(root, file);
  return (r && !r.startsWith('..') && !isAbsolute(r) ? r : file).split(sep).join('/');
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += /[.+^${}()|[\]\\]/.test(ch) ? `\\${ch}` : ch;
  }
  return new RegExp(`^${re}$`);
}

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else out.push(p);
  }
}

/** Expands one path or glob (relative to `root`) to files, sorted. */
function expandGlob(root: string, pattern: string): string[] {
  const abs = resolve(root, pattern).split(sep).join('/');
  if (!/[*?]/.test(abs)) return existsSync(abs) && statSync(abs).isFile() ? [resolve(abs)] : [];
  const parts = abs.split('/');
  const firstWild = parts.findIndex((p) => /[*?]/.test(p));
  const base = parts.slice(0, firstWild).join('/') || '/';
  if (!existsSync(base)) return [];
  const files: string[] = [];
  walk(base, files);
  const re = globToRegExp(abs);
  return files.filter((f) => re.test(f.split(sep).join('/')) && !f.endsWith('.d.ts')).sort();
}

export interface LoadedEntity {
  schema: TableSchema;
  /** The module that exported it (for messages), or `config` for classes given directly. */
  source: string;
}

/**
 * The schema of an entity class. Classes decorated through another copy of tsorm (say, a project's own
 * `node_modules/tsorm` next to a global CLI) are read through that copy's registry.
 */
export function schemaOf(entity: EntityClass, fromDir?: string): TableSchema | undefined {
  if (isEntityClass(entity)) return getTableSchema(entity);
  if (!fromDir) return undefined;
  try {
    const other = require(require.resolve('tsorm', { paths: [fromDir] })) as { isEntityClass?(e: unknown): boolean; getTableSchema?(e: unknown): TableSchema };
    if (other.isEntityClass?.(entity)) return other.getTableSchema!(entity);
  } catch {
    // no other copy
  }
  return undefined;
}

/** Loads the configured entity modules and returns every exported entity class's schema, by table name. */
export async function loadEntities(config: ResolvedConfig): Promise<LoadedEntity[]> {
  if (config.entities.length === 0) {
    throw new ConfigError('no entities configured: add `entities: [\'path/to/entities.ts\']` (paths or globs) to the config', config.file ?? join(config.root, 'tsorm.config.ts'));
  }
  const out: LoadedEntity[] = [];
  const seen = new Set<unknown>();
  const add = (cls: EntityClass, source: string, dir?: string) => {
    if (seen.has(cls)) return;
    const schema = schemaOf(cls, dir);
    if (!schema) return;
    seen.add(cls);
    out.push({ schema, source });
  };
  for (const entry of config.entities) {
    if (typeof entry === 'function') {
      if (!schemaOf(entry, config.root)) throw new ConfigError(`entities: ${entry.name || 'a class'} is not decorated with @Table`, config.file);
      add(entry, 'config', config.root);
      continue;
    }
    if (typeof entry !== 'string') throw new ConfigError(`entities: expected a path, a glob or an entity class, got ${JSON.stringify(entry)}`, config.file);
    const files = expandGlob(config.root, entry);
    if (files.length === 0) throw new ConfigError(`entities: ${JSON.stringify(entry)} matches no file (relative to ${config.root})`, config.file);
    for (const file of files) {
      const mod = await loadModule(file);
      for (const value of Object.values(mod)) if (typeof value === 'function') add(value as EntityClass, displayPath(config.root, file), dirname(file));
    }
  }
  if (out.length === 0) throw new ConfigError(`entities: the modules ${config.entities.join(', ')} export no @Table class`, config.file);
  return out;
}
