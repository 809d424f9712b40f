/**
 * Near-real-time: with the emulator's sync delay (search is eventually consistent on the service, spec §8), a
 * fresh write is not searchable at once, and `waitForSearch` returns only once it is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Column, connect, getTableSchema, PrimaryKey, SearchIndex, Table, type Database } from '../../src';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { createEntityTable } from '../../src/migrations/spec/entity-table';

@Table('sync_notes')
@SearchIndex('sync_notes_search', { fields: { author: 'keyword' } })
class SyncNote {
  @PrimaryKey('string') id!: string;
  @Column('string') author!: string;
}

let emu: RunningEmulator;
let db: Database;
beforeAll(async () => {
  emu = await startEmulator({ port: 0, inMemory: true, searchSyncDelayMs: 1500 });
  db = connect({ endpoint: emu.endpoint, instance: emu.instance, accessKeyId: emu.accessKeyId, accessKeySecret: emu.accessKeySecret });
  await createEntityTable(db.client, getTableSchema(SyncNote));
});
afterAll(async () => {
  db?.close();
  await emu?.close();
});

describe('waitForSearch', () => {
  it('waits until the index has caught up with the writes made before it', async () => {
    const notes = db.repository(SyncNote);
    await notes.insert({ id: 'a', author: 'ada' });
    expect(await notes.search('sync_notes_search', (q) => q.author.term('ada')).count()).toBe(0); // not yet
    await notes.waitForSearch('sync_notes_search', { intervalMs: 50 });
    expect(await notes.search('sync_notes_search', (q) => q.author.term('ada')).count()).toBe(1);
  });

  it('gives up with SearchSyncTimeoutError', async () => {
    const notes = db.repository(SyncNote);
    await notes.insert({ id: 'b', author: 'bob' });
    await expect(notes.waitForSearch('sync_notes_search', { timeoutMs: 100, intervalMs: 20 })).rejects.toMatchObject({ code: 'TsormSearchSyncTimeout' });
  });
});
