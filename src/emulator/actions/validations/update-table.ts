/**
 * UpdateTable's validation (spec §7.3): the request's options and throughput, applied to the table's current
 * metadata and checked as a whole. Reserved throughput may change once per `reservedThroughputIntervalMs`
 * (2 minutes, as the service); the first adjustment after creation is allowed.
 */
import type { TableMeta } from '../../engine/catalog';
import type { Engine } from '../../engine/engine';
import { checkCapacity, checkIndexedTableOptions, checkOptions } from '../../engine/table-rules';
import { OtsError } from '../../errors';
import { toNumber } from '../../protocol/proto';
import { own, tableName } from '../common';
import { streamFromSpec } from './stream-spec';

/** The table's metadata as the request would leave it. */
export function validateUpdateTable(req: any, engine: Engine, now: number, nowMicros: bigint): TableMeta {
  const t = engine.writableTable(tableName(req.tableName));
  const rt = own(req, 'reservedThroughput');
  let to = own(req, 'tableOptions');
  const ss = own(req, 'streamSpec');
  // The Node SDK must send table_options and sends an empty one with a stream change: it changes nothing
  // (streams spec §1.2).
  if (ss && to && Object.keys(to).length === 0) to = undefined;
  if (!rt && !to && !ss) throw OtsError.param('No parameter is specified in the request of UpdateTable.');
  const next: TableMeta = { ...t, options: { ...t.options }, reserved: { ...t.reserved } };
  if (ss) {
    const stream = streamFromSpec(ss, t.name, t.stream, nowMicros);
    if (stream) next.stream = stream;
    else delete next.stream;
  }
  if (rt) {
    const read = own<number>(rt.capacityUnit, 'read');
    const write = own<number>(rt.capacityUnit, 'write');
    if (read === undefined && write === undefined) throw OtsError.param('Neither read capacity unit nor write capacity unit is specified.');
    checkCapacity(read, write);
    const last = t.reserved.lastChange;
    if (last !== undefined && now - last < engine.options.reservedThroughputIntervalMs) {
      throw new OtsError('OTSTooFrequentReservedThroughputAdjustment', 'Capacity unit adjustment is too frequent.', 403);
    }
    const newRead = read ?? t.reserved.read;
    const newWrite = write ?? t.reserved.write;
    if (newRead > t.reserved.read || newWrite > t.reserved.write) next.reserved.lastIncrease = now;
    if (newRead < t.reserved.read || newWrite < t.reserved.write) next.reserved.lastDecrease = now;
    next.reserved.read = newRead;
    next.reserved.write = newWrite;
    next.reserved.lastChange = now;
  }
  if (to) {
    const ttl = own<number>(to, 'timeToLive');
    const maxVersions = own<number>(to, 'maxVersions');
    const deviation = toNumber(own(to, 'deviationCellVersionInSec'));
    const allowUpdate = own<boolean>(to, 'allowUpdate');
    if (own(to, 'updateFullRow') !== undefined) throw OtsError.param('UpdateTable cannot contain updateFullRow.');
    if (ttl === undefined && maxVersions === undefined && deviation === undefined && allowUpdate === undefined && own(to, 'blockSize') === undefined && own(to, 'bloomFilterType') === undefined) {
      throw OtsError.param('No parameter is specified in table options.');
    }
    if (ttl !== undefined) next.options.timeToLive = ttl;
    if (maxVersions !== undefined) next.options.maxVersions = maxVersions;
    if (deviation !== undefined) next.options.deviation = deviation;
    if (allowUpdate !== undefined) next.options.allowUpdate = allowUpdate;
    checkOptions(next.options, engine.options);
    if (next.indexes.length) checkIndexedTableOptions(next.options);
  }
  return next;
}
