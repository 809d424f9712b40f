/**
 * Search-index fixtures for the integration tests: a table shaped like the official SDKs' search tests
 * (keyword, long, long array, double, boolean, text, geo point, date with a strict format, nested, keyword array,
 * vector), written through the SDK, and small helpers for Search calls. Values are derived from the row number so
 * each test can state the expected count.
 */
import { Long, TableStore, type Sdk } from './sdk';

export const FT = TableStore.FieldType as Record<'LONG' | 'DOUBLE' | 'BOOLEAN' | 'KEYWORD' | 'TEXT' | 'NESTED' | 'GEO_POINT' | 'DATE' | 'VECTOR', number>;
export const QT = TableStore.QueryType as Record<string, number>;
export const AGG = TableStore.AggregationType as Record<string, number>;
export const GB = TableStore.GroupByType as Record<string, number>;
export const RT = TableStore.ColumnReturnType as Record<'RETURN_ALL' | 'RETURN_SPECIFIED' | 'RETURN_NONE' | 'RETURN_ALL_FROM_INDEX', number>;
export const ASC = TableStore.SortOrder.SORT_ORDER_ASC as number;
export const DESC = TableStore.SortOrder.SORT_ORDER_DESC as number;

/** The schema of the standard fixture index. */
export function fixtureSchema(): object {
  return {
    fieldSchemas: [
      { fieldName: 'k', fieldType: FT.KEYWORD, index: true, enableSortAndAgg: true, store: true },
      { fieldName: 'l', fieldType: FT.LONG, index: true, enableSortAndAgg: true, store: true },
      { fieldName: 'la', fieldType: FT.LONG, isAnArray: true },
      { fieldName: 'd', fieldType: FT.DOUBLE, enableSortAndAgg: true },
      { fieldName: 'b', fieldType: FT.BOOLEAN },
      { fieldName: 't', fieldType: FT.TEXT, analyzer: 'single_word', analyzerParameter: { caseSensitive: false, delimitWord: false }, enableHighlighting: true },
      { fieldName: 'g', fieldType: FT.GEO_POINT },
      { fieldName: 'time', fieldType: FT.DATE, dateFormats: ['yyyy-MM-dd'] },
      { fieldName: 'ka', fieldType: FT.KEYWORD, isAnArray: true },
      {
        fieldName: 'n',
        fieldType: FT.NESTED,
        fieldSchemas: [
          { fieldName: 'nk', fieldType: FT.KEYWORD },
          { fieldName: 'nl', fieldType: FT.LONG },
        ],
      },
      { fieldName: 'v', fieldType: FT.VECTOR, vectorOptions: { dataType: 2, dimension: 4, metricType: 0 } },
    ],
  };
}

/** Row i of the fixture (PK1 = i). `time` has one-digit days for i % 30 < 9: dirty for `yyyy-MM-dd`. */
export function fixtureRow(i: number): Array<Record<string, unknown>> {
  return [
    { k: `key${String(i).padStart(3, '0')}` },
    { l: Long(i) },
    { la: `[-1, ${i}]` },
    { d: 0.1 },
    { b: i % 2 === 0 },
    { t: `this is ${i}` },
    { g: `${30 + (i % 10) / 10},${114 + Math.floor(i / 10) / 10}` },
    { time: `2022-05-${i % 30 + 1}` },
    { ka: JSON.stringify(['a', 'b', `key${i}`]) },
    { n: JSON.stringify([{ nk: `key${i}`, nl: i }]) },
    { v: JSON.stringify([i, i + 1, i + 2, i + 3]) },
  ];
}

export async function writeRows(sdk: Sdk, table: string, rows: Array<{ pk: number; attrs: Array<Record<string, unknown>> }>): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    await sdk.batchWriteRow({
      tables: [{
        tableName: table,
        rows: rows.slice(i, i + 200).map((r) => ({
          type: 'PUT',
          condition: new TableStore.Condition(TableStore.RowExistenceExpectation.IGNORE, null),
          primaryKey: [{ PK1: Long(r.pk) }],
          attributeColumns: r.attrs,
        })),
      }],
    });
  }
}

export function fixtureRows(n: number): Array<{ pk: number; attrs: Array<Record<string, unknown>> }> {
  return Array.from({ length: n }, (_, i) => ({ pk: i, attrs: fixtureRow(i) }));
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
