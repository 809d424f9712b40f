/** The range, batch and transaction request builders: SDK requests from schema + input, no server. */
import { describe, expect, it } from 'vitest';
import { TableStoreClient } from '../../../src/client/client';
import { RetryPolicy } from '../../../src/client/retry';
import { batchGetParams, batchGetPlan } from '../../../src/repository/actions/batch-get/batch-get-params';
import { batchDeleteRow, batchInsertRow, batchSaveRow, planBatchWrite } from '../../../src/repository/actions/batch-write/batch-write-params';
import { batchWriteParams, estimateRowSize, rowRetryPolicy } from '../../../src/repository/actions/batch-write/engine';
import { wireOperation } from '../../../src/client/wire/operations';
import { Condition, Int64LE, PK_AUTO_INCR, ReturnType, SingleColumnCondition, ComparatorType } from '../../../src/client/values';
import type { BatchWriteRowItem } from '../../../src/client/actions';
import { getRangeParams, scanPlan } from '../../../src/repository/actions/find/find-params';
import { indexSchema } from '../../../src/repository/actions/find/index-schema';
import { startTransactionParams } from '../../../src/repository/actions/transaction/transaction';
import { DuplicateKeyError, EntityValidationError } from '../../../src/repository/errors';
import { EXPECT_EXIST, EXPECT_NOT_EXIST, IGNORE, Long, Note, notes, order, orders, plainKey } from './fixtures';

describe('scanPlan / getRangeParams', () => {
  it('a key prefix becomes [prefix+INF_MIN, prefix+INF_MAX) forward, pages of at most pageSize', () => {
    const plan = scanPlan(notes, notes, { owner: 'ann' }, { pageSize: 50 });
    const params = getRangeParams(plan, plan.range.inclusiveStartPrimaryKey, 120, 'tx');
    expect(params.tableName).toBe('notes');
    expect(params.direction).toBe('FORWARD');
    expect(plainKey(params.inclusiveStartPrimaryKey)).toEqual([['owner', 'ann'], ['id', 'INF_MIN']]);
    expect(plainKey(params.exclusiveEndPrimaryKey)).toEqual([['owner', 'ann'], ['id', 'INF_MAX']]);
    expect(params.limit).toBe(50);
    expect(getRangeParams(plan, plan.range.inclusiveStartPrimaryKey, 7).limit).toBe(7);
    expect(params.transactionId).toBe('tx');
    expect(params).not.toHaveProperty('columnFilter');
  });

  it('{ start, end } is a range; backward swaps the sentinels', () => {
    const plan = scanPlan(notes, notes, { start: { owner: 'c' }, end: { owner: 'a' } }, { direction: 'backward' });
    expect(plan.range.direction).toBe('BACKWARD');
    expect(plainKey(plan.range.inclusiveStartPrimaryKey)[0]).toEqual(['owner', 'c']);
  });

  it('a filter is compiled once and its columns are fetched with the asked ones', () => {
    const plan = scanPlan(notes, notes, {}, { where: (n) => n.views.gt(2), columns: ['title'] });
    expect(plan.columnsToGet).toEqual(['title', 'owner', 'id', 'views']);
    const params = getRangeParams(plan, plan.range.inclusiveStartPrimaryKey, Infinity);
    expect(params.columnFilter).toBe(plan.columnFilter);
    expect(params.limit).toBe(5000);
  });

  it('an empty range plans nothing else (no request will be sent)', () => {
    const plan = scanPlan(notes, notes, { start: { owner: 'b' }, end: { owner: 'a' } }, { columns: ['nope' as never] });
    expect(plan.range.empty).toBe(true);
    expect(plan.columnsToGet).toBeUndefined();
  });

  it('an index read ranges over the index keys and reads the index table', () => {
    const idx = indexSchema(orders, orders.indexes[0]);
    const plan = scanPlan(orders, idx, { email: 'a@b.example' } as never, {});
    expect(plan.table).toBe('orders_by_email');
    expect(plainKey(plan.range.inclusiveStartPrimaryKey)).toEqual([['email', 'a@b.example'], ['shop', 'INF_MIN'], ['id', 'INF_MIN']]);
  });

  it("an index's schema is built once per entity and index (repo.index() runs per request), frozen like the entity's", () => {
    const idx = indexSchema(orders, orders.indexes[0]);
    expect(indexSchema(orders, orders.indexes[0])).toBe(idx);
    expect(Object.isFrozen(idx)).toBe(true);
    expect(idx.primaryKeys.map((k) => k.name)).toEqual(['email', 'shop', 'id']);
    expect(orders.primaryKeys.map((k) => k.name)).toEqual(['shop', 'id']);
  });
});

