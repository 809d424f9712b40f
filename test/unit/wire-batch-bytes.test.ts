/**
 * Issue 15: BatchWriteRow's encoder writes each row's PlainBuffer straight into the protobuf request
 * (wire/row-codec.ts `encodeBatchWriteRow`) with ASCII fast paths and in-place nested lengths (wire/pb.ts,
 * wire/plainbuffer.ts). A full-size batch through it and through the official SDK must give the same body:
 * 200 rows of every row type and value type, non-ASCII values (the UTF-8 path), rows past 128 and 16,384
 * bytes (their length varints grow), cell versions as Int64LE and as numbers, and a transaction id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Condition, Int64LE, PK_AUTO_INCR, RowExistenceExpectation as RE, SingleColumnCondition, ComparatorType as CT, ReturnType as RT } from '../../src/client/values';
import { wireOperation } from '../../src/client/wire/operations';
import { PbWriter } from '../../src/client/wire/pb';
import { primaryKeyBuffer } from '../../src/client/wire/row-codec';
import { expectSameRequest, plain, sdkEncode, startComparison, type Comparison } from './wire-compare';

const consumed = { capacityUnit: { read: 0, write: 1 } };

/** A result row: most written, some refused, some returning their (auto-increment) key. */
function replyRow(i: number): object {
  if (i % 50 === 7) return { isOk: false, error: { code: 'OTSConditionCheckFail', message: 'no' } };
  if (i % 8 === 1) return { isOk: true, consumed, row: primaryKeyBuffer([{ id: `k${i}` }, { n: new Int64LE(BigInt(i) * 1000n) }]) };
  return { isOk: true, consumed };
}

let cmp: Comparison;
beforeAll(async () => {
  cmp = await startComparison({
    BatchWriteRow: () =>
      sdkEncode('main', 'BatchWriteRowResponse', {
        tables: [{ tableName: 't', rows: Array.from({ length: 200 }, (_, i) => replyRow(i)) }],
      }),
  });
});
afterAll(() => cmp.close());

const EDGES = [2n ** 53n - 1n, -(2n ** 53n - 1n), 2n ** 53n, -(2n ** 53n), 2n ** 32n, -(2n ** 32n), 2n ** 32n - 1n, -1n, 0n];

function row(i: number): Record<string, unknown> {
  const key = [{ id: i % 3 === 0 ? `k${i}` : `键-${i}-ключ` }, { n: new Int64LE(BigInt(i) * -7_000_000_000_000n) }];
  const text = i % 10 === 0 ? 'é'.repeat(70 + i) : i % 10 === 1 ? 'x'.repeat(120 + (i % 16)) : i % 10 === 2 ? 'y'.repeat(16_370 + i) : `v${i}`;
  switch (i % 4) {
    case 3:
      return { type: 'DELETE', primaryKey: key, condition: new Condition(RE.IGNORE, null) };
    case 2:
      return {
        type: 'UPDATE',
        primaryKey: key,
        attributeColumns: [{ PUT: [{ s: text }, { big: new Int64LE(-BigInt(i)), timestamp: 1700000000000 + i }] }, { DELETE_ALL: ['gone'] }, { INCREMENT: [{ c: new Int64LE(1) }] }],
        condition: new Condition(RE.EXPECT_EXIST, new SingleColumnCondition('s', '前', CT.NOT_EQUAL)),
        returnContent: { returnType: RT.AfterModify, returnColumns: ['c'] },
      };
    default:
      return {
        type: 'PUT',
        primaryKey: i % 8 === 1 ? [key[0], { n: PK_AUTO_INCR }] : key,
        attributeColumns: [
          { s: text },
          { d: i / 3 },
          { b: i % 2 === 0 },
          { bin: Buffer.from([i & 0xff, 0, 0xff]) },
          { v: new Int64LE(BigInt(i) << 40n), timestamp: new Int64LE(1700000000000 + i) },
          { e: '' },
          // Either side of ±(2^53-1), where the writer turns from numbers to BigInt arithmetic.
          { edge: new Int64LE(EDGES[i % EDGES.length]), timestamp: new Int64LE(EDGES[(i + 1) % EDGES.length]) },
        ],
        condition: new Condition(i % 8 === 0 ? RE.EXPECT_NOT_EXIST : RE.IGNORE, null),
        returnContent: i % 8 === 1 ? { returnType: RT.Primarykey } : undefined,
      };
  }
}

describe('wire transport: a full-size BatchWriteRow is byte-identical with the SDK', () => {
  it('200 rows of every row and value type, non-ASCII values, rows past the 128 and 16,384-byte lengths', async () => {
    const params = () => ({ tables: [{ tableName: 't', rows: Array.from({ length: 200 }, (_, i) => row(i)) }] });
    const { ours, theirs, ourData, theirData } = await cmp.both('batchWriteRow', params);
    expect(ours.body.length).toBeGreaterThan(16_384 * 20);
    expectSameRequest(ours, theirs);
    expect(plain(ourData)).toEqual(plain(theirData));
  });

  it('several tables and a transaction id', async () => {
    const params = () => ({
      tables: [
        { tableName: 't', rows: [row(0), row(1)] },
        { tableName: 'ü'.repeat(40), rows: [row(2), row(3)] },
      ],
      transactionId: 'tx-1',
    });
    const { ours, theirs } = await cmp.both('batchWriteRow', params);
    expectSameRequest(ours, theirs);
  });

  it('decodes a response whose table name follows its rows, and refuses a row without isOk', () => {
    const decode = wireOperation('batchWriteRow')!.decode;
    const rowBytes = Buffer.from(sdkEncode('main', 'RowInBatchWriteRowResponse', { isOk: true, consumed }));
    const w = new PbWriter();
    w.tag(10);
    const table = w.reserveLength();
    for (let i = 0; i < 2; i++) {
      w.tag(18);
      w.bytes(rowBytes);
    }
    w.tag(10);
    w.string('late');
    w.endLength(table);
    const decoded = decode(Buffer.from(w.finish())) as { tables: Array<{ tableName: string; capacityUnit: unknown }> };
    expect(decoded.tables.map((r) => [r.tableName, r.capacityUnit])).toEqual([['late', { read: 0, write: 1 }], ['late', { read: 0, write: 1 }]]);

    const noIsOk = sdkEncode('main', 'BatchWriteRowResponse', { tables: [{ tableName: 't', rows: [] }] });
    const bad = Buffer.concat([Buffer.from(noIsOk.subarray(0, 1)), Buffer.from([noIsOk[1] + 4]), Buffer.from(noIsOk.subarray(2)), Buffer.from([0x12, 0x02, 0x28, 0x00])]);
    expect(() => decode(bad)).toThrow(/RowInBatchWriteRowResponse lacks the required field isOk/);
  });
});
