import { project, readRow } from '../engine/reads';
import { encodeRow } from '../model/plainbuffer';
import { capacityUnits, rowCellsSize } from '../model/row';
import { consumed, type Action } from './common';
import { validateGetRow } from './validations/get-row';

/** Reads one row; a missing row is a success with empty `row` bytes (spec §6.2). */
export const getRow: Action = {
  name: 'GetRow',
  handle(req, { engine }) {
    const { table, pk, opts, tx } = validateGetRow(req, engine);
    const row = project(table, readRow(engine, table, pk, tx), opts, engine.now());
    return {
      consumed: consumed({ read: capacityUnits(row ? rowCellsSize(row) : 0), write: 0 }),
      row: row ? encodeRow(row) : Buffer.alloc(0),
    };
  },
};
