/** StartLocalTransaction's validation (spec §9): one value, of the table's partition-key column. */
import type { TableMeta } from '../../engine/catalog';
import { checkPk } from '../../engine/row-rules';
import { OtsError } from '../../errors';
import type { Cell } from '../../model/row';
import { pkField } from './request';

export function validateStartLocalTransaction(req: any, table: TableMeta): Cell[] {
  const key = pkField(req.key);
  if (key.length !== 1) throw OtsError.param('StartLocalTransaction support only one primary key.');
  checkPk({ ...table, pk: table.pk.slice(0, 1) }, key, 'read');
  return key;
}
