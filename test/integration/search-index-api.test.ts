/**
 * The search index APIs over the wire with the official Node SDK: CreateSearchIndex (schema, TTL, reindex
 * source), DescribeSearchIndex (the §2.3 echo, sync_stat, status), ListSearchIndex (one table / all),
 * UpdateSearchIndex (TTL), DeleteSearchIndex, and the errors of spec §9.
 */
import { describe, expect, it } from 'vitest';
import { tableJanitor } from '../support/janitor';
import { expectError, paramInvalid } from '../support/rows';
import { connectSdk, createTable, TableStore, uniqueTable } from '../support/sdk';
import { FT, fixtureSchema } from '../support/search';

describe('search index APIs', () => {
  const sdk = connectSdk();
  const janitor = tableJanitor(sdk);

  async function table(extra: Record<string, unknown> = {}): Promise<string> {
    const t = janitor.add(uniqueTable('si'));
    await createTable(sdk, t, [{ name: 'PK1', type: 'INTEGER' }, { name: 'PK2', type: 'STRING' }], extra);
    return t;
  }

  it('creates, lists, describes (echoing the schema as sent) and deletes an index', async () => {
    const t = await table();
    await sdk.createSearchIndex({ tableName: t, indexName: 'idx', schema: fixtureSchema(true) });
    await sdk.createSearchIndex({
      tableName: t,
      indexName: 'idx_sorted',
      schema: {
        fieldSchemas: [{ fieldName: 'l', fieldType: FT.LONG, enableSortAndAgg: true }],
        indexSetting: { routingFields: ['PK2'] },
        indexSort: { sorters: [{ fieldSort: { fieldName: 'l', order: 1 } }] },
      },
    });
    const list = await sdk.listSearchIndex({ tableName: t });
    expect(list.indices.map((i: any) => [i.tableName, i.indexName]).sort()).toEqual([[t, 'idx'], [t, 'idx_sorted']]);
    const all = await sdk.listSearchIndex({});
    expect(all.indices.filter((i: any) => i.tableName === t)).toHaveLength(2);

    const d = await sdk.describeSearchIndex({ tableName: t, indexName: 'idx' });
    const byName = Object.fromEntries(d.schema.fieldSchemas.map((f: any) => [f.fieldName, f]));
    // index absent ⇒ true; enable_sort_and_agg echoes what was sent (absent ⇒ not set, Python reads false).
    expect(byName.k).toMatchObject({ fieldType: FT.KEYWORD, index: true, docValues: true, store: true });
    expect(byName.la).toMatchObject({ index: true, isArray: true });
    expect(Object.prototype.hasOwnProperty.call(byName.la, 'docValues')).toBe(false);
    expect(byName.t).toMatchObject({ analyzer: 'single_word', enableHighlighting: true });
    expect(byName.time.dateFormats).toEqual(['yyyy-MM-dd']);
    expect(byName.n.fieldSchemas.map((f: any) => f.fieldName)).toEqual(['nk', 'nl', 'nt']);
    expect(byName.vector.vectorOptions).toMatchObject({ dimension: 4, metricType: 1 });
    // A NESTED field ⇒ no index_sort; routing [] when none.
    expect(d.schema.indexSort.sorter).toEqual([]);
    expect(d.schema.indexSetting.routingFields).toEqual([]);
    expect(d.indexStatus.status).toBe(TableStore.IndexStatus.RUNNING);
    expect(d.syncStat.syncPhase).toBe(2);
    const ts = Number(String(d.syncStat.currentSyncTimestamp)) / 1e6;
    expect(Math.abs(Date.now() - ts)).toBeLessThan(60_000);
    expect(d.timeToLive).toBe(-1);

    const s = await sdk.describeSearchIndex({ tableName: t, indexName: 'idx_sorted' });
    expect(s.schema.indexSetting.routingFields).toEqual(['PK2']);
    expect(s.schema.indexSort.sorter).toEqual([{ fieldSort: { fieldName: 'l', order: 1 } }]);

    await sdk.deleteSearchIndex({ tableName: t, indexName: 'idx' });
    expect((await sdk.listSearchIndex({ tableName: t })).indices.map((i: any) => i.indexName)).toEqual(['idx_sorted']);
    await expectError(sdk.deleteSearchIndex({ tableName: t, indexName: 'idx' }), 404, 'OTSObjectNotExist', 'search index [idx] does not exist');
  });

  it('reports the default index_sort as one pk_sort, and a table without indexes as an empty list', async () => {
    const t = await table();
    expect((await sdk.listSearchIndex({ tableName: t })).indices).toEqual([]);
    await sdk.createSearchIndex({ tableName: t, indexName: 'i', schema: { fieldSchemas: [{ fieldName: 'k', fieldType: FT.KEYWORD }] } });
    const d = await sdk.describeSearchIndex({ tableName: t, indexName: 'i' });
    expect(d.schema.indexSort.sorter).toEqual([{ pkSort: { order: 0 } }]);
  });

  it('sets and updates a TTL on a table without updates, and creates a _reindex index', async () => {
    const t = await table({ tableOptions: { timeToLive: -1, maxVersions: 1, allowUpdate: false } });
    await sdk.createSearchIndex({ tableName: t, indexName: 'i', timeToLive: 900000, schema: { fieldSchemas: [{ fieldName: 'k', fieldType: FT.KEYWORD }] } });
    expect((await sdk.describeSearchIndex({ tableName: t, indexName: 'i' })).timeToLive).toBe(900000);
    await sdk.updateSearchIndex({ tableName: t, indexName: 'i', timeToLive: 8000000 });
    expect((await sdk.describeSearchIndex({ tableName: t, indexName: 'i' })).timeToLive).toBe(8000000);
    await sdk.createSearchIndex({ tableName: t, indexName: 'i_reindex', sourceIndexName: 'i', schema: { fieldSchemas: [{ fieldName: 'k', fieldType: FT.TEXT }] } });
    expect((await sdk.listSearchIndex({ tableName: t })).indices).toHaveLength(2);
  });

  it('refuses what the service refuses (spec §2.5, §2.6, §9)', async () => {
    const t = await table();
    const kw = { fieldSchemas: [{ fieldName: 'k', fieldType: FT.KEYWORD }] };
    await paramInvalid(sdk.createSearchIndex({ tableName: uniqueTable('none'), indexName: 'i', schema: kw }), /^table \[.*\] does not exist$/);
    await sdk.createSearchIndex({ tableName: t, indexName: 'i', schema: kw });
    await expectError(sdk.createSearchIndex({ tableName: t, indexName: 'i', schema: kw }), 409, 'OTSObjectAlreadyExist', 'search index [i] already exists');
    await expectError(sdk.describeSearchIndex({ tableName: t, indexName: 'nope' }), 400, 'OTSMetaNotMatch', 'search index [nope] does not exist');
    // A TTL on a table that allows updates.
    await paramInvalid(sdk.createSearchIndex({ tableName: t, indexName: 'ttl', timeToLive: 900000, schema: kw }), /allow_update false/);
    // Analyzer on a non-TEXT field; sort-and-agg on TEXT; a duplicated field; a DATE without formats.
    await paramInvalid(sdk.createSearchIndex({ tableName: t, indexName: 'a', schema: { fieldSchemas: [{ fieldName: 'k', fieldType: FT.KEYWORD, analyzer: 'split', analyzerParameter: { delimiter: ',' } }] } }), /analyzer is only allowed on a text field/);
    await paramInvalid(sdk.createSearchIndex({ tableName: t, indexName: 'a', schema: { fieldSchemas: [{ fieldName: 't', fieldType: FT.TEXT, enableSortAndAgg: true }] } }), /text field can not enable enable_sort_and_agg/);
    await paramInvalid(sdk.createSearchIndex({ tableName: t, indexName: 'a', schema: { fieldSchemas: [{ fieldName: 'k', fieldType: FT.KEYWORD }, { fieldName: 'k', fieldType: FT.LONG }] } }), 'duplicated field name [k]');
    await paramInvalid(sdk.createSearchIndex({ tableName: t, indexName: 'a', schema: { fieldSchemas: [{ fieldName: 'd', fieldType: FT.DATE }] } }), /needs date_formats/);
    await paramInvalid(sdk.createSearchIndex({ tableName: t, indexName: 'a', schema: { fieldSchemas: [{ fieldName: 'd', fieldType: FT.DATE, dateFormats: ['yyyy-MM-dd Q'] }] } }), /invalid date format/);
    // Routing on a non-PK column; index_sort beside a NESTED field.
    await paramInvalid(sdk.createSearchIndex({ tableName: t, indexName: 'a', schema: { ...kw, indexSetting: { routingFields: ['k'] } } }), /routing field \[k\] must be a primary key column/);
    await paramInvalid(sdk.createSearchIndex({
      tableName: t,
      indexName: 'a',
      schema: { fieldSchemas: [{ fieldName: 'n', fieldType: FT.NESTED, fieldSchemas: [{ fieldName: 'x', fieldType: FT.LONG }] }], indexSort: { sorters: [{ primaryKeySort: { order: 0 } }] } },
    }), 'index_sort is not supported on a search index with a nested field');
    // A table with a search index can't be deleted.
    await paramInvalid(sdk.deleteTable({ tableName: t }), `Table[${t}] who has at least one search index cannot be deleted.`);
  });

  it('refuses a table with max_versions other than 1, and a sixth index', async () => {
    const t = await table({ tableOptions: { timeToLive: -1, maxVersions: 2 } });
    const kw = { fieldSchemas: [{ fieldName: 'k', fieldType: FT.KEYWORD }] };
    await paramInvalid(sdk.createSearchIndex({ tableName: t, indexName: 'i', schema: kw }), /needs max_versions 1/);
    const u = await table();
    for (let i = 0; i < 5; i++) await sdk.createSearchIndex({ tableName: u, indexName: `i${i}`, schema: kw });
    await expectError(sdk.createSearchIndex({ tableName: u, indexName: 'i5', schema: kw }), 403, 'OTSQuotaExhausted', /exceeds the quota: 5/);
  });
});
