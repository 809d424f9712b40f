#!/usr/bin/env node
/**
 * Generates src/client/wire/proto.gen.ts and proto-search.gen.ts: protobuf encoders and decoders for the
 * messages tsorm's wire transport sends and reads (the row, table, index, transaction, stream and search-index
 * APIs, Error, the filter messages conditions are made of, and the query, aggregation and group-by bodies
 * tsorm's search compiler emits; see ROOTS), from the official SDK's own `.proto` files — the protocol's
 * definition.
 *
 * [performance] Only the directions tsorm uses: an encoder for each message a request carries (the roots named
 * *Request, and what they contain), a decoder for each a response carries (*Response, *Result, Error); the
 * other roots (filters, query and aggregation bodies, analyzer parameters) get both. A cold start parses
 * every byte of the runtime, and request decoders and response encoders were half of it.
 *
 * [performance] Two files: `search.proto.*` (the search APIs, two thirds of the code) in proto-search.gen.ts,
 * which only search-codec.ts imports, so that the runtime bundle can leave it in the search chunk a handler
 * doing row calls never loads (scripts/bundle-runtime.js); the rest in proto.gen.ts.
 *
 * protobufjs is used here, at generation time only, to parse the `.proto` files; the generated TypeScript
 * needs nothing but `wire/pb.ts` at run time.
 *
 * [decision] The output is checked in, and test/unit/wire-proto-gen.test.ts fails when regenerating gives a
 * different file. So `npm run build` does not depend on the SDK's `.proto` layout, the generated code is
 * reviewed in diffs like any other, and a protocol change in an SDK upgrade shows up as a failing test.
 *
 * Byte-identity with the SDK's compiled protobufjs module (semantics it relies on): fields are written in
 * field-number order; a required field is always written; an optional field when it is neither null nor
 * undefined; a repeated field element by element (proto2: never packed in these messages).
 *
 * Usage: node scripts/gen-wire-proto.js [--check]
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const protobuf = require('protobufjs');

const ROOT = path.join(__dirname, '..');
const PROTO_DIR = path.join(ROOT, 'node_modules', 'tablestore', 'lib', 'protocol');
const WIRE = path.join(ROOT, 'src', 'client', 'wire');
/** The generated files, and which messages and enums (by full name) each holds. */
const FILES = [
  { file: path.join(WIRE, 'proto.gen.ts'), module: './proto.gen', holds: (fullName) => !fullName.startsWith('.search.proto.') },
  { file: path.join(WIRE, 'proto-search.gen.ts'), module: './proto-search.gen', holds: (fullName) => fullName.startsWith('.search.proto.') },
];

