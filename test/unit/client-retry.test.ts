import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CallScope,
  Condition,
  connect,
  DeadlineExceededError,
  Int64LE,
  NetworkError,
  RetryPolicy,
  RowExistenceExpectation,
  TableStoreError,
  ThrottledError,
  type TableStoreClient,
} from '../../src/client';
import { loadSdk } from '../../src/client/sdk';

const TableStoreSdk = loadSdk();
import { SimulatedClock } from '../support/clock';
import { errorReply, failure, getRowReply, putRowReply, startFakeServer, TEST_CREDENTIALS, type FakeServer } from './client-fake-server';

const getRow = { tableName: 't', primaryKey: [{ id: 'a' }] };
const putRow = () => ({
  tableName: 't',
  condition: new Condition(RowExistenceExpectation.IGNORE, null),
  primaryKey: [{ id: 'a' }],
  attributeColumns: [{ n: new Int64LE(1) }],
});

let server: FakeServer;
let client: TableStoreClient;

/** Jitter pinned to its maximum: delays are exactly min(cap, base × 2^(n-1)). */
const maxJitter = () => 0.9999999;

// Every case runs on both transports: the SDK's and tsorm's own wire transport (issue 15), whose attempts get
// the same retries and deadlines from client.ts.
for (const transport of ['sdk', 'wire'] as const) {
describe(`transport: ${transport}`, () => {
  beforeAll(async () => {
    server = await startFakeServer();
    client = connect({
      endpoint: server.endpoint,
      instance: 'inst',
      ...TEST_CREDENTIALS,
      transport,
      retry: new RetryPolicy({ baseDelayMs: 20, throttledBaseDelayMs: 40, maxAttempts: 4 }, maxJitter),
    });
  });
  afterAll(async () => {
    client.close();
    await server.close();
  });
  afterEach(() => {
    server.requests.length = 0;
  });

  /** A client whose retries wait on a simulated clock: the schedule runs at once and is read from `clock.sleeps`. */
  function simulatedClient(options: ConstructorParameters<typeof RetryPolicy>[0] = {}): { client: TableStoreClient; clock: SimulatedClock } {
    const clock = new SimulatedClock();
    const c = connect({ endpoint: server.endpoint, instance: 'inst', ...TEST_CREDENTIALS, transport, retry: new RetryPolicy({ baseDelayMs: 20, throttledBaseDelayMs: 40, maxAttempts: 4, ...options }, maxJitter, clock) });
    return { client: c, clock };
  }

  describe('retries with backoff', () => {
    it('OTSServerBusy twice, then a GetRowResponse: succeeds on the third attempt after exponential waits', async () => {
      server.handle((_r, i) => (i < 2 ? errorReply(503, 'OTSServerBusy', 'Server is busy.') : getRowReply()));
      const { client: sim, clock } = simulatedClient();
      try {
        const { data, meta } = await sim.callWithMeta('getRow', getRow);
        expect(data.row).toEqual({});
        expect(data.consumed.capacityUnit.read).toBe(1);
        expect(meta).toMatchObject({ attempts: 3, requestId: 'req-3', readCU: 1 });
        expect(server.requests).toHaveLength(3);
        expect(clock.sleeps).toEqual([39, 79]); // throttled base 40 ms, then 80 ms (jitter pinned at its maximum)
      } finally {
        sim.close();
      }
    });

    it('writes are retried on codes that guarantee nothing was applied', async () => {
      for (const [status, code, message] of [
        [503, 'OTSServerBusy', 'Server is busy.'],
        [409, 'OTSRowOperationConflict', 'Data is being modified by the other request.'],
        [403, 'OTSQuotaExhausted', 'Too frequent table operations.'],
        [403, 'OTSNotEnoughCapacityUnit', 'Remaining capacity unit is not enough.'],
        [404, 'OTSTableNotReady', 'The table is not ready.'],
        [503, 'OTSPartitionUnavailable', 'The partition is not available.'],
      ] as const) {
        server.requests.length = 0;
        server.handle((_r, i) => (i === 0 ? errorReply(status, code, message) : putRowReply()));
        const { meta } = await client.callWithMeta('putRow', putRow());
        expect(meta.attempts, code).toBe(2);
        expect(server.requests, code).toHaveLength(2);
      }
    });

    it('writes are NOT retried on ambiguous failures; reads are', async () => {
      for (const [status, code] of [
        [503, 'OTSTimeout'],
        [500, 'OTSInternalServerError'],
        [503, 'OTSServerUnavailable'],
      ] as const) {
        server.requests.length = 0;
        server.handle((_r, i) => (i === 0 ? errorReply(status, code, 'x') : putRowReply()));
        const err = await failure(client.call('putRow', putRow()));
        expect(err, code).toMatchObject({ code, retryable: false, attempts: 1 });
        expect(server.requests, code).toHaveLength(1);

        server.requests.length = 0;
        server.handle((_r, i) => (i === 0 ? errorReply(status, code, 'x') : getRowReply()));
        const { meta } = await client.callWithMeta('getRow', getRow);
        expect(meta.attempts, code).toBe(2);
      }
    });

    it('a 500 without a body: a write is not retried, a read is', async () => {
      server.handle((_r, i) => (i === 0 ? { status: 500 } : putRowReply()));
      const err = await failure(client.call('putRow', putRow()));
      expect(err).toMatchObject({ code: 'HTTP_500', status: 500, retryable: false });
      expect(server.requests).toHaveLength(1);

      server.requests.length = 0;
      server.handle((_r, i) => (i === 0 ? { status: 500 } : getRowReply()));
      await client.call('getRow', getRow);
      expect(server.requests).toHaveLength(2);
    });

    it('idempotent: true lets a write be retried on ambiguous failures', async () => {
      server.handle((_r, i) => (i === 0 ? errorReply(503, 'OTSTimeout', 'Operation timeout.') : putRowReply()));
      const { meta } = await client.callWithMeta('putRow', putRow(), { idempotent: true });
      expect(meta.attempts).toBe(2);
    });

    it('non-retryable codes are sent once', async () => {
      server.handle(() => errorReply(403, 'OTSConditionCheckFail', 'Condition check failed.'));
      await failure(client.call('putRow', putRow()));
      expect(server.requests).toHaveLength(1);
    });

    it('stops at the attempt budget and reports the last error with its attempt count', async () => {
      server.handle(() => errorReply(503, 'OTSServerBusy', 'Server is busy.'));
      const err = await failure(client.call('getRow', getRow, { retry: { throttledBaseDelayMs: 1 } }));
      expect(err).toBeInstanceOf(ThrottledError);
      expect(err.attempts).toBe(4);
      expect(server.requests).toHaveLength(4);
    });

    it('retry: false makes exactly one attempt', async () => {
      server.handle(() => errorReply(503, 'OTSServerBusy', 'Server is busy.'));
      const err = await failure(client.call('getRow', getRow, { retry: false }));
      expect(err.attempts).toBe(1);
      expect(server.requests).toHaveLength(1);
    });

    it("the SDK's own retry loop never runs, and its process-global default is untouched", async () => {
      const sdkPolicy = (TableStoreSdk as unknown as { DefaultRetryPolicy: { maxRetryTimes: number } }).DefaultRetryPolicy;
      const before = sdkPolicy.maxRetryTimes;
      // The SDK itself retries a bodiless numeric 503 on GetRow up to 20 times; with tsorm it is sent once.
      server.handle(() => ({ status: 503 }));
      await failure(client.call('getRow', getRow, { retry: false }));
      expect(server.requests).toHaveLength(1);
      expect(sdkPolicy.maxRetryTimes).toBe(before);
    });
  });

  describe('deadlines', () => {
    it('a per-call timeout aborts a request the server never answers', async () => {
      server.handle(() => ({ hang: true }));
      const t0 = Date.now();
      const err = await failure(client.call('getRow', getRow, { timeoutMs: 150 }));
      const elapsed = Date.now() - t0;
      expect(err).toBeInstanceOf(DeadlineExceededError);
      expect(err).toMatchObject({ code: 'DeadlineExceeded', action: 'getRow', retryable: false, attempts: 1 });
      // A real timer aborts a real socket here, so real time is measured, from below only: a missing abort would
      // hang until the test's timeout instead.
      expect(elapsed).toBeGreaterThanOrEqual(140);
    });

    it('a deadline further away than a timer can hold (2^31 ms) does not abort the call at once', async () => {
      server.handle(() => getRowReply());
      const res = await client.call('getRow', getRow, { retry: { timeBudgetMs: 1e12, attemptTimeoutMs: 0 } });
      expect(res.consumed).toBeDefined();
    });

    it('an absolute deadline aborts a response that stalls mid-body', async () => {
      server.handle(() => ({ ...getRowReply(), stallAfterHeaders: true }));
      const err = await failure(client.call('getRow', getRow, { deadline: new Date(Date.now() + 120) }));
      expect(err).toBeInstanceOf(DeadlineExceededError);
    });

    it('does not start a backoff wait that would end past the deadline: the real error is reported', async () => {
      server.handle(() => errorReply(503, 'OTSServerBusy', 'Server is busy.'));
      const { client: sim, clock } = simulatedClient();
      try {
        // Waits would be 399, 799… ms; the deadline is 200 ms away.
        const err = await failure(sim.call('getRow', getRow, { timeoutMs: 200, retry: { throttledBaseDelayMs: 400 } }));
        expect(err).toBeInstanceOf(ThrottledError);
        expect(err.attempts).toBe(1);
        expect(clock.sleeps).toEqual([]); // it did not sit through a 400 ms wait
      } finally {
        sim.close();
      }
    });

    it('the retry time budget bounds the whole call', async () => {
      server.handle(() => errorReply(503, 'OTSServerBusy', 'Server is busy.'));
      const { client: sim, clock } = simulatedClient();
      try {
        const t0 = clock.now();
        // Waits of 99, 199, 399 ms fit in the 1 s budget (attempts at 0, 99, 298, 697 ms); the next, 799 ms, does not.
        const err = await failure(sim.call('getRow', getRow, { retry: { maxAttempts: 100, throttledBaseDelayMs: 100, timeBudgetMs: 1_000 } }));
        expect(err).toBeInstanceOf(ThrottledError);
        expect(clock.sleeps).toEqual([99, 199, 399]);
        expect(clock.elapsedSince(t0)).toBeLessThan(1_000);
        expect(err.attempts).toBe(4);
      } finally {
        sim.close();
      }
    });

    it("a scope's deadline applies to every call inside it", async () => {
      server.handle(() => ({ hang: true }));
      const err = await failure(client.scope(() => client.call('getRow', getRow), { deadline: Date.now() + 100 }));
      expect(err).toBeInstanceOf(DeadlineExceededError); // (a missing abort would hang until the test's timeout)
    });

    it('a deadline already past: nothing is sent', async () => {
      const scope = new CallScope({ deadline: Date.now() - 1 });
      const err = await failure(scope.run(() => client.call('getRow', getRow)));
      expect(err).toBeInstanceOf(DeadlineExceededError);
      expect(err.attempts).toBe(0);
      expect(server.requests).toHaveLength(0);
    });

    it('an attempt timeout retries a hung read on a fresh attempt, but not a write', async () => {
      server.handle((_r, i) => (i === 0 ? { hang: true } : getRowReply()));
      const { meta } = await client.callWithMeta('getRow', getRow, { retry: { attemptTimeoutMs: 100 } });
      expect(meta.attempts).toBe(2);

      server.requests.length = 0;
      server.handle((_r, i) => (i === 0 ? { hang: true } : putRowReply()));
      const err = await failure(client.call('putRow', putRow(), { retry: { attemptTimeoutMs: 100 } }));
      expect(err).toBeInstanceOf(NetworkError);
      expect(err).toMatchObject({ code: 'AttemptTimeout', retryable: false, attempts: 1 });
      expect(server.requests).toHaveLength(1);
    });
  });
});
}

