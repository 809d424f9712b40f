import { putRow as put } from '../engine/writes';
import { writeOne, type Action } from './common';
import { validatePutRow } from './validations/put-row';

/** Replaces a whole row (spec §5.1). */
export const putRow: Action = {
  name: 'PutRow',
  handle(req, { engine }) {
    const { table, change, tx } = validatePutRow(req, engine);
    return writeOne(engine, tx, (ws) => put(engine, ws, table, change, tx));
  },
};
