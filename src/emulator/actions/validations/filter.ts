/**
 * The protobuf `Filter` tree of a condition or read filter (spec §6.6), decoded and checked once per request
 * into the engine's `FilterNode`.
 */
import type { FilterNode } from '../../engine/filter';
import { checkColumnName } from '../../engine/row-rules';
import { OtsError } from '../../errors';
import { decodeVariant } from '../../model/plainbuffer';
import { decodeMessage, messageType } from '../../protocol/proto';

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
        checkColumnName(s.columnName); // as in writes (spec §1.3a): empty, '#…' and 256-byte names are refused
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
