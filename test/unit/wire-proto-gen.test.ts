/**
 * src/client/wire/proto.gen.ts and proto-search.gen.ts are checked in (scripts/gen-wire-proto.js says why):
 * regenerating them from the SDK's .proto files must give the same text, and the generated codec must agree with the SDK's compiled
 * protobufjs module on a message both encode.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sdkProtos } from '../../src/client/sdk';
import { PbReader, ProtoLong } from '../../src/client/wire/pb';
import { decodeMainGetRowRequest, encodeMainGetRowRequest } from '../../src/client/wire/proto.gen';

const protos = sdkProtos();

const gen = require('../../scripts/gen-wire-proto.js') as { generate(): Record<string, string> };

describe('wire protobuf codegen', () => {
  it('regenerating proto.gen.ts and proto-search.gen.ts from the SDK .proto files gives the checked-in files', () => {
    const files = gen.generate();
    expect(Object.keys(files).map((f) => basename(f))).toEqual(['proto.gen.ts', 'proto-search.gen.ts']);
    for (const [file, text] of Object.entries(files)) expect(text, file).toBe(readFileSync(file, 'utf8'));
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

  it('refuses a message that lacks a required field, naming it', () => {
    expect(() => decodeMainGetRowRequest(new PbReader(Buffer.from([0x0a, 0x01, 0x74])))).toThrow(/GetRowRequest lacks the required field primaryKey/);
  });
});
