/** CreateTable's validation (spec §1.4–1.5, §1.26, §3.2, §7.1). */
import { DEFINED_COLUMN_TYPE, PK_OPTION_AUTO_INCREMENT, PK_TYPE, type DefinedColumn, type IndexDef, type PkColumn, type PkTypeNum, type TableMeta } from '../../engine/catalog';
import type { Engine } from '../../engine/engine';
import { checkCapacity, checkOptions, checkSchemaColumnName, MAX_DEFINED_COLUMNS, MAX_PK_COLUMNS } from '../../engine/table-rules';
import { OtsError } from '../../errors';
import { toNumber } from '../../protocol/proto';
import { own, tableName } from '../common';
import { indexDef } from './create-index';
import { streamFromSpec } from './stream-spec';

const PK_TYPES: readonly number[] = Object.values(PK_TYPE);
const DEFINED_TYPES: readonly number[] = Object.values(DEFINED_COLUMN_TYPE);

export function validateCreateTable(req: any, engine: Engine, nowMicros: bigint): { meta: Omit<TableMeta, 'id' | 'indexes' | 'createdAt'>; indexes: IndexDef[] } {
  const meta = req.tableMeta;
  const name = tableName(meta?.tableName);
  const pkSchema: any[] = meta.primaryKey ?? [];
  if (pkSchema.length < 1 || pkSchema.length > MAX_PK_COLUMNS) throw OtsError.param(`The number of primary key columns must be in range: [1, ${MAX_PK_COLUMNS}].`);
  const pk: PkColumn[] = [];
  for (const [i, p] of pkSchema.entries()) {
    checkSchemaColumnName(p.name);
    if (pk.some((q) => q.name === p.name)) throw OtsError.param(`Duplicated primary key name: '${p.name}'.`);
    if (!PK_TYPES.includes(p.type)) throw OtsError.param(`Invalid primary key type: ${p.type}, only STRING, INTEGER and BINARY are allowed.`);
    const auto = own<number>(p, 'option') === PK_OPTION_AUTO_INCREMENT;
    if (auto) {
      if (p.type !== PK_TYPE.INTEGER) throw OtsError.param('AUTO_INCREMENT primary key must be integer.');
      if (i === 0) throw OtsError.param(`First primary key can't be auto increment, table: \`${name}\`.`);
      if (pk.some((q) => q.autoIncrement)) throw OtsError.param('AUTO_INCREMENT primary key count must <= 1.');
    }
    pk.push({ name: p.name, type: p.type as PkTypeNum, ...(auto ? { autoIncrement: true } : {}) });
  }
  const definedColumns: DefinedColumn[] = [];
  for (const d of meta.definedColumn ?? []) {
    checkSchemaColumnName(d.name);
    if (pk.some((q) => q.name === d.name) || definedColumns.some((q) => q.name === d.name)) {
      throw OtsError.param(`Duplicated defined column name: '${d.name}'.`);
    }
    if (!DEFINED_TYPES.includes(d.type)) throw OtsError.param(`Invalid defined column type: ${d.type}.`);
    definedColumns.push({ name: d.name, type: d.type });
  }
  if (definedColumns.length > MAX_DEFINED_COLUMNS) throw OtsError.param(`The number of defined columns must be in range: [0, ${MAX_DEFINED_COLUMNS}].`);
  const to = own(req, 'tableOptions');
  const ttl = own<number>(to, 'timeToLive');
  const maxVersions = own<number>(to, 'maxVersions');
  if (ttl === undefined) throw OtsError.param('Time-to-live is missing while creating table.');
  if (maxVersions === undefined) throw OtsError.param('MaxVersions is missing while creating table.');
  const options = {
    timeToLive: ttl,
    maxVersions,
    deviation: toNumber(own(to, 'deviationCellVersionInSec')) ?? 86400,
    allowUpdate: own<boolean>(to, 'allowUpdate') ?? true,
    updateFullRow: own<boolean>(to, 'updateFullRow') ?? false,
  };
  checkOptions(options, engine.options);
  const cu = req.reservedThroughput?.capacityUnit;
  const read = own<number>(cu, 'read') ?? 0;
  const write = own<number>(cu, 'write') ?? 0;
  checkCapacity(read, write);
  const enableLocalTxn = own<boolean>(req, 'enableLocalTxn') ?? false;
  if (enableLocalTxn && pk.some((p) => p.autoIncrement)) {
    throw OtsError.param('You cannot use the auto-increment primary key column feature and the local transaction feature at the same time.');
  }
  const ss = own(req, 'streamSpec');
  const stream = ss ? streamFromSpec(ss, name, undefined, nowMicros) : undefined;
  const indexes = (req.indexMetas ?? []).map(indexDef);
  return { meta: { name, pk, definedColumns, options, reserved: { read, write, lastIncrease: engine.now() }, enableLocalTxn, ...(stream ? { stream } : {}) }, indexes };
}
