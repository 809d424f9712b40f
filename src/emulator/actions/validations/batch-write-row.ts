/**
 * BatchWriteRow's validation (spec §5.5): what fails the whole request. Each row then follows the rules of
 * its single-row action (`checkPutChange`, `checkUpdateChange`, `checkDeleteChange`), and a row that breaks
 * them fails alone.
 */
import type { TableMeta } from '../../engine/catalog';
import type { Engine } from '../../engine/engine';
import { checkColumnCount, checkNotPkName, checkValueSize } from '../../engine/row-rules';
import { OtsError } from '../../errors';
import { CellOp, rowCellsSize, type Cell, type Row } from '../../model/row';
import { VT } from '../../model/value';
import { own, tableName } from '../common';
import { checkDeleteChange } from './delete-row';
import { checkPutChange } from './put-row';
import { checkBatchKey, rowField, type RowRules } from './request';
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
  /** The row's store key and its latin1 form, when the repeated-row check made them (the write reuses them). */
  key?: Buffer;
  keyId?: string;
}

export interface BatchTable {
  name: string;
  items: BatchItem[];
}

/**
 * Decodes every row and checks what fails the whole request, in one pass over the rows. The service's order
 * of errors is kept: a row that does not decode fails at once, then the row count, then the data size, then
 * the first row that breaks a whole-request rule (checkWholeRow), then repeated rows.
 */
export function validateBatchWriteRow(req: any, engine: Engine): BatchTable[] {
  const tables: any[] = req.tables ?? [];
  if (tables.length === 0) throw OtsError.param('No row is specified in BatchWriteRow.');
  const seen = new Set<string>();
  let total = 0;
  let bytes = 0;
  let wholeRequestError: unknown;
  const plans: BatchTable[] = [];
  for (const t of tables) {
    const name = tableName(t.tableName);
    if (seen.has(name)) throw OtsError.param(`Duplicated table name: \`${name}\`.`);
    seen.add(name);
    const rows: any[] = t.rows ?? [];
    if (rows.length === 0) throw OtsError.param(`No operation is specified for table: '${name}'.`);
    total += rows.length;
    const table = engine.tables.get(name);
    const items: BatchItem[] = [];
    for (const r of rows) {
      if (!ROW_RULES[r.type]) throw OtsError.param('The modify type is invalid.');
      const row = rowField(r.rowChange, 'row change');
      bytes += rowCellsSize(row);
      if (wholeRequestError === undefined) {
        try {
          checkWholeRow(table, row);
        } catch (e) {
          wholeRequestError = e;
        }
      }
      items.push({ type: r.type, row, req: r });
    }
    plans.push({ name, items });
  }
  if (total > BATCH_WRITE_MAX_ROWS) throw OtsError.param(`Rows count exceeds the upper limit: ${BATCH_WRITE_MAX_ROWS}.`);
  if (bytes > BATCH_WRITE_MAX_BYTES) {
    throw OtsError.param(`The total data size of BatchWriteRow request exceeds the limit, limit size: ${BATCH_WRITE_MAX_BYTES}, data size: ${bytes}.`);
  }
  if (wholeRequestError !== undefined) throw wholeRequestError;
  checkRepeatedRows(engine, plans);
  return plans;
}

/**
 * What the service refuses for the whole request rather than per row (spec §5.5: invalid PK values, an
 * attribute named like a PK column, a value over the size limit; §1.11: more than 1024 attribute columns in
 * a row, the Java SDK's RestrictedItemTest expecting the call itself to fail). The rest is checked row by row.
 */
function checkWholeRow(table: TableMeta | undefined, row: Row): void {
  checkBatchKey(row.pk, false);
  checkColumnCount(row.cells);
  for (const c of row.cells) {
    if (table) checkNotPkName(table, c.name);
    checkValueSize(c.name, c.value);
  }
}

/** Whether a key is complete and concrete, so that two rows holding it write the same row. */
function isConcreteKey(table: TableMeta, pk: Cell[]): boolean {
  if (pk.length !== table.pk.length) return false;
  for (const c of pk) if (!c.value || c.value.t === VT.AUTO_INCREMENT || c.value.t === VT.INF_MIN || c.value.t === VT.INF_MAX) return false;
  return true;
}

/**
 * Repeated keys may not carry conditions, and an incremented row may appear once (spec §5.3, §5.5). The keys
 * made here are kept on the items for their writes.
 */
function checkRepeatedRows(engine: Engine, plans: BatchTable[]): void {
  for (const { name, items } of plans) {
    const table = engine.tables.get(name);
    if (!table || items.length < 2) continue;
    // key → its row, or its rows once repeated [performance: no list per row when, as usual, none repeats]
    const byKey = new Map<string, BatchItem | BatchItem[]>();
    let repeated = false;
    for (const it of items) {
      if (!isConcreteKey(table, it.row.pk)) continue;
      let key: Buffer;
      try {
        key = engine.rowKey(table, it.row.pk);
      } catch {
        continue;
      }
      const id = key.toString('latin1');
      it.key = key;
      it.keyId = id;
      const first = byKey.get(id);
      if (first === undefined) byKey.set(id, it);
      else {
        repeated = true;
        if (Array.isArray(first)) first.push(it);
        else byKey.set(id, [first, it]);
      }
    }
    if (!repeated) continue;
    for (const list of byKey.values()) {
      if (!Array.isArray(list)) continue;
      for (const it of list) {
        const c = it.req.condition;
        if (c?.rowExistence) throw OtsError.param('Repeated rows do not support row exist expectation check in BatchModify.');
        if (own(c, 'columnCondition')?.length) throw OtsError.param('Repeated rows do not support row condition check in BatchModify.');
        if (it.row.cells.some((cell) => cell.op === CellOp.INCREMENT)) throw OtsError.param('Repeated rows with increment operation are not supported in BatchModify.');
      }
    }
  }
}
