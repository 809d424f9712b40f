import { tableName, type Action } from './common';

/** Deletes a table with its secondary indexes and rows (spec §7.4). */
export const deleteTable: Action = {
  name: 'DeleteTable',
  tableLevel: true,
  handle(req, { engine }) {
    engine.deleteTable(tableName(req.tableName));
    return {};
  },
};
