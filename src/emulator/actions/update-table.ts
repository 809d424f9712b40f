import { OtsError } from '../errors';
import { checkCapacity, checkOptions, type TableMeta } from '../engine/catalog';
import { toNumber } from '../protocol/proto';
import { own, tableName, type Action } from './common';
import { reservedProto, tableOptionsProto } from './table-meta';

/**
 * Changes TTL, max versions, max time deviation, allow_update and reserved throughput (spec §7.3). Reserved
 * throughput may change once per `reservedThroughputIntervalMs` (2 minutes, as the service); the first
 * adjustment after creation is allowed.
 */
export const updateTable: Action = {
  name: 'UpdateTable',
  tableLevel: true,
  handle(req, { engine }) {
    const t = engine.writableTable(tableName(req.tableName));
    const rt = own(req, 'reservedThroughput');
    const to = own(req, 'tableOptions');
    if (own(req, 'streamSpec')) throw OtsError.unsupported('Stream');
    if (!rt && !to) throw OtsError.param('No parameter is specified in the request of UpdateTable.');
    const next: TableMeta = { ...t, options: { ...t.options }, reserved: { ...t.reserved } };
    const now = Date.now();
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
      if (next.indexes.length) {
        if (next.options.maxVersions !== 1) throw OtsError.param('The max versions of a table with index must be 1.');
        if (next.options.timeToLive !== -1 && next.options.allowUpdate) {
          throw OtsError.param("Don't support allow update operation on table with index and ttl");
        }
      }
    }
    const indexTables = next.indexes.map((i) => engine.tables.get(i.name)).filter((x): x is TableMeta => !!x)
      .map((it) => ({ ...it, options: { ...next.options } }));
    engine.saveMeta(next, ...indexTables);
    engine.tables.set(next.name, next);
    for (const it of indexTables) engine.tables.set(it.name, it);
    return { reservedThroughputDetails: reservedProto(next), tableOptions: tableOptionsProto(next) };
  },
};
