/** PutRow's validation (spec §5.1). BatchWriteRow applies `checkPutChange` to each of its PUT rows. */
import type { Engine } from '../../engine/engine';
import { checkAttrCells, checkAutoIncrementRules, checkPk, checkRequestSize, checkReturn, checkTimestamp, checkValue } from '../../engine/row-rules';
import { OtsError } from '../../errors';
import { singleRowWrite, type RowRules, type SingleRowWrite } from './request';

/** The row rules of a put, in the service's order. */
export const checkPutChange: RowRules = (table, row, condition, returns, inTransaction, now) => {
  if (row.deleteMarker) throw OtsError.param('Invalid request of put/update row: unexpected RowDeleteMarker in request.');
  checkPk(table, row.pk, 'write');
  checkAttrCells(table, row.cells, 'PutRow');
  for (const c of row.cells) {
    checkValue(c.name, c.value);
    if (c.ts !== undefined) checkTimestamp(table, c.name, c.ts, now);
  }
  const size = checkRequestSize(row, 'PutRow');
  checkReturn(returns, undefined);
  checkAutoIncrementRules(table, row.pk, condition, 'put', inTransaction);
  return { row, condition, returns, now, size };
};

export function validatePutRow(req: any, engine: Engine): SingleRowWrite {
  return singleRowWrite(req, engine, req.row, 'row', checkPutChange);
}
