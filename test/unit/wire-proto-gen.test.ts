/**
 * src/client/wire/proto.gen.ts is checked in (scripts/gen-wire-proto.js says why): regenerating it from the
 * SDK's .proto files must give the same text, and the generated codec must agree with the SDK's compiled
 * protobufjs module on a message both encode.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sdkProtos } from '../../src/client/sdk';
import { PbReader, ProtoLong } from '../../src/client/wire/pb';
import { decodeMainGetRowRequest, encodeMainBatchWriteRowRequest, encodeMainGetRowRequest } from '../../src/client/wire/proto.gen';

const protos = sdkProtos();

function range(from: number, to: number, step = 1): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i += step) out.push(i);
  return out;
}

const gen = require('../../scripts/gen-wire-proto.js') as { generate(): string; OUT: string };

describe('wire protobuf codegen', () => {
  it('regenerating proto.gen.ts from the SDK .proto files gives the checked-in file', () => {
    expect(gen.generate()).toBe(readFileSync(gen.OUT, 'utf8'));
  });

  it('encodes as the SDK compiled module does (negative int32, int64 extremes, repeated, nested) and decodes back', () => {
    const m = {
      tableName: 't',
      primaryKey: Buffer.from([1, 2, 3]),
      columnsToGet: ['a', ''],
      timeRange: { startTime: -9223372036854775808n, endTime: 9223372036854775807n },
      maxVersions: -1,
      cacheBlocks: false,
    };
    const ours = Buffer.from(encodeMainGetRowRequest(m).finish());
    const Req = protos.main.proto.GetRowRequest as unknown as {
      create(p: object): object;
      encode(m: object): { finish(): Uint8Array };
    };
    const theirs = Buffer.from(
      Req.encode(
        Req.create({ ...m, timeRange: { startTime: '-9223372036854775808', endTime: '9223372036854775807' } }),
      ).finish(),
    );
    expect(ours.toString('hex')).toBe(theirs.toString('hex'));
    const back = decodeMainGetRowRequest(new PbReader(ours));
    // Beyond 2^53 an int64 decodes as a ProtoLong (exact decimal string); a safe one as a number.
    expect([String(back.timeRange?.startTime), String(back.timeRange?.endTime)]).toEqual(['-9223372036854775808', '9223372036854775807']);
    expect(back.timeRange?.startTime).toBeInstanceOf(ProtoLong);
    const small = decodeMainGetRowRequest(new PbReader(Buffer.from(encodeMainGetRowRequest({ ...m, timeRange: { startTime: -5, endTime: 2 ** 53 - 1 } }).finish())));
    expect(small.timeRange).toMatchObject({ startTime: -5, endTime: 2 ** 53 - 1 });
    expect(back.maxVersions).toBe(-1);
    expect(back.columnsToGet).toEqual(['a', '']);
  });

  it('writes nested messages in place with the same length varints as protobufjs, across the 1/2/3-byte boundaries', () => {
    const Req = protos.main.proto.BatchWriteRowRequest as unknown as {
      create(p: object): object;
      encode(m: object): { finish(): Uint8Array };
    };
    // Row-change lengths sweeping the points where a row's, a table's and a condition's length varints grow a
    // byte (128, 16,384 and 2,097,152 bytes of body).
    const sizes = [0, 1, ...range(100, 140), ...range(16_340, 16_400), ...range(2_097_120, 2_097_160, 7)];
    for (const size of sizes) {
      const rowChange = Buffer.alloc(size, 7);
      const m = {
        tables: [
          { tableName: 't', rows: [{ type: 1, rowChange, condition: { rowExistence: 0, columnCondition: size < 200 ? Buffer.alloc(size % 7, 1) : undefined } }] },
          { tableName: 'u'.repeat(size % 3), rows: [] },
        ],
        transactionId: 'tx',
      };
      const ours = Buffer.from(encodeMainBatchWriteRowRequest(m).finish());
      const theirs = Buffer.from(Req.encode(Req.create(m)).finish());
      expect(ours.equals(theirs), `row change of ${size} bytes`).toBe(true);
    }
  });

  it('refuses a message that lacks a required field, naming it', () => {
    expect(() => decodeMainGetRowRequest(new PbReader(Buffer.from([0x0a, 0x01, 0x74])))).toThrow(/GetRowRequest lacks the required field primaryKey/);
  });
});