describe('batchGetPlan / batchGetParams', () => {
  it('reads each distinct key once, 100 keys a request, and maps results back by key identity', () => {
    const keys = Array.from({ length: 250 }, (_, i) => ({ owner: 'o', id: i % 210 }));
    const plan = batchGetPlan(notes, keys, { columns: ['title'] });
    expect(plan.ids).toHaveLength(250);
    expect(plan.ids[0]).toBe(plan.ids[210]);
    expect(plan.chunks.map((c) => c.length)).toEqual([100, 100, 10]);
    const params = batchGetParams('notes', plan, plan.chunks[2], 'tx');
    expect(params.tables[0].tableName).toBe('notes');
    expect(params.tables[0].primaryKey).toHaveLength(10);
    expect(params.tables[0].columnsToGet).toEqual(['title', 'owner', 'id']);
    expect(params.transactionId).toBe('tx');
  });
});

describe('batch write rows and planning', () => {
  it('insert rows: new (notExist), or IGNORE with the generated key asked back; version started', () => {
    const note = Object.assign(new Note(), { owner: 'a', id: 1 });
    expect(batchInsertRow(notes, note).condition.rowExistenceExpectation).toBe(EXPECT_NOT_EXIST);
    const o = order();
    const row = batchInsertRow(orders, o);
    expect(row).toMatchObject({ type: 'PUT', returnContent: { returnType: 1 } });
    expect(row.condition.rowExistenceExpectation).toBe(IGNORE);
    expect(o.version).toBe(1);
    const given = batchInsertRow(orders, order({ id: Long.fromNumber(3) }));
    expect(given).not.toHaveProperty('returnContent');
  });

  it('save rows replace (exist with an auto-increment key); delete rows carry only the key', () => {
    expect(batchSaveRow(orders, order({ id: Long.fromNumber(3), version: 1 })).condition.rowExistenceExpectation).toBe(EXPECT_EXIST);
    expect(() => batchSaveRow(notes, Object.assign(new Note(), { owner: 'a', id: 1, email: 'x' }))).toThrow(EntityValidationError);
    const del = batchDeleteRow(notes, { owner: 'a', id: 1 });
    expect(del.type).toBe('DELETE');
    expect(plainKey(del.primaryKey)).toEqual([['owner', 'a'], ['id', 1n]]);
  });

  it('planning: a failed build fails alone; a repeated insert key fails; a repeated replace key is sent once', () => {
    const keys = [{ owner: 'a', id: 1 }, { owner: 'a' }, { owner: 'a', id: 1 }, { owner: 'b', id: 1 }] as Array<{ owner: string; id: number }>;
    const del = planBatchWrite(keys, (k) => batchDeleteRow(notes, k), 'replace', 'notes');
    expect(del.items.map((i) => i.index)).toEqual([2, 3]);
    expect(del.results[1]).toMatchObject({ ok: false, index: 1 });
    expect([...del.supersededBy]).toEqual([[0, 2]]);
    const ins = planBatchWrite(keys.map((k) => Object.assign(new Note(), k)), (n) => batchInsertRow(notes, n), 'insert', 'notes');
    expect(ins.items.map((i) => i.index)).toEqual([0, 3]);
    expect(ins.results[2]).toMatchObject({ ok: false, index: 2 });
    expect(ins.results[2].ok === false && ins.results[2].error).toBeInstanceOf(DuplicateKeyError);
    expect(ins.results[2]).toMatchObject({ error: { code: 'TsormDuplicateKey', index: 2, firstIndex: 0, table: 'notes' } });
    expect(ins.results[2].ok === false && ins.results[2].error).not.toHaveProperty('status');
    expect(ins.items[0].size).toBeGreaterThan(0);
  });

  it("a row's size estimate is never below the bytes it takes in the request (the 4 MB limit holds)", () => {
    const ignore = new Condition(IGNORE, null);
    const rows: BatchWriteRowItem[] = [
      { type: 'PUT', condition: ignore, primaryKey: [{ id: 'a' }], attributeColumns: [] },
      { type: 'PUT', condition: ignore, primaryKey: [{ id: 'k1' }, { n: new Int64LE(-1) }], attributeColumns: [{ name: 'x' }, { qty: new Int64LE(7) }] },
      { type: 'PUT', condition: ignore, primaryKey: [{ 键: '值'.repeat(300) }], attributeColumns: [{ 名: 'ü'.repeat(5000), timestamp: 1700000000000 }, { b: true }, { d: 0.5 }] },
      { type: 'PUT', condition: new Condition(EXPECT_NOT_EXIST, null), primaryKey: [{ id: 'a' }, { seq: PK_AUTO_INCR }], attributeColumns: Array.from({ length: 40 }, (_, i) => ({ [`c${i}`]: Buffer.alloc(i * 10) })), returnContent: { returnType: ReturnType.Primarykey } },
      { type: 'UPDATE', condition: new Condition(EXPECT_EXIST, new SingleColumnCondition('x', 'q'.repeat(500), ComparatorType.EQUAL)), primaryKey: [{ id: 'b' }], attributeColumns: [{ PUT: [{ x: 'y'.repeat(200) }] }, { DELETE_ALL: ['z', 'w'] }, { INCREMENT: [{ n: new Int64LE(1) }] }] },
      { type: 'DELETE', condition: ignore, primaryKey: [{ id: 'c' }, { n: new Int64LE(5) }] },
    ];
    const encode = wireOperation('batchWriteRow')!.encode;
    for (const row of rows) {
      const bytes = encode({ tables: [{ tableName: 't', rows: [row] }] }).length;
      expect(estimateRowSize(row), JSON.stringify(row).slice(0, 80)).toBeGreaterThanOrEqual(bytes);
    }
  });

  it('one request per chunk, in the transaction when there is one', () => {
    const plan = planBatchWrite([{ owner: 'a', id: 1 }], (k) => batchDeleteRow(notes, k), 'replace', 'notes');
    expect(batchWriteParams('notes', plan.items, 'tx')).toEqual({ tables: [{ tableName: 'notes', rows: [plan.items[0].row] }], transactionId: 'tx' });
    expect(batchWriteParams('notes', plan.items)).not.toHaveProperty('transactionId');
  });

  it("row retries use the client's RetryPolicy (its jitter source) with the batch's rounds and delays", () => {
    const client = new TableStoreClient({ endpoint: 'http://127.0.0.1:1', instance: 'i', accessKeyId: 'a', accessKeySecret: 's', retry: new RetryPolicy({}, () => 0.5) });
    try {
      const policy = rowRetryPolicy(client, { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 30 });
      expect(policy.options.maxAttempts).toBe(3);
      expect([1, 2, 3, 4].map((a) => policy.delayMs(a))).toEqual([5, 10, 15, 15]);
      expect(rowRetryPolicy(client).options).toMatchObject({ maxAttempts: 10, baseDelayMs: 25, throttledBaseDelayMs: 25, maxDelayMs: 2000 });
    } finally {
      client.close();
    }
  });
});

describe('startTransactionParams', () => {
  it('encodes the partition key only, and requires it', () => {
    expect(plainKey(startTransactionParams(notes, { owner: 'ann', id: 3 }).primaryKey)).toEqual([['owner', 'ann']]);
    expect(() => startTransactionParams(notes, {})).toThrow(expect.objectContaining({ rule: 'MISSING_KEY', property: 'owner' }));
  });
});
