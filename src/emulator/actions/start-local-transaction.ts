import { tableName, type Action } from './common';
import { validateStartLocalTransaction } from './validations/start-local-transaction';

/** Opens a transaction on one partition-key value of one table (spec §9). */
export const startLocalTransaction: Action = {
  name: 'StartLocalTransaction',
  handle(req, { engine }) {
    const table = engine.writableTable(tableName(req.tableName));
    return { transactionId: engine.startTransaction(table, validateStartLocalTransaction(req, table)).id };
  },
};
