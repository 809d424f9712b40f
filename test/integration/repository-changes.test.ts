/**
 * `repo.changes()` (issue 12): an entity's table stream as typed change records, through the repository's own
 * writes, exact beyond 2^53, resumable from the checkpoint of any change. Runs against the suite's backend.
 */
import 'reflect-metadata';
import { beforeAll, describe, expect, it } from 'vitest';
import { Column, PrimaryKey, PrimaryKeys, Table, type Repository, type StreamChange } from '../../src';
import { StreamUnavailableError } from '../../src/client';
import { connectDb, createTables } from '../support/orm';

@Table('changes_notes')
class Note {
  declare readonly [PrimaryKeys]?: 'author' | 'id';
  @PrimaryKey() author!: string;
  @PrimaryKey() id!: bigint;
  @Column() title?: string;
  @Column() views?: bigint;
  @Column({ type: 'double' }) score?: number;
  @Column() body?: Buffer;
}

@Table('changes_nostream')
class Plain {
  @PrimaryKey() id!: string;
}

describe('repo.changes()', () => {
  const db = connectDb();
  let notes: Repository<Note>;

  beforeAll(async () => {
    await createTables(db, Note, Plain);
    await db.client.call('updateTable', { tableName: 'changes_notes', tableOptions: {}, streamSpecification: { enableStream: true, expirationTime: 24 } });
    notes = db.repository(Note);
  });

  const summary = (c: StreamChange<Note>) =>
    c.type === 'put'
      ? `put ${c.key.author}/${c.key.id} ${c.row.title} views=${c.row.views} score=${c.row.score}`
      : c.type === 'update'
        ? `update ${c.key.author}/${c.key.id} set=${JSON.stringify(Object.keys(c.set))} deleted=${c.deleted.map((d) => d.property).join(',')}`
        : `delete ${c.key.author}/${c.key.id}`;

  it('yields typed put, update and delete records with checkpoints to resume from', async () => {
    const big = 2n ** 60n + 1n;
    await notes.insert({ author: 'ann', id: big, title: 'hello', views: big, score: 2, body: Buffer.from([1]) });
    await notes.update({ author: 'ann', id: big }, { set: { title: 'hi' }, remove: ['body'] });
    await notes.increment({ author: 'ann', id: big }, 'views', 1);
    await notes.delete({ author: 'ann', id: big });

    const all: StreamChange<Note>[] = [];
    for await (const c of notes.changes()) all.push(c);
    expect(all.map(summary)).toEqual([
      `put ann/${big} hello views=${big} score=2`,
      'update ann/1152921504606846977 set=["title"] deleted=body',
      'update ann/1152921504606846977 set=["views"] deleted=',
      'delete ann/1152921504606846977',
    ]);
    const put = all[0];
    expect(put.type === 'put' && put.row.body).toEqual(Buffer.from([1]));
    expect(all[2].type === 'update' && all[2].set.views).toBe(big + 1n);
    expect(typeof all[0].timestampMicros).toBe('bigint');

    // Resume after the second change: the last two again, nothing before.
    const rest: string[] = [];
    for await (const c of notes.changes({ from: all[1].checkpoint })) rest.push(summary(c));
    expect(rest).toEqual(all.slice(2).map(summary));
    // From the last checkpoint: caught up, the iteration ends (follow is off).
    const none: unknown[] = [];
    for await (const c of notes.changes({ from: all[3].checkpoint })) none.push(c);
    expect(none).toEqual([]);
  });

  it('follows new changes until aborted', async () => {
    const abort = new AbortController();
    const got: string[] = [];
    const loop = (async () => {
      for await (const c of notes.changes({ start: 'latest', follow: true, pollIntervalMs: 5, signal: abort.signal })) {
        got.push(summary(c));
        abort.abort();
      }
    })();
    // 'latest' is the stream's end when the reader first asks for it: on a loaded machine a write made soon
    // after starting can land before that and is rightly not seen, so keep writing until one is.
    for (let id = 1n; got.length === 0 && id <= 100n; id++) {
      await new Promise((r) => setTimeout(r, 50));
      await notes.insert({ author: 'bob', id, title: 'later' });
    }
    await loop;
    expect(got).toHaveLength(1);
    expect(got[0]).toMatch(/^put bob\/\d+ later views=undefined score=undefined$/);
  });

  it('says clearly when the table has no stream, or an option is out of range', async () => {
    const plain = db.repository(Plain);
    await expect(plain.changes().next()).rejects.toThrow(StreamUnavailableError);
    await expect(plain.changes().next()).rejects.toThrow(/table changes_nostream has no stream: enable it first/);
    await expect(notes.changes({ pollIntervalMs: -1 }).next()).rejects.toThrow(/Note.pollIntervalMs: must be a number of ms ≥ 0/);
  });
});
