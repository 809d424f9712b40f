/**
 * `m.createSearchIndex` / `m.updateSearchIndex` / `m.deleteSearchIndex` and `m.createTable` with search
 * indexes, against the emulator over HTTP: idempotent, compared with DescribeSearchIndex, dry runs send nothing.
 */
import { describe, expect, it } from 'vitest';
import { testContext } from '../support/migration-context';
import { TableConflictError } from '../../src/migrations/errors';
import { listSearchIndexes } from '../../src/migrations/spec/search-index-spec';
import { connectDb } from '../support/orm';
import { uniqueTable } from '../support/sdk';

const context = (db: ReturnType<typeof connectDb>, dryRun: boolean, lines: string[]) => testContext(db, { dryRun, log: (line) => lines.push(line) });

describe('search indexes in migrations', () => {
  it('creates a table with its search index, then changes, deletes and re-creates idempotently', async () => {
    const db = connectDb();
    const table = uniqueTable('msearch');
    const lines: string[] = [];
    const m = context(db, false, lines);
    const index = { name: `${table}_s`, fields: [{ name: 'title', type: 'text' as const, analyzer: 'max_word' }, { name: 'n', type: 'long' as const, sortAndAgg: true }] };
    await m.createTable({ name: table, primaryKey: [{ name: 'id', type: 'STRING' }], options: { allowUpdate: false }, searchIndexes: [index] });
    expect(await listSearchIndexes(db.client, table)).toEqual([index.name]);
    expect(lines.at(-1)).toMatch(/created \(with search index/);

    // The same table again: compared with the live one, search index included.
    await m.createTable({ name: table, primaryKey: [{ name: 'id', type: 'STRING' }], options: { allowUpdate: false }, searchIndexes: [index] });
    expect(lines.at(-1)).toMatch(/exists with the same schema/);
    await m.createSearchIndex(table, index);
    expect(lines.at(-1)).toMatch(/exists with the same definition/);
    await expect(m.createSearchIndex(table, { ...index, fields: [{ name: 'title', type: 'keyword' }] })).rejects.toBeInstanceOf(TableConflictError);

    await m.updateSearchIndex(table, index.name, { ttl: 864000 });
    expect(lines.at(-1)).toMatch(/changed ttl -1 → 864000/);
    await m.updateSearchIndex(table, index.name, { ttl: 864000 });
    expect(lines.at(-1)).toMatch(/already set/);

    // A dry run says what it would do and sends nothing.
    const dry: string[] = [];
    await context(db, true, dry).deleteSearchIndex(table, index.name);
    expect(dry.at(-1)).toMatch(/would delete/);
    expect(await listSearchIndexes(db.client, table)).toEqual([index.name]);

    await m.deleteSearchIndex(table, index.name);
    expect(await listSearchIndexes(db.client, table)).toEqual([]);
    await m.deleteSearchIndex(table, index.name);
    expect(lines.at(-1)).toMatch(/no such search index/);

    // A table with a search index is deleted with it (the service refuses otherwise).
    await m.createSearchIndex(table, index);
    expect(lines.at(-1)).toMatch(/created and caught up/);
    await m.deleteTable(table);
    expect(lines.at(-1)).toMatch(/deleted/);
    db.close();
  });
});
