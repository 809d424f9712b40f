/**
 * A search index's definition (spec §2): field schemas, index setting (routing), index_sort and TTL, decoded
 * from CreateSearchIndex, validated against the table, kept as JSON in the store, and echoed by
 * DescribeSearchIndex as §2.3 says (options tri-state: what was sent is what comes back).
 */
import { OtsError } from '../errors';
import type { TableMeta } from '../engine/catalog';
import { decodeMessage, encodeMessage } from '../protocol/proto';
import { checkDateFormat } from './date-format';
import { opt } from './message';

export const FieldType = { LONG: 1, DOUBLE: 2, BOOLEAN: 3, KEYWORD: 4, TEXT: 5, NESTED: 6, GEO_POINT: 7, DATE: 8, VECTOR: 9 } as const;
export const FIELD_TYPE_NAMES: Record<number, string> = {
  1: 'long', 2: 'double', 3: 'boolean', 4: 'keyword', 5: 'text', 6: 'nested', 7: 'geo_point', 8: 'date', 9: 'vector',
};
const FUZZY_KEYWORD = 10;
export const ANALYZERS = ['single_word', 'split', 'min_word', 'max_word', 'fuzzy'] as const;

export interface AnalyzerParam {
  caseSensitive?: boolean;
  delimitWord?: boolean;
  delimiter?: string;
  minChars?: number;
  maxChars?: number;
}

export interface FieldDef {
  name: string;
  /** FieldType; a FUZZY_KEYWORD field (Java's 10) is a KEYWORD here, with `fuzzyKeyword` for the echo. */
  type: number;
  fuzzyKeyword?: boolean;
  indexOptions?: number;
  analyzer?: string;
  analyzerParam?: AnalyzerParam;
  /** Tri-state options: undefined = not sent (spec §2.3). */
  index?: boolean;
  sortAndAgg?: boolean;
  store?: boolean;
  isArray?: boolean;
  fields?: FieldDef[];
  virtual?: boolean;
  sources?: string[];
  dateFormats?: string[];
  highlight?: boolean;
  vector?: { dataType?: number; dimension: number; metric: number };
}

/** index_sort keeps only PK and field sorters (spec §2.5). */
export type IndexSorter = { pk: true; order: number } | { field: string; order: number; mode?: number };

export interface SearchIndexDef {
  table: string;
  /** The table's id when the index was made: a table deleted and recreated under the same name loses it. */
  tableId: number;
  name: string;
  fields: FieldDef[];
  routing: string[];
  /** Sorters; empty for an index with NESTED fields (spec §2.4). */
  indexSort: IndexSorter[];
  /** Seconds, -1 = never. */
  ttl: number;
  /** ms since epoch. */
  createdAt: number;
}

/** Limits of spec §2.6. */
export const LIMITS = { fields: 1000, nestedLevels: 5, nestedSubFields: 100, vectorFields: 1, vectorDimension: 2048 };

function bool(msg: any, field: string): boolean | undefined {
  const v = opt<boolean>(msg, field);
  return v === undefined ? undefined : !!v;
}

function decodeAnalyzerParam(analyzer: string, bytes: Uint8Array | undefined, field: string): AnalyzerParam | undefined {
  if (!bytes || bytes.length === 0) return undefined;
  const type =
    analyzer === 'single_word' ? 'SingleWordAnalyzerParameter'
    : analyzer === 'split' ? 'SplitAnalyzerParameter'
    : analyzer === 'fuzzy' ? 'FuzzyAnalyzerParameter'
    : undefined;
  if (!type) throw OtsError.param(`analyzer [${analyzer}] of field [${field}] takes no analyzer_parameter`);
  let m: any;
  try {
    m = decodeMessage(`search.proto.${type}`, bytes);
  } catch {
    throw OtsError.param(`invalid analyzer_parameter of field [${field}]`);
  }
  const p: AnalyzerParam = {};
  if (opt(m, 'caseSensitive') !== undefined) p.caseSensitive = !!m.caseSensitive;
  if (opt(m, 'delimitWord') !== undefined) p.delimitWord = !!m.delimitWord;
  if (opt(m, 'delimiter') !== undefined) p.delimiter = m.delimiter;
  if (opt(m, 'minChars') !== undefined) p.minChars = m.minChars;
  if (opt(m, 'maxChars') !== undefined) p.maxChars = m.maxChars;
  if (analyzer === 'fuzzy') {
    const min = p.minChars ?? 1;
    const max = p.maxChars ?? 7;
    if (min < 1 || max < min) throw OtsError.param(`invalid fuzzy analyzer parameter of field [${field}]: need 1 <= min_chars <= max_chars, got ${min}, ${max}`);
  }
  if (analyzer === 'split' && p.delimiter === '') throw OtsError.param(`the split analyzer's delimiter of field [${field}] must not be empty`);
  return p;
}

