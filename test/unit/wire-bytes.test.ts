/**
 * Issue 15: tsorm's wire transport sends, for the same input, the body the official SDK sends, with the same
 * header names in the same order and the same values except the date and the signature. Both clients talk to
 * one loopback server (client-fake-server.ts) that records each request and answers with a canned valid
 * response; the requests are compared API by API, with edge values. The decoded responses are compared too.
 *
 * Deliberate differences (an SDK bug each) are the last cases: each names the difference and the reason.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type TableStoreClient } from '../../src/client';
import {
  ColumnPaginationFilter,
  CompositeCondition,
  Condition,
  INF_MAX,
  INF_MIN,
  Int64LE,
  PK_AUTO_INCR,
  SingleColumnCondition,
  LogicalOperator as LO,
  ComparatorType as CT,
  RowExistenceExpectation as RE,
  ReturnType as RT,
} from '../../src/client/values';
import { loadSdk, sdkProtos } from '../../src/client/sdk';
import { toSdkParams } from '../../src/client/sdk-adapter';
import { stringToSign } from '../../src/client/wire/transport';
import { putRowBuffer } from '../../src/client/wire/row-codec';
import { startFakeServer, type FakeServer, type Received } from './client-fake-server';
import { expectSameRequest, plain } from './wire-compare';

const TableStoreSdk = loadSdk() as unknown as { Client: new (o: object) => unknown; Long: { fromNumber(n: number): unknown }; INF_MIN: object; INF_MAX: object; PK_AUTO_INCR: object; Condition: new (...a: unknown[]) => object; SingleColumnCondition: new (...a: unknown[]) => object; CompositeCondition: new (c: number) => { addSubCondition(c: unknown): void } };
const pb = sdkProtos().main.proto as unknown as Record<string, { create(p: object): object; encode(m: object): { finish(): Uint8Array } }>;
const enc = (type: string, m: object) => pb[type].encode(pb[type].create(m)).finish();

const I64_MAX = new Int64LE('9223372036854775807', 10);
const I64_MIN = new Int64LE('-9223372036854775808', 10);

const consumed = { capacityUnit: { read: 1, write: 1 } };
/** A row the canned responses carry: every value type, int64 extremes, an empty string, a version. */
const ROW = putRowBuffer(
  [{ id: 'k' }, { n: I64_MIN }],
  [{ s: '' }, { d: 1.5 }, { t: true }, { f: false }, { big: I64_MAX }, { bin: Buffer.from([0, 255]), timestamp: 1700000000000 }],
);
const replies: Record<string, () => Uint8Array> = {
  GetRow: () => enc('GetRowResponse', { consumed, row: ROW }),
  PutRow: () => enc('PutRowResponse', { consumed, row: Buffer.alloc(0) }),
  UpdateRow: () => enc('UpdateRowResponse', { consumed, row: Buffer.alloc(0) }),
  DeleteRow: () => enc('DeleteRowResponse', { consumed, row: Buffer.alloc(0) }),
  GetRange: () => enc('GetRangeResponse', { consumed, rows: Buffer.concat([ROW, ROW.subarray(4)]), nextStartPrimaryKey: ROW }),
  BatchGetRow: () =>
    enc('BatchGetRowResponse', {
      tables: [{ tableName: 't', rows: [{ isOk: true, consumed, row: ROW }, { isOk: false, error: { code: 'OTSFoo', message: 'bar' } }] }],
    }),
  BatchWriteRow: () =>
    enc('BatchWriteRowResponse', {
      tables: [{ tableName: 't', rows: [{ isOk: true, consumed }, { isOk: false, error: { code: 'OTSConditionCheckFail', message: 'no' } }] }],
    }),
};

let server: FakeServer;
let wire: TableStoreClient;
let sdk: { [op: string]: (params: unknown, cb: (err: unknown, data: unknown) => void) => void };

