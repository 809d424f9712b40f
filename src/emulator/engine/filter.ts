/**
 * Column conditions and read filters (spec §6.6): the protobuf `Filter` tree decoded once, then evaluated
 * against rows. Used by `Condition.column_condition` on writes and by the `filter` of reads.
 *
 * Decisions where the sources are silent (spec §14.8): comparing values of different types is "not
 * satisfied" for every comparator, NOT_EQUAL included; INTEGER and DOUBLE are different types.
 */
import { OtsError } from '../errors';
import { VT, decodeVariant, type Value } from '../model/plainbuffer';
import { decodeMessage, messageType } from '../protocol/proto';
import type { RowData, Version } from './row';

export type FilterNode =
  | { kind: 'single'; cmp: number; column: string; value: Value; filterIfMissing: boolean; latestOnly: boolean }
  | { kind: 'not'; sub: FilterNode }
  | { kind: 'and' | 'or'; subs: FilterNode[] }
  | { kind: 'page'; offset: number; limit: number };

/** Sub-conditions allowed in one filter tree (current docs: 32 combined conditions). */
export const MAX_FILTER_CONDITIONS = 32;

function decodeTree(buf: Buffer, count: { n: number }): FilterNode {
  let f: { type: number; filter: Uint8Array };
  try {
    f = messageType('Filter').decode(buf) as never;
  } catch {
    throw OtsError.param('Deserialize filter failed.');
  }
  if (++count.n > MAX_FILTER_CONDITIONS) throw OtsError.param(`The count of filter exceeds the max:${MAX_FILTER_CONDITIONS}.`);
  const body = Buffer.from(f.filter);
  try {
    switch (f.type) {
      case 1: {
        const s = decodeMessage('SingleColumnValueFilter', body); // strict: column_name must not overrun
        if (!s.columnName) throw OtsError.param('invalid name of column: empty name.');
        if (s.comparator < 1 || s.comparator > 6) throw OtsError.param(`Invalid comparator type: ${s.comparator}.`);
        return {
          kind: 'single',
          cmp: s.comparator,
          column: s.columnName,
          value: decodeVariant(Buffer.from(s.columnValue)),
          filterIfMissing: !!s.filterIfMissing,
          latestOnly: !!s.latestVersionOnly,
        };
      }
      case 2: {
        const c = messageType('CompositeColumnValueFilter').decode(body) as any;
        const subs: FilterNode[] = (c.subFilters as any[]).map((sf) =>
          decodeTree(Buffer.from(messageType('Filter').encode(sf).finish()), count),
        );
        if (c.combinator === 1) {
          if (subs.length !== 1) throw OtsError.param('Invalid NOT operator: the number of sub-filters must be 1.');
          return { kind: 'not', sub: subs[0] };
        }
        if (c.combinator === 2 || c.combinator === 3) {
          if (subs.length !== 2) throw OtsError.param('Invalid AND/OR operator: the number of sub-filters must be 2.');
          return { kind: c.combinator === 2 ? 'and' : 'or', subs };
        }
        throw OtsError.param(`Invalid logical operator: ${c.combinator}.`);
      }
      case 3: {
        const p = messageType('ColumnPaginationFilter').decode(body) as any;
        if (p.offset < 0) throw OtsError.param('The offset of ColumnPaginationFilter must be greater than or equal to 0.');
        if (p.limit <= 0) throw OtsError.param('The limit of ColumnPaginationFilter must be greater than 0.');
        return { kind: 'page', offset: p.offset, limit: p.limit };
      }
      default:
        throw OtsError.param(`Invalid filter type: ${f.type}.`);
    }
  } catch (e) {
    if (e instanceof OtsError) throw e;
    throw OtsError.param('Deserialize filter failed.');
  }
}

export function decodeFilter(buf: Buffer | Uint8Array | undefined | null): FilterNode | undefined {
  if (!buf || buf.length === 0) return undefined;
  return decodeTree(Buffer.from(buf), { n: 0 });
}

/** Compares same-typed values; `undefined` when the types differ (never satisfied). */
function compareValues(a: Value, b: Value): number | undefined {
  if (a.t !== b.t) return undefined;
  switch (a.t) {
    case VT.INTEGER: {
      const bv = (b as typeof a).v;
      return a.v < bv ? -1 : a.v > bv ? 1 : 0;
    }
    case VT.DOUBLE: {
      const bv = (b as typeof a).v;
      return a.v < bv ? -1 : a.v > bv ? 1 : 0;
    }
    case VT.BOOLEAN:
      return Number(a.v) - Number((b as typeof a).v);
    case VT.STRING:
    case VT.BLOB:
      return Buffer.compare(a.v, (b as typeof a).v);
    default:
      return undefined;
  }
}

function satisfies(cmp: number, value: Value, target: Value): boolean {
  const c = compareValues(value, target);
  if (c === undefined) return false;
  switch (cmp) {
    case 1:
      return c === 0;
    case 2:
      return c !== 0;
    case 3:
      return c > 0;
    case 4:
      return c >= 0;
    case 5:
      return c < 0;
    default:
      return c <= 0;
  }
}

/** Evaluates the condition part of a tree (pagination nodes pass) against a row that exists. */
export function evaluate(node: FilterNode, row: RowData): boolean {
  switch (node.kind) {
    case 'single': {
      const pkCell = row.pk.find((c) => c.name === node.column);
      let versions: Version[] | undefined;
      if (pkCell) versions = [{ ts: 0, value: pkCell.value! }];
      else versions = row.cols.get(node.column);
      if (!versions || versions.length === 0) return !node.filterIfMissing;
      if (node.latestOnly) return satisfies(node.cmp, versions[0].value, node.value);
      return versions.some((v) => satisfies(node.cmp, v.value, node.value));
    }
    case 'not':
      return !evaluate(node.sub, row);
    case 'and':
      return node.subs.every((s) => evaluate(s, row));
    case 'or':
      return node.subs.some((s) => evaluate(s, row));
    case 'page':
      return true;
  }
}

/** The column-pagination part of a read filter, if any (only at the top of the tree). */
export function paginationOf(node: FilterNode | undefined): { offset: number; limit: number } | undefined {
  return node?.kind === 'page' ? node : undefined;
}
