/**
 * Table metadata: what CreateTable/CreateIndex define and DescribeTable reports, kept in the store under
 * `M<name>` as JSON so it survives restarts. Index tables are tables too (readable by name, counted in the
 * quota) with `indexOf` naming their data table.
 */
import { OtsError } from '../errors';
import { VT } from '../model/value';

export const PK_TYPE = { INTEGER: 1, STRING: 2, BINARY: 3 } as const;
export type PkTypeNum = 1 | 2 | 3;

export function pkTypeToVt(t: PkTypeNum): VT {
  return t === 1 ? VT.INTEGER : t === 2 ? VT.STRING : VT.BLOB;
}

export interface PkColumn {
  name: string;
  type: PkTypeNum;
  autoIncrement?: boolean;
}

export interface DefinedColumn {
  name: string;
  /** DCT_INTEGER=1, DCT_DOUBLE=2, DCT_BOOLEAN=3, DCT_STRING=4, DCT_BLOB=7 */
  type: number;
}

export interface TableOptionsMeta {
  timeToLive: number;
  maxVersions: number;
  deviation: number;
  allowUpdate: boolean;
  updateFullRow: boolean;
}

export interface IndexDef {
  name: string;
  primaryKey: string[];
  definedColumns: string[];
  /** IT_GLOBAL_INDEX=0, IT_LOCAL_INDEX=1 */
  indexType: number;
  /** IUM_ASYNC_INDEX=0, IUM_SYNC_INDEX=1 */
  updateMode: number;
}

export interface TableMeta {
  name: string;
  id: number;
  pk: PkColumn[];
  definedColumns: DefinedColumn[];
  options: TableOptionsMeta;
  reserved: { read: number; write: number; lastIncrease: number; lastDecrease?: number; lastChange?: number };
  indexes: IndexDef[];
  /** Set on index tables: the data table's name. */
  indexOf?: string;
  createdAt: number;
  enableLocalTxn: boolean;
}

export const TABLE_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function checkTableName(name: unknown): string {
  if (typeof name !== 'string' || !TABLE_NAME_RE.test(name) || Buffer.byteLength(name) > 255) {
    throw OtsError.param(`Invalid table name: '${String(name ?? '')}'.`);
  }
  return name;
}

/** Attribute column names as the server accepts them (spec §1.3a): 1–255 bytes, not starting with '#'. */
export function checkColumnName(name: string): void {
  if (name.length === 0) throw OtsError.param('invalid name of column: empty name.');
  if (Buffer.byteLength(name) > 255 || name.startsWith('#')) throw OtsError.param(`Invalid column name: '${name}'.`);
}

/** PK and defined column names in table metadata follow the documented rule (spec §1.3). */
export function checkSchemaColumnName(name: string): void {
  if (!name) throw OtsError.param('No name is given for primary key.');
  if (!TABLE_NAME_RE.test(name) || Buffer.byteLength(name) > 255) throw OtsError.param(`Invalid column name: '${name}'.`);
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
    if (cu !== undefined && (cu < 0 || cu > 100000)) throw OtsError.param(`Invalid Capacity Unit:${cu} . Capacity Unit must be nonnegative.`);
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
    const type = dc.type === 1 ? 1 : dc.type === 4 ? 2 : dc.type === 7 ? 3 : 0;
    if (!type) throw OtsError.param(`Invalid column type, only STRING,INTEGER,BINARY is allowed.`);
    out.push({ name, type: type as PkTypeNum });
  }
  for (const pk of base.pk) if (!idx.primaryKey.includes(pk.name)) out.push({ name: pk.name, type: pk.type });
  return out;
}

export function checkIndexDef(base: TableMeta, idx: IndexDef, existingNames: (n: string) => boolean): void {
  checkTableName(idx.name);
  if (existingNames(idx.name)) throw OtsError.tableExists();
  if (base.indexes.length >= 5) throw OtsError.param('Number of index per table exceeds the quota:5.');
  if (idx.primaryKey.length < 1 || idx.primaryKey.length > 4) {
    throw OtsError.param('The number of primary key columns must be in range: [1, 4] in index.');
  }
  if (idx.definedColumns.length > 32) throw OtsError.param('The number of attribute columns must be in range: [0, 32] in index.');
  if (new Set(idx.primaryKey).size !== idx.primaryKey.length) throw OtsError.param(`Duplicated primary key name in index: '${idx.name}'.`);
  for (const c of idx.definedColumns) {
    if (!base.definedColumns.some((d) => d.name === c)) throw OtsError.param(`Column does not exist:\`${c}\`.`);
    if (idx.primaryKey.includes(c)) throw OtsError.param(`Duplicated column in index primary key and attribute columns: '${c}'.`);
  }
  const first = base.pk.find((c) => c.name === idx.primaryKey[0]);
  if (first?.autoIncrement) throw OtsError.param('The first primary key of an index cannot be an auto-increment column.');
  if (idx.indexType === 1 && idx.primaryKey[0] !== base.pk[0].name) {
    throw OtsError.param('The first primary key of a local index must be the first primary key of the data table.');
  }
  if (base.options.maxVersions !== 1) throw OtsError.param('The max versions of a table with index must be 1.');
  if (base.options.timeToLive !== -1 && base.options.allowUpdate) {
    throw OtsError.param("Don't support allow update operation on table with index and ttl");
  }
  indexPrimaryKey(base, idx);
}