beforeAll(async () => {
  server = await startFakeServer((req) => ({ status: 200, body: replies[req.action]() }));
  const credentials = { accessKeyId: 'ak-id', accessKeySecret: 'secret', securityToken: 'sts-token' };
  wire = connect({ endpoint: server.endpoint, instance: 'inst', ...credentials, transport: 'wire', retry: false });
  sdk = new TableStoreSdk.Client({
    endpoint: server.endpoint,
    instancename: 'inst',
    accessKeyId: credentials.accessKeyId,
    accessKeySecret: credentials.accessKeySecret,
    stsToken: credentials.securityToken,
  }) as unknown as typeof sdk;
});
afterAll(async () => {
  wire.close();
  await server.close();
});

/**
 * One request each way: tsorm's client with tsorm's values (`values.ts`), the raw SDK with the same params
 * turned into its own objects by `toSdkParams` (so the adapter of `transport: 'sdk'` is tested too).
 * `sdkParams` overrides what the SDK is given.
 */
async function both(
  action: string,
  params: () => Record<string, unknown>,
  sdkParams: () => unknown = () => toSdkParams(params()),
): Promise<{ ours: Received; theirs: Received; ourData: unknown; theirData: unknown }> {
  const theirData = await new Promise((resolve, reject) => sdk[action](sdkParams(), (err, data) => (err ? reject(err as Error) : resolve(data))));
  const theirs = server.requests[server.requests.length - 1];
  const ourData = await wire.call(action as 'getRow', params() as never);
  const ours = server.requests[server.requests.length - 1];
  return { ours, theirs, ourData, theirData };
}