/** The roots: every message reachable from these is generated. */
const ROOTS = [
  'main.proto.Error',
  'main.proto.GetRowRequest',
  'main.proto.GetRowResponse',
  'main.proto.PutRowRequest',
  'main.proto.PutRowResponse',
  'main.proto.UpdateRowRequest',
  'main.proto.UpdateRowResponse',
  'main.proto.DeleteRowRequest',
  'main.proto.DeleteRowResponse',
  'main.proto.BatchGetRowRequest',
  'main.proto.BatchGetRowResponse',
  'main.proto.BatchWriteRowRequest',
  'main.proto.BatchWriteRowResponse',
  'main.proto.GetRangeRequest',
  'main.proto.GetRangeResponse',
  'filter.proto.Filter',
  'filter.proto.SingleColumnValueFilter',
  'filter.proto.CompositeColumnValueFilter',
  'filter.proto.ColumnPaginationFilter',
  // Tables, secondary indexes, local transactions (table-codec.ts).
  'main.proto.CreateTableRequest',
  'main.proto.CreateTableResponse',
  'main.proto.ListTableRequest',
  'main.proto.ListTableResponse',
  'main.proto.DeleteTableRequest',
  'main.proto.DeleteTableResponse',
  'main.proto.UpdateTableRequest',
  'main.proto.UpdateTableResponse',
  'main.proto.DescribeTableRequest',
  'main.proto.DescribeTableResponse',
  'main.proto.CreateIndexRequest',
  'main.proto.CreateIndexResponse',
  'main.proto.DropIndexRequest',
  'main.proto.DropIndexResponse',
  'main.proto.StartLocalTransactionRequest',
  'main.proto.StartLocalTransactionResponse',
  'main.proto.CommitTransactionRequest',
  'main.proto.CommitTransactionResponse',
  'main.proto.AbortTransactionRequest',
  'main.proto.AbortTransactionResponse',
  // Streams (stream-ops.ts).
  'main.proto.ListStreamRequest',
  'main.proto.ListStreamResponse',
  'main.proto.DescribeStreamRequest',
  'main.proto.DescribeStreamResponse',
  'main.proto.GetShardIteratorRequest',
  'main.proto.GetShardIteratorResponse',
  'main.proto.GetStreamRecordRequest',
  'main.proto.GetStreamRecordResponse',
  // Search index administration, Search, ComputeSplits, ParallelScan (search-codec.ts).
  'search.proto.CreateSearchIndexRequest',
  'search.proto.CreateSearchIndexResponse',
  'search.proto.UpdateSearchIndexRequest',
  'search.proto.UpdateSearchIndexResponse',
  'search.proto.DeleteSearchIndexRequest',
  'search.proto.DeleteSearchIndexResponse',
  'search.proto.ListSearchIndexRequest',
  'search.proto.ListSearchIndexResponse',
  'search.proto.DescribeSearchIndexRequest',
  'search.proto.DescribeSearchIndexResponse',
  'search.proto.SingleWordAnalyzerParameter',
  'search.proto.SplitAnalyzerParameter',
  'search.proto.FuzzyAnalyzerParameter',
  'search.proto.SearchRequest',
  'search.proto.SearchResponse',
  'search.proto.SearchQuery',
  'search.proto.ComputeSplitsRequest',
  'search.proto.ComputeSplitsResponse',
  'search.proto.ParallelScanRequest',
  'search.proto.ParallelScanResponse',
  // The query bodies tsorm's search compiler emits (query/search/compile.ts), each sent as bytes in Query.query.
  'search.proto.MatchQuery',
  'search.proto.MatchPhraseQuery',
  'search.proto.TermQuery',
  'search.proto.TermsQuery',
  'search.proto.RangeQuery',
  'search.proto.PrefixQuery',
  'search.proto.WildcardQuery',
  'search.proto.BoolQuery',
  'search.proto.ConstScoreQuery',
  'search.proto.FunctionScoreQuery',
  'search.proto.NestedQuery',
  'search.proto.MatchAllQuery',
  'search.proto.GeoBoundingBoxQuery',
  'search.proto.GeoDistanceQuery',
  'search.proto.GeoPolygonQuery',
  'search.proto.KnnVectorQuery',
  'search.proto.FunctionsScoreQuery',
  // A decay function's parameter, sent as bytes in DecayFunction.param (one message per DecayFuncParamType).
  'search.proto.DecayFuncDateParam',
  'search.proto.DecayFuncGeoParam',
  'search.proto.DecayFuncNumericParam',
  // Its aggregations and group-bys (sent as bytes in Aggregation.body / GroupBy.body) and their results. Avg,
  // Max, Min, Sum and DistinctCount aggregations are one message shape ({1 field_name, 2 missing}), as are the
  // Avg/Max/Min/Sum results ({1 double}) and Count/DistinctCount results ({1 int64}): the first of each serves.
  'search.proto.AvgAggregation',
  'search.proto.CountAggregation',
  'search.proto.PercentilesAggregation',
  'search.proto.TopRowsAggregation',
  'search.proto.GroupByField',
  'search.proto.GroupByRange',
  'search.proto.GroupByFilter',
  'search.proto.GroupByGeoDistance',
  'search.proto.GroupByHistogram',
  'search.proto.GroupByDateHistogram',
  'search.proto.GroupByGeoGrid',
  'search.proto.GroupByComposite',
  'search.proto.AggregationsResult',
  'search.proto.GroupBysResult',
  'search.proto.AvgAggregationResult',
  'search.proto.CountAggregationResult',
  'search.proto.PercentilesAggregationResult',
  'search.proto.GroupByFieldResult',
  'search.proto.GroupByRangeResult',
  'search.proto.GroupByHistogramResult',
  'search.proto.TopRowsAggregationResult',
  'search.proto.GroupByFilterResult',
  'search.proto.GroupByGeoDistanceResult',
  'search.proto.GroupByDateHistogramResult',
  'search.proto.GroupByGeoGridResult',
  'search.proto.GroupByCompositeResult',
];

const SCALARS = {
  int32: { wire: 0, ts: 'number', w: 'int32', r: 'int32' },
  uint32: { wire: 0, ts: 'number', w: 'uint32', r: 'uint32' },
  int64: { wire: 0, ts: 'Int64Input', w: 'int64', r: 'long' },
  uint64: { wire: 0, ts: 'Int64Input', w: 'int64', r: 'long' },
  bool: { wire: 0, ts: 'boolean', w: 'bool', r: 'bool' },
  string: { wire: 2, ts: 'string', w: 'string', r: 'string' },
  bytes: { wire: 2, ts: 'Uint8Array', w: 'bytes', r: 'bytes' },
  double: { wire: 1, ts: 'number', w: 'double', r: 'double' },
  float: { wire: 5, ts: 'number', w: 'float', r: 'float' },
};