/** Decodes one FieldSchema message; `level` is the NESTED depth (1 = top). */
function decodeField(m: any, level: number, parent: string): FieldDef {
  // Names are trimmed: the Node SDK's own test declares "col_nested2 " and queries "col_nested2" (spec §11) [inferred].
  const name = String(opt(m, 'fieldName') ?? '').trim();
  const path = parent ? `${parent}.${name}` : name;
  if (!name) throw OtsError.param('field_name of a field schema must not be empty');
  const sentType = opt<number>(m, 'fieldType');
  // FUZZY_KEYWORD ("high-performance fuzzy query" keyword, spec §2.2) indexes and queries as a KEYWORD [inferred].
  const type = sentType === FUZZY_KEYWORD ? FieldType.KEYWORD : sentType;
  if (type === undefined || !FIELD_TYPE_NAMES[type]) throw OtsError.param(`field [${path}]: invalid field_type ${type ?? '(missing)'}`);
  const f: FieldDef = { name, type, ...(sentType === FUZZY_KEYWORD ? { fuzzyKeyword: true } : {}) };
  const io = opt<number>(m, 'indexOptions');
  if (io !== undefined && io !== null) f.indexOptions = io;
  const analyzer = opt<string>(m, 'analyzer');
  if (analyzer !== undefined && analyzer !== null && analyzer !== '') {
    if (type !== FieldType.TEXT) throw OtsError.param(`field [${path}]: analyzer is only allowed on a text field, the field type is ${FIELD_TYPE_NAMES[type]}`);
    if (!(ANALYZERS as readonly string[]).includes(analyzer)) throw OtsError.param(`field [${path}]: unknown analyzer [${analyzer}], allow [${ANALYZERS.join(', ')}]`);
    f.analyzer = analyzer;
  }
  const ap = opt<Uint8Array>(m, 'analyzerParameter');
  if (ap && ap.length) {
    if (type !== FieldType.TEXT) throw OtsError.param(`field [${path}]: analyzer_parameter is only allowed on a text field`);
    f.analyzerParam = decodeAnalyzerParam(f.analyzer ?? 'single_word', ap, path);
  }
  f.index = bool(m, 'index');
  f.sortAndAgg = bool(m, 'docValues');
  f.store = bool(m, 'store');
  f.isArray = bool(m, 'isArray');
  f.virtual = bool(m, 'isVirtualField');
  f.highlight = bool(m, 'enableHighlighting');
  for (const k of ['index', 'sortAndAgg', 'store', 'isArray', 'virtual', 'highlight'] as const) if (f[k] === undefined) delete f[k];
  if (f.sortAndAgg && type === FieldType.TEXT) throw OtsError.param(`field [${path}]: a text field can not enable enable_sort_and_agg`);
  if (f.highlight && type !== FieldType.TEXT) throw OtsError.param(`field [${path}]: enable_highlighting is only allowed on a text field`);
  const sources: string[] = m.sourceFieldNames ?? [];
  if (f.virtual) {
    if (sources.length !== 1) throw OtsError.param(`virtual field [${path}] must have exactly one source field, got ${sources.length}`);
    f.sources = [...sources];
  } else if (sources.length) throw OtsError.param(`field [${path}]: source_field_names is only allowed on a virtual field`);
  const formats: string[] = m.dateFormats ?? [];
  if (formats.length) {
    if (type !== FieldType.DATE) throw OtsError.param(`field [${path}]: date_formats is only allowed on a date field`);
    for (const fmt of formats) checkDateFormat(fmt, path);
    f.dateFormats = [...formats];
  } else if (type === FieldType.DATE) throw OtsError.param(`field [${path}]: a date field needs date_formats`);
  const vo = opt<any>(m, 'vectorOptions');
  if (type === FieldType.VECTOR) {
    const dimension = opt<number>(vo, 'dimension');
    if (!dimension || dimension < 1 || dimension > LIMITS.vectorDimension) {
      throw OtsError.param(`vector field [${path}]: dimension must be in [1, ${LIMITS.vectorDimension}], got ${dimension ?? '(missing)'}`);
    }
    const metric = opt<number>(vo, 'metricType') ?? 0;
    if (![0, 1, 2].includes(metric)) throw OtsError.param(`vector field [${path}]: invalid metric_type ${metric}`);
    const dataType = opt<number>(vo, 'dataType');
    if (dataType !== undefined && dataType !== 2) throw OtsError.param(`vector field [${path}]: data_type must be VD_FLOAT_32`);
    f.vector = { dimension, metric, ...(dataType !== undefined ? { dataType } : {}) };
    if (f.isArray) throw OtsError.param(`vector field [${path}] can not be an array`);
  } else if (vo) throw OtsError.param(`field [${path}]: vector_options is only allowed on a vector field`);
  const subs: any[] = m.fieldSchemas ?? [];
  if (type === FieldType.NESTED) {
    if (level >= LIMITS.nestedLevels && subs.some((s) => s.fieldType === FieldType.NESTED)) {
      throw OtsError.param(`field [${path}]: nested fields can be nested at most ${LIMITS.nestedLevels} levels`);
    }
    if (!subs.length) throw OtsError.param(`nested field [${path}] needs sub field schemas`);
    if (subs.length > LIMITS.nestedSubFields) throw OtsError.param(`nested field [${path}] has ${subs.length} sub fields, more than ${LIMITS.nestedSubFields}`);
    f.fields = subs.map((s) => decodeField(s, level + 1, path));
    checkUnique(f.fields, path);
    if (f.fields.some((s) => s.virtual)) throw OtsError.param(`nested field [${path}] can not hold virtual fields`);
  } else if (subs.length) throw OtsError.param(`field [${path}]: field_schemas is only allowed on a nested field`);
  return f;
}

