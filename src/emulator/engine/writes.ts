/**
 * Row writes (spec §5.1–5.4): what PutRow, UpdateRow and DeleteRow do to a row, given a change that passed
 * its action's validation (actions/validations/). Each writes into a `WriteSet`; the caller commits it
 * (Engine.commit), alone, with its batch, or at CommitTransaction. Conditions and locks are checked here,
 * against the row as the write set sees it, because they depend on stored data.
 */
import { OtsError } from '../errors';
import { capacityUnits, cloneRow, compareNames, rowDataSize, CellOp, type Cell, type Row, type RowData, type Version } from '../model/row';
import { valueLabel, VT } from '../model/value';
import type { TableMeta } from './catalog';
import type { Engine } from './engine';
import { evaluate } from './filter';
import { hasAutoIncrementPlaceholder, ReturnType, RowExistence, type ReturnSpec, type WriteCondition } from './row-rules';
import type { Transaction } from './transactions';
import { compact, visibility, visibleRow } from './versions';
import type { WriteSet } from './write-set';

export interface Consumed {
  read: number;
  write: number;
}

/** A PutRow / UpdateRow / DeleteRow row that passed its validation. */
export interface RowChange {
  row: Row;
  condition: WriteCondition;
  returns: ReturnSpec;
  /** The request's clock (ms): timestamps were validated against it, versions are stamped and trimmed with it. */
  now: number;
  /** The row's data size (spec §12), for the write capacity units. */
  size: number;
  /** The row's store key and its latin1 form, when the caller already made them (BatchWriteRow's repeated-row check). */
  key?: Buffer;
  keyId?: string;
}

export interface WriteResult {
  consumed: Consumed;
  row?: Row;
}

/**
 * Row existence first, then the column condition (spec §4.2). A column condition on a missing row sees no
 * attribute columns (passIfMissing decides) but does see the primary key given in the request: the row's
 * key is known even before it exists [inferred; spec silent].
 */
function checkCondition(table: TableMeta, existing: RowData | undefined, cond: WriteCondition, now: number, pk: Cell[]): void {
  const vis = visibleRow(existing, visibility(table, now));
  if (cond.rowExistence === RowExistence.EXPECT_EXIST && !vis) throw OtsError.conditionFailed();
  if (cond.rowExistence === RowExistence.EXPECT_NOT_EXIST && vis) throw OtsError.conditionFailed();
  if (cond.columnCondition) {
    const subject = vis ?? { pk, cols: new Map() };
    if (!evaluate(cond.columnCondition, subject)) throw OtsError.conditionFailed();
  }
}

/** A conditional write reads the row, and pays for it (spec §12). */
function readCost(cond: WriteCondition, existing: RowData | undefined): number {
  if (cond.rowExistence === RowExistence.IGNORE && !cond.columnCondition) return 0;
  return capacityUnits(existing ? rowDataSize(existing) : 0);
}

function pkResult(ret: ReturnSpec, pk: Cell[]): Row | undefined {
  return ret.type === ReturnType.PK ? { pk, cells: [], deleteMarker: false } : undefined;
}

/**
 * The row a put or update writes: with an auto-increment placeholder, a new key (no condition applies, spec
 * §3.6); otherwise the given key, after the lock and condition checks, with what is stored there now.
 */
function targetRow(engine: Engine, ws: WriteSet, table: TableMeta, change: RowChange, op: 'put' | 'update', txn: Transaction | undefined): Target {
  const { row: { pk: requestPk }, condition: cond, now } = change;
  if (hasAutoIncrementPlaceholder(requestPk)) {
    const pk = requestPk.map((c, i): Cell => (c.value?.t === VT.AUTO_INCREMENT ? { name: table.pk[i].name, value: { t: VT.INTEGER, v: engine.autoIncrement.next(ws, table) } } : c));
    const key = engine.rowKey(table, pk);
    return { pk, key, id: key.toString('latin1'), existing: undefined };
  }
  engine.transactions.checkLocks(table, requestPk, txn);
  const key = change.key ?? engine.rowKey(table, requestPk);
  const id = change.keyId ?? key.toString('latin1');
  // An unconditional put replaces the row whatever is stored: no need to read it [performance].
  if (op === 'put' && cond.rowExistence === RowExistence.IGNORE && !cond.columnCondition) return { pk: requestPk, key, id, existing: undefined };
  const existing = ws.read(key, id);
  checkCondition(table, existing, cond, now, requestPk);
  return { pk: requestPk, key, id, existing };
}

/** The latin1 `id` of the key is the write set's and the version clock's map key. */
interface Target {
  pk: Cell[];
  key: Buffer;
  id: string;
  existing: RowData | undefined;
}

/** Replaces the whole row (spec §5.1). */
export function putRow(engine: Engine, ws: WriteSet, table: TableMeta, change: RowChange, txn?: Transaction): WriteResult {
  const { row, condition: cond, returns: ret, now } = change;
  const { pk, key, id, existing } = targetRow(engine, ws, table, change, 'put', txn);
  const ts = engine.clock.stamp(key, now, id);
  const cols = new Map<string, Version[]>();
  const written: Cell[] | undefined = table.stream ? [] : undefined;
  for (const c of row.cells) {
    const vts = c.ts ?? ts;
    const version: Version = { ts: vts, value: c.value! };
    const list = cols.get(c.name);
    if (!list) cols.set(c.name, [version]);
    else setVersion(list, version);
    written?.push({ name: c.name, value: c.value!, ts: vts });
  }
  const newRow: RowData = { pk, cols };
  compact(table, newRow, now);
  ws.set(table, key, newRow, written && (() => ({ action: 'put', pk, cells: written })), id);
  return { consumed: { read: readCost(cond, existing), write: capacityUnits(change.size) }, row: pkResult(ret, pk) };
}

