/**
 * The diff between the snapshot (what the migrations so far make) and the entities (what the code wants):
 * the operations of a migration's `up` and `down`, the changes TableStore cannot make (refused, with the way to
 * do them instead), and the next snapshot.
 *
 * What TableStore can change on an existing table (spec §7.3, §7.6): TTL, max versions, max time deviation,
 * allow-update, reserved throughput and the stream (UpdateTable), and secondary indexes (CreateIndex / DropIndex). What it
 * cannot: the primary key (names, types, order), auto-increment (only at creation, spec §3.1), a defined
 * column's type; adding a defined column needs AddDefinedColumn, which the Node SDK does not have.
 *
 * Order within a table: drop indexes, update options, create indexes. It satisfies the index rules (max
 * versions 1; a TTL needs allow-update off) in both directions, so `down` is the same rule applied backwards.
 * A table no longer declared is never deleted by a generated `up`: the operation is written commented out.
 */
import type { RefusedChange } from '../errors';
import type { NormalizedTableSpec } from '../spec/table-spec';
import { indexDifference, keyText, streamText, type StreamSpec } from '../spec/table-spec';
import { searchIndexDifference, type SearchIndexSpec } from '../spec/search-index-spec';
import { snapshotOf, type Snapshot } from './snapshot';

type IndexN = NormalizedTableSpec['indexes'][number];

/** The fields `m.updateTable` changes. */
export interface UpdateTableChanges {
  timeToLive?: number;
  maxVersions?: number;
  maxTimeDeviation?: number;
  allowUpdate?: boolean;
  reservedThroughput?: { read?: number; write?: number };
  /** The table's stream: `{ expirationHours, columns }` enables (or changes) it, `null` disables it. */
  stream?: StreamSpec | null;
}

export type Operation =
  | { op: 'createTable'; spec: NormalizedTableSpec; commented?: boolean }
  | { op: 'deleteTable'; table: string; commented?: boolean }
  | { op: 'updateTable'; table: string; changes: UpdateTableChanges }
  | { op: 'createIndex'; table: string; index: IndexN }
  | { op: 'dropIndex'; table: string; index: string }
  | { op: 'createSearchIndex'; table: string; index: SearchIndexSpec }
  | { op: 'deleteSearchIndex'; table: string; index: string }
  | { op: 'updateSearchIndex'; table: string; index: string; ttl: number };

export interface SchemaDiff {
  up: Operation[];
  down: Operation[];
  refused: RefusedChange[];
  /** Things worth saying that are not operations (e.g. a table no longer declared). */
  notes: string[];
  /** The snapshot after this diff. */
  next: Snapshot;
  /** True when there is nothing to write. */
  empty: boolean;
}

const NEW_TABLE =
  'create a new table (a new @Table name) with the new definition, copy the rows into it with m.backfill, switch the code over, ' +
  'then delete the old table explicitly with m.deleteTable';

function refusals(prev: NormalizedTableSpec, next: NormalizedTableSpec): RefusedChange[] {
  const out: RefusedChange[] = [];
  const table = next.name;
  const [prevKey, nextKey] = [keyText(prev, { autoIncrement: false }), keyText(next, { autoIncrement: false })];
  if (prevKey !== nextKey) {
    out.push({
      table,
      field: 'primary key',
      change: `(${prevKey}) → (${nextKey})`,
      reason: 'TableStore fixes the primary key (names, types, order) when the table is created; UpdateTable cannot change it.',
      instead: NEW_TABLE,
    });
  } else {
    for (let i = 0; i < next.primaryKey.length; i++) {
      const a = !!prev.primaryKey[i].autoIncrement;
      const b = !!next.primaryKey[i].autoIncrement;
      if (a !== b) {
        out.push({
          table,
          field: `auto-increment of primary key ${next.primaryKey[i].name}`,
          change: b ? 'added' : 'removed',
          reason: 'an auto-increment key can only be declared when the table is created (UpdateTable cannot add or remove it).',
          instead: NEW_TABLE,
        });
      }
    }
  }
  const prevCols = new Map(prev.definedColumns.map((c) => [c.name, c.type]));
  for (const c of next.definedColumns) {
    const before = prevCols.get(c.name);
    if (before === undefined) {
      out.push({
        table,
        field: `defined column ${c.name}`,
        change: `added (${c.type})`,
        reason:
          'an existing table gains a defined column only through AddDefinedColumn, which the TableStore Node SDK (and so tsorm) cannot send; ' +
          'defined columns are needed by the columns a secondary index uses.',
        instead: `declare the column on the table when it is created, or ${NEW_TABLE}`,
      });
    } else if (before !== c.type) {
      out.push({
        table,
        field: `type of defined column ${c.name}`,
        change: `${before} → ${c.type}`,
        reason: 'TableStore cannot change the type of a defined column in place.',
        instead: `store the new type under a new column name (and fill it with m.backfill), or ${NEW_TABLE}`,
      });
    }
  }
  return out;
}

