import { describe, expect, it } from 'vitest';
import {
  Condition,
  INF_MAX,
  INF_MIN,
  Int64LE,
  PK_AUTO_INCR,
  ReturnType,
  RowExistenceExpectation,
  sdkVersion,
  SingleColumnCondition,
  ComparatorType,
} from '../../src/client';
import { assertSdkInternals, protos, TableStoreSdk } from '../../src/client/sdk';

describe('the typed SDK surface', () => {
  it('is the installed 5.6.x SDK, with the internals the transport relies on', () => {
    expect(sdkVersion()).toMatch(/^5\.6\./);
    expect(() => assertSdkInternals()).not.toThrow();
  });

  it('Int64LE is the class the SDK itself builds and checks, exact over the whole int64 range', () => {
    const sdkMade = TableStoreSdk.Long.fromNumber(5);
    expect(sdkMade).toBeInstanceOf(Int64LE);
    expect(Int64LE.isInt64LE(new Int64LE(1))).toBe(true);
    expect(new Int64LE('9223372036854775807', 10).toString()).toBe('9223372036854775807');
    expect(new Int64LE('-9223372036854775808', 10).toString()).toBe('-9223372036854775808');
  });

  it('exports the constants and classes with the SDK values', () => {
    expect(RowExistenceExpectation).toEqual({ IGNORE: 0, EXPECT_EXIST: 1, EXPECT_NOT_EXIST: 2 });
    expect(ReturnType).toEqual({ NONE: 0, Primarykey: 1, AfterModify: 2 });
    expect(INF_MIN).toBe(TableStoreSdk.INF_MIN);
    expect(INF_MAX).not.toBe(INF_MIN);
    expect(PK_AUTO_INCR).toBe(TableStoreSdk.PK_AUTO_INCR);
    const c = new Condition(RowExistenceExpectation.EXPECT_EXIST, new SingleColumnCondition('v', new Int64LE(3), ComparatorType.EQUAL, false));
    expect(c).toBeInstanceOf(TableStoreSdk.Condition);
    expect(c.columnCondition).toMatchObject({ columnName: 'v', passIfMissing: false });
  });

  it("protos is the SDK's compiled module, shared with its decoder", () => {
    const bytes = protos.main.proto.Error.encode({ code: 'OTSTimeout', message: 'Operation timeout.' }).finish();
    expect(protos.main.proto.Error.decode(bytes)).toMatchObject({ code: 'OTSTimeout', message: 'Operation timeout.' });
    expect(protos).toBe(require('tablestore/lib/protocol/tablestore_compiled_proto.js'));
  });
});
