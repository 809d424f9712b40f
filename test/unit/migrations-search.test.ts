/**
 * Search indexes in migrations (pure parts): the spec from an entity, the diff (create / delete / TTL in place /
 * a changed schema refused with the new-name route), and the generated source.
 */
import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { Column, PrimaryKey, SearchIndex, Table, getTableSchema } from '../../src/schema';
import { diffSchemas } from '../../src/migrations/generate/diff';
import { generatedMigrationSource } from '../../src/migrations/generate/migration-source';
import { parseSnapshot, serializeSnapshot, snapshotOf } from '../../src/migrations/generate/snapshot';
import { normalizeSpec, specFromSchema, type TableSpec } from '../../src/migrations/spec/table-spec';
import { createSearchIndexParams, searchIndexSpecFromDescribe, type SearchIndexSpec } from '../../src/migrations/spec/search-index-spec';

@Table('notes_mig', { allowUpdate: false })
@SearchIndex('notes_s', {
  fields: { title: { type: 'text', analyzer: 'max_word' }, author: 'keyword', at: 'date', likes: { type: 'long', sortAndAgg: true } },
  indexSort: [{ field: 'at', order: 'desc' }],
  routing: ['id'],
  ttl: 864000,
})
class Note {
  @PrimaryKey() id!: string;
  @Column() title?: string;
  @Column({ name: 'by' }) author?: string;
  @Column() at?: Date;
  @Column() likes?: bigint;
}

const table: TableSpec = { name: 'notes_mig', primaryKey: [{ name: 'id', type: 'STRING' }], options: { allowUpdate: false } };
const ix = (over: Partial<SearchIndexSpec> = {}): SearchIndexSpec => ({ name: 'notes_s', fields: [{ name: 'by', type: 'keyword' }], ...over });

describe('search index specs', () => {
  it('come from the entity with stored names, sorted fields and the codec date format', () => {
    const s = specFromSchema(getTableSchema(Note));
    expect(s.searchIndexes).toEqual([
      {
        name: 'notes_s',
        fields: [
          { name: 'at', type: 'date', dateFormats: ['epoch_millis'] },
          { name: 'by', type: 'keyword' },
          { name: 'likes', type: 'long', sortAndAgg: true },
          { name: 'title', type: 'text', analyzer: 'max_word' },
        ],
        indexSort: [{ field: 'at', order: 'desc' }],
        routing: ['id'],
        ttl: 864000,
      },
    ]);
    // A table without search indexes serializes as before (no key at all).
    expect(Object.keys(normalizeSpec(table))).not.toContain('searchIndexes');
    expect(parseSnapshot(serializeSnapshot(snapshotOf([s]))).tables.notes_mig.searchIndexes).toEqual(s.searchIndexes);
  });

  it('become the SDK request and read back from DescribeSearchIndex as the same spec', () => {
    const [spec] = specFromSchema(getTableSchema(Note)).searchIndexes!;
    const p = createSearchIndexParams('notes_mig', spec) as { schema: { fieldSchemas: Array<Record<string, unknown>>; indexSort: unknown }; timeToLive: number };
    expect(p.timeToLive).toBe(864000);
    expect(p.schema.fieldSchemas.find((f) => f.fieldName === 'likes')).toMatchObject({ fieldType: 1, enableSortAndAgg: true });
    expect(p.schema.indexSort).toEqual({ sorters: [{ fieldSort: { fieldName: 'at', order: 1 } }] });
    const described = searchIndexSpecFromDescribe('notes_s', {
      schema: {
        fieldSchemas: p.schema.fieldSchemas.map((f) => ({ ...f, docValues: f.enableSortAndAgg, isArray: f.isAnArray })),
        indexSetting: { routingFields: ['id'] },
        indexSort: { sorter: [{ fieldSort: { fieldName: 'at', order: 1 } }] },
      },
      timeToLive: 864000,
    });
    expect(described).toEqual(spec);
  });
});

describe('search index diff', () => {
  it('creates a new index after the table, and deletes it in down', () => {
    const prev = snapshotOf([table]);
    const d = diffSchemas(prev, [normalizeSpec({ ...table, searchIndexes: [ix()] })]);
    expect(d.up).toEqual([{ op: 'createSearchIndex', table: 'notes_mig', index: normalizeSpec({ ...table, searchIndexes: [ix()] }).searchIndexes![0] }]);
    expect(d.down).toEqual([{ op: 'deleteSearchIndex', table: 'notes_mig', index: 'notes_s' }]);
    const src = generatedMigrationSource('x', d.up, d.down, d.notes);
    expect(src).toContain("await m.createSearchIndex('notes_mig', {");
    expect(src).toContain("await m.deleteSearchIndex('notes_mig', 'notes_s');");
  });

  it('changes a TTL in place', () => {
    const d = diffSchemas(snapshotOf([{ ...table, searchIndexes: [ix()] }]), [normalizeSpec({ ...table, searchIndexes: [ix({ ttl: 86400 })] })]);
    expect(d.up).toEqual([{ op: 'updateSearchIndex', table: 'notes_mig', index: 'notes_s', ttl: 86400 }]);
    expect(d.down).toEqual([{ op: 'updateSearchIndex', table: 'notes_mig', index: 'notes_s', ttl: -1 }]);
    expect(generatedMigrationSource('x', d.up, d.down, [])).toContain("await m.updateSearchIndex('notes_mig', 'notes_s', { ttl: 86400 });");
  });

  it('refuses a changed schema under the same name, naming the new-name route', () => {
    const d = diffSchemas(snapshotOf([{ ...table, searchIndexes: [ix()] }]), [normalizeSpec({ ...table, searchIndexes: [ix({ fields: [{ name: 'by', type: 'text' }] })] })]);
    expect(d.refused).toHaveLength(1);
    expect(d.refused[0]).toMatchObject({ table: 'notes_mig', field: 'search index notes_s' });
    expect(d.refused[0].instead).toMatch(/new index name \(e\.g\. notes_s_v2\).*waits until it has caught up.*only then deletes notes_s/);
  });

  it('renames as create-then-delete, so the table is never without an index', () => {
    const d = diffSchemas(snapshotOf([{ ...table, searchIndexes: [ix()] }]), [normalizeSpec({ ...table, searchIndexes: [ix({ name: 'notes_s_v2', fields: [{ name: 'by', type: 'text' }] })] })]);
    expect(d.refused).toEqual([]);
    expect(d.up.map((o) => o.op)).toEqual(['createSearchIndex', 'deleteSearchIndex']);
    expect(d.down.map((o) => o.op)).toEqual(['createSearchIndex', 'deleteSearchIndex']);
    expect(d.down[0]).toMatchObject({ index: { name: 'notes_s' } });
  });

  it('gives a search index on a table whose key changes the table refusal, and no search operations', () => {
    const d = diffSchemas(snapshotOf([{ ...table, searchIndexes: [ix()] }]), [normalizeSpec({ ...table, primaryKey: [{ name: 'id', type: 'INTEGER' }], searchIndexes: [ix({ name: 'other' })] })]);
    expect(d.refused.map((r) => r.field)).toEqual(['primary key']);
  });
});
