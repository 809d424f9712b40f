import type { Action } from './common';
import { validateCreateTable } from './validations/create-table';

/** Creates a table, with its secondary indexes (spec §7.1, §7.6). */
export const createTable: Action = {
  name: 'CreateTable',
  tableLevel: true,
  handle(req, { engine }) {
    const { meta, indexes } = validateCreateTable(req, engine);
    engine.catalog.create(meta, indexes);
    return {};
  },
};
