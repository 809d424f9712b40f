import type { TableMeta } from '../engine/catalog';
import type { Action } from './common';
import { reservedProto, streamDetailsProto, tableOptionsProto } from './table-meta';
import { validateUpdateTable } from './validations/update-table';

/**
 * Changes TTL, max versions, max time deviation, allow_update, reserved throughput and the stream (spec §7.3;
 * streams spec §1.2). Disabling or replacing a stream drops its log in the same store transaction.
 */
export const updateTable: Action = {
  name: 'UpdateTable',
  tableLevel: true,
  handle(req, { engine, streams }) {
    const next = validateUpdateTable(req, engine, engine.now(), streams.nowMicros());
    const before = engine.table(next.name);
    // Index tables share their data table's options.
    const indexTables = next.indexes.map((i) => engine.tables.get(i.name)).filter((x): x is TableMeta => !!x)
      .map((it) => ({ ...it, options: { ...next.options } }));
    engine.catalog.updateWith(streams.settingsWrites(before, next), next, ...indexTables);
    return { reservedThroughputDetails: reservedProto(next), tableOptions: tableOptionsProto(next), streamDetails: streamDetailsProto(next) };
  },
};
