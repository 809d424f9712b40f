import type { TableMeta } from '../engine/catalog';
import type { Engine } from '../engine/engine';
import { checkPk } from '../engine/row-rules';
import { partitionKey, type Transaction } from '../engine/transactions';
import { deleteRow, putRow, updateRow, type WriteResult } from '../engine/writes';
import type { WriteSet } from '../engine/write-set';
import type { RowChange } from '../engine/writes';
import { OtsError } from '../errors';
import { messageType, messageWriter } from '../protocol/proto';
import { consumed, encodeOptionalRow, own, rowFailure, type Action, type ActionContext } from './common';
import { OPERATION_TYPE, ROW_RULES, validateBatchWriteRow, type BatchItem } from './validations/batch-write-row';
import { checkTransactionTable, condition, returnSpec } from './validations/request';

const ROW_TYPE = messageType('RowInBatchWriteRowResponse');

type RowWriter = (engine: Engine, ws: WriteSet, table: TableMeta, change: RowChange, txn?: Transaction) => WriteResult;
const WRITERS: Record<number, RowWriter> = { [OPERATION_TYPE.PUT]: putRow, [OPERATION_TYPE.UPDATE]: updateRow, [OPERATION_TYPE.DELETE]: deleteRow };

/**
 * Writes up to 200 rows / 4 MB across tables. Each row has its own condition and result; rows of the
 * request share one store transaction and apply in request order, so repeated keys behave as sequential
 * writes (spec §5.5). With `is_atomic`, a table's rows must share a partition key and succeed or fail together.
 */
export const batchWriteRow: Action = {
  name: 'BatchWriteRow',
  handle(req, ctx: ActionContext) {
    const { engine } = ctx;
    const plans = validateBatchWriteRow(req, engine);
    const txId = own<string>(req, 'transactionId');
    const tx = txId ? engine.transactions.get(txId) : undefined;
    const atomic = own<boolean>(req, 'isAtomic') ?? false;
    const shared = tx ? tx.writes : engine.writeSet();
    const out = plans.map(({ name, items }) => {
      let table: TableMeta;
      try {
        table = engine.writableTable(name);
        if (tx) checkTransactionTable(tx, name);
      } catch (e) {
        return { tableName: name, rows: items.map(() => rowFailure(e)) };
      }
      if (atomic && !tx) return { tableName: name, rows: atomicRows(ctx, table, items, shared) };
      return { tableName: name, rows: items.map((it) => applyRow(ctx, table, it, shared, tx)) };
    });
    if (!tx) engine.commit(shared);
    return encodeResponse(out);
  },
};

interface RowResult {
  isOk: boolean;
  consumed?: { capacityUnit: { read: number; write: number } };
  row?: Buffer;
}

/** An OK row that returns nothing and read nothing, encoded, by its write capacity units. */
const OK_ROWS = new Map<number, Uint8Array>();

/**
 * The BatchWriteRowResponse's bytes, as encodeMessage writes them: the usual row (OK, nothing read, nothing
 * returned: applyRow's result holds nothing else) is encoded once per write-CU value and reused [performance: protobufjs built and encoded three
 * nested messages a row]. Unit-tested against encodeMessage.
 */
export function encodeResponse(tables: ReadonlyArray<{ tableName: string; rows: object[] }>): Buffer {
  const w = messageWriter();
  for (const t of tables) {
    w.uint32(0x0a).fork(); // tables = 1
    w.uint32(0x0a).string(t.tableName); // table_name = 1
    for (const r of t.rows as RowResult[]) {
      let bytes: Uint8Array | undefined;
      const cu = r.consumed?.capacityUnit;
      if (r.isOk && r.row === undefined && cu && cu.read === 0) {
        bytes = OK_ROWS.get(cu.write);
        if (!bytes) OK_ROWS.set(cu.write, (bytes = ROW_TYPE.encode(r).finish()));
      } else bytes = ROW_TYPE.encode(r).finish();
      w.uint32(0x12).bytes(bytes); // rows = 2
    }
    w.ldelim();
  }
  const out = w.finish();
  return Buffer.isBuffer(out) ? out : Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

/** One row: its single-row action's rules, then its write; a failure is this row's result alone. */
function applyRow({ engine, faults }: ActionContext, table: TableMeta, it: BatchItem, ws: WriteSet, tx: Transaction | undefined): object {
  try {
    const fault = faults.rowFault();
    if (fault) throw fault;
    const change = ROW_RULES[it.type](table, it.row, condition(it.req.condition), returnSpec(own(it.req, 'returnContent')), !!tx, engine.now());
    change.key = it.key;
    change.keyId = it.keyId;
    const r = WRITERS[it.type](engine, ws, table, change, tx);
    return { isOk: true, consumed: consumed(r.consumed), row: encodeOptionalRow(r.row) };
  } catch (e) {
    return rowFailure(e);
  }
}

function atomicRows(ctx: ActionContext, table: TableMeta, items: BatchItem[], shared: WriteSet): object[] {
  try {
    // Keys are checked against the schema first: a partition key is only comparable once it fits the table.
    let key0: Buffer | undefined;
    for (const it of items) {
      checkPk(table, it.row.pk, 'write');
      const key = partitionKey(table, it.row.pk);
      key0 ??= key;
      if (!key.equals(key0)) throw OtsError.param('Rows of an atomic BatchWriteRow must have the same partition key.');
    }
  } catch (e) {
    return items.map(() => rowFailure(e));
  }
  const local = ctx.engine.writeSet();
  // A set of its own, so that a failed row leaves nothing behind. It need not see the shared set's earlier writes:
  // a table appears once per request, so other tables' rows cannot touch this table's keys.
  const results = items.map((it) => applyRow(ctx, table, it, local, undefined) as { isOk: boolean; error?: object });
  const failed = results.find((r) => !r.isOk);
  if (failed) return results.map((r) => (r.isOk ? { ...failed } : r));
  shared.absorb(local);
  return results;
}
