import { OtsError } from '../errors';
import { capacityUnits, type Cell, rowCellsSize } from '../model/row';
import { encodeRow } from '../model/plainbuffer';
import { type Action, checkBatchKey, consumed, pkField, readOptions, rowFailure, tableName } from './common';

export const BATCH_GET_MAX_ROWS = 100;

/**
 * Reads up to 100 rows from one or more tables. Whole-request errors: names, duplicates, limits; per-row:
 * a missing table or a key that does not fit the schema (spec §6.4).
 */
export const batchGetRow: Action = {
  name: 'BatchGetRow',
  handle(req, { engine }) {
    const tables: any[] = req.tables ?? [];
    if (tables.length === 0) throw OtsError.param('No row specified in the request of BatchGetRow.');
    const seen = new Set<string>();
    let total = 0;
    const plans = tables.map((t) => {
      const name = tableName(t.tableName);
      if (seen.has(name)) throw OtsError.param(`Duplicated table name: \`${name}\`.`);
      seen.add(name);
      total += (t.primaryKey ?? []).length;
      const keys: Cell[][] = (t.primaryKey ?? []).map((b: Uint8Array) => pkField(b));
      for (const k of keys) checkBatchKey(k, true);
      const opts = readOptions(t, 'No version condition is specified while querying row.');
      const dup = new Set<string>();
      for (const k of keys) {
        const id = JSON.stringify(k, (_key, v) => (typeof v === 'bigint' ? v.toString() : v));
        if (dup.has(id)) throw OtsError.param('Duplicate rows detected in MultiGet.');
        dup.add(id);
      }
      return { name, keys, opts };
    });
    if (total > BATCH_GET_MAX_ROWS) throw OtsError.param(`Rows count exceeds the upper limit: ${BATCH_GET_MAX_ROWS}.`);
    const now = Date.now();
    return {
      tables: plans.map(({ name, keys, opts }) => {
        const table = engine.tables.get(name);
        return {
          tableName: name,
          rows: keys.map((pk) => {
            try {
              if (!table) throw OtsError.tableNotExist();
              engine.checkPk(table, pk, 'read');
              const row = engine.project(table, engine.readRow(table, pk), opts, now);
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
