import { OtsError } from '../errors';
import { tableName, type Action } from './common';

/** Deletes a table with its secondary indexes and rows; refused while it has search indexes (spec §7.4). */
export const deleteTable: Action = {
  name: 'DeleteTable',
  tableLevel: true,
  handle(req, { engine, search }) {
    const name = tableName(req.tableName);
    if (engine.tables.has(name) && search.count(name)) {
      throw OtsError.param(`Table[${name}] who has at least one search index cannot be deleted.`);
    }
    engine.deleteTable(name);
    return {};
  },
};
