import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AccessDeniedError,
  ConcurrentModificationError,
  Condition,
  ConditionCheckFailedError,
  connect,
  createTableStoreError,
  Int64LE,
  NetworkError,
  RowExistenceExpectation,
  TableAlreadyExistsError,
  TableNotFoundError,
  TableStoreError,
  ThrottledError,
  InvalidRequestError,
  ValidationError,
  type TableStoreClient,
} from '../../src/client';
import { decodeErrorBody } from '../../src/client/transport';
import { sdkProtos } from '../../src/client/sdk';

const protos = sdkProtos();
import { errorReply, failure, startFakeServer, TEST_CREDENTIALS, type FakeServer, type Reply } from './client-fake-server';

const pk = [{ id: 'a' }];
const getRow = { tableName: 't', primaryKey: pk };
const putRow = () => ({
  tableName: 't',
  condition: new Condition(RowExistenceExpectation.EXPECT_NOT_EXIST, null),
  primaryKey: pk,
  attributeColumns: [{ n: new Int64LE(1) }],
});

let server: FakeServer;
let client: TableStoreClient;

// Every case runs on both transports: the SDK's and tsorm's own wire transport (issue 15), which must decode
// and classify errors the same way.
for (const transport of ['sdk', 'wire'] as const) {
describe(`transport: ${transport}`, () => {

  beforeAll(async () => {
    server = await startFakeServer();
    client = connect({ endpoint: server.endpoint, instance: 'inst', ...TEST_CREDENTIALS, transport, retry: { baseDelayMs: 1, throttledBaseDelayMs: 1, maxAttempts: 3 } });
  });
  afterAll(async () => {
    client.close();
    await server.close();
  });
  afterEach(() => {
    server.requests.length = 0;
  });

  function replyAlways(reply: Reply): void {
    server.handle(() => reply);
  }

  describe('service errors are decoded from the response body', () => {
    it('OTSConditionCheckFail → ConditionCheckFailedError with code, status, request id, action', async () => {
      server.handle((_req, i) => errorReply(403, 'OTSConditionCheckFail', 'Condition check failed.', { 'x-ots-requestid': `rid-${i}` }));
      const err = await failure(client.call('putRow', putRow()));
      expect(err).toBeInstanceOf(ConditionCheckFailedError);
      expect(err).not.toBeInstanceOf(ConcurrentModificationError);
      expect(err.code).toBe('OTSConditionCheckFail');
      expect(err.status).toBe(403);
      expect(err.message).toBe('Condition check failed.');
      expect(err.requestId).toBe('rid-0');
      expect(err.action).toBe('putRow');
      expect(err.retryable).toBe(false);
      expect(err.attempts).toBe(1);
      expect(err.name).toBe('ConditionCheckFailedError');
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0]!.action).toBe('PutRow');
    });

    it('OTSObjectNotExist → TableNotFoundError, not retried', async () => {
      replyAlways(errorReply(404, 'OTSObjectNotExist', 'Requested table does not exist.'));
      const err = await failure(client.call('getRow', getRow));
      expect(err).toBeInstanceOf(TableNotFoundError);
      expect(err).toMatchObject({ code: 'OTSObjectNotExist', status: 404, requestId: 'req-1', action: 'getRow', retryable: false });
      expect(server.requests).toHaveLength(1);
    });

    it('reads the request id from x-ots-request-id too', async () => {
      server.handle(() => ({ ...errorReply(404, 'OTSObjectNotExist', 'x'), headers: { 'x-ots-requestid': '', 'x-ots-request-id': 'dash-id' } }));
      const err = await failure(client.call('getRow', getRow));
      expect(err.requestId).toBe('dash-id');
    });

    it.each([
      ['OTSParameterInvalid', 'Invalid column name: \'1a\'.'],
      ['OTSInvalidPK', 'Validate PK name fail. Input: x, Meta: id.'],
      ['OTSOutOfRowSizeLimit', 'The total data size of columns in one row exceeded the limit.'],
      ['OTSOutOfColumnCountLimit', 'The number of columns in one row exceeded the limit.'],
    ])('%s → InvalidRequestError (formerly ValidationError, still the same class)', async (code, message) => {
      replyAlways(errorReply(400, code, message));
      const err = await failure(client.call('getRow', getRow));
      expect(err).toBeInstanceOf(InvalidRequestError);
      expect(err).toBeInstanceOf(ValidationError);
      expect(err.name).toBe('InvalidRequestError');
      expect(err).toMatchObject({ code, message, status: 400, retryable: false });
      expect(server.requests).toHaveLength(1);
    });

    it('keeps non-ASCII and long (multi-byte length) messages intact', async () => {
      const message = `Invalid column name: '名字'. ${'x'.repeat(300)}`;
      replyAlways(errorReply(400, 'OTSParameterInvalid', message));
      const err = await failure(client.call('getRow', getRow));
      expect(err.message).toBe(message);
    });

    it('OTSAuthFailed → AccessDeniedError', async () => {
      replyAlways(errorReply(403, 'OTSAuthFailed', 'Signature mismatch.'));
      const err = await failure(client.call('listTable', {}));
      expect(err).toBeInstanceOf(AccessDeniedError);
      expect(err).toMatchObject({ code: 'OTSAuthFailed', status: 403, retryable: false });
    });

    it('OTSObjectAlreadyExist → TableAlreadyExistsError', async () => {
      replyAlways(errorReply(409, 'OTSObjectAlreadyExist', 'Requested table already exists.'));
      const err = await failure(
        client.call('createTable', {
          tableMeta: { tableName: 't', primaryKey: [{ name: 'id', type: 'STRING' }] },
          reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
          tableOptions: { timeToLive: -1, maxVersions: 1 },
        }),
      );
      expect(err).toBeInstanceOf(TableAlreadyExistsError);
      expect(err.status).toBe(409);
    });

    it('throttling codes → ThrottledError, retryable', async () => {
      replyAlways(errorReply(503, 'OTSServerBusy', 'Server is busy.'));
      const err = await failure(client.call('putRow', putRow(), { retry: false }));
      expect(err).toBeInstanceOf(ThrottledError);
      expect(err).toMatchObject({ code: 'OTSServerBusy', status: 503, retryable: true, attempts: 1 });
    });

    it('OTSQuotaExhausted is throttling only for "Too frequent table operations."', async () => {
      replyAlways(errorReply(403, 'OTSQuotaExhausted', 'Too frequent table operations.'));
      const frequent = await failure(client.call('deleteTable', { tableName: 't' }, { retry: false }));
      expect(frequent).toBeInstanceOf(ThrottledError);
      expect(frequent.retryable).toBe(true);

      replyAlways(errorReply(403, 'OTSQuotaExhausted', 'Number of tables exceeded the quota.'));
      const quota = await failure(client.call('deleteTable', { tableName: 't' }));
      expect(quota).not.toBeInstanceOf(ThrottledError);
      expect(quota.constructor).toBe(TableStoreError);
      expect(quota.retryable).toBe(false);
    });

    it('a 5xx without an OTS error body → HTTP_<status>; retryable for reads only', async () => {
      replyAlways({ status: 502, body: Buffer.from('<html>Bad Gateway</html>') });
      const read = await failure(client.call('getRow', getRow, { retry: false }));
      expect(read).toMatchObject({ code: 'HTTP_502', status: 502, retryable: true });
      const write = await failure(client.call('putRow', putRow(), { retry: false }));
      expect(write).toMatchObject({ code: 'HTTP_502', status: 502, retryable: false });

      replyAlways({ status: 403 });
      const empty = await failure(client.call('getRow', getRow, { retry: false }));
      expect(empty).toMatchObject({ code: 'HTTP_403', status: 403, retryable: false });
    });

    it('a 2xx body the SDK cannot decode → ClientInvalidResponse', async () => {
      // A GetRowResponse with `row` (field 2, empty) but without its required `consumed`.
      replyAlways({ body: Buffer.from([0x12, 0x00]) });
      const err = await failure(client.call('getRow', getRow));
      expect(err).toMatchObject({ code: 'ClientInvalidResponse', status: 200, retryable: false });
      expect(server.requests).toHaveLength(1);
    });
  });

  describe('client-side failures', () => {
    it('a request the SDK refuses to encode → InvalidRequestError, nothing sent', async () => {
      const bad = { ...putRow(), primaryKey: [{ id: 1 as unknown as string }] }; // a JS number is not a PK value
      const err = await failure(client.call('putRow', bad));
      expect(err).toBeInstanceOf(ValidationError);
      expect(err).toMatchObject({ code: 'ClientInvalidRequest', status: undefined, action: 'putRow', retryable: false });
      expect(server.requests).toHaveLength(0);
    });

    it('connection refused → NetworkError ECONNREFUSED, requestSent false (so even writes are retried)', async () => {
      const dead = await startFakeServer();
      const endpoint = dead.endpoint;
      await dead.close();
      const c = connect({ endpoint, instance: 'i', ...TEST_CREDENTIALS, transport, retry: { maxAttempts: 2, baseDelayMs: 1 } });
      const err = await failure(c.call('putRow', putRow()));
      c.close();
      expect(err).toBeInstanceOf(NetworkError);
      expect(err).toMatchObject({ code: 'ECONNREFUSED', requestSent: false, retryable: true, attempts: 2, status: undefined });
    });

    it('connection reset after sending → NetworkError; a write is not retried, a read is', async () => {
      replyAlways({ reset: true });
      const write = await failure(client.call('putRow', putRow()));
      expect(write).toBeInstanceOf(NetworkError);
      expect(write).toMatchObject({ requestSent: true, retryable: false, attempts: 1 });
      expect(server.requests).toHaveLength(1);

      server.requests.length = 0;
      const read = await failure(client.call('getRow', getRow));
      expect(read).toBeInstanceOf(NetworkError);
      expect(read).toMatchObject({ retryable: true, attempts: 3 });
      expect(server.requests).toHaveLength(3);
    });
  });
});
}

