/**
 * Migration files: `<migrations>/<YYYYMMDDHHMMSS>_<name>.ts` (or `.js`). The UTC timestamp prefix makes the
 * names sort in creation order; a migration's identity is its file name without the extension. The checksum
 * (SHA-256 of the text with line endings normalized) is recorded when it is applied, so `migrate:status` can
 * tell when an applied file was edited afterwards.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../project/errors';

export interface MigrationFile {
  /** File name without extension, e.g. `20250101120000_init`. */
  name: string;
  path: string;
  checksum: string;
}

const FILE = /^(\d{14})_([A-Za-z0-9_-]+)\.(ts|cts|js|cjs|mjs)$/;
const NAME = /^[A-Za-z0-9_-]+$/;

export function checksumOf(text: string): string {
  return createHash('sha256').update(text.replace(/\r\n/g, '\n')).digest('hex');
}

/** The migration files in `dir`, sorted by name (missing dir = none). `.d.ts` files and other files are ignored. */
export function listMigrations(dir: string): MigrationFile[] {
  if (!existsSync(dir)) return [];
  const out: MigrationFile[] = [];
  const names = new Map<string, string>();
  for (const entry of readdirSync(dir).sort()) {
    if (entry.endsWith('.d.ts')) continue;
    const m = FILE.exec(entry);
    if (!m) continue;
    const name = entry.slice(0, entry.lastIndexOf('.'));
    const other = names.get(name);
    if (other) throw new ConfigError(`two files define migration ${name}: ${other} and ${entry}; keep one`, dir);
    names.set(name, entry);
    const path = join(dir, entry);
    out.push({ name, path, checksum: checksumOf(readFileSync(path, 'utf8')) });
  }
  return out;
}

/** `YYYYMMDDHHMMSS` in UTC. */
export function timestamp(date = new Date()): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

export function validateMigrationName(name: string): string {
  if (!NAME.test(name)) throw new ConfigError(`migration name ${JSON.stringify(name)} may only contain letters, digits, '_' and '-'`);
  return name;
}

/**
 * Writes a new migration file; the timestamp is bumped past the newest existing migration so the new file
 * always sorts last, even when two are created within one second.
 */
export function writeMigrationFile(dir: string, name: string, source: string | ((fullName: string) => string), ext = 'ts', now = new Date()): MigrationFile {
  validateMigrationName(name);
  mkdirSync(dir, { recursive: true });
  const existing = listMigrations(dir);
  let stamp = timestamp(now);
  const last = existing.length ? existing[existing.length - 1].name.slice(0, 14) : '';
  if (stamp <= last) stamp = timestamp(new Date(parseStamp(last) + 1000));
  const fullName = `${stamp}_${name}`;
  const path = join(dir, `${fullName}.${ext}`);
  const text = typeof source === 'function' ? source(fullName) : source;
  writeFileSync(path, text, { flag: 'wx' });
  return { name: fullName, path, checksum: checksumOf(text) };
}

function parseStamp(s: string): number {
  return Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8), +s.slice(8, 10), +s.slice(10, 12), +s.slice(12, 14));
}

/**
 * Finds the migration `ref` names: the full name, the part after the timestamp, or the timestamp. Undefined
 * when none matches; throws when several do.
 */
export function findMigration<T extends { name: string }>(list: readonly T[], ref: string): T | undefined {
  const exact = list.find((m) => m.name === ref || m.name === ref.replace(/\.(ts|cts|js|cjs|mjs)$/, ''));
  if (exact) return exact;
  const matches = list.filter((m) => m.name.slice(15) === ref || m.name.slice(0, 14) === ref);
  if (matches.length > 1) throw new ConfigError(`${JSON.stringify(ref)} matches several migrations (${matches.map((m) => m.name).join(', ')}); give the full name`);
  return matches[0];
}
