/** UpdateRow's validation (spec §5.2, §5.3). BatchWriteRow applies `checkUpdateChange` to each of its UPDATE rows. */
import type { Engine } from '../../engine/engine';
import { checkAttrCells, checkAutoIncrementRules, checkPk, checkRequestSize, checkReturn, checkTimestamp, checkValue } from '../../engine/row-rules';
import { OtsError } from '../../errors';
import { CellOp } from '../../model/row';
import { VT } from '../../model/value';
import { singleRowWrite, type RowRules, type SingleRowWrite } from './request';

/** The row rules of an update, in the service's order: the row, then each cell by its operation. */
export const checkUpdateChange: RowRules = (table, row, condition, returns, inTransaction, now) => {
  if (row.deleteMarker) throw OtsError.param('Invalid request of put/update row: unexpected RowDeleteMarker in request.');
  if (!table.options.allowUpdate) {
    // The service's text for this is not in the sources (spec §14.8): 400 OTSParameterInvalid with our own words.
    throw new OtsError('OTSParameterInvalid', `UpdateRow is not allowed on table '${table.name}': allow_update is false.`, 400);
  }
  checkPk(table, row.pk, 'write');
  if (row.cells.length === 0) throw OtsError.param('Invalid update row request: missing cells in request.');
  checkAttrCells(table, row.cells, 'UpdateRow');
  const increments = new Set<string>();
  const modified = new Set<string>();
  for (const c of row.cells) {
    switch (c.op) {
      case undefined:
        checkValue(c.name, c.value);
        if (c.ts !== undefined) checkTimestamp(table, c.name, c.ts, now);
        modified.add(c.name);
        break;
      case CellOp.DELETE_ONE:
        if (c.value) throw OtsError.param('Column value cannot be given when type is DELETE_ONE_VERSION,DELETE_ALL_VERSION.');
        if (c.ts === undefined) throw OtsError.param('Timestamp must be given when type is DELETE_ONE_VERSION.');
        modified.add(c.name);
        break;
      case CellOp.DELETE_ALL:
        if (c.value) throw OtsError.param('Column value cannot be given when type is DELETE_ONE_VERSION,DELETE_ALL_VERSION.');
        if (c.ts !== undefined) throw OtsError.param('Timestamp cannot be given when type is DELETE_ALL_VERSION.');
        modified.add(c.name);
        break;
      case CellOp.INCREMENT:
        if (!c.value || c.value.t !== VT.INTEGER) throw OtsError.param(`The value of increment column \`${c.name}\` must be INTEGER.`);
        if (c.ts !== undefined) throw OtsError.param(`Timestamp cannot be given when type is INCREMENT, column: \`${c.name}\`.`);
        if (increments.has(c.name)) throw OtsError.param(`The increment column \`${c.name}\` is given more than once.`);
        increments.add(c.name);
        break;
      default:
        throw OtsError.param(`Invalid op type of cell: \`${c.op}\`.`);
    }
  }
  for (const n of increments) {
    if (modified.has(n)) throw OtsError.param(`The increment column \`${n}\` cannot be modified by another operation in the same request.`);
  }
  const size = checkRequestSize(row, 'UpdateRow');
  checkReturn(returns, increments);
  checkAutoIncrementRules(table, row.pk, condition, 'update', inTransaction);
  return { row, condition, returns, now, size };
};

export function validateUpdateRow(req: any, engine: Engine): SingleRowWrite {
  return singleRowWrite(req, engine, req.rowChange, 'row', checkUpdateChange);
}
