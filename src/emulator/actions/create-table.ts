import { OtsError } from '../errors';
import { checkCapacity, checkOptions, checkSchemaColumnName, type DefinedColumn, type IndexDef, type PkColumn, type PkTypeNum } from '../engine/catalog';
import { toNumber } from '../protocol/proto';
import { own, tableName, type Action } from './common';

const DEFINED_TYPES = new Set([1, 2, 3, 4, 7]);

export function indexDef(m: any): IndexDef {
  if (!m) throw OtsError.param('The index meta is missing.');
  const indexType = own<number>(m, 'indexType') ?? 0;
  return {
    name: m.name,
    primaryKey: m.primaryKey ?? [],
    definedColumns: m.definedColumn ?? [],
    indexType,
    updateMode: own<number>(m, 'indexUpdateMode') ?? (indexType === 1 ? 1 : 0),
  };
}

export const createTable: Action = {
  name: 'CreateTable',
  tableLevel: true,
  handle(req, { engine }) {
    const meta = req.tableMeta;
    const name = tableName(meta?.tableName);
    const pkSchema: any[] = meta.primaryKey ?? [];
    if (pkSchema.length < 1 || pkSchema.length > 4) throw OtsError.param('The number of primary key columns must be in range: [1, 4].');
    const pk: PkColumn[] = [];
    for (const [i, p] of pkSchema.entries()) {
      checkSchemaColumnName(p.name);
      if (pk.some((q) => q.name === p.name)) throw OtsError.param(`Duplicated primary key name: '${p.name}'.`);
      if (![1, 2, 3].includes(p.type)) throw OtsError.param(`Invalid primary key type: ${p.type}, only STRING, INTEGER and BINARY are allowed.`);
      const auto = own<number>(p, 'option') === 1;
      if (auto) {
        if (p.type !== 1) throw OtsError.param('AUTO_INCREMENT primary key must be integer.');
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
      if (!DEFINED_TYPES.has(d.type)) throw OtsError.param(`Invalid defined column type: ${d.type}.`);
      definedColumns.push({ name: d.name, type: d.type });
    }
    if (definedColumns.length > 32) throw OtsError.param('The number of defined columns must be in range: [0, 32].');
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
    if (own(req, 'streamSpec')?.enableStream) throw OtsError.unsupported('Stream');
    const indexes = (req.indexMetas ?? []).map(indexDef);
    engine.createTable(
      { name, pk, definedColumns, options, reserved: { read, write, lastIncrease: Date.now() }, enableLocalTxn },
      indexes,
    );
    return {};
  },
};
