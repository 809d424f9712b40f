import { describe, expect, it } from 'vitest';
import { testContext } from '../support/migration-context';
import { connectDb } from '../support/orm';
import { uniqueTable } from '../support/sdk';

describe('m.updateTable', () => {
  it('changes only the reserved throughput it is given (an undefined read keeps the current read)', async () => {
    const db = connectDb();
    const table = uniqueTable('mctx');
    await db.client.call('createTable', {
      tableMeta: { tableName: table, primaryKey: [{ name: 'id', type: 'STRING' }] },
      reservedThroughput: { capacityUnit: { read: 1, write: 0 } },
      tableOptions: { timeToLive: -1, maxVersions: 1 },
    });
    const lines: string[] = [];
    const m = testContext(db, { dryRun: true, log: (line) => lines.push(line) });
    await m.updateTable(table, { reservedThroughput: { read: undefined, write: 2 } });
    expect(lines.join('\n')).toMatch(/reserved write 0 → 2/);
    expect(lines.join('\n')).not.toMatch(/reserved read/);
    await db.client.call('deleteTable', { tableName: table });
    db.close();
  });
});
