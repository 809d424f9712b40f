/**
 * The README's local delivery and stream reading (issue 12), both languages: createTrigger + drain() deliver
 * a save to examples/trigger-quickstart.ts, and repo.changes() resumes from a checkpoint, as the READMEs show.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as fn from '../../examples/trigger-quickstart';
import { createTables, createTrigger, startEmulator, type TestEmulator } from '../../src/testing';

const root = join(__dirname, '../..');
let emu: TestEmulator | undefined;
afterAll(() => emu?.close());

describe('README: delivering and reading streams', () => {
  it('works as written: createTrigger + drain(), then repo.changes() with checkpoints', async () => {
    emu = await startEmulator();
    await createTables(emu, fn);
    const db = emu.connect();
    const { Order, OrderLog } = fn;
    const trigger = await createTrigger(fn, { table: 'quickstart_orders', emulator: emu });
    const order = Object.assign(new Order(), { id: 'o1', customer: 'ann', cents: 2n ** 60n });
    await db.repository(Order).save(order);
    await trigger.drain();
    await trigger.close();
    expect(trigger.invocations.map((i) => [i.records, i.ok])).toEqual([[1, true]]);
    expect((await db.repository(OrderLog).page({ orderId: 'o1' })).items.map((l) => [l.change, l.cents])).toEqual([['put', 2n ** 60n]]);

    await db.repository(Order).update({ id: 'o1' }, { set: { cents: 990n } });
    const seen: string[] = [];
    let checkpoint: string | undefined;
    for await (const change of db.repository(Order).changes({ from: checkpoint })) {
      seen.push(change.type);
      checkpoint = change.checkpoint;
      if (seen.length === 1) break; // stop after the first, store the checkpoint…
    }
    for await (const change of db.repository(Order).changes({ from: checkpoint })) seen.push(`${change.type} ${change.type === 'update' ? change.set.cents : ''}`);
    expect(seen).toEqual(['put', 'update 990']); // …and resume right after it
    db.close();
  });

  it.each(['README.md', 'README.zh-CN.md'])('%s documents local delivery and reading streams', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    for (const phrase of [
      'tsorm invoke src/orders-trigger.ts --stream quickstart_orders',
      '--stream TABLE [--from oldest|latest] [--once] [--batch-size N]',
      "const trigger = await createTrigger(fn, { table: 'quickstart_orders', emulator: emu });",
      'await trigger.drain();',
      'db.repository(Order).changes({ from: checkpoint, follow: true })',
      'checkpoint = change.checkpoint;',
      'StreamTrimmedError',
      'StreamUnavailableError',
      'StreamReader',
      'tsorm trigger … records=2 attempt=1 status=ok',
    ]) {
      expect(text, phrase).toContain(phrase);
    }
  });
});