/** The option and reserved-throughput changes from `prev` to `next` (and back), or undefined when none. */
export function optionChanges(prev: NormalizedTableSpec, next: NormalizedTableSpec): { up: UpdateTableChanges; down: UpdateTableChanges } | undefined {
  const up: UpdateTableChanges = {};
  const down: UpdateTableChanges = {};
  for (const k of ['timeToLive', 'maxVersions', 'maxTimeDeviation', 'allowUpdate'] as const) {
    if (prev.options[k] !== next.options[k]) {
      (up as Record<string, unknown>)[k] = next.options[k];
      (down as Record<string, unknown>)[k] = prev.options[k];
    }
  }
  const rp = prev.reservedThroughput;
  const rn = next.reservedThroughput;
  if (rp.read !== rn.read || rp.write !== rn.write) {
    up.reservedThroughput = {};
    down.reservedThroughput = {};
    if (rp.read !== rn.read) [up.reservedThroughput.read, down.reservedThroughput.read] = [rn.read, rp.read];
    if (rp.write !== rn.write) [up.reservedThroughput.write, down.reservedThroughput.write] = [rn.write, rp.write];
  }
  if (streamText(prev.stream) !== streamText(next.stream)) {
    up.stream = next.stream ?? null;
    down.stream = prev.stream ?? null;
  }
  return Object.keys(up).length ? { up, down } : undefined;
}

/**
 * Search index changes of one table (spec §2.5: only the TTL changes in place). A changed schema under the same
 * name is refused: the way without a moment with no index is a new name, which this diff turns into "create
 * the new index (waiting until it has caught up), then delete the old one" within one migration.
 */
function searchIndexChanges(prev: NormalizedTableSpec, next: NormalizedTableSpec): { up: Operation[]; down: Operation[]; refused: RefusedChange[] } {
  const table = next.name;
  const before = new Map((prev.searchIndexes ?? []).map((i) => [i.name, i]));
  const after = new Map((next.searchIndexes ?? []).map((i) => [i.name, i]));
  const up: Operation[] = [];
  const down: Operation[] = [];
  const refused: RefusedChange[] = [];
  const created = [...after.values()].filter((i) => !before.has(i.name));
  const deleted = [...before.values()].filter((i) => !after.has(i.name));
  const ttl: Array<[string, number, number]> = [];
  for (const [name, ix] of after) {
    const old = before.get(name);
    if (!old) continue;
    if (searchIndexDifference(ix, old)) {
      refused.push({
        table,
        field: `search index ${name}`,
        change: 'fields, analyzers, index sort or routing changed',
        reason: 'TableStore fixes a search index schema when the index is created; only its TTL changes in place (UpdateSearchIndex).',
        instead: `declare the new definition under a new index name (e.g. ${name}_v2) and search that name: the generated migration creates it, waits until it has caught up with the table, and only then deletes ${name}, so the table is never without an index`,
      });
    } else if (ix.ttl !== old.ttl) {
      ttl.push([name, old.ttl ?? -1, ix.ttl ?? -1]);
    }
  }
  for (const ix of created) up.push({ op: 'createSearchIndex', table, index: ix });
  for (const [name, , to] of ttl) up.push({ op: 'updateSearchIndex', table, index: name, ttl: to });
  for (const ix of deleted) up.push({ op: 'deleteSearchIndex', table, index: ix.name });
  for (const ix of deleted) down.push({ op: 'createSearchIndex', table, index: ix });
  for (const [name, from] of ttl) down.push({ op: 'updateSearchIndex', table, index: name, ttl: from });
  for (const ix of created) down.push({ op: 'deleteSearchIndex', table, index: ix.name });
  return { up, down, refused };
}

