/**
 * The pure parts of migrations: table specs, the deterministic snapshot, the snapshot-vs-entities diff (up,
 * down, refusals), the generated source and the migration file names.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Long from 'long';
import { afterAll, describe, expect, it } from 'vitest';
import { AutoIncrement, Column, getTableSchema, Index, PrimaryKey, Table } from '../../src/schema';
import { compileTypeScript } from '../../src/project/loader';
import { generatedMigrationSource, literal } from '../../src/migrations/generate/migration-source';
import { diffSchemas, type Operation } from '../../src/migrations/generate/diff';
import { findMigration, listMigrations, writeMigrationFile } from '../../src/migrations/files';
import { emptySnapshot, parseSnapshot, serializeSnapshot, snapshotOf } from '../../src/migrations/generate/snapshot';
import { compareSpecs, normalizeSpec, specFromSchema, type TableSpec } from '../../src/migrations/spec/table-spec';
import { TableSpecError } from '../../src/migrations/errors';

const base: TableSpec = {
  name: 'orders',
  primaryKey: [{ name: 'shop', type: 'STRING' }, { name: 'id', type: 'INTEGER', autoIncrement: true }],
  definedColumns: [{ name: 'email', type: 'STRING' }],
  indexes: [{ name: 'orders_by_email', primaryKey: ['email'] }],
};
const spec = (over: Partial<TableSpec> = {}) => normalizeSpec({ ...base, ...over });
const snap = (...specs: TableSpec[]) => snapshotOf(specs);

describe('table specs', () => {
  it('fill defaults and order what has no order, keeping key order', () => {
    const s = normalizeSpec({
      name: 't',
      primaryKey: [{ name: 'b', type: 'STRING' }, { name: 'a', type: 'INTEGER' }],
      definedColumns: [{ name: 'z', type: 'INTEGER' }, { name: 'c', type: 'STRING' }],
      indexes: [{ name: 'i2', primaryKey: ['z'], definedColumns: ['c'] }, { name: 'i1', primaryKey: ['c', 'z'] }],
    });
    expect(s.primaryKey.map((p) => p.name)).toEqual(['b', 'a']);
    expect(s.definedColumns.map((c) => c.name)).toEqual(['c', 'z']);
    expect(s.indexes.map((i) => i.name)).toEqual(['i1', 'i2']);
    expect(s.indexes[0].primaryKey).toEqual(['c', 'z']);
    expect(s.options).toEqual({ timeToLive: -1, maxVersions: 1, maxTimeDeviation: 86400, allowUpdate: true });
    expect(s.reservedThroughput).toEqual({ read: 0, write: 0 });
  });

  it('name the table and field of a broken rule', () => {
    expect(() => normalizeSpec({ name: 't', primaryKey: [{ name: 'a', type: 'INTEGER', autoIncrement: true }] })).toThrow(/table spec 't': primary key a: the first \(partition\) key cannot be auto-increment/);
    expect(() => normalizeSpec({ name: 't', primaryKey: [{ name: 'a', type: 'DOUBLE' as never }] })).toThrow(TableSpecError);
    expect(() => normalizeSpec({ name: '9t', primaryKey: [{ name: 'a', type: 'STRING' }] })).toThrow(/name: must match/);
    expect(() => normalizeSpec({ name: 't', primaryKey: [{ name: 'a', type: 'STRING' }], options: { timeToLive: 0 } })).toThrow(/timeToLive/);
    expect(() => normalizeSpec({ name: 't', primaryKey: [] })).toThrow(/1 to 4/);
  });

  it('come from entity schemas (decorator metadata included)', () => {
    @Table('spec_things', { timeToLive: 86400 * 30, allowUpdate: false, reservedThroughput: { read: 1 } })
    @Index('spec_things_by_owner', { primaryKey: ['owner'], definedColumns: ['size'] })
    class Thing {
      @PrimaryKey() pk!: string;
      @PrimaryKey() @AutoIncrement() id!: Long;
      @Column() owner!: string;
      @Column({ type: 'int64' }) size!: number;
      @Column() blob?: Buffer;
    }
    const s = specFromSchema(getTableSchema(Thing));
    expect(s).toEqual({
      name: 'spec_things',
      primaryKey: [{ name: 'pk', type: 'STRING' }, { name: 'id', type: 'INTEGER', autoIncrement: true }],
      definedColumns: [{ name: 'owner', type: 'STRING' }, { name: 'size', type: 'INTEGER' }],
      options: { timeToLive: 2592000, maxVersions: 1, maxTimeDeviation: 86400, allowUpdate: false },
      reservedThroughput: { read: 1, write: 0 },
      indexes: [{ name: 'spec_things_by_owner', type: 'global', primaryKey: ['owner'], definedColumns: ['size'] }],
    });
  });

  it('compare with a live table, naming each difference; a live index key may be the full key', () => {
    const wanted = spec();
    const live = normalizeSpec({ ...base, options: { timeToLive: 86400 }, indexes: [{ name: 'orders_by_email', primaryKey: ['email', 'shop', 'id'] }] });
    expect(compareSpecs(wanted, live)).toEqual(['timeToLive is 86400 on the service, -1 in the migration']);
    const other = normalizeSpec({ ...base, primaryKey: [{ name: 'shop', type: 'STRING' }, { name: 'id', type: 'INTEGER' }], indexes: [] });
    expect(compareSpecs(wanted, other)).toEqual([
      'primary key is (shop STRING, id INTEGER) on the service, (shop STRING, id INTEGER auto-increment) in the migration',
      'index orders_by_email is missing on the service',
    ]);
  });
});

describe('the snapshot', () => {
  it('serializes deterministically, whatever the input order', () => {
    const a = snap(base, { name: 'accounts', primaryKey: [{ name: 'id', type: 'STRING' }] });
    const b = snap({ name: 'accounts', primaryKey: [{ name: 'id', type: 'STRING' }] }, { ...base, definedColumns: [...base.definedColumns!].reverse() });
    expect(serializeSnapshot(a)).toBe(serializeSnapshot(b));
    expect(Object.keys(parseSnapshot(serializeSnapshot(a)).tables)).toEqual(['accounts', 'orders']);
    expect(serializeSnapshot(parseSnapshot(serializeSnapshot(a)))).toBe(serializeSnapshot(a));
    expect(serializeSnapshot(a).endsWith('}\n')).toBe(true);
  });

  it('refuses a malformed file with a message naming it', () => {
    expect(() => parseSnapshot('{', 'm/tsorm-snapshot.json')).toThrow(/m\/tsorm-snapshot.json: not valid JSON/);
    expect(() => parseSnapshot('{"version":2,"tables":{}}', 'x.json')).toThrow(/x.json: expected/);
  });
});

const ops = (list: Operation[]) => list.map((o) => `${o.op} ${'table' in o ? o.table : o.spec.name}${o.op === 'updateTable' ? ` ${JSON.stringify(o.changes)}` : ''}${o.op === 'createIndex' ? ` ${o.index.name}` : o.op === 'dropIndex' ? ` ${o.index}` : ''}${'commented' in o && o.commented ? ' (commented)' : ''}`);

describe('the diff', () => {
  it('creates new tables (down deletes them) and is empty when nothing changed', () => {
    const d = diffSchemas(emptySnapshot(), [spec()]);
    expect(ops(d.up)).toEqual(['createTable orders']);
    expect(ops(d.down)).toEqual(['deleteTable orders']);
    expect(d.empty).toBe(false);
    const again = diffSchemas(d.next, [spec()]);
    expect(again.empty).toBe(true);
    expect(again.up).toEqual([]);
    expect(serializeSnapshot(again.next)).toBe(serializeSnapshot(d.next));
  });

  it('changes options and throughput in place, down restores the old values', () => {
    const d = diffSchemas(snap(base), [spec({ options: { timeToLive: 86400 * 7, allowUpdate: false }, reservedThroughput: { read: 5 } })]);
    expect(ops(d.up)).toEqual(['updateTable orders {"timeToLive":604800,"allowUpdate":false,"reservedThroughput":{"read":5}}']);
    expect(ops(d.down)).toEqual(['updateTable orders {"timeToLive":-1,"allowUpdate":true,"reservedThroughput":{"read":0}}']);
    expect(d.refused).toEqual([]);
  });

  it('orders index and option changes so both directions satisfy the index rules', () => {
    const before = { ...base, indexes: [] };
    const after = { ...base, options: { maxVersions: 1 }, indexes: [{ name: 'orders_by_email', primaryKey: ['email'] }] };
    const d = diffSchemas(snap({ ...before, options: { maxVersions: 3 } }), [normalizeSpec(after)]);
    expect(ops(d.up)).toEqual(['updateTable orders {"maxVersions":1}', 'createIndex orders orders_by_email']);
    expect(ops(d.down)).toEqual(['dropIndex orders orders_by_email', 'updateTable orders {"maxVersions":3}']);
  });

  it('drops and recreates an index whose definition changed', () => {
    const d = diffSchemas(snap(base), [spec({ definedColumns: [{ name: 'email', type: 'STRING' }], indexes: [{ name: 'orders_by_email', primaryKey: ['email'], type: 'local' as const }] })]);
    expect(ops(d.up)).toEqual(['dropIndex orders orders_by_email', 'createIndex orders orders_by_email']);
    expect(ops(d.down)).toEqual(['dropIndex orders orders_by_email', 'createIndex orders orders_by_email']);
    expect(d.notes.join()).toMatch(/dropped and created again/);
  });

  it('keeps defined columns no entity needs any more (the table keeps them)', () => {
    const d = diffSchemas(snap(base), [spec({ definedColumns: [], indexes: [] })]);
    expect(ops(d.up)).toEqual(['dropIndex orders orders_by_email']);
    expect(d.next.tables.orders.definedColumns).toEqual([{ name: 'email', type: 'STRING' }]);
    expect(diffSchemas(d.next, [spec({ definedColumns: [], indexes: [] })]).empty).toBe(true);
  });

  it('never deletes a table on its own: the operation is written commented out', () => {
    const d = diffSchemas(snap(base, { name: 'gone', primaryKey: [{ name: 'k', type: 'BINARY' }] }), [spec()]);
    expect(ops(d.up)).toEqual(['deleteTable gone (commented)']);
    expect(ops(d.down)).toEqual(['createTable gone (commented)']);
    expect(Object.keys(d.next.tables)).toEqual(['orders']);
    const src = generatedMigrationSource('x', d.up, d.down, d.notes);
    expect(src).toContain("  // await m.deleteTable('gone');");
    expect(src).toContain('  // await m.createTable({');
  });

  it('refuses primary-key, auto-increment and defined-column changes, with the way to do them', () => {
    const key = diffSchemas(snap(base), [spec({ primaryKey: [{ name: 'shop', type: 'STRING' }, { name: 'id', type: 'STRING' }] })]);
    expect(key.refused).toHaveLength(1);
    expect(key.refused[0]).toMatchObject({ table: 'orders', field: 'primary key', change: '(shop STRING, id INTEGER) → (shop STRING, id STRING)' });
    expect(key.refused[0].instead).toMatch(/new table .* m\.backfill.* m\.deleteTable/);
    const auto = diffSchemas(snap(base), [spec({ primaryKey: [{ name: 'shop', type: 'STRING' }, { name: 'id', type: 'INTEGER' }] })]);
    expect(auto.refused.map((r) => `${r.field}: ${r.change}`)).toEqual(['auto-increment of primary key id: removed']);
    const col = diffSchemas(snap(base), [spec({ definedColumns: [{ name: 'email', type: 'BINARY' }] })]);
    expect(col.refused.map((r) => `${r.field}: ${r.change}`)).toEqual(['type of defined column email: STRING → BINARY']);
    const added = diffSchemas(snap(base), [spec({ definedColumns: [{ name: 'email', type: 'STRING' }, { name: 'total', type: 'INTEGER' }] })]);
    expect(added.refused.map((r) => `${r.field}: ${r.change}`)).toEqual(['defined column total: added (INTEGER)']);
    // A refused table keeps its old definition in the next snapshot.
    expect(key.next.tables.orders.primaryKey[1].type).toBe('INTEGER');
  });
});

describe('generated source', () => {
  it('writes specs as literals and compiles with the loader', () => {
    expect(literal({ a: 'it\'s', b: [1, 2], 'c-d': true })).toBe("{ a: 'it\\'s', b: [1, 2], 'c-d': true }");
    const d = diffSchemas(emptySnapshot(), [spec()]);
    const src = generatedMigrationSource('20250101000000_init', d.up, d.down, []);
    expect(src).toContain("await m.deleteTable('orders');");
    const js = compileTypeScript(src, 'init.ts');
    const mod: { exports: Record<string, unknown> } = { exports: {} };
    new Function('exports', 'require', 'module', js)(mod.exports, require, mod);
    const calls: unknown[] = [];
    const m = new Proxy({}, { get: (_t, p) => async (...args: unknown[]) => calls.push([p, ...args]) });
    return (mod.exports.up as (m: unknown) => Promise<void>)(m).then(() => {
      expect(calls).toEqual([['createTable', normalizeSpec(base)]]);
    });
  });
});

describe('migration files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsorm-files-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('get sortable, unique timestamp names, even within one second', () => {
    const now = new Date(Date.UTC(2025, 0, 2, 3, 4, 5));
    const a = writeMigrationFile(dir, 'first', 'a', 'ts', now);
    const b = writeMigrationFile(dir, 'second', 'b', 'ts', now);
    expect(a.name).toBe('20250102030405_first');
    expect(b.name).toBe('20250102030406_second');
    expect(readdirSync(dir).sort()).toEqual(['20250102030405_first.ts', '20250102030406_second.ts']);
    expect(listMigrations(dir).map((m) => m.name)).toEqual([a.name, b.name]);
    expect(readFileSync(b.path, 'utf8')).toBe('b');
    expect(findMigration(listMigrations(dir), 'second')?.name).toBe(b.name);
    expect(findMigration(listMigrations(dir), '20250102030405')?.name).toBe(a.name);
    expect(findMigration(listMigrations(dir), 'nope')).toBeUndefined();
    expect(() => writeMigrationFile(dir, 'bad name', '')).toThrow(/may only contain/);
  });
});