function generate() {
  const root = new protobuf.Root();
  root.loadSync(['tablestore.proto', 'tablestore_filter.proto', 'tablestore_search.proto'].map((f) => path.join(PROTO_DIR, f)), { keepCase: false });
  root.resolveAll();

  const types = new Map();
  const enums = new Map();
  const visit = (t) => {
    if (t instanceof protobuf.Enum) {
      enums.set(t.fullName, t);
      return;
    }
    if (types.has(t.fullName)) return;
    types.set(t.fullName, t);
    for (const f of t.fieldsArray) {
      if (f.map) throw new Error(`${t.fullName}.${f.name}: map fields are not supported`);
      if (f.resolvedType) visit(f.resolvedType);
      else if (!SCALARS[f.type]) throw new Error(`${t.fullName}.${f.name}: unsupported type ${f.type}`);
    }
  };
  for (const name of ROOTS) visit(root.lookupType(name));
  // Which of encode / decode each message needs, from its roots' directions.
  const directions = new Map();
  const need = (t, dir) => {
    if (!directions.has(t.fullName)) directions.set(t.fullName, new Set());
    if (directions.get(t.fullName).has(dir)) return;
    directions.get(t.fullName).add(dir);
    for (const f of t.fieldsArray) if (f.resolvedType instanceof protobuf.Type) need(f.resolvedType, dir);
  };
  for (const name of ROOTS) {
    const dirs = /Request$/.test(name) ? ['encode'] : /(Response|Result)$/.test(name) || name === 'main.proto.Error' ? ['decode'] : ['encode', 'decode'];
    for (const dir of dirs) need(root.lookupType(name), dir);
  }

  const tsName = (fullName) => fullName.replace(/^\./, '').split('.').map((s, i, a) => (i === a.length - 1 ? s : s === 'proto' ? '' : s[0].toUpperCase() + s.slice(1))).join('');
  const fileOf = (fullName) => FILES.find((f) => f.holds(fullName));
  const texts = {};
  for (const target of FILES) {
    const mine = (t) => fileOf(t.fullName) === target;
    // The other file's messages this one's fields name, by module: their types, and the encoders and decoders
    // this file's call (imported; a cycle between the two files is refused).
    const imports = new Map();
    for (const t of [...types.values()].filter(mine)) {
      for (const f of t.fieldsArray) {
        if (!(f.resolvedType instanceof protobuf.Type) || mine(f.resolvedType)) continue;
        const other = fileOf(f.resolvedType.fullName);
        if (FILES.indexOf(other) > FILES.indexOf(target)) throw new Error(`${t.fullName}.${f.name}: ${f.resolvedType.fullName} is in a later file (${path.basename(other.file)})`);
        const n = tsName(f.resolvedType.fullName);
        if (!imports.has(other.module)) imports.set(other.module, new Set());
        imports.get(other.module).add(`type ${n}`);
        for (const dir of directions.get(t.fullName)) imports.get(other.module).add(`${dir}${n}`);
      }
    }
    texts[target.file] = generateFile([...enums.values()].filter(mine), [...types.values()].filter(mine), imports, directions, tsName);
  }
  return texts;
}

