import { deleteRow as remove } from '../engine/writes';
import { writeOne, type Action } from './common';
import { validateDeleteRow } from './validations/delete-row';

/** Deletes every column and version of one row (spec §5.4). */
export const deleteRow: Action = {
  name: 'DeleteRow',
  handle(req, { engine }) {
    const { table, change, tx } = validateDeleteRow(req, engine);
    return writeOne(engine, tx, (ws) => remove(engine, ws, table, change, tx));
  },
};
