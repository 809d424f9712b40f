/**
 * A page of rows: GetRange from a position in either direction, with an opaque cursor for the page after and
 * the page before. A page costs the same on a table of any size: it starts at a key (the range's end or the
 * cursor's key), reads at most `limit + 1` rows per request, and never counts or scans the table.
 */
import type { GetRangeParams, PrimaryKeyCell, SdkRow } from '../client/actions';
import type { TableStoreClient } from '../client/client';
import { ComparatorType, CompositeCondition, INF_MAX, INF_MIN, LogicalOperator, SingleColumnCondition, type CellValue, type ColumnFilter } from '../client/values';
import { decodeCursor, encodeCursor } from '../repository/actions/find/cursor';
import type { Comparator, RowsPage, RowsQuery, TableView } from './protocol';
import { compareKeyValue, fromCell, keyValue, rowView, StudioInputError } from './values';

export const DEFAULT_PAGE_ROWS = 50;
export const MAX_PAGE_ROWS = 500;
/** Most versions shown per cell, whatever the table keeps. */
export const MAX_SHOWN_VERSIONS = 10;
/**
 * A filtered scan can read pages of zero rows (the filter runs after the scan, spec §5 GetRange); a studio
 * page stops after this many requests and offers `next` from where the scan got to [decision].
 */
export const MAX_REQUESTS_PER_PAGE = 8;
/** The filter's sub-condition limit (spec §1.27: 10 per the SDK docs). */
export const MAX_FILTER_CONDITIONS = 10;

type KeySchema = TableView['primaryKey'];
type SdkKey = Array<Record<string, unknown>>;

const COMPARATORS: Record<Comparator, number> = {
  '=': ComparatorType.EQUAL,
  '!=': ComparatorType.NOT_EQUAL,
  '<': ComparatorType.LESS_THAN,
  '<=': ComparatorType.LESS_EQUAL,
  '>': ComparatorType.GREATER_THAN,
  '>=': ComparatorType.GREATER_EQUAL,
};

/**
 * The range the query selects: where a forward and a backward read start and end, and the exact test for a
 * row's key (some bounds are relaxed, see below).
 */
interface Bounds {
  forward: { start: SdkKey; end: SdkKey };
  backward: { start: SdkKey; end: SdkKey };
  /** False once a row's key is past the range. */
  inRange(key: PrimaryKeyCell[]): boolean;
}

function bounds(pk: KeySchema, query: RowsQuery): Bounds {
  const given: CellValue[] = [];
  for (const col of pk) {
    const cell = query.key?.[col.name];
    if (cell === undefined || (cell && typeof cell === 'object' && cell.v === '')) break;
    given.push(keyValue(cell, col));
  }
  for (const name of Object.keys(query.key ?? {})) {
    if (!pk.some((c) => c.name === name)) throw new StudioInputError(`${name}: not a primary-key column of ${query.table}`, name);
  }
  const fill = (rest: unknown, n = given.length) => pk.map((c, i) => ({ [c.name]: i < n ? given[i] : rest }));
  const full = given.length === pk.length && given.length > 0;
  const startsWith = (key: PrimaryKeyCell[]) => given.every((v, i) => compareKeyValue(key[i]?.value, v) === 0);
  const notBefore = (key: PrimaryKeyCell[]) => {
    for (let i = 0; i < given.length; i++) {
      const c = compareKeyValue(key[i]?.value, given[i]);
      if (c !== 0) return c > 0;
    }
    return true;
  };
  const last = pk.map((c) => ({ [c.name]: INF_MAX }));
  if (!full) {
    const low = fill(INF_MIN);
    const high = query.keyMode === 'from' ? last : fill(INF_MAX);
    return { forward: { start: low, end: high }, backward: { start: high, end: low }, inRange: query.keyMode === 'from' ? notBefore : startsWith };
  }
  // A full key is an exact inclusive start, but cannot be an exclusive end (strings have no predecessor or
  // successor): such ends drop the key's last column, and the exact test stops the read after at most one
  // extra row.
  const key = fill(undefined);
  const below = fill(INF_MIN, given.length - 1);
  if (query.keyMode === 'from') return { forward: { start: key, end: last }, backward: { start: last, end: below }, inRange: notBefore };
  return { forward: { start: key, end: fill(INF_MAX, given.length - 1) }, backward: { start: key, end: below }, inRange: startsWith };
}

function filterOf(query: RowsQuery): ColumnFilter | undefined {
  const conditions = query.filter?.conditions ?? [];
  if (conditions.length === 0) return undefined;
  if (conditions.length > MAX_FILTER_CONDITIONS) throw new StudioInputError(`a filter has at most ${MAX_FILTER_CONDITIONS} conditions (spec §1.27), got ${conditions.length}`);
  const singles = conditions.map((c, i) => {
    if (!c || typeof c.column !== 'string' || c.column === '') throw new StudioInputError(`filter condition ${i + 1}: choose a column`);
    if (!(c.op in COMPARATORS)) throw new StudioInputError(`filter condition ${i + 1}: unknown comparison ${JSON.stringify(c.op)}`, c.column);
    // A row without the column does not pass (passIfMissing false): "price > 5" should not list rows with no price.
    return new SingleColumnCondition(c.column, fromCell(c.value, c.column), COMPARATORS[c.op], false, true);
  });
  if (singles.length === 1) return singles[0];
  const composite = new CompositeCondition(query.filter?.combinator === 'or' ? LogicalOperator.OR : LogicalOperator.AND);
  for (const s of singles) composite.addSubCondition(s);
  return composite;
}

