/**
 * The example app's TableStore-trigger function (examples/app/counts.ts, issue 12): per-author note counts
 * kept from tsorm_notes' stream stay exact under at-least-once delivery. 1,000 mixed writes (inserts, batch
 * inserts, deletes, updates) run while the local trigger delivers in the background, and the handler fails
 * often on purpose: before doing anything, after part of a batch, and after all of it (the acknowledgement
 * lost). Afterwards every count equals the notes the table holds: none lost, none doubled.
 */
import Long from 'long';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as counts from '../../examples/app/counts';
import { AuthorCount, Note, NoteAuthor } from '../../examples/app/entities';
import { decodeTriggerEvent } from '../../src/fc/trigger/cbor';
import { encodeTriggerEvent } from '../../src/fc/trigger/cbor-encode';
import { createTables, createTrigger, startEmulator, type TestEmulator } from '../../src/testing';

/** A small seeded PRNG (mulberry32), so a failing run can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe.skipIf(!!process.env.TSORM_TEST_ENDPOINT)('examples/app/counts.ts under redelivery', () => {
  let emu: TestEmulator;

  beforeAll(async () => {
    emu = await startEmulator();
    // The notes table comes with its stream: @Table('tsorm_notes', { stream: { expirationHours: 24 } }).
    await createTables(emu, Note, AuthorCount, NoteAuthor);
  });
  afterAll(async () => {
    await emu?.close();
  });

  it('keeps every count exact after 1,000 mixed writes with injected handler failures', async () => {
    const seed = Number(process.env.TSORM_COUNTS_SEED ?? 12);
    const random = prng(seed);
    const injected = { before: 0, partial: 0, after: 0 };
    // The function as FC would run it, with failures injected around the real handler.
    const flaky = {
      initializer: counts.initializer,
      preStop: counts.preStop,
      handler: async (event: Buffer, ctx: unknown) => {
        const r = random();
        if (r < 0.15) {
          injected.before++;
          throw new Error('injected: failed before doing anything');
        }
        if (r < 0.35) {
          // A crash part-way: only the first k records were applied.
          const ev = decodeTriggerEvent(event);
          const k = 1 + Math.floor(random() * ev.records.length);
          await counts.handler(encodeTriggerEvent({ version: ev.version, records: ev.records.slice(0, k) }), ctx);
          injected.partial++;
          throw new Error(`injected: failed after ${k} of ${ev.records.length} records`);
        }
        const result = await counts.handler(event, ctx);
        if (r < 0.45) {
          injected.after++;
          throw new Error('injected: the acknowledgement was lost');
        }
        return result;
      },
    };
    const trigger = await createTrigger(flaky, { table: 'tsorm_notes', emulator: emu, batchSize: 25, retryDelayMs: 1, maxRetryDelayMs: 5, pollIntervalMs: 2 });
    trigger.start();

    const db = emu.connect();
    const notes = db.repository(Note);
    const authors = ['ada', 'bob', 'cy', 'dee', 'eve', 'fay', 'gus'];
    const live: Array<{ board: string; id: Long }> = [];
    const base = { title: 't', views: 0, likes: 0n, createdAt: new Date(0) };
    let writes = 0;
    const writeOps = { insert: 0, batch: 0, delete: 0, update: 0 };
    try {
      while (writes < 1000) {
        const r = random();
        const board = `b${Math.floor(random() * 4)}`;
        const author = authors[Math.floor(random() * authors.length)];
        if (r < 0.5 || live.length === 0) {
          const note = await notes.insert({ ...base, board, author });
          live.push({ board, id: note.id });
          writeOps.insert++;
          writes++;
        } else if (r < 0.6) {
          // One BatchWriteRow: several notes in one commit, so several changes share one μs.
          const result = await notes.batchInsert(authors.slice(0, 4).map((a) => ({ ...base, board, author: a })));
          for (const n of result.succeeded) live.push({ board: n.board, id: n.id });
          writeOps.batch++;
          writes += 4;
        } else if (r < 0.85) {
          const [gone] = live.splice(Math.floor(random() * live.length), 1);
          await notes.delete(gone);
          writeOps.delete++;
          writes++;
        } else {
          const target = live[Math.floor(random() * live.length)];
          await notes.update(target, { increment: { likes: 1n }, set: { title: `t${writes}` } });
          writeOps.update++;
          writes++;
        }
      }
      await trigger.stop();
      await trigger.drain({ timeoutMs: 120_000 });

      // The truth: the notes the table holds, per author.
      const expected = new Map<string, number>();
      for await (const n of notes.find()) expected.set(n.author, (expected.get(n.author) ?? 0) + 1);
      const actual = new Map<string, number>();
      for await (const c of db.repository(AuthorCount).find()) if (c.notes !== 0) actual.set(c.author, c.notes);
      expect(Object.fromEntries([...actual].sort())).toEqual(Object.fromEntries([...expected].sort()));
      let owners = 0;
      for await (const _ of db.repository(NoteAuthor).find()) owners++;
      expect(owners).toBe(live.length);
      expect([...expected.values()].reduce((a, b) => a + b, 0)).toBe(live.length);

      // The run did exercise what it claims to.
      expect(writeOps.batch).toBeGreaterThan(10);
      expect(writeOps.delete).toBeGreaterThan(100);
      expect(injected.before).toBeGreaterThan(5);
      expect(injected.partial).toBeGreaterThan(5);
      expect(injected.after).toBeGreaterThan(5);
      expect(trigger.stats.failures).toBe(injected.before + injected.partial + injected.after);
      expect(trigger.stats.expired).toBe(0);
    } finally {
      db.close();
      await trigger.close();
    }
  }, 180_000);
});