describe('error construction helpers', () => {
  it('createTableStoreError picks the class for per-row batch codes', () => {
    const e = createTableStoreError({ code: 'OTSConditionCheckFail', message: 'Condition check failed.', action: 'batchWriteRow' });
    expect(e).toBeInstanceOf(ConditionCheckFailedError);
    expect(e.retryable).toBe(false);
    const conflict = createTableStoreError({ code: 'OTSRowOperationConflict', message: 'Data is being modified by the other request.' });
    expect(conflict.retryable).toBe(true);
    expect(createTableStoreError({ code: 'OTSTimeout', message: 'Operation timeout.' }).retryable).toBe(false);
    expect(createTableStoreError({ code: 'OTSTimeout', message: 'Operation timeout.', idempotent: true }).retryable).toBe(true);
    expect(createTableStoreError({ code: 'OTSNotEnoughCapacityUnit', message: 'x' })).toBeInstanceOf(ThrottledError);
  });

  it('ConcurrentModificationError is a ConditionCheckFailedError', () => {
    const e = new ConcurrentModificationError({ table: 'orders', key: { id: 1 }, expectedVersion: 3, requestId: 'r1' });
    expect(e).toBeInstanceOf(ConditionCheckFailedError);
    expect(e).toBeInstanceOf(TableStoreError);
    expect(e).toMatchObject({ code: 'OTSConditionCheckFail', status: 403, table: 'orders', expectedVersion: 3, requestId: 'r1', retryable: false });
    expect(e.message).toBe('Row in orders was modified concurrently (expected version 3)');
    expect(e.name).toBe('ConcurrentModificationError');
    expect(JSON.parse(JSON.stringify(e))).toMatchObject({ name: 'ConcurrentModificationError', code: 'OTSConditionCheckFail' });
  });

  it('decodeErrorBody reads main.proto.Error and rejects garbage', () => {
    const body = Buffer.from(protos.main.proto.Error.encode({ code: 'OTSServerBusy', message: 'Server is busy.' }).finish());
    expect(decodeErrorBody(body)).toEqual({ code: 'OTSServerBusy', message: 'Server is busy.' });
    expect(decodeErrorBody(Buffer.from('<html>'))).toBeUndefined();
    expect(decodeErrorBody(Buffer.alloc(0))).toBeUndefined();
    expect(decodeErrorBody(undefined)).toBeUndefined();
  });
});
