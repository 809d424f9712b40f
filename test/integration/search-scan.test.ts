/**
 * ComputeSplits and ParallelScan with the official Node SDK (spec §10): sessions, slices, paging by token (a
 * token iff rows came back), the observed error texts (spec §9), session expiry after alive_time (injected
 * clock), and fault injection (--faults) on Search and ParallelScan like any data action.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { sdkFor, type Client } from '../support/emulator-process';
import { tableJanitor } from '../support/janitor';
import { expectError, paramInvalid } from '../support/rows';
import { connectSdk, decodeSdkError, IGNORE, uniqueTable } from '../support/sdk';
import { createFixture, fixtureRow, fixtureSchema, QT, RT } from '../support/search';

const matchAll = { queryType: QT.MATCH_ALL_QUERY, query: {} };
const pk1 = (row: any) => Number(String(row.primaryKey[0].value));

describe('ComputeSplits and ParallelScan', () => {
  const sdk = connectSdk();
  const janitor = tableJanitor(sdk);
  const t = janitor.add(uniqueTable('ps'));

  beforeAll(async () => {
    await createFixture(sdk, t, 100, { idx: fixtureSchema() });
  });

  const scan = (sessionId: Buffer, scanQuery: object, columnToGet: object = { returnType: RT.RETURN_SPECIFIED, returnNames: ['k'] }) =>
    sdk.parallelScan({ tableName: t, indexName: 'idx', sessionId, scanQuery: { maxParallel: 1, currentParallelId: 0, aliveTime: 30, ...scanQuery }, columnToGet });

  it('pages 70 + 30 rows with tokens, then 0 rows and no token; the union is every match', async () => {
    const split = await sdk.computeSplits({ tableName: t, searchIndexSplitsOptions: { indexName: 'idx' } });
    expect(split.splitsSize).toBe(1);
    expect(/^[0-9a-f-]{36}$/.test(Buffer.from(split.sessionId).toString('utf8'))).toBe(true);
    const a = await scan(split.sessionId, { query: matchAll, limit: 70 });
    expect([a.rows.length, a.nextToken.length > 0]).toEqual([70, true]);
    const b = await scan(split.sessionId, { query: matchAll, limit: 70, token: a.nextToken });
    expect([b.rows.length, b.nextToken.length > 0]).toEqual([30, true]);
    const c = await scan(split.sessionId, { query: matchAll, limit: 70, token: b.nextToken });
    expect([c.rows.length, c.nextToken == null || c.nextToken.length === 0]).toEqual([0, true]);
    expect([...a.rows, ...b.rows].map(pk1).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(a.rows[0].attributes.map((x: any) => x.columnName)).toEqual(['k']);
  });

  it('scans the session snapshot with a query; rows written later are not in it', async () => {
    const split = await sdk.computeSplits({ tableName: t, searchIndexSplitsOptions: { indexName: 'idx' } });
    const extra = fixtureRow(1000);
    await sdk.putRow({ tableName: t, condition: IGNORE(), primaryKey: extra.pk, attributeColumns: extra.attrs });
    const r = await scan(split.sessionId, { query: { queryType: QT.TERM_QUERY, query: { fieldName: 'b', term: true } }, limit: 1000 });
    expect(r.rows).toHaveLength(50);
    const fresh = await sdk.computeSplits({ tableName: t, searchIndexSplitsOptions: { indexName: 'idx' } });
    expect((await scan(fresh.sessionId, { query: { queryType: QT.TERM_QUERY, query: { fieldName: 'b', term: true } }, limit: 1000 })).rows).toHaveLength(51);
    await sdk.deleteRow({ tableName: t, condition: IGNORE(), primaryKey: extra.pk });
  });

  it('answers the observed errors', async () => {
    await paramInvalid(sdk.computeSplits({ tableName: 'not_exist', searchIndexSplitsOptions: { indexName: 'idx' } }), 'table [not_exist] does not exist');
    await expectError(sdk.computeSplits({ tableName: t, searchIndexSplitsOptions: { indexName: 'not_exist' } }), 400, 'OTSMetaNotMatch', 'search index [not_exist] does not exist');
    await paramInvalid(sdk.computeSplits({ tableName: t }), '[search index splits options] must not be null');
    const split = await sdk.computeSplits({ tableName: t, searchIndexSplitsOptions: { indexName: 'idx' } });
    await paramInvalid(scan(split.sessionId, { query: matchAll, currentParallelId: 101 }), '[parallel_scan.current_parallel_id] must in [0, max_parallel), current max_parallel is 1, current_parallel_id is 101');
    await paramInvalid(scan(split.sessionId, { query: matchAll, maxParallel: 2 }), '[parallel_scan.max_parallel_id] must in (0 ,1], current max_parallel_id is 2');
    await paramInvalid(scan(split.sessionId, { query: matchAll }, { returnType: RT.RETURN_ALL }), /RETURN_ALL is not supported by ParallelScan/);
  });
});

describe('ParallelScan session expiry and faults (own emulators)', () => {
  let now = Date.now();
  const emus: RunningEmulator[] = [];
  afterAll(async () => {
    for (const e of emus) await e.close();
  });

  async function prepare(client: Client): Promise<void> {
    await client.createTable({ tableMeta: { tableName: 'x', primaryKey: [{ name: 'PK1', type: 'INTEGER' }, { name: 'PK2', type: 'STRING' }] }, reservedThroughput: { capacityUnit: { read: 0, write: 0 } }, tableOptions: { timeToLive: -1, maxVersions: 1 } });
    await client.createSearchIndex({ tableName: 'x', indexName: 'idx', schema: fixtureSchema() });
  }

  it('expires a session unused for longer than alive_time', async () => {
    const emu = await startEmulator({ port: 0, inMemory: true, search: { now: () => now } });
    emus.push(emu);
    const client = sdkFor(emu.endpoint);
    await prepare(client);
    const split = await client.computeSplits({ tableName: 'x', searchIndexSplitsOptions: { indexName: 'idx' } });
    const s = () => client.parallelScan({ tableName: 'x', indexName: 'idx', sessionId: split.sessionId, scanQuery: { query: matchAll, limit: 10, aliveTime: 30, maxParallel: 1, currentParallelId: 0 }, columnToGet: { returnType: RT.RETURN_NONE } });
    await s();
    now += 30_000; // exactly alive_time: still alive, and refreshed
    await s();
    now += 30_001;
    await expectError(s(), 400, 'OTSSessionExpired', "ScanQuery'session is expired, please retry ComputeSplitsRequest and ScanQuery.");
  });

  it('applies --faults to Search and ParallelScan', async () => {
    const emu = await startEmulator({ port: 0, inMemory: true, faults: 'busy=0.5,seed=7' });
    emus.push(emu);
    const client = sdkFor(emu.endpoint);
    const retry = async <T>(f: () => Promise<T>): Promise<T> => {
      for (let i = 0; ; i++) {
        try {
          return await f();
        } catch (e) {
          if (i > 50 || decodeSdkError(e).otsCode !== 'OTSServerBusy') throw e;
        }
      }
    };
    await retry(() => prepare(client).catch((e) => (decodeSdkError(e).otsCode === 'OTSObjectAlreadyExist' ? undefined : Promise.reject(e))));
    const split = await retry(() => client.computeSplits({ tableName: 'x', searchIndexSplitsOptions: { indexName: 'idx' } }));
    const outcomes: string[] = [];
    for (let i = 0; i < 60; i++) {
      for (const call of [
        () => client.search({ tableName: 'x', indexName: 'idx', searchQuery: { limit: 1, query: matchAll }, columnToGet: { returnType: RT.RETURN_NONE } }),
        () => client.parallelScan({ tableName: 'x', indexName: 'idx', sessionId: split.sessionId, scanQuery: { query: matchAll, limit: 1, aliveTime: 60, maxParallel: 1, currentParallelId: 0 }, columnToGet: { returnType: RT.RETURN_NONE } }),
      ]) {
        outcomes.push(await call().then(() => 'ok', (e) => `${decodeSdkError(e).status} ${decodeSdkError(e).otsCode}`));
      }
    }
    const busy = outcomes.filter((o) => o === '503 OTSServerBusy').length;
    expect(outcomes.every((o) => o === 'ok' || o === '503 OTSServerBusy')).toBe(true);
    expect(busy).toBeGreaterThan(30);
    expect(busy).toBeLessThan(90);
  });
});
