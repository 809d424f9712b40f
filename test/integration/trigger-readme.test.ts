/**
 * The README's "Streams and triggers" section: examples/trigger-quickstart.ts is shown verbatim in both READMEs
 * and works as they say (events built from rows written to the emulator, redelivery idempotent).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as fn from '../../examples/trigger-quickstart';
import { createTables, invoke, startEmulator, triggerEvent, type TestEmulator } from '../../src/testing';

const root = join(__dirname, '../..');
let emu: TestEmulator | undefined;
afterAll(() => emu?.close());

describe('README: streams and triggers', () => {
  it('runs examples/trigger-quickstart.ts as the README says', async () => {
    emu = await startEmulator();
    expect((await createTables(emu, fn)).sort()).toEqual(['quickstart_order_log', 'quickstart_orders']);
    const db = emu.connect();
    expect((await db.client.call('describeTable', { tableName: 'quickstart_orders' })).streamDetails).toMatchObject({ enableStream: true, expirationTime: 24 });
    const saved = await db.repository(fn.Order).save(Object.assign(new fn.Order(), { id: 'o1', customer: 'ann', cents: 2n ** 60n }));
    const event = triggerEvent(fn.Order, [
      { type: 'put', row: saved },
      { type: 'update', key: { id: 'o1' }, set: { cents: 990n } },
      { type: 'delete', key: { id: 'o1' } },
    ]);
    const first = await invoke(fn, { event });
    expect(first.logs.at(-1)).toMatch(/tsorm invocation .* trigger=tablestore records=3 .* writeCU=3$/);
    await invoke(fn, { event, runtime: 'fc2' }); // FC delivers a batch again after a failure: same rows
    const log = (await db.repository(fn.OrderLog).page({ orderId: 'o1' })).items;
    expect(log.map((l) => [l.change, l.cents])).toEqual([
      ['put', 2n ** 60n],
      ['update', 990n],
      ['delete', undefined],
    ]);
    db.close();
  });

  it.each(['README.md', 'README.zh-CN.md'])('%s shows the handler verbatim and documents records, testing and enabling streams', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    expect(text).toContain(readFileSync(join(root, 'examples/trigger-quickstart.ts'), 'utf8').trim());
    for (const phrase of ['ChangeRecord<T>', 'TriggerEventError', 'trigger=tablestore records=', 'triggerEvent(Order, [', "stream: { expirationHours: 24, columns: ['status'] }", 'migrate:status', 'triggerType: tablestore']) {
      expect(text).toContain(phrase);
    }
  });
});
