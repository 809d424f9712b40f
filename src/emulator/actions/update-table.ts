import type { TableMeta } from '../engine/catalog';
import type { Action } from './common';
import { reservedProto, tableOptionsProto } from './table-meta';
import { validateUpdateTable } from './validations/update-table';

/** Changes TTL, max versions, max time deviation, allow_update and reserved throughput (spec §7.3). */
export const updateTable: Action = {
  name: 'UpdateTable',
  tableLevel: true,
  handle(req, { engine }) {
    const next = validateUpdateTable(req, engine, Date.now());
    // Index tables share their data table's options.
    const indexTables = next.indexes.map((i) => engine.tables.get(i.name)).filter((x): x is TableMeta => !!x)
      .map((it) => ({ ...it, options: { ...next.options } }));
    engine.catalog.update(next, ...indexTables);
    return { reservedThroughputDetails: reservedProto(next), tableOptions: tableOptionsProto(next) };
  },
};
