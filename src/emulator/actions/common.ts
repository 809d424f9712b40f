/**
 * What every action file shares: the `Action` shape, reading optional protobuf fields, the table-name rule,
 * and the response pieces (consumed capacity, rows, per-row failures). Request validation is in
 * validations/, one file per action.
 */
import type { Engine } from '../engine/engine';
import { checkTableName } from '../engine/table-rules';
import type { Transaction } from '../engine/transactions';
import type { Consumed, WriteResult } from '../engine/writes';
import type { WriteSet } from '../engine/write-set';
import { OtsError } from '../errors';
import type { Faults } from '../faults';
import { encodeRow } from '../model/plainbuffer';
import type { Row } from '../model/row';
import type { StreamLog } from '../stream/log';
import type { SearchIndexes } from '../search/catalog';

export interface ActionContext {
  engine: Engine;
  faults: Faults;
  streams: StreamLog;
  search: SearchIndexes;
}

export interface Action {
  /** HTTP path segment and protobuf message prefix, e.g. `PutRow`. */
  name: string;
  /** Table-level (control-plane) action: subject to "Too frequent table operations." faults. */
  tableLevel?: boolean;
  /** Protobuf message names when they are not `<name>Request` / `<name>Response`. */
  requestType?: string;
  responseType?: string;
  /** The response message, or its bytes already encoded (a Buffer is sent as it is). */
  handle(req: any, ctx: ActionContext): object;
}

/** An optional protobuf field's value, or undefined when the request did not set it (protobufjs puts
 *  proto2 defaults on the prototype, so a plain read cannot tell "absent" from "default"). */
export function own<T = any>(msg: any, field: string): T | undefined {
  return msg && Object.prototype.hasOwnProperty.call(msg, field) ? (msg[field] as T) : undefined;
}

export function tableName(v: unknown): string {
  return checkTableName(v);
}

export function consumed(c: Consumed): object {
  return { capacityUnit: { read: c.read, write: c.write } };
}

export function encodeOptionalRow(row: Row | undefined): Buffer | undefined {
  return row ? encodeRow(row) : undefined;
}

/** A failed row of a BatchGetRow / BatchWriteRow response (nothing consumed); anything but an OtsError propagates. */
export function rowFailure(e: unknown): object {
  if (!(e instanceof OtsError)) throw e;
  return { isOk: false, error: { code: e.code, message: e.message }, consumed: consumed({ read: 0, write: 0 }) };
}

/** A PutRow / UpdateRow / DeleteRow: one row change, committed alone or into its transaction. */
export function writeOne(engine: Engine, tx: Transaction | undefined, write: (ws: WriteSet) => WriteResult): object {
  const ws = tx ? tx.writes : engine.writeSet();
  const r = write(ws);
  if (!tx) engine.commit(ws);
  return { consumed: consumed(r.consumed), row: encodeOptionalRow(r.row) };
}