function checkUnique(fields: FieldDef[], parent: string): void {
  const seen = new Set<string>();
  for (const f of fields) {
    if (seen.has(f.name)) throw OtsError.param(`duplicated field name [${parent ? `${parent}.` : ''}${f.name}]`);
    seen.add(f.name);
  }
}

function countFields(fields: FieldDef[]): number {
  return fields.reduce((n, f) => n + 1 + (f.fields ? countFields(f.fields) : 0), 0);
}

/** Allowed virtual-field conversions (spec §2.4), by source column type: table STRING/INTEGER/DOUBLE. */
const VIRTUAL_FROM: Record<string, number[]> = {
  string: [FieldType.KEYWORD, FieldType.TEXT, FieldType.LONG, FieldType.DOUBLE, FieldType.DATE, FieldType.GEO_POINT],
  integer: [FieldType.KEYWORD, FieldType.TEXT, FieldType.DATE],
  double: [FieldType.KEYWORD, FieldType.TEXT],
};

function decodeSorters(sort: any, fields: FieldDef[], what: string): IndexSorter[] {
  const out: IndexSorter[] = [];
  for (const s of sort?.sorter ?? []) {
    if (opt(s, 'pkSort')) out.push({ pk: true, order: s.pkSort.order ?? 0 });
    else if (opt(s, 'fieldSort')) {
      const name = s.fieldSort.fieldName;
      const f = fields.find((x) => x.name === name);
      if (!f) throw OtsError.param(`${what}: field [${name}] does not exist`);
      if (f.type === FieldType.TEXT || f.type === FieldType.NESTED || f.type === FieldType.GEO_POINT || f.type === FieldType.VECTOR || f.sortAndAgg === false) {
        throw OtsError.param(`${what}: field [${name}] of type ${FIELD_TYPE_NAMES[f.type]} can not be sorted`);
      }
      const mode = opt<number>(s.fieldSort, 'mode');
      out.push({ field: name, order: s.fieldSort.order ?? 0, ...(mode !== undefined ? { mode } : {}) });
    } else throw OtsError.param(`${what}: only PrimaryKeySort and FieldSort are allowed`);
  }
  return out;
}

/** Decodes and validates a CreateSearchIndex schema against its table. */
export function decodeIndexSchema(schema: any, table: TableMeta): Pick<SearchIndexDef, 'fields' | 'routing' | 'indexSort'> {
  if (!schema) throw OtsError.param('schema of the search index must not be null');
  const raw: any[] = schema.fieldSchemas ?? [];
  if (!raw.length) throw OtsError.param('the search index schema needs at least one field schema');
  const fields = raw.map((m) => decodeField(m, 1, ''));
  checkUnique(fields, '');
  const total = countFields(fields);
  if (total > LIMITS.fields) throw OtsError.param(`the search index has ${total} fields, more than ${LIMITS.fields}`);
  if (fields.filter((f) => f.type === FieldType.VECTOR).length > LIMITS.vectorFields) {
    throw OtsError.param(`a search index can hold at most ${LIMITS.vectorFields} vector field`);
  }
  for (const f of fields) {
    if (!f.virtual) continue;
    const src = f.sources![0];
    const pkCol = table.pk.find((c) => c.name === src);
    const defined = table.definedColumns.find((c) => c.name === src);
    // The source's type is known for PK and defined columns; other columns are checked per row (dirty data).
    const kind = pkCol ? (pkCol.type === 1 ? 'integer' : pkCol.type === 2 ? 'string' : 'binary')
      : defined ? ({ 1: 'integer', 2: 'double', 4: 'string' } as Record<number, string>)[defined.type] ?? 'other' : undefined;
    if (kind && !(VIRTUAL_FROM[kind] ?? []).includes(f.type)) {
      throw OtsError.param(`virtual field [${f.name}]: a ${kind} column [${src}] can not be mapped to ${FIELD_TYPE_NAMES[f.type]}`);
    }
    if (fields.some((o) => o.name === src && o.virtual)) throw OtsError.param(`virtual field [${f.name}]: source field [${src}] is a virtual field`);
  }
  for (const f of fields) {
    const pkCol = table.pk.find((c) => c.name === f.name);
    if (pkCol && !f.virtual && pkCol.type === 3) throw OtsError.param(`field [${f.name}]: a binary primary key can not be indexed`);
  }
  const routing: string[] = [...(schema.indexSetting?.routingFields ?? [])];
  for (const r of routing) {
    if (!table.pk.some((c) => c.name === r)) throw OtsError.param(`routing field [${r}] must be a primary key column of table [${table.name}]`);
  }
  const hasNested = fields.some((f) => f.type === FieldType.NESTED);
  const sent = opt<any>(schema, 'indexSort');
  let indexSort: IndexSorter[];
  if (sent && (sent.sorter ?? []).length) {
    if (hasNested) throw OtsError.param('index_sort is not supported on a search index with a nested field');
    indexSort = decodeSorters(sent, fields, 'index_sort');
  } else indexSort = hasNested ? [] : [{ pk: true, order: 0 }];
  return { fields, routing, indexSort };
}

