import { own, tableName, type Action } from './common';
import { indexDef } from './validations/create-index';

/** Adds a secondary index; with include_base_data the existing rows are indexed at once (spec §7.6). */
export const createIndex: Action = {
  name: 'CreateIndex',
  tableLevel: true,
  handle(req, { engine }) {
    engine.createIndex(tableName(req.mainTableName), indexDef(req.indexMeta), own<boolean>(req, 'includeBaseData') ?? false);
    return {};
  },
};
