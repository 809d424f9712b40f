/**
 * Test-only access to the official SDK's own PlainBuffer writer/reader and filter encoder, so codec and query
 * tests check what the SDK really puts on the wire (no network involved). tsorm's values (client/values.ts)
 * are handed to the SDK through `toSdkParams`, as `transport: 'sdk'` does.
 */
import { toSdkParams } from '../../../src/client/sdk-adapter';
import * as V from '../../../src/client/values';

const TableStore = require('tablestore');
export { toSdkParams, V };
const filterProtos = require('tablestore/lib/protocol/tablestore_compiled_proto.js').filter.proto;

export const SDK = TableStore as any;

/** Serialises a PutRow the way the SDK does, then reads it back with the SDK's reader (read shape). */
export function throughPutRow(primaryKey: unknown[], attributeColumns: unknown[]): { primaryKey: any[]; attributes: any[] } {
  const buffer: Buffer = TableStore.PlainBufferBuilder.serializeForPutRow(toSdkParams(primaryKey), toSdkParams(attributeColumns));
  const input = new TableStore.PlainBufferInputStream(buffer);
  return new TableStore.PlainBufferCodedInputStream(input).readRow();
}

/** Serialises an UpdateRow the way the SDK does (throws if the SDK refuses the shape). */
export function serializeUpdateRow(primaryKey: unknown[], updateOfAttributeColumns: unknown[]): Buffer {
  return TableStore.PlainBufferBuilder.serializeForUpdateRow(toSdkParams(primaryKey), toSdkParams(updateOfAttributeColumns));
}

/** A decoded filter tree, as the service would parse it from the wire. */
export type WireFilter =
  | { type: 'single'; column: string; comparator: number; value: Buffer; filterIfMissing: boolean; latestVersionOnly: boolean }
  | { type: 'composite'; combinator: number; subFilters: WireFilter[] };

function decodeFilter(type: number, bytes: Uint8Array): WireFilter {
  if (type === filterProtos.FilterType.FT_SINGLE_COLUMN_VALUE) {
    const f = filterProtos.SingleColumnValueFilter.decode(bytes);
    return {
      type: 'single',
      column: f.columnName,
      comparator: f.comparator,
      value: Buffer.from(f.columnValue),
      filterIfMissing: f.filterIfMissing,
      latestVersionOnly: f.latestVersionOnly,
    };
  }
  if (type === filterProtos.FilterType.FT_COMPOSITE_COLUMN_VALUE) {
    const f = filterProtos.CompositeColumnValueFilter.decode(bytes);
    return { type: 'composite', combinator: f.combinator, subFilters: f.subFilters.map((s: any) => decodeFilter(s.type, s.filter)) };
  }
  throw new Error(`unexpected filter type ${type}`);
}

/** Encodes an SDK column condition with the SDK's own encoder and decodes the protobuf back. */
export function throughFilterEncoder(condition: unknown): WireFilter {
  const proto: { type?: number; filter?: Uint8Array } = {};
  TableStore.encoder._makeColumnCondition(proto, toSdkParams(condition));
  return decodeFilter(proto.type!, proto.filter!);
}

/** The PlainBuffer cell-value bytes the SDK writes for a filter value (type byte + payload). */
export function columnValueBytes(value: unknown): Buffer {
  return Buffer.from(TableStore.PlainBufferBuilder.serializeColumnValue(toSdkParams(value)));
}

export const LogicalOperator = TableStore.LogicalOperator as { NOT: number; AND: number; OR: number };
