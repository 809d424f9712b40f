import { describe, expect, it } from 'vitest';
import {
  Condition,
  INF_MAX,
  INF_MIN,
  Int64LE,
  PK_AUTO_INCR,
  RowExistenceExpectation,
  sdkVersion,
  SingleColumnCondition,
  ComparatorType,
} from '../../src/client';
import * as client from '../../src/client';
import { assertSdkInternals, loadSdk, sdkProtos } from '../../src/client/sdk';
import { toSdkParams } from '../../src/client/sdk-adapter';

const TableStoreSdk = loadSdk() as unknown as Record<string, any>;
const protos = sdkProtos();

describe('the typed SDK surface', () => {
  it('is the installed 5.6.x SDK, with the internals the transport relies on', () => {
    expect(sdkVersion()).toMatch(/^5\.6\./);
    expect(() => assertSdkInternals()).not.toThrow();
  });

  it("Int64LE is tsorm's own, exact over the whole int64 range, and recognises the SDK's", () => {
    const sdkMade = TableStoreSdk.Long.fromNumber(5);
    expect(sdkMade).not.toBeInstanceOf(Int64LE);
    expect(Int64LE.isInt64LE(sdkMade)).toBe(true);
    expect(Int64LE.isInt64LE(new Int64LE(1))).toBe(true);
    expect(Int64LE.isInt64LE({ toString: () => '1' })).toBe(false);
    expect(new Int64LE('9223372036854775807', 10).toString()).toBe('9223372036854775807');
    expect(new Int64LE('-9223372036854775808', 10).toString()).toBe('-9223372036854775808');
  });

  it("exports tsorm's own constants and classes, with the SDK's values and fields", () => {
    for (const name of ['RowExistenceExpectation', 'ReturnType', 'LogicalOperator', 'ComparatorType', 'Direction', 'UpdateType', 'BatchWriteType', 'PrimaryKeyType', 'PrimaryKeyOption', 'DefinedColumnType', 'IndexUpdateMode', 'IndexType']) {
      expect([name, (client as Record<string, unknown>)[name]]).toEqual([name, { ...TableStoreSdk[name] }]);
    }
    expect(INF_MIN).not.toBe(TableStoreSdk.INF_MIN);
    expect(INF_MAX).not.toBe(INF_MIN);
    expect(PK_AUTO_INCR).not.toBe(TableStoreSdk.PK_AUTO_INCR);
    const ours = new Condition(RowExistenceExpectation.EXPECT_EXIST, new SingleColumnCondition('v', 'x', ComparatorType.EQUAL, false));
    const theirs = new TableStoreSdk.Condition(RowExistenceExpectation.EXPECT_EXIST, new TableStoreSdk.SingleColumnCondition('v', 'x', ComparatorType.EQUAL, false));
    expect({ ...ours, columnCondition: { ...ours.columnCondition } }).toEqual({ ...theirs, columnCondition: { ...theirs.columnCondition } });
    expect(ours.columnCondition!.getType()).toBe(theirs.columnCondition.getType());
    // The SDK's checks, with its messages.
    expect(() => new Condition(7 as 0)).toThrow(/RowExistenceExpectation/);
    expect(() => new SingleColumnCondition('v', 1, 99)).toThrow(/ComparatorType/);
  });

  it('Int64LE: the constructor forms of int64-buffer, exact', () => {
    expect(new Int64LE('-9223372036854775808').toString()).toBe('-9223372036854775808');
    expect(new Int64LE('ff', 16).toString()).toBe('255');
    expect(new Int64LE(-1, -1).toString()).toBe('-1');
    expect(new Int64LE(1, 0).toString()).toBe('4294967296');
    expect(new Int64LE(Buffer.from([1, 0, 0, 0, 0, 0, 0, 0])).toNumber()).toBe(1);
    expect(new Int64LE(2n ** 63n).toString()).toBe('-9223372036854775808');
    expect(new Int64LE(-12.7).toJSON()).toBe(-12);
    expect(new Int64LE(42).toBuffer()).toEqual(TableStoreSdk.Long.fromNumber(42).toBuffer());
    expect(() => new Int64LE('12x')).toThrow(/not an integer/);
    expect(() => new Int64LE(NaN)).toThrow(/finite/);
  });

  it("protos is the SDK's compiled module, shared with its decoder", () => {
    const bytes = protos.main.proto.Error.encode({ code: 'OTSTimeout', message: 'Operation timeout.' }).finish();
    expect(protos.main.proto.Error.decode(bytes)).toMatchObject({ code: 'OTSTimeout', message: 'Operation timeout.' });
    expect(protos).toBe(require('tablestore/lib/protocol/tablestore_compiled_proto.js'));
  });

  it('toSdkParams turns tsorm values into the SDK objects its encoder recognises, and leaves the rest', () => {
    const cond = new Condition(RowExistenceExpectation.EXPECT_EXIST, new SingleColumnCondition('v', new Int64LE(3), ComparatorType.EQUAL));
    const buf = Buffer.from('x');
    const out = toSdkParams({ primaryKey: [{ a: INF_MIN }, { b: PK_AUTO_INCR }, { c: buf }], condition: cond, n: 1 }) as Record<string, any>;
    expect(out.primaryKey[0].a).toBe(TableStoreSdk.INF_MIN);
    expect(out.primaryKey[1].b).toBe(TableStoreSdk.PK_AUTO_INCR);
    expect(out.primaryKey[2].c).toBe(buf);
    expect(out.condition).toBeInstanceOf(TableStoreSdk.Condition);
    expect(out.condition.columnCondition).toBeInstanceOf(TableStoreSdk.SingleColumnCondition);
    expect(out.condition.columnCondition.columnValue).toBeInstanceOf(TableStoreSdk.Long.fromNumber(0).constructor);
    expect(out.condition.columnCondition.columnValue.toString()).toBe('3');
    expect(out.n).toBe(1);
    // The SDK's own sentinels are plain {} objects: passed as they are, never copied.
    const theirs = toSdkParams([{ a: TableStoreSdk.INF_MAX }]) as Array<Record<string, unknown>>;
    expect(theirs[0].a).toBe(TableStoreSdk.INF_MAX);
  });
});
