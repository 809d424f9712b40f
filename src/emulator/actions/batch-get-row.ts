import { project, readRow } from '../engine/reads';
import { checkPk } from '../engine/row-rules';
import { OtsError } from '../errors';
import { encodeRow } from '../model/plainbuffer';
import { capacityUnits, rowCellsSize } from '../model/row';
import { consumed, rowFailure, type Action } from './common';
import { validateBatchGetRow } from './validations/batch-get-row';

/** Reads up to 100 rows from one or more tables; each row answered in its position (spec §6.4). */
export const batchGetRow: Action = {
  name: 'BatchGetRow',
  handle(req, { engine }) {
    const plans = validateBatchGetRow(req);
    const now = engine.now();
    return {
      tables: plans.map(({ name, keys, opts }) => {
        const table = engine.tables.get(name);
        return {
          tableName: name,
          rows: keys.map((pk) => {
            try {
              if (!table) throw OtsError.tableNotExist();
              checkPk(table, pk, 'read');
              const row = project(table, readRow(engine, table, pk), opts, now);
              return { isOk: true, consumed: consumed({ read: capacityUnits(row ? rowCellsSize(row) : 0), write: 0 }), row: row ? encodeRow(row) : Buffer.alloc(0) };
            } catch (e) {
              return rowFailure(e);
            }
          }),
        };
      }),
    };
  },
};
