/**
 * The TableStore-trigger function: keeps per-author note counts (tsorm_author_counts) in step with the notes
 * table's stream. A PutRow of a new note adds one to its author, a DeleteRow takes one away; updates (views,
 * likes, title, text) never change a note's author in this app, so they count nothing.
 *
 * Idempotent under redelivery. FC delivers at least once: a batch whose invocation failed comes again, whole,
 * after some of its records may already have been applied (streams spec §3.3). So:
 * - a count changes only through a version-checked read-modify-write of its row that also moves the row's
 *   cursor (`appliedMicros` + `appliedNotes`) to the change; a change at or before the cursor is skipped. One
 *   row write, so a count and its cursor never disagree. This relies on records arriving in order per shard
 *   (every write of one table is in one shard here) and on their times increasing (spec §2.5 sequence info);
 *   several changes in the same μs (one BatchWriteRow) are told apart by their note in `appliedNotes`.
 * - which author a note belongs to is kept in tsorm_note_authors, written *after* the count, so a retry after
 *   a failure in between finds the note uncounted, applies again, and the cursor makes that a no-op.
 *
 * Local run: `tsorm invoke examples/app/counts.ts --stream tsorm_notes`, or `createTrigger` in tests; deploy:
 * s.yaml (`notes-counts`) and DEPLOY.md.
 */
import type Long from 'long';
import { ConditionCheckFailedError, type Repository } from 'tsorm';
import { defineFunction } from 'tsorm/fc';
import { AuthorCount, Note, NoteAuthor } from './entities';

/** Adds `delta` to `author`'s count for the change of `note` at `micros`, unless that change was applied. */
async function apply(counts: Repository<AuthorCount>, author: string, micros: bigint, note: string, delta: 1 | -1): Promise<void> {
  for (;;) {
    const row = await counts.get({ author });
    try {
      if (!row) {
        await counts.insert({ author, notes: delta, appliedMicros: micros, appliedNotes: [note] });
        return;
      }
      if (micros < row.appliedMicros || (micros === row.appliedMicros && row.appliedNotes.includes(note))) return; // applied already
      row.notes += delta;
      row.appliedNotes = micros === row.appliedMicros ? [...row.appliedNotes, note] : [note];
      row.appliedMicros = micros;
      await counts.save(row); // fails if the row changed since it was read
      return;
    } catch (e) {
      if (!(e instanceof ConditionCheckFailedError)) throw e;
      // Another writer got there first (an overlapping retry): read again.
    }
  }
}

export const { initializer, handler, preStop } = defineFunction({
  entities: [AuthorCount, NoteAuthor],
  tablestore: {
    entity: Note,
    handler: async (changes, { repo }) => {
      const counts = repo(AuthorCount);
      const owners = repo(NoteAuthor);
      let applied = 0;
      for (const change of changes) {
        const key: { board: string; id: Long } = change.key;
        const note = `${key.board}/${key.id.toString()}`;
        if (change.type === 'put') {
          const owner = await owners.get(key);
          const author = change.row.author;
          if (owner?.author === author) continue; // an overwrite by the same author
          if (owner) await apply(counts, owner.author, change.timestampMicros, note, -1); // the note changed hands
          await apply(counts, author, change.timestampMicros, note, 1);
          await owners.save({ board: key.board, id: key.id, author });
          applied++;
        } else if (change.type === 'delete') {
          const owner = await owners.get(key);
          if (!owner) continue; // never counted (written before the trigger existed), or already removed
          await apply(counts, owner.author, change.timestampMicros, note, -1);
          await owners.delete(key);
          applied++;
        }
      }
      return { records: changes.length, applied };
    },
  },
});
