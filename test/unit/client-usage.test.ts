import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CallScope,
  Condition,
  connect,
  consumedCapacity,
  Int64LE,
  RowExistenceExpectation,
  type TableStoreClient,
} from '../../src/client';
import {
  batchGetRowReply,
  batchWriteRowReply,
  errorReply,
  getRangeReply,
  getRowReply,
  putRowReply,
  startFakeServer,
  TEST_CREDENTIALS,
  type FakeServer,
  type Reply,
} from './client-fake-server';

const getRow = { tableName: 't', primaryKey: [{ id: 'a' }] };
const putRow = () => ({
  tableName: 't',
  condition: new Condition(RowExistenceExpectation.EXPECT_NOT_EXIST, null),
  primaryKey: [{ id: 'a' }],
  attributeColumns: [{ n: new Int64LE(1) }],
});

/** Each action answered with a fixed consumed CU. */
const replies: Record<string, Reply> = {
  GetRow: getRowReply(1),
  PutRow: putRowReply(1, 2),
  GetRange: getRangeReply(3),
  BatchWriteRow: batchWriteRowReply('t', [{ write: 1 }, { read: 1, write: 2 }, { error: { code: 'OTSConditionCheckFail', message: 'Condition check failed.' } }]),
  BatchGetRow: batchGetRowReply('t', [1, 1, 2]),
};

let server: FakeServer;
let client: TableStoreClient;

beforeAll(async () => {
  server = await startFakeServer((r) => replies[r.action] ?? { status: 400 });
  client = connect({ endpoint: server.endpoint, instance: 'inst', ...TEST_CREDENTIALS, retry: { baseDelayMs: 1, throttledBaseDelayMs: 1 } });
});
afterAll(async () => {
  client.close();
  await server.close();
});
afterEach(() => {
  client.resetUsage();
  server.requests.length = 0;
  server.handle((r) => replies[r.action] ?? { status: 400 });
});

const batchWrite = {
  tables: [
    {
      tableName: 't',
      rows: [
        { type: 'PUT' as const, condition: new Condition(RowExistenceExpectation.IGNORE, null), primaryKey: [{ id: 'a' }], attributeColumns: [{ n: 1.5 }] },
        { type: 'PUT' as const, condition: new Condition(RowExistenceExpectation.IGNORE, null), primaryKey: [{ id: 'b' }], attributeColumns: [{ n: 2.5 }] },
        { type: 'DELETE' as const, condition: new Condition(RowExistenceExpectation.EXPECT_EXIST, null), primaryKey: [{ id: 'c' }] },
      ],
    },
  ],
};
const batchGet = { tables: [{ tableName: 't', primaryKey: [[{ id: 'a' }], [{ id: 'b' }], [{ id: 'c' }]] }] };

describe('capacity units per client', () => {
  it('sums consumed CU from every response shape, and counts calls', async () => {
    await client.call('getRow', getRow); // r1
    await client.call('putRow', putRow()); // r1 w2
    await client.call('getRange', {
      tableName: 't',
      direction: 'FORWARD',
      inclusiveStartPrimaryKey: [{ id: 'a' }],
      exclusiveEndPrimaryKey: [{ id: 'z' }],
    }); // r3
    const bw = await client.call('batchWriteRow', batchWrite); // r1 w3 (the failed row carries none)
    expect(bw.tables.map((r) => r.isOk)).toEqual([true, true, false]);
    expect(bw.tables[2]).toMatchObject({ errorCode: 'OTSConditionCheckFail', capacityUnit: '' });
    const bg = await client.call('batchGetRow', batchGet); // r4
    expect(bg.tables[0]).toHaveLength(3);
    expect(client.usage).toEqual({ calls: 5, requests: 5, failures: 0, readCU: 10, writeCU: 5 });
  });

  it('counts retries as requests and failed calls as failures', async () => {
    server.handle((r, i) => (i === 0 ? errorReply(503, 'OTSServerBusy', 'Server is busy.') : replies[r.action]!));
    await client.call('getRow', getRow);
    server.handle(() => errorReply(403, 'OTSConditionCheckFail', 'Condition check failed.'));
    await expect(client.call('putRow', putRow())).rejects.toThrow('Condition check failed.');
    expect(client.usage).toEqual({ calls: 2, requests: 3, failures: 1, readCU: 1, writeCU: 0 });
  });

  it('callWithMeta reports the CU of that call', async () => {
    const { meta } = await client.callWithMeta('batchWriteRow', batchWrite);
    expect(meta).toMatchObject({ readCU: 1, writeCU: 3, attempts: 1, requestId: 'req-1' });
  });
});

