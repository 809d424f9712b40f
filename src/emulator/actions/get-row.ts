import { capacityUnits, rowCellsSize } from '../model/row';
import { encodeRow } from '../model/plainbuffer';
import { type Action, consumed, own, pkField, readOptions, tableName, transactionOf } from './common';

/** Reads one row; a missing row is a success with empty `row` bytes (spec §6.2). */
export const getRow: Action = {
  name: 'GetRow',
  handle(req, { engine }) {
    const name = tableName(req.tableName);
    const table = engine.table(name);
    const pk = pkField(req.primaryKey);
    engine.checkPk(table, pk, 'read');
    const opts = readOptions(req, 'No version condition is specified.');
    const tx = transactionOf(engine, own(req, 'transactionId'), name);
    const row = engine.project(table, engine.readRow(table, pk, tx), opts, Date.now());
    return {
      consumed: consumed({ read: capacityUnits(row ? rowCellsSize(row) : 0), write: 0 }),
      row: row ? encodeRow(row) : Buffer.alloc(0),
    };
  },
};