function generateFile(enumList, typeList, imports, directions, tsName) {
  const out = [];
  out.push('// Generated by scripts/gen-wire-proto.js from the tablestore SDK\'s tablestore.proto, tablestore_filter.proto and tablestore_search.proto.');
  out.push('// Do not edit: change the generator and run `node scripts/gen-wire-proto.js`.');
  out.push("import { PbReader, PbWriter, type Int64Input } from './pb';");
  const bare = (n) => n.replace(/^type /, '');
  for (const [m, names] of imports) out.push(`import { ${[...names].sort((a, b) => bare(a).localeCompare(bare(b)) || a.length - b.length).join(', ')} } from '${m}';`);
  out.push('');
  out.push('const EMPTY_BYTES: Uint8Array = Buffer.alloc(0);');
  out.push('');
  for (const e of enumList.sort((a, b) => a.fullName.localeCompare(b.fullName))) {
    out.push(`export const ${tsName(e.fullName)} = {`);
    for (const [k, v] of Object.entries(e.values)) out.push(`  ${k}: ${v},`);
    out.push('} as const;');
    out.push('');
  }
  const sorted = typeList.sort((a, b) => a.fullName.localeCompare(b.fullName));
  for (const t of sorted) {
    const name = tsName(t.fullName);
    const fields = t.fieldsArray.slice().sort((a, b) => a.id - b.id);
    // An empty message (a response with no fields) is an empty interface, on purpose.
    if (fields.length === 0) out.push('// eslint-disable-next-line @typescript-eslint/no-empty-object-type');
    out.push(`export interface ${name} {`);
    for (const f of fields) {
      const base = f.resolvedType instanceof protobuf.Type ? tsName(f.resolvedType.fullName) : f.resolvedType ? 'number' : SCALARS[f.type].ts;
      out.push(`  ${f.name}${f.required ? '' : '?'}: ${f.repeated ? `${base}[]` : `${base}${f.required ? '' : ' | null'}`};`);
    }
    out.push('}');
    out.push('');
    const dirs = directions.get(t.fullName);
    if (dirs.has('encode')) {
      out.push(`export function encode${name}(m: ${name}, w: PbWriter = new PbWriter()): PbWriter {`);
      for (const f of fields) {
        const isMsg = f.resolvedType instanceof protobuf.Type;
        const sc = isMsg ? null : f.resolvedType ? SCALARS.int32 : SCALARS[f.type];
        const wire = isMsg ? 2 : sc.wire;
        const tag = (f.id << 3) | wire;
        const writeOne = (v) =>
          isMsg ? `w.tag(${tag}); w.message(${v}, encode${tsName(f.resolvedType.fullName)});` : `w.tag(${tag}); w.${sc.w}(${v});`;
        if (f.repeated) {
          out.push(`  if (m.${f.name} != null) for (const v of m.${f.name}) { ${writeOne('v')} }`);
        } else if (f.required) {
          out.push(`  ${writeOne(`m.${f.name}`)}`);
        } else {
          out.push(`  if (m.${f.name} != null) { ${writeOne(`m.${f.name}`)} }`);
        }
      }
      out.push('  return w;');
      out.push('}');
      out.push('');
    }
    if (!dirs.has('decode')) continue;
    const defaults = fields.filter((f) => !f.repeated && !f.required).map((f) => `${f.name}: ${defaultOf(f)}`);
    if (defaults.length) {
      out.push(`const ${name}Defaults = { ${defaults.join(', ')} };`);
      out.push('');
    }
    out.push(`export function decode${name}(r: PbReader, end: number = r.end): ${name} {`);
    const init = fields.filter((f) => f.repeated).map((f) => `m.${f.name} = [];`);
    out.push(`  const m = ${defaults.length ? `Object.create(${name}Defaults)` : '{}'} as ${name};`);
    if (init.length) out.push(`  ${init.join(' ')}`);
    out.push('  while (r.pos < end) {');
    out.push('    const t = r.uint32();');
    out.push('    switch (t >>> 3) {');
    for (const f of fields) {
      const isMsg = f.resolvedType instanceof protobuf.Type;
      const sc = isMsg ? null : f.resolvedType ? SCALARS.int32 : SCALARS[f.type];
      const read = isMsg ? `r.message(decode${tsName(f.resolvedType.fullName)})` : `r.${sc.r}()`;
      out.push(`      case ${f.id}: ${f.repeated ? `m.${f.name}!.push(${read})` : `m.${f.name} = ${read}`}; break;`);
    }
    out.push('      default: r.skip(t & 7);');
    out.push('    }');
    out.push('  }');
    const required = fields.filter((f) => f.required).map((f) => f.name);
    if (required.length) out.push(`  r.required(m, ${JSON.stringify(required)}, '${t.fullName}');`);
    out.push('  return m;');
    out.push('}');
    out.push('');
  }
  return out.join('\n');
}

/**
 * What a decoded message reads for an absent optional field: protobufjs' static code puts these on the message
 * prototype (`proto2` explicit default, else 0 / '' / false / empty bytes / the enum's first value / null for a
 * message), and the SDK's results are those messages. The generated decoders make the same choice with a shared
 * prototype (not frozen: an inherited read-only property would refuse the decoder's own assignment), so a field is an own property only when it was on the wire, as with protobufjs.
 */
function defaultOf(f) {
  if (f.resolvedType instanceof protobuf.Type) return 'null';
  if (f.resolvedType instanceof protobuf.Enum) {
    const v = f.options && f.options.default !== undefined ? f.resolvedType.values[f.options.default] : Object.values(f.resolvedType.values)[0];
    return String(v);
  }
  if (f.options && f.options.default !== undefined) return JSON.stringify(f.options.default);
  switch (f.type) {
    case 'bool':
      return 'false';
    case 'string':
      return "''";
    case 'bytes':
      return 'EMPTY_BYTES';
    default:
      return '0';
  }
}

if (require.main === module) main();
module.exports = { generate };

function main() {
  for (const [file, text] of Object.entries(generate())) {
    if (process.argv.includes('--check')) {
      if (fs.readFileSync(file, 'utf8') !== text) {
        console.error(`${path.relative(ROOT, file)} is out of date: run node scripts/gen-wire-proto.js`);
        process.exit(1);
      }
    } else {
      fs.writeFileSync(file, text);
    }
  }
}