/**
 * Diffs `entities` (the specs the code declares) against `snapshot`. With refusals, `up`/`down` still hold the
 * possible operations, but callers must write nothing (see `UnsupportedChangeError`).
 */
export function diffSchemas(snapshot: Snapshot, entities: readonly NormalizedTableSpec[]): SchemaDiff {
  const up: Operation[] = [];
  const downGroups: Operation[][] = [];
  const refused: RefusedChange[] = [];
  const notes: string[] = [];
  const nextTables: NormalizedTableSpec[] = [];
  const wanted = [...entities].sort((a, b) => (a.name < b.name ? -1 : 1));
  const seen = new Set<string>();

  for (const spec of wanted) {
    if (seen.has(spec.name)) {
      refused.push({ table: spec.name, field: '@Table', change: 'declared by two entities', reason: 'one table has one definition.', instead: 'map the table once, or give one entity another table name' });
      continue;
    }
    seen.add(spec.name);
    const prev = snapshot.tables[spec.name];
    if (!prev) {
      up.push({ op: 'createTable', spec });
      downGroups.push([{ op: 'deleteTable', table: spec.name }]);
      nextTables.push(spec);
      continue;
    }
    const search = searchIndexChanges(prev, spec);
    const r = [...refusals(prev, spec), ...search.refused];
    refused.push(...r);
    // Defined columns the table keeps although no entity needs them any more (TableStore keeps them until
    // DeleteDefinedColumn): carried over, so the snapshot stays what the service has.
    const kept = prev.definedColumns.filter((c) => !spec.definedColumns.some((d) => d.name === c.name));
    const next: NormalizedTableSpec = kept.length ? { ...spec, definedColumns: [...spec.definedColumns, ...kept].sort((a, b) => (a.name < b.name ? -1 : 1)) } : spec;
    nextTables.push(r.length ? prev : next);
    if (r.length) continue;

    const tableUp: Operation[] = [];
    const tableDown: Operation[] = [];
    const prevIx = new Map(prev.indexes.map((i) => [i.name, i]));
    const nextIx = new Map(next.indexes.map((i) => [i.name, i]));
    const dropped: IndexN[] = [];
    const created: IndexN[] = [];
    for (const [name, ix] of prevIx) {
      const n = nextIx.get(name);
      if (!n) dropped.push(ix);
      else if (indexDifference(prev, n, ix)) {
        dropped.push(ix);
        created.push(n);
        notes.push(`index ${name} of table ${spec.name} changed: it is dropped and created again (rebuilt from the table's rows)`);
      }
    }
    for (const [name, ix] of nextIx) if (!prevIx.has(name)) created.push(ix);
    const opts = optionChanges(prev, next);

    for (const ix of dropped) tableUp.push({ op: 'dropIndex', table: spec.name, index: ix.name });
    if (opts) tableUp.push({ op: 'updateTable', table: spec.name, changes: opts.up });
    for (const ix of created) tableUp.push({ op: 'createIndex', table: spec.name, index: ix });
    tableUp.push(...search.up);

    tableDown.push(...search.down);
    for (const ix of created) tableDown.push({ op: 'dropIndex', table: spec.name, index: ix.name });
    if (opts) tableDown.push({ op: 'updateTable', table: spec.name, changes: opts.down });
    for (const ix of dropped) tableDown.push({ op: 'createIndex', table: spec.name, index: ix });

    up.push(...tableUp);
    if (tableDown.length) downGroups.push(tableDown);
    if (kept.length) notes.push(`table ${spec.name} keeps defined column${kept.length > 1 ? 's' : ''} ${kept.map((c) => c.name).join(', ')} (TableStore has no way to remove them through the Node SDK)`);
  }

  for (const name of Object.keys(snapshot.tables).sort()) {
    if (seen.has(name)) continue;
    up.push({ op: 'deleteTable', table: name, commented: true });
    downGroups.push([{ op: 'createTable', spec: snapshot.tables[name], commented: true }]);
    notes.push(
      `table ${name} is no longer declared by any entity: tsorm never deletes a table on its own, so the migration has the deleteTable line commented out; ` +
        'uncomment it to delete the table and all its rows',
    );
  }

  // `down` undoes the groups in reverse order.
  const down = downGroups.reverse().flat();
  const next = snapshotOf(nextTables);
  return { up, down, refused, notes, next, empty: up.length === 0 };
}
