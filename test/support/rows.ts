/**
 * Helpers for the row-semantics integration tests (test/integration/rows-*.test.ts): condition and filter
 * builders over the official SDK's classes, error assertions, and small read helpers. Everything goes through
 * the SDK (or a raw signed request); nothing here knows the emulator's internals.
 */
import { expect } from 'vitest';
import { otsError, TableStore, type Sdk } from './sdk';

export const CT = TableStore.ComparatorType as Record<'EQUAL' | 'NOT_EQUAL' | 'GREATER_THAN' | 'GREATER_EQUAL' | 'LESS_THAN' | 'LESS_EQUAL', number>;
export const RE = TableStore.RowExistenceExpectation as Record<'IGNORE' | 'EXPECT_EXIST' | 'EXPECT_NOT_EXIST', number>;

/** A `Condition` with a row-existence expectation and an optional column condition. */
export function cond(existence: keyof typeof RE, columnCondition: unknown = null): unknown {
  return new TableStore.Condition(RE[existence], columnCondition);
}

/** A single-column condition/filter (SDK defaults: passIfMissing true, latestVersionOnly true). */
export function single(column: string, value: unknown, cmp: keyof typeof CT, passIfMissing?: boolean, latestVersionOnly?: boolean): unknown {
  return new TableStore.SingleColumnCondition(column, value, CT[cmp], passIfMissing, latestVersionOnly);
}

function composite(op: number, subs: unknown[]): unknown {
  const c = new TableStore.CompositeCondition(op);
  for (const s of subs) c.addSubCondition(s);
  return c;
}
export const and = (a: unknown, b: unknown) => composite(TableStore.LogicalOperator.AND, [a, b]);
export const or = (a: unknown, b: unknown) => composite(TableStore.LogicalOperator.OR, [a, b]);
export const not = (a: unknown) => composite(TableStore.LogicalOperator.NOT, [a]);

/** Asserts the call fails with exactly this HTTP status, OTS code and (when given) message. */
export async function expectError(p: Promise<unknown>, status: number, code: string, message?: string | RegExp): Promise<void> {
  const e = await otsError(p);
  expect({ status: e.status, code: e.otsCode }).toEqual({ status, code });
  if (typeof message === 'string') expect(e.otsMessage).toBe(message);
  else if (message) expect(e.otsMessage).toMatch(message);
}

export const conditionFailed = (p: Promise<unknown>) => expectError(p, 403, 'OTSConditionCheckFail', 'Condition check failed.');
export const paramInvalid = (p: Promise<unknown>, message?: string | RegExp) => expectError(p, 400, 'OTSParameterInvalid', message);

/** GetRow of one key with optional read options; returns the SDK's row (`{}` when missing). */
export async function get(sdk: Sdk, tableName: string, primaryKey: object[], opts: Record<string, unknown> = {}): Promise<any> {
  return (await sdk.getRow({ tableName, primaryKey, ...opts })).row;
}

/** The row's attribute cells as [name, value-as-string, timestamp-as-string] triples, in response order. */
export function cells(row: any): Array<[string, string, string]> {
  return (row?.attributes ?? []).map((a: any) => [a.columnName, String(a.columnValue), String(a.timestamp)]);
}

/** The row's primary key as [name, value-as-string] pairs. */
export function pkOf(row: any): Array<[string, string]> {
  return (row?.primaryKey ?? []).map((p: any) => [p.name, String(p.value)]);
}

/** A row is absent in an SDK GetRow answer when it has neither primary key nor attributes. */
export function missing(row: any): boolean {
  return !row || (!row.primaryKey && !row.attributes) || (row.primaryKey?.length ?? 0) === 0;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
