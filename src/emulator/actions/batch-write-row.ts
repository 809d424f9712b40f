import { OtsError } from '../errors';
import type { TableMeta } from '../engine/catalog';
import { type Engine, MAX_CELL_BYTES, type Transaction, WriteSet } from '../engine/engine';
import { CellOp, type Row, rowCellsSize } from '../model/row';
import { decodeRow } from '../model/plainbuffer';
import { VT } from '../model/value';
import {
  checkBatchKey,
  checkTransactionTable,
  condition,
  consumed,
  encodeOptionalRow,
  own,
  returnSpec,
  rowFailure,
  tableName,
  type Action,
  type ActionContext,
} from './common';

export const BATCH_WRITE_MAX_ROWS = 200;
export const BATCH_WRITE_MAX_BYTES = 4 * 1024 * 1024;
const OPS = { 1: 'putRow', 2: 'updateRow', 3: 'deleteRow' } as const;

interface Item {
  type: 1 | 2 | 3;
  row: Row;
  req: any;
}

/**
 * Writes up to 200 rows / 4 MB across tables. Each row has its own condition and result; rows of the
 * request share one store transaction and apply in request order, so repeated keys behave as sequential
 * writes (spec §5.5). With `is_atomic`, a table's rows must share a partition key and succeed or fail together.
 */
export const batchWriteRow: Action = {
  name: 'BatchWriteRow',
  handle(req, ctx: ActionContext) {
    const { engine } = ctx;
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
      const items: Item[] = rows.map((r) => {
        if (r.type !== 1 && r.type !== 2 && r.type !== 3) throw OtsError.param('The modify type is invalid.');
        if (!r.rowChange || r.rowChange.length === 0) throw OtsError.param('The row change is missing in request.');
        const row = decodeRow(Buffer.from(r.rowChange));
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
    const txId = own<string>(req, 'transactionId');
    const tx = txId ? engine.transaction(txId) : undefined;
    const atomic = own<boolean>(req, 'isAtomic') ?? false;
    const shared = tx ? tx.writes : new WriteSet(engine);
    const out = plans.map(({ name, items }) => {
      let table: TableMeta;
      try {
        table = engine.writableTable(name);
        if (tx) checkTransactionTable(tx, name);
      } catch (e) {
        return { tableName: name, rows: items.map(() => rowFailure(e)) };
      }
      if (atomic && !tx) return { tableName: name, rows: atomicRows(engine, ctx, table, items, shared) };
      return { tableName: name, rows: items.map((it) => applyRow(engine, ctx, table, it, shared, tx)) };
    });
    if (!tx) engine.commit(shared);
    return { tables: out };
  },
};

function applyRow(engine: Engine, ctx: ActionContext, table: TableMeta, it: Item, ws: WriteSet, tx: Transaction | undefined): object {
  try {
    const fault = ctx.faults.rowFault();
    if (fault) throw fault;
    const r = engine[OPS[it.type]](ws, table, it.row, condition(it.req.condition), returnSpec(own(it.req, 'returnContent')), tx);
    return { isOk: true, consumed: consumed(r.consumed), row: encodeOptionalRow(r.row) };
  } catch (e) {
    return rowFailure(e);
  }
}

function atomicRows(engine: Engine, ctx: ActionContext, table: TableMeta, items: Item[], shared: WriteSet): object[] {
  try {
    // Keys are checked against the schema first: a partition key is only comparable once it fits the table.
    let key0: Buffer | undefined;
    for (const it of items) {
      engine.checkPk(table, it.row.pk, 'write');
      const key = engine.partitionKey(table, it.row.pk);
      key0 ??= key;
      if (!key.equals(key0)) throw OtsError.param('Rows of an atomic BatchWriteRow must have the same partition key.');
    }
  } catch (e) {
    return items.map(() => rowFailure(e));
  }
  const local = new WriteSet(engine);
  // See the shared set's earlier writes (other tables of this request cannot touch this table's keys).
  const results = items.map((it) => applyRow(engine, ctx, table, it, local, undefined) as { isOk: boolean; error?: object });
  const failed = results.find((r) => !r.isOk);
  if (failed) return results.map((r) => (r.isOk ? { ...failed } : r));
  for (const [k, ch] of local.changes) shared.changes.set(k, ch);
  for (const [id, v] of local.autoIncrements) shared.autoIncrements.set(id, v);
  return results;
}

/**
 * What the service refuses for the whole request rather than per row (spec §5.5: invalid PK values, an
 * attribute named like a PK column, a value over the size limit). The rest is checked row by row.
 */
function checkWholeRequest(engine: Engine, plans: Array<{ name: string; items: Item[] }>): void {
  for (const { name, items } of plans) {
    const table = engine.tables.get(name);
    for (const it of items) {
      checkBatchKey(it.row.pk, false);
      for (const c of it.row.cells) {
        if (table?.pk.some((p) => p.name === c.name)) throw OtsError.param(`Duplicated attribute column name with primary key column: \`${c.name}\`.`);
        const v = c.value;
        if (v && (v.t === VT.STRING || v.t === VT.BLOB) && v.v.length > MAX_CELL_BYTES) {
          throw OtsError.param(`The length of attribute column: '${c.name}' exceeds the MaxLength:${MAX_CELL_BYTES} with CurrentLength:${v.v.length}.`);
        }
      }
    }
  }
}

/** Repeated keys may not carry conditions, and an incremented row may appear once (spec §5.3, §5.5). */
function checkRepeatedRows(engine: Engine, plans: Array<{ name: string; items: Item[] }>): void {
  for (const { name, items } of plans) {
    const table = engine.tables.get(name);
    if (!table || items.length < 2) continue;
    const byKey = new Map<string, Item[]>();
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
