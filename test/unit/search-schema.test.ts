/**
 * `@SearchIndex` declarations: the validated schema (stored names, defaults, the Date → epoch_millis mapping)
 * and every refusal, each a `SchemaError` naming the property and the rule (search-index spec §2).
 */
import 'reflect-metadata';
import Long from 'long';
import { describe, expect, it } from 'vitest';
import { Column, getTableSchema, PrimaryKey, SchemaError, SearchIndex, Table, defineSearchIndex, type SearchIndexOptions } from '../../src/schema';

function refused(options: SearchIndexOptions, tableOptions: Record<string, unknown> = {}): SchemaError {
  try {
    @Table('t', tableOptions)
    @SearchIndex('s', options)
    class T {
      @PrimaryKey() id!: string;
      @PrimaryKey() n!: Long;
      @Column() title?: string;
      @Column({ type: 'int64', mode: 'bigint' }) likes?: bigint;
      @Column() at?: Date;
      @Column('double') score?: number;
      @Column() ok?: boolean;
      @Column({ type: 'json' }) tags?: string[];
      @Column() blob?: Buffer;
    }
    void T;
  } catch (e) {
    expect(e).toBeInstanceOf(SchemaError);
    return e as SchemaError;
  }
  throw new Error('expected a SchemaError');
}

describe('@SearchIndex declaration', () => {
  it('builds the schema with stored names, defaults and the codec mapping of each column type', () => {
    const handle = defineSearchIndex<Note>()('notes_s', {
      fields: {
        title: { type: 'text', analyzer: 'max_word', highlight: true },
        author: 'keyword',
        likes: { type: 'long', sortAndAgg: true },
        createdAt: 'date',
        tags: { type: 'keyword', array: true },
        authorText: { type: 'text', source: 'author' },
      },
      indexSort: [{ field: 'createdAt', order: 'desc' }],
      routing: ['id'],
    });
    @Table('notes_schema')
    @SearchIndex(handle)
    class Note {
      @PrimaryKey() id!: string;
      @Column() title!: string;
      @Column({ name: 'au' }) author!: string;
      @Column() likes!: bigint;
      @Column() createdAt!: Date;
      @Column({ type: 'json' }) tags?: string[];
    }
    const [ix] = getTableSchema(Note).searchIndexes;
    expect(ix.name).toBe('notes_s');
    expect(ix.byKey.author.name).toBe('au');
    expect(ix.byKey.title.analyzer).toBe('max_word');
    expect(ix.byKey.createdAt.dateFormats).toEqual(['epoch_millis']);
    expect(ix.byKey.tags.array).toBe(true);
    expect(ix.byKey.authorText).toMatchObject({ name: 'authorText', virtual: true, type: 'text' });
    expect(ix.byKey.authorText.column?.name).toBe('au');
    expect(ix.indexSort).toEqual([{ field: 'createdAt', order: 'desc' }]);
    expect(ix.routing).toEqual(['id']);
    expect(ix.ttl).toBe(-1);
    expect(Object.isFrozen(ix)).toBe(true);
  });

  it.each<[string, SearchIndexOptions, RegExp, string | undefined]>([
    ['a bigint column as keyword', { fields: { likes: 'keyword' } }, /int64 column cannot be indexed as keyword/, 'likes'],
    ['a Buffer column', { fields: { blob: 'keyword' } }, /binary column cannot be indexed.*none/, 'blob'],
    ['an analyzer on keyword', { fields: { title: { type: 'keyword', analyzer: 'max_word' } } }, /analyzer only applies to text/, 'title'],
    ['a wrong analyzer parameter', { fields: { title: { type: 'text', analyzer: 'split', analyzerParameter: { minChars: 2 } } } }, /takes no parameter 'minChars'/, 'title'],
    ['highlight on keyword', { fields: { title: { type: 'keyword', highlight: true } } }, /highlight only applies to text/, 'title'],
    ['sortAndAgg on text', { fields: { title: { type: 'text', sortAndAgg: true } } }, /cannot be sorted or aggregated/, 'title'],
    ['a json column without array', { fields: { tags: 'keyword' } }, /array: true/, 'tags'],
    ['array on a string column', { fields: { title: { type: 'keyword', array: true } } }, /array: true needs a json column/, 'title'],
    ['a Date with another format', { fields: { at: { type: 'date', dateFormats: ['epoch_second'] } } }, /only date format is 'epoch_millis'/, 'at'],
    ['an int64 date without an epoch format', { fields: { likes: 'date' } }, /needs dateFormats of epoch_/, 'likes'],
    ['a text date without formats', { fields: { title: 'date' } }, /needs dateFormats/, 'title'],
    ['an unknown property', { fields: { nope: 'keyword' } }, /not a property of the entity/, 'nope'],
    ['a virtual field from double to long', { fields: { v: { type: 'long', source: 'score' } } }, /cannot be computed from the double column/, 'v'],
    ['a virtual field named like a property', { fields: { title: { type: 'keyword', source: 'title' } } }, /needs a name of its own/, 'title'],
    ['a sort on a text field', { fields: { title: 'text' }, indexSort: [{ field: 'title' }] }, /cannot sort the index by a text field/, 'title'],
    ['a sort with nested fields', { fields: { tags: { type: 'nested', fields: { a: 'keyword' } }, ok: 'boolean' }, indexSort: [{ field: 'ok' }] }, /nested fields cannot have an indexSort/, undefined],
    ['routing on a column', { fields: { ok: 'boolean' }, routing: ['title'] }, /routing: 'title' is not a primary-key property/, undefined],
    ['a ttl on an updatable table', { fields: { ok: 'boolean' }, ttl: 86400 }, /ttl needs allowUpdate: false/, undefined],
    ['index: false (never sent by the Node SDK)', { fields: { title: { type: 'keyword', index: false } } }, /index: false cannot be sent/, 'title'],
    ['a vector without dimension', { fields: { tags: { type: 'vector' } } }, /needs vector: \{ dimension \}/, 'tags'],
  ])('refuses %s', (_, options, message, property) => {
    const e = refused(options);
    expect(e.rule).toBe('SEARCH_INDEX');
    expect(e.property).toBe(property);
    expect(e.message).toMatch(message);
  });

  it('refuses a table with several versions', () => {
    const e = refused({ fields: { ok: 'boolean' } }, { maxVersions: 2 });
    expect(e.message).toMatch(/maxVersions 1/);
  });

  it('accepts a ttl on a table without updates', () => {
    @Table('ttl_ok', { allowUpdate: false })
    @SearchIndex('s', { fields: { ok: 'boolean' }, ttl: 86400 })
    class T {
      @PrimaryKey() id!: string;
      @Column() ok?: boolean;
    }
    expect(getTableSchema(T).searchIndexes[0].ttl).toBe(86400);
  });
});