/** Int64LE → its decimal string, so that two copies of the class compare equal. */
const cases: Array<[string, string, () => Record<string, unknown>]> = [
  ['getRow', 'string, int64 max and binary keys; columns, versions, time range, single-column filter', () => ({
    tableName: 't',
    primaryKey: [{ id: 'a' }, { n: I64_MAX }, { b: Buffer.from([0, 1, 255]) }],
    columnsToGet: ['x', 'y'],
    maxVersions: 3,
    timeRange: { startTime: 0, endTime: 1700000000000 },
    columnFilter: new SingleColumnCondition('x', I64_MIN, CT.GREATER_EQUAL, false, true),
    startColumn: 'a',
    endColumn: 'z',
  })],
  ['getRow', 'empty string key, int64 min key, nested composite filter (NOT/AND/OR) of every value type', () => {
    const and = new CompositeCondition(LO.AND);
    and.addSubCondition(new SingleColumnCondition('s', '', CT.EQUAL));
    and.addSubCondition(new SingleColumnCondition('d', -0.5, CT.LESS_THAN, true, false));
    const or = new CompositeCondition(LO.OR);
    or.addSubCondition(and);
    or.addSubCondition(new SingleColumnCondition('b', true, CT.NOT_EQUAL));
    or.addSubCondition(new SingleColumnCondition('bin', Buffer.alloc(0), CT.LESS_EQUAL));
    const not = new CompositeCondition(LO.NOT);
    not.addSubCondition(or);
    return { tableName: 't', primaryKey: [{ id: '' }, { n: I64_MIN }], columnFilter: not, specificTime: undefined };
  }],
  ['getRow', 'column pagination filter, specific time', () => ({
    tableName: 't',
    primaryKey: [{ id: 'a' }],
    columnFilter: new ColumnPaginationFilter(2, 5),
    timeRange: { specificTime: 1234567890123 },
  })],
  ['putRow', 'auto-increment placeholder, every attribute type, int64 extremes, empty values, a timestamp, condition with filter, return PK', () => ({
    tableName: 't',
    primaryKey: [{ id: 'a' }, { seq: PK_AUTO_INCR }],
    attributeColumns: [
      { s: '' },
      { u: 'héllo ✓' },
      { d: 3.141592653589793 },
      { nz: -0 },
      { t: true },
      { f: false },
      { max: I64_MAX },
      { min: I64_MIN },
      { bin: Buffer.alloc(0) },
      { v: 'x', timestamp: 1700000000000 },
    ],
    condition: new Condition(RE.EXPECT_NOT_EXIST, new SingleColumnCondition('s', 'a', CT.EQUAL)),
    returnContent: { returnType: RT.Primarykey },
  })],
  ['updateRow', 'PUT with and without timestamp, DELETE one version, DELETE_ALL, INCREMENT, return columns', () => ({
    tableName: 't',
    primaryKey: [{ id: 'a' }],
    updateOfAttributeColumns: [
      { PUT: [{ a: 'x' }, { b: I64_MAX, timestamp: 1700000000001 }, { c: Buffer.from('zz') }] },
      { DELETE: [{ d: 1700000000002 }] },
      { DELETE_ALL: ['e', 'f'] },
      { INCREMENT: [{ g: new Int64LE(-5) }] },
    ],
    condition: new Condition(RE.EXPECT_EXIST, null),
    returnContent: { returnType: RT.AfterModify, returnColumns: ['g'] },
  })],
  ['deleteRow', 'expect-exist with a composite column condition', () => {
    const c = new CompositeCondition(LO.AND);
    c.addSubCondition(new SingleColumnCondition('a', 1, CT.EQUAL));
    c.addSubCondition(new SingleColumnCondition('b', I64_MAX, CT.NOT_EQUAL));
    return { tableName: 't', primaryKey: [{ id: 'a' }, { n: I64_MIN }], condition: new Condition(RE.EXPECT_EXIST, c) };
  }],
  ['getRange', 'INF_MIN to INF_MAX, backward, limit, filter, columns', () => ({
    tableName: 't',
    direction: 'BACKWARD',
    inclusiveStartPrimaryKey: [{ id: INF_MAX }, { n: INF_MAX }],
    exclusiveEndPrimaryKey: [{ id: INF_MIN }, { n: INF_MIN }],
    limit: 10,
    maxVersions: 2,
    columnsToGet: ['a'],
    columnFilter: new SingleColumnCondition('a', 'x', CT.EQUAL),
  })],
  ['getRange', 'forward from a real key to INF_MAX', () => ({
    tableName: 't',
    direction: 'FORWARD',
    inclusiveStartPrimaryKey: [{ id: 'm' }, { n: I64_MIN }],
    exclusiveEndPrimaryKey: [{ id: INF_MAX }, { n: INF_MAX }],
  })],
  ['batchGetRow', 'two tables, several keys, columns, filter', () => ({
    tables: [
      { tableName: 't', primaryKey: [[{ id: 'a' }], [{ id: '' }]], columnsToGet: ['x'], maxVersions: 2 },
      { tableName: 'u', primaryKey: [[{ n: I64_MAX }]], columnFilter: new SingleColumnCondition('x', false, CT.EQUAL) },
    ],
  })],
  ['batchWriteRow', 'PUT (auto-increment), UPDATE, DELETE, conditions, return content', () => ({
    tables: [
      {
        tableName: 't',
        rows: [
          { type: 'PUT', primaryKey: [{ id: 'a' }, { seq: PK_AUTO_INCR }], attributeColumns: [{ x: 1 }], condition: new Condition(RE.IGNORE, null), returnContent: { returnType: RT.Primarykey } },
          { type: 'UPDATE', primaryKey: [{ id: 'b' }, { seq: I64_MIN }], attributeColumns: [{ PUT: [{ x: 'y' }] }, { DELETE_ALL: ['z'] }], condition: new Condition(RE.EXPECT_EXIST, new SingleColumnCondition('x', 'q', CT.EQUAL)) },
          { type: 'DELETE', primaryKey: [{ id: 'c' }, { seq: I64_MAX }], condition: new Condition(RE.IGNORE, null) },
        ],
      },
      { tableName: 'u', rows: [{ type: 'PUT', primaryKey: [{ id: '' }], attributeColumns: [], condition: new Condition(RE.EXPECT_NOT_EXIST, null) }] },
    ],
  })],
];

