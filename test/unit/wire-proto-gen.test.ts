/**
 * src/client/wire/proto.gen.ts and proto-search.gen.ts are checked in (scripts/gen-wire-proto.js says why):
 * regenerating them from the SDK's .proto files must give the same text, and the generated codec must agree
 * with the SDK's compiled protobufjs module on a message each side encodes and the other decodes.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sdkProtos } from '../../src/client/sdk';
import { PbReader, ProtoLong } from '../../src/client/wire/pb';
import * as mainMessages from '../../src/client/wire/proto.gen';
import { decodeMainDescribeStreamResponse, decodeMainGetRowResponse, encodeMainBatchWriteRowRequest, encodeMainGetRowRequest } from '../../src/client/wire/proto.gen';
import * as searchMessages from '../../src/client/wire/proto-search.gen';

const protos = sdkProtos();

function range(from: number, to: number, step = 1): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i += step) out.push(i);
  return out;
}

const gen = require('../../scripts/gen-wire-proto.js') as { generate(): Record<string, string> };

describe('wire protobuf codegen', () => {
  it('regenerating proto.gen.ts and proto-search.gen.ts from the SDK .proto files gives the checked-in files', () => {
    const files = gen.generate();
    expect(Object.keys(files).map((f) => basename(f))).toEqual(['proto.gen.ts', 'proto-search.gen.ts']);
    for (const [file, text] of Object.entries(files)) expect(text, file).toBe(readFileSync(file, 'utf8'));
  });

  it('encodes as the SDK compiled module does (negative int32, int64 extremes, repeated, nested)', () => {
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
      decode(b: Uint8Array): { timeRange: { startTime: object; endTime: object }; maxVersions: number; columnsToGet: string[] };
    };
    const theirs = Buffer.from(
      Req.encode(
        Req.create({ ...m, timeRange: { startTime: '-9223372036854775808', endTime: '9223372036854775807' } }),
      ).finish(),
    );
    expect(ours.toString('hex')).toBe(theirs.toString('hex'));
    const back = Req.decode(ours);
    expect([String(back.timeRange.startTime), String(back.timeRange.endTime)]).toEqual(['-9223372036854775808', '9223372036854775807']);
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

  it('decodes what the SDK compiled module encodes; an int64 beyond 2^53 as a ProtoLong, a safe one as a number', () => {
    const Res = protos.main.proto.DescribeStreamResponse as unknown as { encode(m: object): { finish(): Uint8Array } };
    const body = (creationTime: string) =>
      new PbReader(Buffer.from(Res.encode({ streamId: 's', expirationTime: 24, tableName: 't', creationTime, streamStatus: 2, shards: [{ shardId: 'a' }] }).finish()));
    const big = decodeMainDescribeStreamResponse(body('-9223372036854775808'));
    expect(big.creationTime).toBeInstanceOf(ProtoLong);
    expect(String(big.creationTime)).toBe('-9223372036854775808');
    expect(big).toMatchObject({ streamId: 's', expirationTime: 24, tableName: 't', streamStatus: 2, shards: [{ shardId: 'a' }] });
    expect(decodeMainDescribeStreamResponse(body(String(2 ** 53 - 1))).creationTime).toBe(2 ** 53 - 1);
  });

  it('refuses a message that lacks a required field, naming it', () => {
    expect(() => decodeMainGetRowResponse(new PbReader(Buffer.from([0x12, 0x00])))).toThrow(/GetRowResponse lacks the required field consumed/);
  });

  it('generates only the directions tsorm uses: no decoder of a request, no encoder of a response', () => {
    const names = [...Object.keys(mainMessages), ...Object.keys(searchMessages)];
    expect(names.filter((n) => /^decode\w+Request$|^encode\w+(Response|Result)$/.test(n))).toEqual([]);
    expect(names).toContain('encodeMainGetRowRequest');
    expect(names).toContain('decodeMainGetRowResponse');
    expect(names).toContain('decodeSearchSearchResponse');
  });
});