/** Puts a version into a column's list: a version of the same timestamp is replaced, else it is added. */
function setVersion(list: Version[], version: Version): void {
  for (let i = 0; i < list.length; i++) {
    if (list[i].ts === version.ts) {
      list[i] = version;
      return;
    }
  }
  list.push(version);
}

/** PUT / DELETE one version / DELETE_ALL / INCREMENT on columns of one row (spec §5.2, §5.3). */
export function updateRow(engine: Engine, ws: WriteSet, table: TableMeta, change: RowChange, txn?: Transaction): WriteResult {
  const { row, condition: cond, returns: ret, now } = change;
  const { pk, key, id, existing } = targetRow(engine, ws, table, change, 'update', txn);
  const live = visibleRow(existing, visibility(table, now));
  const onlyDeletes = row.cells.every((c) => c.op === CellOp.DELETE_ALL || c.op === CellOp.DELETE_ONE);
  const consumed = { read: readCost(cond, existing), write: capacityUnits(change.size) };
  if (!live && onlyDeletes) return { consumed, row: pkResult(ret, pk) };
  const next: RowData = live ? cloneRow(live) : { pk, cols: new Map() };
  const ts = engine.clock.stamp(key, now, id);
  const returned: Cell[] = [];
  // The stream record's cells (streams spec §2.5): each operation as done, an increment as a Put of its result.
  const written: Cell[] | undefined = table.stream ? [] : undefined;
  for (const c of row.cells) {
    const list = next.cols.get(c.name) ?? [];
    switch (c.op) {
      case undefined: {
        const vts = c.ts ?? ts;
        written?.push({ name: c.name, value: c.value!, ts: vts });
        setVersion(list, { ts: vts, value: c.value! });
        list.sort((a, b) => b.ts - a.ts);
        next.cols.set(c.name, list);
        break;
      }
      case CellOp.DELETE_ONE: {
        written?.push({ name: c.name, op: CellOp.DELETE_ONE, ts: c.ts });
        const kept = list.filter((v) => v.ts !== c.ts);
        if (kept.length) next.cols.set(c.name, kept);
        else next.cols.delete(c.name);
        break;
      }
      case CellOp.DELETE_ALL:
        written?.push({ name: c.name, op: CellOp.DELETE_ALL });
        next.cols.delete(c.name);
        break;
      case CellOp.INCREMENT: {
        const current = list[0]?.value;
        if (current && current.t !== VT.INTEGER) {
          throw OtsError.param(`The type of column \`${c.name}\` is ${valueLabel(current)}, only INTEGER can be incremented.`);
        }
        const base = current ? (current.v as bigint) : 0n;
        const sum = base + (c.value as { v: bigint }).v;
        if (sum > 9223372036854775807n || sum < -9223372036854775808n) {
          throw OtsError.param(`The result of increment overflows for column \`${c.name}\`.`);
        }
        const nv: Version = { ts, value: { t: VT.INTEGER, v: sum } };
        next.cols.set(c.name, [nv, ...list.filter((v) => v.ts !== ts)]);
        written?.push({ name: c.name, value: nv.value, ts });
        if (ret.type === ReturnType.AFTER_MODIFY && ret.columns.includes(c.name)) returned.push({ name: c.name, value: nv.value, ts });
        break;
      }
    }
  }
  compact(table, next, now);
  ws.set(table, key, next, written && (() => ({ action: 'update', pk, cells: written })), id);
  let out: Row | undefined;
  if (ret.type === ReturnType.PK) out = { pk, cells: [], deleteMarker: false };
  else if (ret.type === ReturnType.AFTER_MODIFY) out = { pk, cells: returned.sort((a, b) => compareNames(a.name, b.name)), deleteMarker: false };
  return { consumed, row: out };
}

/** Deletes every column and version of one row (spec §5.4). */
export function deleteRow(engine: Engine, ws: WriteSet, table: TableMeta, change: RowChange, txn?: Transaction): WriteResult {
  const { row, condition: cond, returns: ret, now } = change;
  engine.transactions.checkLocks(table, row.pk, txn);
  const key = change.key ?? engine.rowKey(table, row.pk);
  const id = change.keyId ?? key.toString('latin1');
  const existing = ws.read(key, id);
  checkCondition(table, existing, cond, now, row.pk);
  // Deleting a missing row changes nothing: no commit-feed change and no stream record [decision; streams spec
  // §7 leaves it open]. The same holds for a delete-only UpdateRow of a missing row (updateRow above).
  if (existing) ws.set(table, key, null, table.stream && (() => ({ action: 'delete', pk: row.pk, cells: [] })), id);
  return { consumed: { read: readCost(cond, existing), write: capacityUnits(change.size) }, row: pkResult(ret, row.pk) };
}