describe('RetryPolicy', () => {
  it('full jitter: uniform in [0, min(cap, base × 2^(n-1))], throttled base after ThrottledError', () => {
    const hi = new RetryPolicy({ baseDelayMs: 10, throttledBaseDelayMs: 100, maxDelayMs: 1_000 }, maxJitter);
    const throttled = new ThrottledError({ code: 'OTSServerBusy', message: '' });
    const other = new TableStoreError({ code: 'OTSTimeout', message: '' });
    expect([1, 2, 3, 4].map((n) => hi.delayMs(n, other))).toEqual([9, 19, 39, 79]);
    expect([1, 2, 3, 4, 5].map((n) => hi.delayMs(n, throttled))).toEqual([99, 199, 399, 799, 999]);
    const lo = new RetryPolicy({}, () => 0);
    expect(lo.delayMs(5, throttled)).toBe(0);
  });

  it('shouldRetry needs a retryable error and attempts left', () => {
    const p = new RetryPolicy({ maxAttempts: 3 });
    const r = new TableStoreError({ code: 'x', message: '', retryable: true });
    expect(p.shouldRetry(r, 2)).toBe(true);
    expect(p.shouldRetry(r, 3)).toBe(false);
    expect(p.shouldRetry(new TableStoreError({ code: 'x', message: '' }), 1)).toBe(false);
    expect(RetryPolicy.none().shouldRetry(r, 1)).toBe(false);
    expect(() => new RetryPolicy({ maxAttempts: 0 })).toThrow(RangeError);
  });
});
