import { tableName, type Action } from './common';

export const dropIndex: Action = {
  name: 'DropIndex',
  tableLevel: true,
  handle(req, { engine }) {
    engine.dropIndex(tableName(req.mainTableName), req.indexName);
    return {};
  },
};
