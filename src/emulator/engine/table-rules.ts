/**
 * What a table definition may hold (spec §1, §7.1, §7.6): names, table options, reserved throughput, and
 * secondary-index definitions against their data table. CreateTable, UpdateTable and CreateIndex validate
 * with these; the catalog re-checks index definitions against the tables that exist.
 */
import { OtsError } from '../errors';
import { DEFINED_COLUMN_TYPE, INDEX_TYPE, PK_TYPE, type IndexDef, type PkColumn, type PkTypeNum, type TableMeta, type TableOptionsMeta } from './catalog';

/** Primary-key columns of a table, and of an index's own key columns (spec §1.4, §1.29). */
export const MAX_PK_COLUMNS = 4;
/** Predefined columns per table, and attribute columns per index (spec §1.26, §1.30). */
export const MAX_DEFINED_COLUMNS = 32;
export const MAX_INDEXES_PER_TABLE = 5;
/** Table and column names (spec §1.2, §1.3). */
export const MAX_NAME_BYTES = 255;
/** Reserved read or write capacity units per table (spec §1.23). */
export const MAX_RESERVED_CU = 100000;

export const TABLE_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function checkTableName(name: unknown): string {
  if (typeof name !== 'string' || !TABLE_NAME_RE.test(name) || Buffer.byteLength(name) > MAX_NAME_BYTES) {
    throw OtsError.param(`Invalid table name: '${String(name ?? '')}'.`);
  }
  return name;
}

/** PK and defined column names in table metadata follow the documented rule (spec §1.3). */
export function checkSchemaColumnName(name: string): void {
  if (!name) throw OtsError.param('No name is given for primary key.');
  if (!TABLE_NAME_RE.test(name) || Buffer.byteLength(name) > MAX_NAME_BYTES) throw OtsError.param(`Invalid column name: '${name}'.`);
}

export const INT64_MAX_DIV_1M = 9223372036854;

export interface OptionLimits {
  /** Smallest TTL other than -1 (docs: 86400; spec §14.5). */
  minTimeToLive: number;
}

export function checkOptions(o: TableOptionsMeta, limits: OptionLimits): void {
  if (o.timeToLive === 0 || o.timeToLive < -1) throw OtsError.param('TimeToLive cannot be 0 or less than -1.');
  if (o.timeToLive !== -1 && o.timeToLive < limits.minTimeToLive) {
    throw OtsError.param(`TimeToLive must be -1 or at least ${limits.minTimeToLive} seconds.`);
  }
  if (o.maxVersions <= 0) throw OtsError.param('The maximum versions cannot be less than or equal to 0.');
  if (o.deviation < 0 || o.deviation > INT64_MAX_DIV_1M) throw OtsError.param('The maximum deviation must be in range [0, INT64_MAX/1000000].');
}

export function checkCapacity(read: number | undefined, write: number | undefined): void {
  for (const cu of [read, write]) {
    if (cu !== undefined && (cu < 0 || cu > MAX_RESERVED_CU)) throw OtsError.param(`Invalid Capacity Unit:${cu} . Capacity Unit must be nonnegative.`);
  }
}

/** The index table's primary key: the index columns, then the data table's PK columns not listed (spec §7.6). */
export function indexPrimaryKey(base: TableMeta, idx: IndexDef): PkColumn[] {
  const out: PkColumn[] = [];
  for (const name of idx.primaryKey) {
    const pk = base.pk.find((c) => c.name === name);
    if (pk) {
      out.push({ name, type: pk.type });
      continue;
    }
    const dc = base.definedColumns.find((c) => c.name === name);
    if (!dc) throw OtsError.param(`Column does not exist:\`${name}\`.`);
    const type = dc.type === DEFINED_COLUMN_TYPE.INTEGER ? PK_TYPE.INTEGER : dc.type === DEFINED_COLUMN_TYPE.STRING ? PK_TYPE.STRING : dc.type === DEFINED_COLUMN_TYPE.BLOB ? PK_TYPE.BINARY : 0;
    if (!type) throw OtsError.param(`Invalid column type, only STRING,INTEGER,BINARY is allowed.`);
    out.push({ name, type: type as PkTypeNum });
  }
  for (const pk of base.pk) if (!idx.primaryKey.includes(pk.name)) out.push({ name: pk.name, type: pk.type });
  return out;
}

export function checkIndexDef(base: TableMeta, idx: IndexDef, existingNames: (n: string) => boolean): void {
  checkTableName(idx.name);
  if (existingNames(idx.name)) throw OtsError.tableExists();
  if (base.indexes.length >= MAX_INDEXES_PER_TABLE) throw OtsError.param(`Number of index per table exceeds the quota:${MAX_INDEXES_PER_TABLE}.`);
  if (idx.primaryKey.length < 1 || idx.primaryKey.length > MAX_PK_COLUMNS) {
    throw OtsError.param(`The number of primary key columns must be in range: [1, ${MAX_PK_COLUMNS}] in index.`);
  }
  if (idx.definedColumns.length > MAX_DEFINED_COLUMNS) throw OtsError.param(`The number of attribute columns must be in range: [0, ${MAX_DEFINED_COLUMNS}] in index.`);
  if (new Set(idx.primaryKey).size !== idx.primaryKey.length) throw OtsError.param(`Duplicated primary key name in index: '${idx.name}'.`);
  for (const c of idx.definedColumns) {
    if (!base.definedColumns.some((d) => d.name === c)) throw OtsError.param(`Column does not exist:\`${c}\`.`);
    if (idx.primaryKey.includes(c)) throw OtsError.param(`Duplicated column in index primary key and attribute columns: '${c}'.`);
  }
  const first = base.pk.find((c) => c.name === idx.primaryKey[0]);
  if (first?.autoIncrement) throw OtsError.param('The first primary key of an index cannot be an auto-increment column.');
  if (idx.indexType === INDEX_TYPE.LOCAL && idx.primaryKey[0] !== base.pk[0].name) {
    throw OtsError.param('The first primary key of a local index must be the first primary key of the data table.');
  }
  checkIndexedTableOptions(base.options);
  indexPrimaryKey(base, idx);
}

/** The options a table with secondary indexes may have (spec §7.6). */
export function checkIndexedTableOptions(o: TableOptionsMeta): void {
  if (o.maxVersions !== 1) throw OtsError.param('The max versions of a table with index must be 1.');
  if (o.timeToLive !== -1 && o.allowUpdate) throw OtsError.param("Don't support allow update operation on table with index and ttl");
}
