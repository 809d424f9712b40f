/**
 * Column conditions and read filters (spec §6.6), evaluated against rows. Used by `Condition.column_condition`
 * on writes and by the `filter` of reads; actions/validations/filter.ts decodes the protobuf tree into a
 * `FilterNode`.
 *
 * Decisions where the sources are silent (spec §14.8): comparing values of different types is "not
 * satisfied" for every comparator, NOT_EQUAL included; INTEGER and DOUBLE are different types.
 */
import { type Value, VT } from '../model/value';
import type { RowData, Version } from '../model/row';

export type FilterNode =
  | { kind: 'single'; cmp: number; column: string; value: Value; filterIfMissing: boolean; latestOnly: boolean }
  | { kind: 'not'; sub: FilterNode }
  | { kind: 'and' | 'or'; subs: FilterNode[] }
  | { kind: 'page'; offset: number; limit: number };

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