describe('wire transport: byte-identical with the official SDK', () => {
  for (const [action, what, params] of cases) {
    it(`${action}: ${what}`, async () => {
      const { ours, theirs, ourData, theirData } = await both(action, params);
      expectSameRequest(ours, theirs);
      // The same response decodes to the same result (int64 cells compared by value).
      expect(plain(ourData)).toEqual(plain(theirData));
    });
  }

  it('signs as the SDK does: our signature over our headers is the HMAC-SHA1 the SDK computes over its own', async () => {
    const { ours, theirs } = await both('getRow', () => ({ tableName: 't', primaryKey: [{ id: 'a' }] }));
    for (const r of [ours, theirs]) {
      const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, String(v)]));
      const expected = createHmac('sha1', 'secret').update(stringToSign(`/${r.action}`, headers)).digest('base64');
      expect(r.headers['x-ots-signature']).toBe(expected);
    }
    expect(ours.headers['x-ots-ststoken']).toBe('sts-token');
  });
});

describe("wire transport: the SDK's own values, as callers may still pass them", () => {
  it("encodes the SDK's Int64LE, sentinels and condition classes as it encodes tsorm's", async () => {
    const S = TableStoreSdk;
    const sdkParams = () => {
      const and = new S.CompositeCondition(LO.AND);
      and.addSubCondition(new S.SingleColumnCondition('a', S.Long.fromNumber(7), CT.EQUAL));
      and.addSubCondition(new S.SingleColumnCondition('b', 'x', CT.NOT_EQUAL, false));
      return {
        tableName: 't',
        primaryKey: [{ id: 'a' }, { seq: S.PK_AUTO_INCR }],
        attributeColumns: [{ n: S.Long.fromNumber(-3) }],
        condition: new S.Condition(RE.EXPECT_EXIST, and),
      };
    };
    const { ours, theirs } = await both('putRow', sdkParams, sdkParams);
    expectSameRequest(ours, theirs);
    const range = () => ({ tableName: 't', direction: 'FORWARD', inclusiveStartPrimaryKey: [{ id: S.INF_MIN }], exclusiveEndPrimaryKey: [{ id: S.INF_MAX }] });
    const r = await both('getRange', range, range);
    expectSameRequest(r.ours, r.theirs);
  });
});

describe('wire transport: deliberate differences from the SDK', () => {
  it('a non-ASCII column name: we write its UTF-8 byte length, the SDK its UTF-16 length (a corrupt PlainBuffer)', async () => {
    const params = () => ({ tableName: 't', primaryKey: [{ id: 'a' }], attributeColumns: [{ 'é': 'v' }], condition: new Condition(RE.IGNORE, null) });
    await new Promise<unknown>((resolve) => sdk.putRow(toSdkParams(params()), (err) => resolve(err)));
    const sdkReq = server.requests[server.requests.length - 1];
    await wire.call('putRow', params() as never);
    const ours = server.requests[server.requests.length - 1];
    // TAG_CELL_NAME, length, UTF-8 bytes: the SDK's says 1 byte, then writes 2 (the reader then misparses).
    expect(sdkReq.body.includes(Buffer.from([0x04, 0x01, 0x00, 0x00, 0x00, 0xc3, 0xa9]))).toBe(true);
    expect(ours.body.includes(Buffer.from([0x04, 0x02, 0x00, 0x00, 0x00, 0xc3, 0xa9]))).toBe(true);
    expect(ours.body.equals(sdkReq.body)).toBe(false);
  });

  it('a putRow without condition: sent with IGNORE, where the SDK fails with a TypeError before sending', async () => {
    const params = { tableName: 't', primaryKey: [{ id: 'a' }], attributeColumns: [{ x: 'v' }] };
    const before = server.requests.length;
    const err = await new Promise<unknown>((resolve) => sdk.putRow(params, (e) => resolve(e)));
    expect(err).toBeInstanceOf(TypeError);
    expect(server.requests.length).toBe(before);
    await wire.call('putRow', params as never);
    const ours = server.requests[server.requests.length - 1];
    const withIgnore = await both('putRow', () => ({ ...params, condition: new Condition(RE.IGNORE, null) }));
    expect(ours.body.toString('hex')).toBe(withIgnore.theirs.body.toString('hex'));
  });
});