describe('capacity units per scope', () => {
  it('concurrent scopes see only their own calls; the client sees all', async () => {
    const a = client.scope(async () => {
      await client.call('getRow', getRow);
      await new Promise((r) => setTimeout(r, 5));
      await client.call('getRow', getRow);
      return 'a';
    });
    const b = client.scope(async () => {
      await client.call('putRow', putRow());
      return 'b';
    });
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra).toEqual({ result: 'a', usage: { calls: 2, requests: 2, failures: 0, readCU: 2, writeCU: 0 } });
    expect(rb).toEqual({ result: 'b', usage: { calls: 1, requests: 1, failures: 0, readCU: 1, writeCU: 2 } });
    expect(client.usage).toMatchObject({ calls: 3, readCU: 3, writeCU: 2 });
  });

  it('nested scopes add to their parents, and a scope counts every client used inside it', async () => {
    const other = connect({ endpoint: server.endpoint, instance: 'inst', ...TEST_CREDENTIALS });
    try {
      const outer = new CallScope();
      const inner = new CallScope();
      await outer.run(async () => {
        await client.call('getRow', getRow);
        await inner.run(async () => {
          expect(CallScope.current()).toBe(inner);
          await other.call('putRow', putRow());
        });
        expect(CallScope.current()).toBe(outer);
      });
      expect(inner.usage).toMatchObject({ calls: 1, readCU: 1, writeCU: 2 });
      expect(outer.usage).toMatchObject({ calls: 2, readCU: 2, writeCU: 2 });
      expect(client.usage).toMatchObject({ calls: 1, readCU: 1, writeCU: 0 });
      expect(other.usage).toMatchObject({ calls: 1, readCU: 1, writeCU: 2 });
      expect(CallScope.current()).toBeUndefined();
    } finally {
      other.close();
    }
  });

  it('a scope run again inside itself counts each call once', async () => {
    const scope = new CallScope();
    const outer = new CallScope();
    await scope.run(() => outer.run(() => scope.run(() => client.call('getRow', getRow))));
    expect(scope.usage).toMatchObject({ calls: 1, requests: 1, readCU: 1 });
    expect(outer.usage).toMatchObject({ calls: 1, requests: 1, readCU: 1 });
  });

  it("a scope's usage is readable after its function throws", async () => {
    const scope = new CallScope();
    await expect(
      scope.run(async () => {
        await client.call('getRow', getRow);
        throw new Error('handler failed');
      }),
    ).rejects.toThrow('handler failed');
    expect(scope.usage).toMatchObject({ calls: 1, readCU: 1 });
  });
});

describe('consumedCapacity', () => {
  it('reads every decoded shape', () => {
    expect(consumedCapacity({ consumed: { capacityUnit: { read: 2, write: 3 } } })).toEqual({ read: 2, write: 3 });
    expect(consumedCapacity({ tables: [{ capacityUnit: { read: 1, write: 1 } }, { capacityUnit: '' }] })).toEqual({ read: 1, write: 1 });
    expect(consumedCapacity({ tables: [[{ capacityUnit: { read: 1, write: 0 } }], [{ capacityUnit: { read: 4, write: 0 } }]] })).toEqual({ read: 5, write: 0 });
    expect(
      consumedCapacity({ consumes: [{ tableName: 'a', consumed: { capacityUnit: { read: 7, write: 0 } } }, { tableName: 'b' }] }),
    ).toEqual({ read: 7, write: 0 });
    expect(consumedCapacity({ tableNames: ['x'] })).toEqual({ read: 0, write: 0 });
    expect(consumedCapacity(null)).toEqual({ read: 0, write: 0 });
  });
});
