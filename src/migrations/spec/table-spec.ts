/**
 * `TableSpec`: a table as plain JSON data (primary key with auto-increment, defined columns, options, reserved
 * throughput, secondary indexes). It is what the snapshot stores, what generated migrations pass to
 * `m.createTable`, and what a live table is read back as (DescribeTable) to compare.
 *
 * `normalizeSpec` fills the defaults and puts everything unordered in a fixed order (defined columns and
 * indexes by name, an index's defined columns by name) so that equal tables serialize identically: no phantom
 * diffs. Order that matters is kept: primary-key columns and an index's key columns.
 */
import type { CreateTableParams, DescribeTableResult, IndexMetaInput, StreamSpecificationInput } from '../../client/actions';
import { isValidName } from '../../schema/names';
import type { StorageType, TableSchema } from '../../schema/types';
import { TableSpecError } from '../errors';
import { normalizeSearchIndex, searchIndexDifference, searchIndexSpecFromSchema, type SearchIndexSpec } from './search-index-spec';
import { sdkNumber } from '../../client/values';

export type KeyType = 'STRING' | 'INTEGER' | 'BINARY';

export interface PrimaryKeySpec {
  name: string;
  type: KeyType;
  /** Only on one INTEGER key that is not the first. */
  autoIncrement?: boolean;
}

export interface DefinedColumnSpec {
  name: string;
  type: StorageType;
}

export interface TableOptionsSpec {
  /** Seconds; -1 = never expire. Default -1. */
  timeToLive?: number;
  /** Default 1. */
  maxVersions?: number;
  /** Seconds. Default 86400. */
  maxTimeDeviation?: number;
  /** Default true. */
  allowUpdate?: boolean;
}

export interface ReservedThroughputSpec {
  read?: number;
  write?: number;
}

export interface IndexSpec {
  name: string;
  /** Default `global`. */
  type?: 'global' | 'local';
  /** Index key columns (stored names), in order. */
  primaryKey: string[];
  /** Columns copied into the index (stored names). */
  definedColumns?: string[];
}

/** The table's stream (streams spec §1): absent = no stream. */
export interface StreamSpec {
  /** Retention, 1..168 hours. */
  expirationHours: number;
  /** Origin columns (stored names): their previous values come with each change. */
  columns?: string[];
}

/** A table as data. Everything but `name` and `primaryKey` has a default. */
export interface TableSpec {
  name: string;
  primaryKey: PrimaryKeySpec[];
  definedColumns?: DefinedColumnSpec[];
  options?: TableOptionsSpec;
  reservedThroughput?: ReservedThroughputSpec;
  indexes?: IndexSpec[];
  /** Search indexes (created after the table by `m.createTable`). */
  searchIndexes?: SearchIndexSpec[];
  stream?: StreamSpec;
}

/** A spec with every default filled in and a canonical order. */
export interface NormalizedTableSpec {
  name: string;
  primaryKey: Array<{ name: string; type: KeyType; autoIncrement?: true }>;
  definedColumns: DefinedColumnSpec[];
  options: Required<TableOptionsSpec>;
  reservedThroughput: Required<ReservedThroughputSpec>;
  indexes: Array<{ name: string; type: 'global' | 'local'; primaryKey: string[]; definedColumns: string[] }>;
  /** Present only when the table has search indexes, so snapshots of tables without any stay as they were. */
  searchIndexes?: SearchIndexSpec[];
  /** Left out when there is none, so specs (and snapshots) of tables without a stream are as before. */
  stream?: Required<StreamSpec>;
}

export const DEFAULT_OPTIONS: Readonly<Required<TableOptionsSpec>> = Object.freeze({ timeToLive: -1, maxVersions: 1, maxTimeDeviation: 86400, allowUpdate: true });

