/** GetRow's validation (spec §6.1, §6.2). */
import type { TableMeta } from '../../engine/catalog';
import type { Engine } from '../../engine/engine';
import type { ReadOptions } from '../../engine/reads';
import { checkPk } from '../../engine/row-rules';
import type { Transaction } from '../../engine/transactions';
import type { Cell } from '../../model/row';
import { own, tableName } from '../common';
import { pkField, readOptions, transactionOf } from './request';

export function validateGetRow(req: any, engine: Engine): { table: TableMeta; pk: Cell[]; opts: ReadOptions; tx: Transaction | undefined } {
  const name = tableName(req.tableName);
  const table = engine.table(name);
  const pk = pkField(req.primaryKey);
  checkPk(table, pk, 'read');
  const opts = readOptions(req, 'No version condition is specified.');
  const tx = transactionOf(engine, own(req, 'transactionId'), name);
  return { table, pk, opts, tx };
}
