import { updateRow as update } from '../engine/writes';
import { writeOne, type Action } from './common';
import { validateUpdateRow } from './validations/update-row';

/** PUT / DELETE one version / DELETE_ALL / INCREMENT on columns of one row (spec §5.2, §5.3). */
export const updateRow: Action = {
  name: 'UpdateRow',
  handle(req, { engine }) {
    const { table, change, tx } = validateUpdateRow(req, engine);
    return writeOne(engine, tx, (ws) => update(engine, ws, table, change, tx));
  },
};
