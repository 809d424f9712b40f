/** ListStream's validation (streams spec §2.2): an optional table name, which must exist. */
import type { TableMeta } from '../../engine/catalog';
import type { Engine } from '../../engine/engine';
import { own, tableName } from '../common';

/** The tables whose streams to list: the one named, or all. */
export function validateListStream(req: any, engine: Engine): TableMeta[] {
  const name = own(req, 'tableName');
  if (name === undefined) return [...engine.tables.values()];
  return [engine.table(tableName(name))];
}
