/** TableMeta → the protobuf shapes DescribeTable / UpdateTable answer with. Shared by those two actions. */
import { INDEX_SYNC_PHASE_INCR, type TableMeta } from '../engine/catalog';

export function tableOptionsProto(t: TableMeta): object {
  return {
    timeToLive: t.options.timeToLive,
    maxVersions: t.options.maxVersions,
    deviationCellVersionInSec: t.options.deviation,
    allowUpdate: t.options.allowUpdate,
    updateFullRow: t.options.updateFullRow,
  };
}

/**
 * DescribeTable's and UpdateTable's `stream_details`, always present (streams spec §1.2: the Java test and Go
 * dereference it); id, hours, last enable time and origin columns only while enabled.
 */
export function streamDetailsProto(t: TableMeta): object {
  const s = t.stream;
  if (!s) return { enableStream: false };
  return { enableStream: true, streamId: s.id, expirationTime: s.expirationHours, lastEnableTime: s.enabledMicros, columnsToGet: s.originColumns };
}

export function reservedProto(t: TableMeta): object {
  const out: Record<string, unknown> = {
    capacityUnit: { read: t.reserved.read, write: t.reserved.write },
    lastIncreaseTime: Math.floor(t.reserved.lastIncrease / 1000),
  };
  if (t.reserved.lastDecrease !== undefined) out.lastDecreaseTime = Math.floor(t.reserved.lastDecrease / 1000);
  return out;
}

export function indexMetaProto(i: TableMeta['indexes'][number]): object {
  return {
    name: i.name,
    primaryKey: i.primaryKey,
    definedColumn: i.definedColumns,
    indexUpdateMode: i.updateMode,
    indexType: i.indexType,
    indexSyncPhase: INDEX_SYNC_PHASE_INCR,
  };
}
