/**
 * The schema snapshot kept beside the migrations (`<migrations>/tsorm-snapshot.json`): the tables as the
 * migrations so far leave them. `migrate:generate` diffs the entities against it (never against the live
 * service, so generating needs no connection and gives the same result everywhere) and rewrites it.
 *
 * The file is deterministic: tables by name, each in `normalizeSpec` order, two-space JSON and a final
 * newline, so regenerating an unchanged schema rewrites nothing and reviews show real changes only.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SnapshotError } from '../errors';
import { normalizeSpec, type NormalizedTableSpec, type TableSpec } from '../spec/table-spec';

export const SNAPSHOT_FILE = 'tsorm-snapshot.json';
export const SNAPSHOT_VERSION = 1;

export interface Snapshot {
  version: typeof SNAPSHOT_VERSION;
  /** Table name → spec. */
  tables: Record<string, NormalizedTableSpec>;
}

export function emptySnapshot(): Snapshot {
  return { version: SNAPSHOT_VERSION, tables: {} };
}

/** A snapshot from specs (normalized, keyed and ordered by name). */
export function snapshotOf(specs: Iterable<TableSpec | NormalizedTableSpec>): Snapshot {
  const list = [...specs].map((s) => normalizeSpec(s as TableSpec)).sort((a, b) => (a.name < b.name ? -1 : 1));
  const tables: Record<string, NormalizedTableSpec> = {};
  for (const s of list) tables[s.name] = s;
  return { version: SNAPSHOT_VERSION, tables };
}

/** The canonical text of a snapshot. */
export function serializeSnapshot(snapshot: Snapshot): string {
  const canonical = snapshotOf(Object.values(snapshot.tables));
  return `${JSON.stringify(canonical, null, 2)}\n`;
}

export function parseSnapshot(text: string, file = SNAPSHOT_FILE): Snapshot {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new SnapshotError(file, `not valid JSON (${(e as Error).message}); restore it from version control`);
  }
  const obj = raw as { version?: unknown; tables?: unknown };
  if (!obj || typeof obj !== 'object' || obj.version !== SNAPSHOT_VERSION || !obj.tables || typeof obj.tables !== 'object') {
    throw new SnapshotError(file, `expected { "version": ${SNAPSHOT_VERSION}, "tables": { … } }`);
  }
  try {
    return snapshotOf(Object.values(obj.tables as Record<string, TableSpec>));
  } catch (e) {
    throw new SnapshotError(file, (e as Error).message);
  }
}

/** The snapshot in `dir`, or an empty one when there is none yet. */
export function readSnapshot(dir: string): Snapshot {
  const file = join(dir, SNAPSHOT_FILE);
  if (!existsSync(file)) return emptySnapshot();
  return parseSnapshot(readFileSync(file, 'utf8'), file);
}

/** Writes the snapshot; returns false when the file already held exactly this text. */
export function writeSnapshot(dir: string, snapshot: Snapshot): boolean {
  const file = join(dir, SNAPSHOT_FILE);
  const text = serializeSnapshot(snapshot);
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return false;
  writeFileSync(file, text);
  return true;
}
