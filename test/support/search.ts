/**
 * Search-index fixtures for the integration tests: a table shaped like the official SDKs' search tests
 * (keyword, long, long array, double, boolean, text, geo point, date with a strict format, nested, keyword array,
 * vector), written through the SDK, and small helpers for Search calls. Values are derived from the row number so
 * each test can state the expected count.
 */
import { createTable, Long, TableStore, type Sdk } from './sdk';

export const FT = TableStore.FieldType as Record<'LONG' | 'DOUBLE' | 'BOOLEAN' | 'KEYWORD' | 'TEXT' | 'NESTED' | 'GEO_POINT' | 'DATE' | 'VECTOR', number>;
export const QT = TableStore.QueryType as Record<string, number>;
export const AGG = TableStore.AggregationType as Record<string, number>;
export const GB = TableStore.GroupByType as Record<string, number>;
export const RT = TableStore.ColumnReturnType as Record<'RETURN_ALL' | 'RETURN_SPECIFIED' | 'RETURN_NONE' | 'RETURN_ALL_FROM_INDEX', number>;
export const ASC = TableStore.SortOrder.SORT_ORDER_ASC as number;
export const DESC = TableStore.SortOrder.SORT_ORDER_DESC as number;

/**
 * The schema of the standard fixture index: the field set the official SDKs' search tests use, so the counts
 * their tests observed against the service can be checked here. `withNested` adds the NESTED field `n`
 * (and with it: no index_sort).
 */
export function fixtureSchema(withNested = false): { fieldSchemas: object[] } {
  const fieldSchemas: object[] = [
    { fieldName: 'k', fieldType: FT.KEYWORD, index: true, enableSortAndAgg: true, store: true },
    { fieldName: 't', fieldType: FT.TEXT, analyzer: 'single_word', analyzerParameter: { caseSensitive: false, delimitWord: false }, enableHighlighting: true },
    { fieldName: 'g', fieldType: FT.GEO_POINT, store: true },
    { fieldName: 'ka', fieldType: FT.KEYWORD, isAnArray: true, store: true },
    { fieldName: 'la', fieldType: FT.LONG, isAnArray: true, store: true },
    { fieldName: 'l', fieldType: FT.LONG, store: true },
    { fieldName: 'b', fieldType: FT.BOOLEAN, store: true },
    { fieldName: 'd', fieldType: FT.DOUBLE, store: true },
    { fieldName: 'time', fieldType: FT.DATE, dateFormats: ['yyyy-MM-dd'], store: true },
    { fieldName: 'name', fieldType: FT.TEXT, analyzer: 'fuzzy', analyzerParameter: { minChars: 1, maxChars: 7 } },
    { fieldName: 'vector', fieldType: FT.VECTOR, vectorOptions: { dataType: 2, dimension: 4, metricType: 1 } },
  ];
  if (withNested) {
    fieldSchemas.push({
      fieldName: 'n',
      fieldType: FT.NESTED,
      fieldSchemas: [
        { fieldName: 'nk', fieldType: FT.KEYWORD, enableSortAndAgg: true },
        { fieldName: 'nl', fieldType: FT.LONG },
        { fieldName: 'nt', fieldType: FT.TEXT, analyzer: 'single_word', analyzerParameter: { caseSensitive: false, delimitWord: false } },
      ],
    });
  }
  return { fieldSchemas };
}

const NAMES = '马尔代夫巴厘岛苏梅岛';

/**
 * Row i of the fixture (PK1 = i, PK2 = `pk_<i % 10>`): points on a 0.05° grid from (30, 114), `time` with
 * one-digit days for i % 31 < 9 (dirty for `yyyy-MM-dd`, so those rows lack the field), names of two characters.
 */
export function fixtureRow(i: number): { pk: Array<Record<string, unknown>>; attrs: Array<Record<string, unknown>> } {
  return {
    pk: [{ PK1: Long(i) }, { PK2: `pk_${i % 10}` }],
    attrs: [
      { k: `key${String(i).padStart(3, '0')}` },
      { t: `this is ${i}` },
      { g: `${(30 + 0.05 * Math.floor(i / 100)).toFixed(6)},${(114 + 0.05 * (i % 100)).toFixed(6)}` },
      { ka: `["a", "b", "${i}"]` },
      { la: `[-1, ${i}]` },
      { l: Long(i) },
      { name: NAMES[Math.floor(i / 100)] + NAMES[i % 10] },
      { b: i % 2 === 0 },
      { d: 0.1 },
      { time: `2022-05-${(i % 31) + 1}` },
      { n: JSON.stringify([{ nk: `key${String(i).padStart(3, '0')}`, nl: i, nt: `this is in nested ${i}` }]) },
      { vector: `[${i + 1}, ${i - 1}, ${i + 5}, ${i - 5}]` },
    ],
  };
}

export type FixtureRow = ReturnType<typeof fixtureRow>;

export async function writeRows(sdk: Sdk, table: string, rows: FixtureRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    await sdk.batchWriteRow({
      tables: [{
        tableName: table,
        rows: rows.slice(i, i + 200).map((r) => ({
          type: 'PUT',
          condition: new TableStore.Condition(TableStore.RowExistenceExpectation.IGNORE, null),
          primaryKey: r.pk,
          attributeColumns: r.attrs,
        })),
      }],
    });
  }
}

/** Creates the fixture table (PK1 INTEGER, PK2 STRING), its indexes, and writes `n` rows. */
export async function createFixture(sdk: Sdk, table: string, n: number, indexes: Record<string, object>): Promise<void> {
  await createTable(sdk, table, [{ name: 'PK1', type: 'INTEGER' }, { name: 'PK2', type: 'STRING' }]);
  for (const [indexName, schema] of Object.entries(indexes)) await sdk.createSearchIndex({ tableName: table, indexName, schema });
  await writeRows(sdk, table, Array.from({ length: n }, (_, i) => fixtureRow(i)));
}

/** A Search call with the common defaults (limit, total count). */
export function search(sdk: Sdk, table: string, index: string, query: object, extra: Record<string, unknown> = {}, columnToGet?: object): Promise<any> {
  const { tableName, indexName, ...sq } = extra as any;
  return sdk.search({
    tableName: tableName ?? table,
    indexName: indexName ?? index,
    searchQuery: { offset: 0, limit: 100, getTotalCount: true, query, ...sq },
    columnToGet: columnToGet ?? { returnType: RT.RETURN_NONE },
  });
}

/** The total count of a query. */
export async function count(sdk: Sdk, table: string, index: string, query: object): Promise<number> {
  const r = await search(sdk, table, index, query, { limit: 0 });
  return Number(r.totalCounts);
}

/** PK1 values of the returned rows, in order. */
export function pks(r: any): number[] {
  return r.rows.map((row: any) => Number(String(row.primaryKey[0].value)));
}

/** A row's attributes as { name: string value }. */
export function attrs(row: any): Record<string, string> {
  return Object.fromEntries((row.attributes ?? []).map((a: any) => [a.columnName, String(a.columnValue)]));
}
