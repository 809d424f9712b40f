import type { Action } from './common';
import { validateCreateTable } from './validations/create-table';

/** Creates a table, with its secondary indexes (spec §7.1, §7.6) and its stream (streams spec §1.2). */
export const createTable: Action = {
  name: 'CreateTable',
  tableLevel: true,
  handle(req, { engine, streams }) {
    const { meta, indexes } = validateCreateTable(req, engine, streams.nowMicros());
    engine.catalog.create(meta, indexes);
    return {};
  },
};