function encodeField(f: FieldDef): object {
  const m: Record<string, unknown> = { fieldName: f.name, fieldType: f.fuzzyKeyword ? FUZZY_KEYWORD : f.type };
  if (f.indexOptions !== undefined) m.indexOptions = f.indexOptions;
  if (f.type === FieldType.TEXT) m.analyzer = f.analyzer ?? 'single_word';
  // `index` absent means true (spec §2.1); the other options echo as sent (§2.3).
  m.index = f.index ?? true;
  if (f.sortAndAgg !== undefined) m.docValues = f.sortAndAgg;
  if (f.store !== undefined) m.store = f.store;
  if (f.isArray !== undefined) m.isArray = f.isArray;
  if (f.fields) m.fieldSchemas = f.fields.map(encodeField);
  if (f.analyzerParam) m.analyzerParameter = encodeAnalyzerParam(f);
  if (f.virtual !== undefined) m.isVirtualField = f.virtual;
  if (f.sources) m.sourceFieldNames = f.sources;
  if (f.dateFormats) m.dateFormats = f.dateFormats;
  if (f.highlight !== undefined) m.enableHighlighting = f.highlight;
  if (f.vector) m.vectorOptions = { dataType: f.vector.dataType ?? 2, dimension: f.vector.dimension, metricType: f.vector.metric };
  return m;
}

function encodeAnalyzerParam(f: FieldDef): Buffer {
  const p = f.analyzerParam!;
  const a = f.analyzer ?? 'single_word';
  if (a === 'split') return encodeMessage('search.proto.SplitAnalyzerParameter', { delimiter: p.delimiter });
  if (a === 'fuzzy') return encodeMessage('search.proto.FuzzyAnalyzerParameter', { minChars: p.minChars, maxChars: p.maxChars });
  return encodeMessage('search.proto.SingleWordAnalyzerParameter', { caseSensitive: p.caseSensitive, delimitWord: p.delimitWord });
}

/** The IndexSchema message DescribeSearchIndex returns. */
export function encodeIndexSchema(def: SearchIndexDef): object {
  return {
    fieldSchemas: def.fields.map(encodeField),
    indexSetting: { numberOfShards: 1, routingFields: def.routing },
    indexSort: {
      sorter: def.indexSort.map((s) => ('pk' in s ? { pkSort: { order: s.order } } : { fieldSort: { fieldName: s.field, order: s.order, ...(s.mode !== undefined ? { mode: s.mode } : {}) } })),
    },
  };
}

/** A field by its (dotted, for nested sub-fields) name, with the chain of NESTED parents it lives under. */
export interface ResolvedField {
  def: FieldDef;
  path: string;
  /** The innermost NESTED ancestor's path, when the field is inside a nested field. */
  parentPath?: string;
}

export function resolveField(fields: FieldDef[], name: string): ResolvedField | undefined {
  const parts = name.split('.');
  let list = fields;
  let parentPath: string | undefined;
  for (let i = 0; i < parts.length; i++) {
    const f = list.find((x) => x.name === parts[i]);
    if (!f) return undefined;
    if (i === parts.length - 1) return { def: f, path: name, parentPath };
    if (f.type !== FieldType.NESTED || !f.fields) return undefined;
    parentPath = parts.slice(0, i + 1).join('.');
    list = f.fields;
  }
  return undefined;
}
