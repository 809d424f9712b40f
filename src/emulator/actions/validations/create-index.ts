/**
 * An index definition as CreateTable (index_metas) and CreateIndex carry it (spec §7.6). What it may hold
 * against its data table is checked by table-rules.ts `checkIndexDef` when the catalog adds it.
 */
import { INDEX_TYPE, INDEX_UPDATE_MODE, type IndexDef } from '../../engine/catalog';
import { OtsError } from '../../errors';
import { own } from '../common';

export function indexDef(m: any): IndexDef {
  if (!m) throw OtsError.param('The index meta is missing.');
  const indexType = own<number>(m, 'indexType') ?? INDEX_TYPE.GLOBAL;
  return {
    name: m.name,
    primaryKey: m.primaryKey ?? [],
    definedColumns: m.definedColumn ?? [],
    indexType,
    // A local index is updated synchronously, a global one asynchronously, unless the request says otherwise.
    updateMode: own<number>(m, 'indexUpdateMode') ?? (indexType === INDEX_TYPE.LOCAL ? INDEX_UPDATE_MODE.SYNC : INDEX_UPDATE_MODE.ASYNC),
  };
}
