/** DeleteRow's validation (spec §5.4). BatchWriteRow applies `checkDeleteChange` to each of its DELETE rows. */
import type { Engine } from '../../engine/engine';
import { checkAutoIncrementRules, checkPk, checkReturn } from '../../engine/row-rules';
import { OtsError } from '../../errors';
import { rowCellsSize } from '../../model/row';
import { singleRowWrite, type RowRules, type SingleRowWrite } from './request';

/** The row rules of a delete, in the service's order: a key and the delete marker, nothing else. */
export const checkDeleteChange: RowRules = (table, row, condition, returns, inTransaction, now) => {
  if (!row.deleteMarker) throw OtsError.param('Invalid request of delete row: missing RowDeleteMarker in request.');
  if (row.cells.length) throw OtsError.param('Invalid delete row request: unexpected cells in request.');
  checkPk(table, row.pk, 'delete');
  checkReturn(returns, undefined);
  checkAutoIncrementRules(table, row.pk, condition, 'delete', inTransaction);
  return { row, condition, returns, now, size: rowCellsSize(row) }; // row.cells is empty
};

export function validateDeleteRow(req: any, engine: Engine): SingleRowWrite {
  return singleRowWrite(req, engine, req.primaryKey, 'primary key', checkDeleteChange);
}