/**
 * Cursors: `<mode>.<key>`, the key encoded by the repository's cursor (typed, bound to the table). Mode
 * F/B: read forward/backward after the key (the key's row excluded: it was shown); f/b: from the key
 * (inclusive: a filtered scan stopped before reading it).
 */
type Mode = 'F' | 'B' | 'f' | 'b';

function cursorOf(table: string, mode: Mode, key: PrimaryKeyCell[]): string {
  return `${mode}.${encodeCursor(table, key)}`;
}

function readCursor(table: string, cursor: string): { forward: boolean; exclusive: boolean; key: SdkKey } {
  const m = /^([FBfb])\.(.+)$/.exec(cursor);
  if (!m) throw new StudioInputError('the cursor is not one this studio produced');
  try {
    return { forward: m[1].toUpperCase() === 'F', exclusive: m[1] === 'F' || m[1] === 'B', key: decodeCursor(table, m[2]) };
  } catch (e) {
    throw new StudioInputError((e as Error).message);
  }
}

function sameKey(a: PrimaryKeyCell[], b: SdkKey): boolean {
  return a.length === b.length && a.every((c, i) => compareKeyValue(c.value, Object.values(b[i])[0]) === 0);
}

/** Reads one page of `query` on a table with this key schema and `maxVersions`. */
export async function readRows(client: TableStoreClient, pk: KeySchema, maxVersions: number, query: RowsQuery): Promise<RowsPage> {
  const limit = query.limit ?? DEFAULT_PAGE_ROWS;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_ROWS) throw new StudioInputError(`limit: a whole number from 1 to ${MAX_PAGE_ROWS}`);
  const range = bounds(pk, query);
  const filter = filterOf(query);
  const ascending = query.order !== 'desc';
  const at = query.cursor ? readCursor(query.table, query.cursor) : undefined;
  const forward = at ? at.forward : ascending;
  const versions = Math.min(Math.max(maxVersions, 1), MAX_SHOWN_VERSIONS);
  let columnsToGet: string[] | undefined;
  if (query.columns?.length) {
    columnsToGet = [...new Set([...query.columns, ...(query.filter?.conditions ?? []).map((c) => c.column)])];
  }

  const rows: SdkRow[] = [];
  const way = forward ? range.forward : range.backward;
  let start: SdkKey = at ? at.key : way.start;
  let exhausted = false;
  let resumeAt: PrimaryKeyCell[] | undefined;
  for (let request = 0; ; request++) {
    if (request === MAX_REQUESTS_PER_PAGE) break;
    const params: GetRangeParams = {
      tableName: query.table,
      direction: forward ? 'FORWARD' : 'BACKWARD',
      inclusiveStartPrimaryKey: start as never,
      exclusiveEndPrimaryKey: way.end as never,
      // One row more than the page: whether it exists says if there is a page after this one.
      limit: limit + 1 - rows.length + (at?.exclusive ? 1 : 0),
      maxVersions: versions,
      ...(columnsToGet ? { columnsToGet } : {}),
      ...(filter ? { columnFilter: filter } : {}),
    };
    const res = await client.call('getRange', params);
    for (const row of res.rows) {
      if (at?.exclusive && sameKey(row.primaryKey, at.key)) continue;
      if (!range.inRange(row.primaryKey)) {
        exhausted = true;
        break;
      }
      rows.push(row);
      if (rows.length > limit) break;
    }
    if (exhausted || rows.length > limit) break;
    if (!res.nextStartPrimaryKey) {
      exhausted = true;
      break;
    }
    resumeAt = res.nextStartPrimaryKey;
    start = resumeAt.map((c) => ({ [c.name]: c.value }));
  }
  const partial = !exhausted && rows.length < limit;
  if (rows.length > limit) rows.length = limit;
  if (forward !== ascending) rows.reverse();

  // Cursors in display order: `next` continues the way the rows are shown, `prev` goes back.
  const shownForward = ascending;
  const mode = (fwd: boolean, inclusive = false): Mode => (inclusive ? (fwd ? 'f' : 'b') : fwd ? 'F' : 'B');
  const first = rows[0]?.primaryKey;
  const last = rows[rows.length - 1]?.primaryKey;
  const readingOnward = forward === shownForward;
  let next: string | undefined;
  let prev: string | undefined;
  if (readingOnward) {
    if (!exhausted) next = partial && resumeAt && !last ? cursorOf(query.table, mode(shownForward, true), resumeAt) : last ? cursorOf(query.table, mode(shownForward), last) : undefined;
    if (at && first) prev = cursorOf(query.table, mode(!shownForward), first);
  } else {
    if (!exhausted) prev = partial && resumeAt && !first ? cursorOf(query.table, mode(!shownForward, true), resumeAt) : first ? cursorOf(query.table, mode(!shownForward), first) : undefined;
    if (last) next = cursorOf(query.table, mode(shownForward), last);
  }
  return { rows: rows.map(rowView), next, prev, ...(partial ? { partial } : {}), maxVersions: versions };
}
