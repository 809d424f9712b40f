/**
 * BatchWriteRow's validation (spec §5.5): what fails the whole request. Each row then follows the rules of
 * its single-row action (`checkPutChange`, `checkUpdateChange`, `checkDeleteChange`), and a row that breaks
 * them fails alone.
 */
import type { Engine } from '../../engine/engine';
import { checkColumnCount, checkNotPkName, checkPkCount, checkValueSize } from '../../engine/row-rules';
import { OtsError } from '../../errors';
import { decodeRow } from '../../model/plainbuffer';
import { CellOp, rowCellsSize, type Row } from '../../model/row';
import { VT } from '../../model/value';
import { own, tableName } from '../common';
import { checkDeleteChange } from './delete-row';
import { checkPutChange } from './put-row';
import { checkBatchKey, type RowRules } from './request';
import { checkUpdateChange } from './update-row';

export const BATCH_WRITE_MAX_ROWS = 200;
export const BATCH_WRITE_MAX_BYTES = 4 * 1024 * 1024;

/** OperationType of a row (table_store.proto) and the rules its single-row action applies. */
export const OPERATION_TYPE = { PUT: 1, UPDATE: 2, DELETE: 3 } as const;
export const ROW_RULES: Record<number, RowRules> = {
  [OPERATION_TYPE.PUT]: checkPutChange,
  [OPERATION_TYPE.UPDATE]: checkUpdateChange,
  [OPERATION_TYPE.DELETE]: checkDeleteChange,
};

export interface BatchItem {
  type: number;
  row: Row;
  /** The row's request message: its condition and return content are decoded when the row runs. */
  req: { condition?: any; returnContent?: any };
}

export interface BatchTable {
  name: string;
  items: BatchItem[];
}

export function validateBatchWriteRow(req: any, engine: Engine): BatchTable[] {
  const tables: any[] = req.tables ?? [];
  if (tables.length === 0) throw OtsError.param('No row is specified in BatchWriteRow.');
  const seen = new Set<string>();
  let total = 0;
  let bytes = 0;
  const plans = tables.map((t) => {
    const name = tableName(t.tableName);
    if (seen.has(name)) throw OtsError.param(`Duplicated table name: \`${name}\`.`);
    seen.add(name);
    const rows: any[] = t.rows ?? [];
    if (rows.length === 0) throw OtsError.param(`No operation is specified for table: '${name}'.`);
    total += rows.length;
    const items: BatchItem[] = rows.map((r) => {
      if (!ROW_RULES[r.type]) throw OtsError.param('The modify type is invalid.');
      if (!r.rowChange || r.rowChange.length === 0) throw OtsError.param('The row change is missing in request.');
      const row = decodeRow(Buffer.from(r.rowChange));
      checkPkCount(row.pk);
      bytes += rowCellsSize(row);
      return { type: r.type, row, req: r };
    });
    return { name, items };
  });
  if (total > BATCH_WRITE_MAX_ROWS) throw OtsError.param(`Rows count exceeds the upper limit: ${BATCH_WRITE_MAX_ROWS}.`);
  if (bytes > BATCH_WRITE_MAX_BYTES) {
    throw OtsError.param(`The total data size of BatchWriteRow request exceeds the limit, limit size: ${BATCH_WRITE_MAX_BYTES}, data size: ${bytes}.`);
  }
  checkWholeRequest(engine, plans);
  checkRepeatedRows(engine, plans);
  return plans;
}

/**
 * What the service refuses for the whole request rather than per row (spec §5.5: invalid PK values, an
 * attribute named like a PK column, a value over the size limit; §1.11: more than 1024 attribute columns in
 * a row, the Java SDK's RestrictedItemTest expecting the call itself to fail). The rest is checked row by row.
 */
function checkWholeRequest(engine: Engine, plans: BatchTable[]): void {
  for (const { name, items } of plans) {
    const table = engine.tables.get(name);
    for (const it of items) {
      checkBatchKey(it.row.pk, false);
      checkColumnCount(it.row.cells);
      for (const c of it.row.cells) {
        if (table) checkNotPkName(table, c.name);
        checkValueSize(c.name, c.value);
      }
    }
  }
}

/** Repeated keys may not carry conditions, and an incremented row may appear once (spec §5.3, §5.5). */
function checkRepeatedRows(engine: Engine, plans: BatchTable[]): void {
  for (const { name, items } of plans) {
    const table = engine.tables.get(name);
    if (!table || items.length < 2) continue;
    const byKey = new Map<string, BatchItem[]>();
    for (const it of items) {
      if (it.row.pk.length !== table.pk.length || it.row.pk.some((c) => !c.value || c.value.t === VT.AUTO_INCREMENT || c.value.t === VT.INF_MIN || c.value.t === VT.INF_MAX)) continue;
      let key: string;
      try {
        key = engine.rowKey(table, it.row.pk).toString('latin1');
      } catch {
        continue;
      }
      const list = byKey.get(key) ?? [];
      list.push(it);
      byKey.set(key, list);
    }
    for (const list of byKey.values()) {
      if (list.length < 2) continue;
      for (const it of list) {
        const c = it.req.condition;
        if (c?.rowExistence) throw OtsError.param('Repeated rows do not support row exist expectation check in BatchModify.');
        if (own(c, 'columnCondition')?.length) throw OtsError.param('Repeated rows do not support row condition check in BatchModify.');
        if (it.row.cells.some((cell) => cell.op === CellOp.INCREMENT)) throw OtsError.param('Repeated rows with increment operation are not supported in BatchModify.');
      }
    }
  }
}
