/** GetRange's validation (spec §6.1, §6.3). */
import type { TableMeta } from '../../engine/catalog';
import type { Engine } from '../../engine/engine';
import type { ReadOptions } from '../../engine/reads';
import { checkPk } from '../../engine/row-rules';
import type { Transaction } from '../../engine/transactions';
import { OtsError } from '../../errors';
import type { Cell } from '../../model/row';
import { own, tableName } from '../common';
import { pkField, readOptions, transactionOf } from './request';

/** Direction of a range read (table_store.proto). */
export const DIRECTION = { FORWARD: 0, BACKWARD: 1 } as const;

export interface RangeRequest {
  table: TableMeta;
  start: Cell[];
  end: Cell[];
  backward: boolean;
  limit: number | undefined;
  opts: ReadOptions;
  tx: Transaction | undefined;
}

export function validateGetRange(req: any, engine: Engine): RangeRequest {
  const name = tableName(req.tableName);
  const table = engine.table(name);
  const direction = req.direction;
  if (direction !== DIRECTION.FORWARD && direction !== DIRECTION.BACKWARD) throw OtsError.param(`Invalid direction: ${direction}.`);
  const start = pkField(req.inclusiveStartPrimaryKey);
  const end = pkField(req.exclusiveEndPrimaryKey);
  checkPk(table, start, 'range');
  checkPk(table, end, 'range');
  const limit = own<number>(req, 'limit');
  if (limit !== undefined && limit <= 0) throw OtsError.param('The limit must be greater than 0.');
  const opts = readOptions(req, 'No version condition is specified.');
  const backward = direction === DIRECTION.BACKWARD;
  const cmp = Buffer.compare(engine.rowKey(table, start), engine.rowKey(table, end));
  if (!backward && cmp >= 0) throw OtsError.param('Begin key must less than end key in FORWARD');
  if (backward && cmp <= 0) throw OtsError.param('Begin key must more than end key in BACKWARD');
  const tx = transactionOf(engine, own(req, 'transactionId'), name);
  if (tx) for (const bound of [start, end]) engine.transactions.checkScope(tx, table, bound);
  return { table, start, end, backward, limit, opts, tx };
}
