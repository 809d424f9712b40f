import { OtsError } from '../errors';
import { pkField, tableName, type Action } from './common';

/** Opens a transaction on one partition-key value of one table (spec §9). */
export const startLocalTransaction: Action = {
  name: 'StartLocalTransaction',
  handle(req, { engine }) {
    const table = engine.writableTable(tableName(req.tableName));
    const key = pkField(req.key);
    if (key.length !== 1) throw OtsError.param('StartLocalTransaction support only one primary key.');
    engine.checkPk({ ...table, pk: table.pk.slice(0, 1) }, key, 'read');
    return { transactionId: engine.startTransaction(table, key).id };
  },
};