const KEY_TYPES: readonly string[] = ['STRING', 'INTEGER', 'BINARY'];
const STORAGE_TYPES: readonly string[] = ['STRING', 'INTEGER', 'DOUBLE', 'BOOLEAN', 'BINARY'];
const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function int(table: string, field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new TableSpecError(table, field, `must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
  return v;
}

/** Validates a spec (structure and TableStore's rules that need no round trip) and fills defaults. */
export function normalizeSpec(spec: TableSpec): NormalizedTableSpec {
  if (!spec || typeof spec !== 'object') throw new TableSpecError(String(spec), 'spec', 'must be an object');
  const table = spec.name;
  if (typeof table !== 'string' || !isValidName(table)) throw new TableSpecError(String(table), 'name', 'must match [A-Za-z_][A-Za-z0-9_]* (1–255 bytes)');
  if (!Array.isArray(spec.primaryKey) || spec.primaryKey.length < 1 || spec.primaryKey.length > 4) {
    throw new TableSpecError(table, 'primaryKey', 'must list 1 to 4 columns');
  }
  const seen = new Set<string>();
  const primaryKey = spec.primaryKey.map((pk, i) => {
    if (!pk || typeof pk.name !== 'string' || !isValidName(pk.name)) throw new TableSpecError(table, `primaryKey[${i}].name`, `invalid column name ${JSON.stringify(pk?.name)}`);
    if (seen.has(pk.name)) throw new TableSpecError(table, `primaryKey[${i}]`, `duplicate column '${pk.name}'`);
    seen.add(pk.name);
    if (!KEY_TYPES.includes(pk.type)) throw new TableSpecError(table, `primary key ${pk.name}`, `type must be STRING, INTEGER or BINARY, got ${JSON.stringify(pk.type)}`);
    if (pk.autoIncrement) {
      if (pk.type !== 'INTEGER') throw new TableSpecError(table, `primary key ${pk.name}`, 'an auto-increment key must be INTEGER');
      if (i === 0) throw new TableSpecError(table, `primary key ${pk.name}`, 'the first (partition) key cannot be auto-increment');
    }
    return pk.autoIncrement ? { name: pk.name, type: pk.type, autoIncrement: true as const } : { name: pk.name, type: pk.type };
  });
  if (primaryKey.filter((p) => p.autoIncrement).length > 1) throw new TableSpecError(table, 'primaryKey', 'at most one auto-increment key');

  const definedColumns = (spec.definedColumns ?? []).map((c, i) => {
    if (!c || typeof c.name !== 'string' || !isValidName(c.name)) throw new TableSpecError(table, `definedColumns[${i}].name`, `invalid column name ${JSON.stringify(c?.name)}`);
    if (seen.has(c.name)) throw new TableSpecError(table, `defined column ${c.name}`, 'the name is already a primary key or another defined column');
    seen.add(c.name);
    if (!STORAGE_TYPES.includes(c.type)) throw new TableSpecError(table, `defined column ${c.name}`, `type must be one of ${STORAGE_TYPES.join(', ')}, got ${JSON.stringify(c.type)}`);
    return { name: c.name, type: c.type };
  });
  if (definedColumns.length > 32) throw new TableSpecError(table, 'definedColumns', 'at most 32 defined columns');

  const o = spec.options ?? {};
  const options = {
    timeToLive: o.timeToLive === undefined ? DEFAULT_OPTIONS.timeToLive : int(table, 'options.timeToLive', o.timeToLive, -1, 2147483647),
    maxVersions: o.maxVersions === undefined ? DEFAULT_OPTIONS.maxVersions : int(table, 'options.maxVersions', o.maxVersions, 1, 2147483647),
    maxTimeDeviation: o.maxTimeDeviation === undefined ? DEFAULT_OPTIONS.maxTimeDeviation : int(table, 'options.maxTimeDeviation', o.maxTimeDeviation, 0, 9223372036854),
    allowUpdate: o.allowUpdate === undefined ? DEFAULT_OPTIONS.allowUpdate : !!o.allowUpdate,
  };
  if (options.timeToLive === 0) throw new TableSpecError(table, 'options.timeToLive', 'must be -1 (never expire) or a positive number of seconds');
  const rt = spec.reservedThroughput ?? {};
  const reservedThroughput = {
    read: rt.read === undefined ? 0 : int(table, 'reservedThroughput.read', rt.read, 0, 100000),
    write: rt.write === undefined ? 0 : int(table, 'reservedThroughput.write', rt.write, 0, 100000),
  };

  const indexNames = new Set<string>();
  const indexes = (spec.indexes ?? []).map((ix, i) => normalizeIndex(table, ix, i, indexNames));
  if (indexes.length > 5) throw new TableSpecError(table, 'indexes', 'at most 5 secondary indexes per table');
  const searchNames = new Set<string>();
  const searchIndexes = (spec.searchIndexes ?? []).map((s) => {
    const n = normalizeSearchIndex(table, s);
    if (searchNames.has(n.name)) throw new TableSpecError(table, `search index ${n.name}`, 'declared twice');
    searchNames.add(n.name);
    return n;
  });

  const stream = spec.stream === undefined || spec.stream === null ? undefined : normalizeStream(table, spec.stream);

  return {
    name: table,
    primaryKey,
    definedColumns: definedColumns.sort(byName),
    options,
    reservedThroughput,
    indexes: indexes.sort(byName),
    ...(searchIndexes.length ? { searchIndexes: searchIndexes.sort(byName) } : {}),
    ...(stream ? { stream } : {}),
  };
}

/**
 * A stream spec checked and in canonical form (origin columns sorted: the service lists them in the order
 * sent, so only the set means anything). Bounds: streams spec §1.2.
 */
export function normalizeStream(table: string, st: StreamSpec): Required<StreamSpec> {
  if (typeof st !== 'object') throw new TableSpecError(table, 'stream', 'must be { expirationHours, columns? } (or absent for no stream)');
  const expirationHours = int(table, 'stream.expirationHours', st.expirationHours, 1, 168);
  const columns = st.columns ?? [];
  if (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string' && isValidName(c))) throw new TableSpecError(table, 'stream.columns', 'must be column names');
  if (new Set(columns).size !== columns.length) throw new TableSpecError(table, 'stream.columns', 'lists a column twice');
  return { expirationHours, columns: [...columns].sort() };
}

/** A stream as text: `24 h` or `24 h, origin columns a, b`; `off` for none. */
export function streamText(stream: StreamSpec | undefined): string {
  if (!stream) return 'off';
  const columns = stream.columns ?? [];
  return `${stream.expirationHours} h${columns.length ? `, origin columns ${columns.join(', ')}` : ''}`;
}

/** The StreamSpecification that makes a table's stream what `stream` says (disabled when undefined). */
export function streamSpecification(stream: StreamSpec | undefined): StreamSpecificationInput {
  if (!stream) return { enableStream: false };
  return { enableStream: true, expirationTime: stream.expirationHours, ...(stream.columns?.length ? { columnsToGet: [...stream.columns] } : {}) };
}

export function normalizeIndex(table: string, ix: IndexSpec, i = 0, names = new Set<string>()): NormalizedTableSpec['indexes'][number] {
  if (!ix || typeof ix.name !== 'string' || !isValidName(ix.name)) throw new TableSpecError(table, `indexes[${i}].name`, `invalid index name ${JSON.stringify(ix?.name)}`);
  if (names.has(ix.name)) throw new TableSpecError(table, `index ${ix.name}`, 'declared twice');
  names.add(ix.name);
  const type = ix.type ?? 'global';
  if (type !== 'global' && type !== 'local') throw new TableSpecError(table, `index ${ix.name}`, `type must be 'global' or 'local', got ${JSON.stringify(ix.type)}`);
  if (!Array.isArray(ix.primaryKey) || ix.primaryKey.length < 1 || ix.primaryKey.length > 4 || !ix.primaryKey.every((c) => typeof c === 'string')) {
    throw new TableSpecError(table, `index ${ix.name}`, 'primaryKey must list 1 to 4 column names');
  }
  const definedColumns = [...(ix.definedColumns ?? [])];
  if (!definedColumns.every((c) => typeof c === 'string')) throw new TableSpecError(table, `index ${ix.name}`, 'definedColumns must be column names');
  return { name: ix.name, type, primaryKey: [...ix.primaryKey], definedColumns: definedColumns.sort() };
}

/** The spec of an entity's table. */
export function specFromSchema(schema: TableSchema): NormalizedTableSpec {
  const o = schema.options;
  return normalizeSpec({
    name: schema.tableName,
    primaryKey: schema.primaryKeys.map((pk) => ({ name: pk.name, type: pk.storage, ...(pk.autoIncrement ? { autoIncrement: true } : {}) })),
    definedColumns: schema.definedColumns.map((c) => ({ name: c.name, type: c.storage })),
    options: { timeToLive: o.timeToLive, maxVersions: o.maxVersions, maxTimeDeviation: o.maxTimeDeviation, allowUpdate: o.allowUpdate },
    reservedThroughput: { read: o.reservedThroughput.read, write: o.reservedThroughput.write },
    indexes: schema.indexes.map((i) => ({ name: i.name, type: i.type, primaryKey: [...i.primaryKey], definedColumns: [...i.definedColumns] })),
    searchIndexes: schema.searchIndexes.map(searchIndexSpecFromSchema),
    ...(o.stream ? { stream: { expirationHours: o.stream.expirationHours, columns: [...o.stream.columns] } } : {}),
  });
}

const DEFINED_TYPE_CODE: Record<StorageType, number> = { INTEGER: 1, DOUBLE: 2, BOOLEAN: 3, STRING: 4, BINARY: 7 };

export function indexMetaInput(ix: NormalizedTableSpec['indexes'][number]): IndexMetaInput {
  const local = ix.type === 'local';
  return { name: ix.name, primaryKey: [...ix.primaryKey], definedColumn: [...ix.definedColumns], indexType: local ? 1 : 0, indexUpdateMode: local ? 1 : 0 };
}

/** The CreateTable request of a spec. */
export function createTableParams(spec: NormalizedTableSpec): CreateTableParams {
  return {
    tableMeta: {
      tableName: spec.name,
      primaryKey: spec.primaryKey.map((pk) => ({ name: pk.name, type: pk.type, ...(pk.autoIncrement ? { option: 'AUTO_INCREMENT' as const } : {}) })),
      ...(spec.definedColumns.length ? { definedColumn: spec.definedColumns.map((c) => ({ name: c.name, type: DEFINED_TYPE_CODE[c.type] as 1 | 2 | 3 | 4 })) } : {}),
    },
    reservedThroughput: { capacityUnit: { read: spec.reservedThroughput.read, write: spec.reservedThroughput.write } },
    tableOptions: { ...spec.options },
    ...(spec.indexes.length ? { indexMetas: spec.indexes.map(indexMetaInput) } : {}),
    ...(spec.stream ? { streamSpecification: streamSpecification(spec.stream) } : {}),
  };
}

// DescribeTable answers enums as numbers or (through protobufjs' JSON form) as names: accept both.
const PK_TYPE_BY_CODE: Record<string, KeyType> = { 1: 'INTEGER', 2: 'STRING', 3: 'BINARY', INTEGER: 'INTEGER', STRING: 'STRING', BINARY: 'BINARY' };
const DEFINED_BY_CODE: Record<string, StorageType> = {
  1: 'INTEGER', 2: 'DOUBLE', 3: 'BOOLEAN', 4: 'STRING', 7: 'BINARY',
  DCT_INTEGER: 'INTEGER', DCT_DOUBLE: 'DOUBLE', DCT_BOOLEAN: 'BOOLEAN', DCT_STRING: 'STRING', DCT_BLOB: 'BINARY',
};

/** A live table (DescribeTable) as a spec. */
export function specFromDescribe(d: DescribeTableResult): NormalizedTableSpec {
  const m = d.tableMeta;
  const sd = d.streamDetails;
  return {
    name: m.tableName,
    primaryKey: m.primaryKey.map((p) => {
      // protobufjs puts an unset enum's default (here AUTO_INCREMENT = 1) on the prototype: only an own value counts.
      const auto = Object.prototype.hasOwnProperty.call(p, 'option') && (String(p.option) === '1' || String(p.option) === 'AUTO_INCREMENT');
      return { name: p.name, type: PK_TYPE_BY_CODE[String(p.type)] ?? (String(p.type) as KeyType), ...(auto ? { autoIncrement: true as const } : {}) };
    }),
    definedColumns: (m.definedColumn ?? []).map((c) => ({ name: c.name, type: DEFINED_BY_CODE[String(c.type)] ?? (String(c.type) as StorageType) })).sort(byName),
    options: {
      timeToLive: sdkNumber(d.tableOptions.timeToLive),
      maxVersions: sdkNumber(d.tableOptions.maxVersions),
      maxTimeDeviation: sdkNumber(d.tableOptions.deviationCellVersionInSec),
      allowUpdate: d.tableOptions.allowUpdate !== false,
    },
    reservedThroughput: { read: sdkNumber(d.reservedThroughputDetails.capacityUnit.read ?? 0), write: sdkNumber(d.reservedThroughputDetails.capacityUnit.write ?? 0) },
    indexes: (d.indexMetas ?? [])
      .map((ix) => {
        const local = Object.prototype.hasOwnProperty.call(ix, 'indexType') && (String(ix.indexType) === '1' || String(ix.indexType) === 'IT_LOCAL_INDEX');
        // The key as listed (the service may list the full index key; `indexDifference` accepts either form).
        return { name: ix.name, type: local ? ('local' as const) : ('global' as const), primaryKey: [...ix.primaryKey], definedColumns: [...(ix.definedColumn ?? [])].sort() };
      })
      .sort(byName),
    ...(sd?.enableStream ? { stream: { expirationHours: sdkNumber(sd.expirationTime), columns: [...(sd.columnsToGet ?? [])].sort() } } : {}),
  };
}

/** The index key the service builds: declared columns + the table's keys not already listed (spec §7.6). */
export function fullIndexKey(spec: NormalizedTableSpec, ix: { primaryKey: string[] }): string[] {
  return [...ix.primaryKey, ...spec.primaryKey.map((p) => p.name).filter((n) => !ix.primaryKey.includes(n))];
}

/** A primary key as text, `shop STRING, id INTEGER` (with ` auto-increment` after such a key unless `autoIncrement: false`). */
export function keyText(spec: Pick<NormalizedTableSpec, 'primaryKey'>, options: { autoIncrement?: boolean } = {}): string {
  return spec.primaryKey.map((p) => `${p.name} ${p.type}${p.autoIncrement && options.autoIncrement !== false ? ' auto-increment' : ''}`).join(', ');
}

/**
 * Differences between a wanted spec and a live one, one readable line each (empty = identical). `what.source`
 * names where the wanted spec comes from in the lines (default `the migration`; the studio says `the entity`).
 */
export function compareSpecs(wanted: NormalizedTableSpec, live: NormalizedTableSpec, what: { throughput?: boolean; source?: string } = {}): string[] {
  const out: string[] = [];
  const src = what.source ?? 'the migration';
  if (keyText(wanted) !== keyText(live)) out.push(`primary key is (${keyText(live)}) on the service, (${keyText(wanted)}) in ${src}`);
  const liveCols = new Map(live.definedColumns.map((c) => [c.name, c.type]));
  const wantCols = new Map(wanted.definedColumns.map((c) => [c.name, c.type]));
  for (const [name, type] of wantCols) {
    const l = liveCols.get(name);
    if (l === undefined) out.push(`defined column ${name} is missing on the service`);
    else if (l !== type) out.push(`defined column ${name} is ${l} on the service, ${type} in ${src}`);
  }
  for (const name of liveCols.keys()) if (!wantCols.has(name)) out.push(`defined column ${name} exists on the service, not in ${src}`);
  for (const k of Object.keys(wanted.options) as Array<keyof NormalizedTableSpec['options']>) {
    if (wanted.options[k] !== live.options[k]) out.push(`${k} is ${live.options[k]} on the service, ${wanted.options[k]} in ${src}`);
  }
  if (what.throughput !== false) {
    for (const k of ['read', 'write'] as const) {
      if (wanted.reservedThroughput[k] !== live.reservedThroughput[k]) {
        out.push(`reserved ${k} throughput is ${live.reservedThroughput[k]} on the service, ${wanted.reservedThroughput[k]} in ${src}`);
      }
    }
  }
  const liveIx = new Map(live.indexes.map((i) => [i.name, i]));
  for (const ix of wanted.indexes) {
    const l = liveIx.get(ix.name);
    if (!l) {
      out.push(`index ${ix.name} is missing on the service`);
      continue;
    }
    const d = indexDifference(wanted, ix, l, src);
    if (d) out.push(`index ${ix.name}: ${d}`);
  }
  for (const name of liveIx.keys()) if (!wanted.indexes.some((i) => i.name === name)) out.push(`index ${name} exists on the service, not in ${src}`);
  const liveSearch = new Map((live.searchIndexes ?? []).map((i) => [i.name, i]));
  for (const ix of wanted.searchIndexes ?? []) {
    const l = liveSearch.get(ix.name);
    if (!l) {
      out.push(`search index ${ix.name} is missing on the service`);
      continue;
    }
    const d = searchIndexDifference(ix, l);
    if (d) out.push(`search index ${ix.name}: ${d}`);
    if (ix.ttl !== l.ttl) out.push(`search index ${ix.name}: ttl is ${l.ttl} on the service, ${ix.ttl} in ${src}`);
  }
  for (const name of liveSearch.keys()) if (!(wanted.searchIndexes ?? []).some((i) => i.name === name)) out.push(`search index ${name} exists on the service, not in ${src}`);
  if (streamText(wanted.stream) !== streamText(live.stream)) out.push(`stream is ${streamText(live.stream)} on the service, ${streamText(wanted.stream)} in ${src}`);
  return out;
}

/** How two definitions of one index differ ('' = same). The live key may be the declared or the full key. */
export function indexDifference(table: NormalizedTableSpec, wanted: NormalizedTableSpec['indexes'][number], live: NormalizedTableSpec['indexes'][number], src = 'the migration'): string {
  const parts: string[] = [];
  if (wanted.type !== live.type) parts.push(`type is ${live.type} on the service, ${wanted.type} in ${src}`);
  const sameKey = live.primaryKey.join(',') === wanted.primaryKey.join(',') || live.primaryKey.join(',') === fullIndexKey(table, wanted).join(',');
  if (!sameKey) parts.push(`key is (${live.primaryKey.join(', ')}) on the service, (${wanted.primaryKey.join(', ')}) in ${src}`);
  if (live.definedColumns.join(',') !== wanted.definedColumns.join(',')) {
    parts.push(`columns are (${live.definedColumns.join(', ')}) on the service, (${wanted.definedColumns.join(', ')}) in ${src}`);
  }
  return parts.join(', ');
}
