/**
 * Encoders and decoders of the search-index APIs (CreateSearchIndex, UpdateSearchIndex, DeleteSearchIndex,
 * ListSearchIndex, DescribeSearchIndex, Search, ComputeSplits, ParallelScan) for tsorm's own wire transport
 * (issue 15): SDK-shaped params in (the `{ queryType, query }` trees, `{ sorters }`, `{ aggs }`, `{ groupBys }`
 * that query/search/compile.ts builds), SDK-shaped results out.
 *
 * The request bytes are the SDK's (test/unit/wire-bytes-search.test.ts compares them): the functions below
 * mirror `lib/protocol/encoder.js` (tablestore 5.6.5) field for field, its quirks included: a field schema's
 * options are sent only when truthy (`x || null`), Search sends `timeout_ms` 10000 and ParallelScan 20000 when
 * none is given, a nested query's score mode defaults to AVG, EXISTS is sent as a TermsQuery, an aggregation's
 * `missing` only when truthy. The nested messages the protocol carries as bytes (the SearchQuery, each query,
 * aggregation and group-by body, an analyzer's parameter) are encoded to bytes here as the SDK does (search
 * spec §1.2); values inside them are search variants (§1.3), the same bytes as a filter's column value.
 *
 * Supported shapes: every query type the SDK encodes (1–18, FunctionsScore with its field-value-factor, decay,
 * random and weight functions: search spec §4), every aggregation (TopRows included, its rows decoded as the
 * row APIs' rows) and every group-by (FIELD, RANGE, FILTER, GEO_DISTANCE, HISTOGRAM, DATE_HISTOGRAM, GEO_GRID,
 * COMPOSITE with its sources and next token: spec §7). A type number the SDK does not know is refused with an
 * error naming it, before anything is sent.
 *
 * Results follow `lib/protocol/decoder.js`: Search's `totalCounts` is the decimal string (absent for −1),
 * rows are decoded as the row APIs' rows, aggregation and group-by results are unwrapped from their bytes,
 * DescribeSearchIndex's analyzer parameters are decoded and its `indexStatus.status` is the SDK's lower-case
 * name. Deliberate difference: a DescribeSearchIndex response without `schema` or `index_status` is accepted
 * (the SDK throws a TypeError on it) [decision].
 */
import type { WireOperation } from './operations';
import { PbReader, type Int64Input, type PbWriter } from './pb';
import { readPlainBufferRow } from './plainbuffer';
import * as pb from './proto-search.gen';
import { columnValueBuffer, int64Of, isInt64, primaryKeyBuffer, sdkRow } from './row-codec';

type Obj = Record<string, unknown>;

const QT = pb.SearchQueryType;
const AGG = pb.SearchAggregationType;
const GB = pb.SearchGroupByType;
const RETURN_SPECIFIED = pb.SearchColumnReturnType.RETURN_SPECIFIED;

// ---------------------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------------------

/** A search variant (spec §1.3; plian_buffer_builder.js serializeSearchValue): int64, string, boolean, double. */
function variant(v: unknown, field: string): Buffer {
  if (v === undefined || v === null) throw new TypeError(`Expect [${field}] but it was: ${String(v)}`);
  if (!isInt64(v) && typeof v !== 'string' && typeof v !== 'boolean' && typeof v !== 'number') {
    throw new TypeError(`${field}: a search value is an int64, a string, a boolean or a number, got ${typeof v}`);
  }
  return columnValueBuffer(v, field);
}

function optionalVariant(v: unknown, field: string): Buffer | undefined {
  // encoder.js: `if (agg.missing)`, `if (groupBy.interval)`…: a falsy value is not sent.
  return v ? variant(v, field) : undefined;
}

/** A protobuf `bytes` input as protobufjs takes it: bytes, or a base64 string. */
function bytesOf(v: unknown): Uint8Array | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return Buffer.from(v, 'base64');
  if (v instanceof Uint8Array) return v;
  throw new TypeError(`expected bytes (a Buffer), got ${typeof v}`);
}

function encoded<T>(m: T, encode: (m: T, w?: PbWriter) => PbWriter): Uint8Array {
  return encode(m).finish();
}

// ---------------------------------------------------------------------------------------------------------
// Queries (encoder.js _makeQuery / _constrctQueryParam)
// ---------------------------------------------------------------------------------------------------------

function query(q: unknown): pb.SearchQuery {
  const { queryType, query: body } = (q ?? {}) as { queryType?: number; query?: Obj };
  if (typeof queryType !== 'number') throw new TypeError('query: expected { queryType, query }');
  return { type: queryType, query: queryBody(queryType, body ?? {}) };
}

function queries(list: unknown): pb.SearchQuery[] | undefined {
  return Array.isArray(list) ? list.map(query) : undefined;
}

function queryBody(type: number, q: Obj): Uint8Array {
  const fieldName = q.fieldName as string | undefined;
  const weight = q.weight as number | undefined;
  switch (type) {
    case QT.MATCH_QUERY:
      return encoded(
        {
          fieldName,
          text: q.text as string,
          weight,
          minimumShouldMatch: typeof q.minimumShouldMatch === 'number' ? q.minimumShouldMatch : undefined,
          operator: (q.operator as number) || undefined,
        },
        pb.encodeSearchMatchQuery,
      );
    case QT.MATCH_PHRASE_QUERY:
      return encoded({ fieldName, text: q.text as string, weight }, pb.encodeSearchMatchPhraseQuery);
    case QT.TERM_QUERY:
      return encoded({ fieldName, term: variant(q.term, 'term'), weight }, pb.encodeSearchTermQuery);
    case QT.RANGE_QUERY: {
      const m: pb.SearchRangeQuery = { fieldName };
      if (q.rangeFrom !== undefined && q.rangeFrom !== null) {
        m.rangeFrom = variant(q.rangeFrom, 'rangeFrom');
        m.includeLower = q.includeLower as boolean | undefined;
      }
      if (q.rangeTo !== undefined && q.rangeTo !== null) {
        m.rangeTo = variant(q.rangeTo, 'rangeTo');
        m.includeUpper = q.includeUpper as boolean | undefined;
      }
      return encoded(m, pb.encodeSearchRangeQuery);
    }
    case QT.PREFIX_QUERY:
      return encoded({ fieldName, prefix: q.prefix as string, weight }, pb.encodeSearchPrefixQuery);
    case QT.BOOL_QUERY: {
      const m: pb.SearchBoolQuery = { mustQueries: queries(q.mustQueries), mustNotQueries: queries(q.mustNotQueries), filterQueries: queries(q.filterQueries) };
      if (Array.isArray(q.shouldQueries)) {
        const msm = q.minimumShouldMatch;
        if (typeof msm !== 'number' || msm % 1 !== 0) throw new TypeError('Expect minimumShouldMatch which should be an int32 number');
        m.minimumShouldMatch = msm;
        m.shouldQueries = queries(q.shouldQueries);
      }
      return encoded(m, pb.encodeSearchBoolQuery);
    }
    case QT.CONST_SCORE_QUERY:
      return encoded({ filter: query(q.filter) }, pb.encodeSearchConstScoreQuery);
    case QT.FUNCTION_SCORE_QUERY: {
      const fvf = q.fieldValueFactor as Obj | undefined;
      const inner = query(q.query);
      if (!fvf || typeof fvf.fieldName !== 'string') throw new TypeError('Except fieldValueFactor.fieldName which should be string');
      return encoded({ query: inner, fieldValueFactor: { fieldName: fvf.fieldName } }, pb.encodeSearchFunctionScoreQuery);
    }
    case QT.NESTED_QUERY:
      return encoded(
        {
          path: q.path as string,
          query: query(q.query),
          scoreMode: (q.scoreMode as number) || pb.SearchScoreMode.SCORE_MODE_AVG,
          weight,
          innerHits: q.innerHits ? innerHits(q.innerHits as Obj) : undefined,
        },
        pb.encodeSearchNestedQuery,
      );
    case QT.WILDCARD_QUERY:
      return encoded({ fieldName, value: q.value as string, weight }, pb.encodeSearchWildcardQuery);
    case QT.MATCH_ALL_QUERY:
      return new Uint8Array(0);
    case QT.GEO_BOUNDING_BOX_QUERY:
      return encoded({ fieldName, topLeft: q.topLeft as string, bottomRight: q.bottomRight as string }, pb.encodeSearchGeoBoundingBoxQuery);
    case QT.GEO_DISTANCE_QUERY:
      return encoded({ fieldName, centerPoint: q.centerPoint as string, distance: q.distance as number }, pb.encodeSearchGeoDistanceQuery);
    case QT.GEO_POLYGON_QUERY:
      return encoded({ fieldName, points: q.points as string[] }, pb.encodeSearchGeoPolygonQuery);
    case QT.TERMS_QUERY:
      return encoded(
        { fieldName, terms: Array.isArray(q.terms) ? q.terms.map((t) => variant(t, 'term')) : [], weight },
        pb.encodeSearchTermsQuery,
      );
    case QT.EXISTS_QUERY:
      // encoder.js sends EXISTS as a TermsQuery with the field name only: the same bytes as ExistsQuery{1}.
      return encoded({ fieldName }, pb.encodeSearchTermsQuery);
    case QT.KNN_VECTOR_QUERY:
      return encoded(
        {
          fieldName,
          topK: (q.topK as number) || undefined,
          float32QueryVector: (q.float32QueryVector as number[]) || undefined,
          filter: q.filter ? query(q.filter) : undefined,
          weight: weight || undefined,
        },
        pb.encodeSearchKnnVectorQuery,
      );
    case QT.FUNCTIONS_SCORE_QUERY:
      // encoder.js: query, min/max score, score and combine modes only when truthy; functions always (may be empty).
      return encoded(
        {
          query: q.query ? query(q.query) : undefined,
          functions: Array.isArray(q.functions) ? (q.functions as Obj[]).map(scoreFunction) : [],
          scoreMode: (q.scoreMode as number) || undefined,
          combineMode: (q.combineMode as number) || undefined,
          minScore: (q.minScore as number) || undefined,
          maxScore: (q.maxScore as number) || undefined,
        },
        pb.encodeSearchFunctionsScoreQuery,
      );
    default:
      throw new TypeError(`query: queryType ${type} is not supported by tsorm's wire encoder (the SDK knows no such type)`);
  }
}

/** One function of a FunctionsScoreQuery (encoder.js FUNCTIONS_SCORE_QUERY, search spec §4). */
function scoreFunction(f: Obj): pb.SearchFunction {
  const fvf = f.fieldValueFactorFunction as Obj | undefined;
  const decay = f.decayFunction as Obj | undefined;
  return {
    fieldValueFactor: fvf
      ? { fieldName: fvf.fieldName as string, factor: fvf.factor as number | undefined, modifier: fvf.modifier as number | undefined, missing: fvf.missing as number | undefined }
      : undefined,
    random: f.randomFunction ? {} : undefined,
    decay: decay
      ? {
          fieldName: decay.fieldName as string,
          mathFunction: (decay.mathFunction as number) || undefined,
          paramType: decay.decayParamType as number | undefined,
          param: decayParam(decay.decayParamType, (decay.decayParam ?? {}) as Obj),
          decay: (decay.decay as number) || undefined,
          multiValueMode: (decay.multiValueMode as number) || undefined,
        }
      : undefined,
    weight: (f.weight as number) || undefined,
    filter: f.filter ? query(f.filter) : undefined,
  };
}

/**
 * An int64 field the SDK hands to protobufjs as given (a group-by's `minDocCount`, a date decay's
 * `originLong`): protobufjs reads a number, a decimal string or a Long, and writes 0 for any other object (an
 * Int64LE among them). tsorm refuses such an object, naming the field, rather than send that silent 0 or
 * differ from the SDK's bytes [decision].
 */
function protobufInt64(v: unknown, field: string): Int64Input | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' || typeof v === 'string' || (typeof v === 'object' && (v as { __isLong__?: boolean }).__isLong__)) return v as Int64Input;
  throw new TypeError(`${field}: expected an int64 as a number, a decimal string or a Long, got ${typeof v === 'object' ? 'another object' : typeof v}`);
}

/** A decay function's parameter, as bytes (encoder.js _constructDecayParam). */
function decayParam(type: unknown, p: Obj): Uint8Array | undefined {
  switch (type) {
    case pb.SearchDecayFuncParamType.DF_DATE_PARAM: {
      return encoded(
        { originLong: protobufInt64(p.originLong, 'decayParam.originLong'), originString: p.originString as string | undefined, scale: dateTimeValue(p.scale), offset: dateTimeValue(p.offset) },
        pb.encodeSearchDecayFuncDateParam,
      );
    }
    case pb.SearchDecayFuncParamType.DF_GEO_PARAM:
      return encoded({ origin: p.origin as string | undefined, scale: p.scale as number | undefined, offset: p.offset as number | undefined }, pb.encodeSearchDecayFuncGeoParam);
    case pb.SearchDecayFuncParamType.DF_NUMERIC_PARAM:
      return encoded({ origin: p.origin as number | undefined, scale: p.scale as number | undefined, offset: p.offset as number | undefined }, pb.encodeSearchDecayFuncNumericParam);
    default:
      throw new TypeError(`decayFunction.decayParamType: expected 1 (date), 2 (geo) or 3 (numeric), got ${String(type)}`);
  }
}

function innerHits(h: Obj): pb.SearchInnerHits {
  return {
    offset: (h.offset as number) || undefined,
    limit: (h.limit as number) || undefined,
    sort: h.sort ? sort(h.sort) : undefined,
    highlight: h.highlight ? highlight(h.highlight as Obj) : undefined,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Sorts, highlight, collapse, columns (encoder.js _makeSort / _makeSorter / _makeHighlight / _makeColumnToGet)
// ---------------------------------------------------------------------------------------------------------

function nestedFilter(f: unknown): pb.SearchNestedFilter | undefined {
  if (!f) return undefined;
  const n = f as Obj;
  return { path: n.path as string, filter: query(n.filter) };
}

function sorter(s: Obj): pb.SearchSorter {
  if (s.fieldSort) {
    const f = s.fieldSort as Obj;
    return {
      fieldSort: {
        fieldName: f.fieldName as string,
        order: f.order as number | undefined,
        mode: f.mode as number | undefined,
        missingValue: f.missingValue ? variant(f.missingValue, 'missingValue') : f.missing ? variant(f.missing, 'missing') : undefined,
        nestedFilter: nestedFilter(f.nestedFilter),
        missingField: (f.missingField as string) || undefined,
      },
    };
  }
  if (s.geoDistanceSort) {
    const g = s.geoDistanceSort as Obj;
    return {
      geoDistanceSort: {
        fieldName: g.fieldName as string,
        points: g.points as string[],
        order: g.order as number | undefined,
        mode: g.mode as number | undefined,
        distanceType: g.distanceType as number | undefined,
        nestedFilter: nestedFilter(g.nestedFilter),
      },
    };
  }
  if (s.scoreSort) return { scoreSort: { order: (s.scoreSort as Obj).order as number | undefined } };
  if (s.primaryKeySort) return { pkSort: { order: (s.primaryKeySort as Obj).order as number | undefined } };
  if (s.docSort) return { docSort: { order: (s.docSort as Obj).order as number | undefined } };
  return {};
}

function sort(s: unknown): pb.SearchSort {
  const sorters = (s as { sorters?: unknown }).sorters;
  return { sorter: Array.isArray(sorters) ? (sorters as Obj[]).map(sorter) : [] };
}

function highlight(h: Obj): pb.SearchHighlight {
  return { highlightEncoder: h.highlightEncoder as number | undefined, highlightParameters: h.highlightParameters as pb.SearchHighlightParameter[] | undefined };
}

function columnsToGet(c: unknown): pb.SearchColumnsToGet {
  if (!c || typeof c !== 'object') throw new TypeError('columnToGet: expected { returnType, returnNames? }');
  const { returnType, returnNames } = c as { returnType?: number; returnNames?: string[] };
  return { returnType, columnNames: returnType === RETURN_SPECIFIED ? returnNames : undefined };
}

// ---------------------------------------------------------------------------------------------------------
// Aggregations and group-bys (encoder.js _makeAggregations / _makeGroupBys)
// ---------------------------------------------------------------------------------------------------------

function aggregations(a: unknown): pb.SearchAggregations {
  return { aggs: ((a as { aggs: Obj[] }).aggs ?? []).map((agg) => ({ name: agg.name as string, type: agg.type as number, body: aggregationBody(agg.type as number, (agg.body ?? {}) as Obj) })) };
}

function aggregationBody(type: number, a: Obj): Uint8Array {
  const fieldName = a.fieldName as string | undefined;
  const missing = optionalVariant(a.missing, 'agg.missing');
  switch (type) {
    case AGG.AGG_AVG:
    case AGG.AGG_MAX:
    case AGG.AGG_MIN:
    case AGG.AGG_SUM:
    case AGG.AGG_DISTINCT_COUNT:
      // Avg, Max, Min, Sum and DistinctCount aggregations are the same message: { 1 field_name, 2 missing }.
      return encoded({ fieldName, missing }, pb.encodeSearchAvgAggregation);
    case AGG.AGG_COUNT:
      return encoded({ fieldName }, pb.encodeSearchCountAggregation);
    case AGG.AGG_PERCENTILES:
      return encoded({ fieldName, percentiles: a.percentiles as number[] | undefined, missing }, pb.encodeSearchPercentilesAggregation);
    case AGG.AGG_TOP_ROWS:
      return encoded({ limit: a.limit as number | undefined, sort: a.sort ? sort(a.sort) : undefined }, pb.encodeSearchTopRowsAggregation);
    default:
      throw new TypeError(`aggregation type ${type} is not supported by tsorm's wire encoder (the SDK knows no such type)`);
  }
}

function groupBys(g: unknown): pb.SearchGroupBys {
  return { groupBys: ((g as { groupBys: Obj[] }).groupBys ?? []).map((x) => ({ name: x.name as string, type: x.type as number, body: groupByBody(x.type as number, (x.body ?? {}) as Obj) })) };
}

function groupBySort(s: unknown): pb.SearchGroupBySort | undefined {
  if (!s) return undefined;
  const sorters = ((s as { sorters?: Obj[] }).sorters ?? []).map((x): pb.SearchGroupBySorter => {
    if (x.groupKeySort) return { groupKeySort: { order: (x.groupKeySort as Obj).order as number | undefined } };
    if (x.rowCountSort) return { rowCountSort: { order: (x.rowCountSort as Obj).order as number | undefined } };
    if (x.subAggSort) {
      const s2 = x.subAggSort as Obj;
      return { subAggSort: { subAggName: s2.subAggName as string, order: s2.order as number | undefined } };
    }
    return {};
  });
  return { sorters };
}

function subs(g: Obj): { subAggs?: pb.SearchAggregations; subGroupBys?: pb.SearchGroupBys } {
  return { subAggs: g.subAggs ? aggregations(g.subAggs) : undefined, subGroupBys: g.subGroupBys ? groupBys(g.subGroupBys) : undefined };
}

/** encoder.js _makeRange: each range as given (Range.create), from/to doubles. */
function ranges(rs: unknown): pb.SearchRange[] {
  return ((rs as Obj[] | undefined) ?? []).map((r) => ({ from: r.from as number | undefined, to: r.to as number | undefined }));
}

function fieldRange(r: unknown): pb.SearchFieldRange | undefined {
  const range = r as Obj | undefined;
  return range ? { min: variant(range.min, 'FieldRange.min'), max: variant(range.max, 'FieldRange.max') } : undefined;
}

/** encoder.js _makeDateTimeValue: { value (int32), unit (DateTimeUnit) }; a falsy one is not sent. */
function dateTimeValue(d: unknown): pb.SearchDateTimeValue | undefined {
  return d ? { value: (d as Obj).value as number | undefined, unit: (d as Obj).unit as number | undefined } : undefined;
}

function groupByBody(type: number, g: Obj): Uint8Array {
  const fieldName = g.fieldName as string | undefined;
  switch (type) {
    case GB.GROUP_BY_FIELD:
      return encoded(
        { fieldName, size: g.size as number | undefined, minDocCount: protobufInt64(g.minDocCount, 'groupBy.minDocCount'), sort: groupBySort(g.sort), ...subs(g) },
        pb.encodeSearchGroupByField,
      );
    case GB.GROUP_BY_RANGE:
      return encoded(
        { fieldName, ranges: ranges(g.ranges), ...subs(g) },
        pb.encodeSearchGroupByRange,
      );
    case GB.GROUP_BY_FILTER:
      return encoded({ filters: ((g.filters as unknown[]) ?? []).map(query), ...subs(g) }, pb.encodeSearchGroupByFilter);
    case GB.GROUP_BY_GEO_DISTANCE: {
      // encoder.js: GeoPoint.create(origin) — an absent origin is still sent, as an empty GeoPoint.
      const origin = (g.origin ?? {}) as Obj;
      return encoded(
        { fieldName, origin: { lat: origin.lat as number | undefined, lon: origin.lon as number | undefined }, ranges: ranges(g.ranges), ...subs(g) },
        pb.encodeSearchGroupByGeoDistance,
      );
    }
    case GB.GROUP_BY_HISTOGRAM:
      return encoded(
        {
          fieldName,
          minDocCount: protobufInt64(g.minDocCount, 'groupBy.minDocCount'),
          sort: groupBySort(g.sort),
          fieldRange: fieldRange(g.fieldRange),
          interval: optionalVariant(g.interval, 'groupBy.interval'),
          missing: optionalVariant(g.missing, 'groupByHistogram.missing'),
          offset: optionalVariant(g.offset, 'groupByHistogram.offset'),
          ...subs(g),
        },
        pb.encodeSearchGroupByHistogram,
      );
    case GB.GROUP_BY_DATE_HISTOGRAM:
      return encoded(
        {
          fieldName,
          minDocCount: protobufInt64(g.minDocCount, 'groupBy.minDocCount'),
          sort: groupBySort(g.sort),
          fieldRange: fieldRange(g.fieldRange),
          interval: dateTimeValue(g.interval),
          missing: optionalVariant(g.missing, 'groupByDateHistogram.missing'),
          offset: dateTimeValue(g.offset),
          timeZone: (g.timeZone as string) || undefined,
          ...subs(g),
        },
        pb.encodeSearchGroupByDateHistogram,
      );
    case GB.GROUP_BY_GEO_GRID:
      return encoded(
        { fieldName, precision: (g.precision as number) || undefined, size: (g.size as number) || undefined, ...subs(g) },
        pb.encodeSearchGroupByGeoGrid,
      );
    case GB.GROUP_BY_COMPOSITE:
      // The sources are group-bys themselves (encoder.js _makeGroupBys); next_token is the previous page's string.
      return encoded(
        {
          nextToken: (g.nextToken as string) || undefined,
          size: (g.size as number) || undefined,
          sources: g.sources ? groupBys(g.sources) : undefined,
          ...subs(g),
        },
        pb.encodeSearchGroupByComposite,
      );
    default:
      throw new TypeError(`group-by type ${type} is not supported by tsorm's wire encoder (the SDK knows no such type)`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------------------

function searchQuery(s: unknown): Uint8Array {
  if (!s || typeof s !== 'object') throw new TypeError('searchQuery: expected an object');
  const q = s as Obj;
  return encoded(
    {
      offset: q.offset as number | undefined,
      limit: q.limit as number | undefined,
      query: query(q.query),
      getTotalCount: (q.getTotalCount as boolean) || false,
      token: q.token ? bytesOf(q.token) : undefined,
      sort: q.sort ? sort(q.sort) : undefined,
      aggs: q.aggs ? aggregations(q.aggs) : undefined,
      groupBys: q.groupBys ? groupBys(q.groupBys) : undefined,
      highlight: q.highlight ? highlight(q.highlight as Obj) : undefined,
      collapse: q.collapse ? { fieldName: ((q.collapse as Obj).fieldName as string) || undefined } : undefined,
    },
    pb.encodeSearchSearchQuery,
  );
}

function analyzerParameter(f: Obj): Uint8Array | undefined {
  const p = (f.analyzerParameter ?? {}) as Obj;
  switch (f.analyzer) {
    case 'single_word':
      return encoded({ caseSensitive: p.caseSensitive as boolean | undefined, delimitWord: p.delimitWord as boolean | undefined }, pb.encodeSearchSingleWordAnalyzerParameter);
    case 'split':
      return encoded({ delimiter: p.delimiter as string | undefined }, pb.encodeSearchSplitAnalyzerParameter);
    case 'fuzzy':
      return encoded({ minChars: p.minChars as number | undefined, maxChars: p.maxChars as number | undefined }, pb.encodeSearchFuzzyAnalyzerParameter);
    default:
      return undefined;
  }
}

function fieldSchemas(list: unknown): pb.SearchFieldSchema[] | undefined {
  return Array.isArray(list) ? (list as Obj[]).map(fieldSchema) : undefined;
}

/** encoder.js _makeFieldSchema: every option `|| null`, so false, 0 and '' are not sent. */
function fieldSchema(f: Obj): pb.SearchFieldSchema {
  const or = <T>(v: unknown) => (v as T) || undefined;
  const vector = f.vectorOptions as Obj | undefined;
  return {
    fieldName: f.fieldName as string,
    fieldType: f.fieldType as number,
    indexOptions: or<number>(f.indexOptions),
    enableHighlighting: or<boolean>(f.enableHighlighting),
    analyzer: or<string>(f.analyzer),
    index: or<boolean>(f.index),
    docValues: or<boolean>(f.enableSortAndAgg),
    store: or<boolean>(f.store),
    isArray: or<boolean>(f.isAnArray),
    fieldSchemas: fieldSchemas(f.fieldSchemas),
    analyzerParameter: f.analyzer ? analyzerParameter(f) : undefined,
    isVirtualField: or<boolean>(f.isVirtualField),
    sourceFieldNames: or<string[]>(f.sourceFieldNames),
    dateFormats: or<string[]>(f.dateFormats),
    vectorOptions: vector ? { dataType: vector.dataType as number, dimension: vector.dimension as number, metricType: vector.metricType as number } : undefined,
  };
}

function indexSchema(s: unknown): pb.SearchIndexSchema {
  if (!s || typeof s !== 'object') throw new TypeError('createSearchIndex: params.schema is required');
  const schema = s as Obj;
  const setting = schema.indexSetting as Obj | undefined;
  return {
    fieldSchemas: fieldSchemas(schema.fieldSchemas),
    indexSetting: { numberOfShards: 1, routingFields: (setting?.routingFields as string[]) || undefined, routingPartitionSize: (setting?.routingPartitionSize as number) || undefined },
    indexSort: schema.indexSort ? sort(schema.indexSort) : undefined,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Responses (decoder.js)
// ---------------------------------------------------------------------------------------------------------

/** A search variant in a response (readSearchVariant): Int64LE, string, boolean or double. */
function readVariant(b: Uint8Array | null | undefined): unknown {
  const buf = Buffer.from((b ?? new Uint8Array(0)) as Uint8Array);
  if (buf.length === 0) throw new TypeError('search variant: empty');
  switch (buf[0]) {
    case 0x00:
      return int64Of(buf.readBigInt64LE(1));
    case 0x01:
      return buf.readDoubleLE(1);
    case 0x02:
      return buf[1] !== 0;
    case 0x03:
      return buf.toString('utf8', 5, 5 + buf.readInt32LE(1));
    default:
      throw new TypeError(`Unsupported SearchVariant type: ${buf[0]}`);
  }
}

function rowsOf(rows: Uint8Array[] | undefined): unknown[] {
  return (rows ?? []).map((r) => sdkRow(readPlainBufferRow(r)));
}

function aggsResult(m: pb.SearchAggregationsResult): unknown {
  return {
    aggResults: (m.aggResults ?? []).map((a) => ({ name: a.name, type: a.type, aggResult: aggResultOf(a.type as number, a.aggResult ?? new Uint8Array(0)) })),
  };
}

function aggResultOf(type: number, body: Uint8Array): unknown {
  const r = new PbReader(Buffer.from(body.buffer, body.byteOffset, body.length));
  switch (type) {
    case AGG.AGG_AVG:
    case AGG.AGG_MAX:
    case AGG.AGG_MIN:
    case AGG.AGG_SUM:
      // The four are the same message: { 1 double value }.
      return pb.decodeSearchAvgAggregationResult(r);
    case AGG.AGG_COUNT:
    case AGG.AGG_DISTINCT_COUNT:
      return pb.decodeSearchCountAggregationResult(r);
    case AGG.AGG_TOP_ROWS:
      return { rows: rowsOf(pb.decodeSearchTopRowsAggregationResult(r).rows) };
    case AGG.AGG_PERCENTILES:
      return {
        items: (pb.decodeSearchPercentilesAggregationResult(r).percentilesAggregationItems ?? []).map((i) => ({ item: { key: i.key, value: readVariant(i.value) } })),
      };
    default:
      throw new TypeError(`not exist AggregationType: ${type}`);
  }
}

function groupBysResult(m: pb.SearchGroupBysResult): unknown {
  return {
    groupByResults: (m.groupByResults ?? []).map((g) => ({ name: g.name, type: g.type, groupByResult: groupByResultOf(g.type as number, g.groupByResult ?? new Uint8Array(0)) })),
  };
}

function withSubs<T extends Obj>(out: T, item: { subAggsResult?: pb.SearchAggregationsResult | null; subGroupBysResult?: pb.SearchGroupBysResult | null }): T {
  if (item.subAggsResult) (out as Obj).subAggsResult = aggsResult(item.subAggsResult);
  if (item.subGroupBysResult) (out as Obj).subGroupBysResult = groupBysResult(item.subGroupBysResult);
  return out;
}

function groupByResultOf(type: number, body: Uint8Array): unknown {
  const r = new PbReader(Buffer.from(body.buffer, body.byteOffset, body.length));
  switch (type) {
    case GB.GROUP_BY_FIELD:
      return { items: (pb.decodeSearchGroupByFieldResult(r).groupByFieldResultItems ?? []).map((i) => withSubs({ key: i.key, rowCount: i.rowCount }, i)) };
    case GB.GROUP_BY_RANGE:
      return { items: (pb.decodeSearchGroupByRangeResult(r).groupByRangeResultItems ?? []).map((i) => withSubs({ from: i.from, to: i.to, rowCount: i.rowCount }, i)) };
    case GB.GROUP_BY_HISTOGRAM:
      return { items: (pb.decodeSearchGroupByHistogramResult(r).groupByHistogramItems ?? []).map((i) => withSubs({ key: readVariant(i.key), value: i.value }, i)) };
    case GB.GROUP_BY_FILTER:
      return { items: (pb.decodeSearchGroupByFilterResult(r).groupByFilterResultItems ?? []).map((i) => withSubs({ rowCount: i.rowCount }, i)) };
    case GB.GROUP_BY_GEO_DISTANCE:
      return {
        items: (pb.decodeSearchGroupByGeoDistanceResult(r).groupByGeoDistanceResultItems ?? []).map((i) => withSubs({ from: i.from, to: i.to, rowCount: i.rowCount }, i)),
      };
    case GB.GROUP_BY_DATE_HISTOGRAM:
      // decoder.js renames timestamp (ms since the epoch) to `timeStamp`.
      return {
        items: (pb.decodeSearchGroupByDateHistogramResult(r).groupByDateHistogramItems ?? []).map((i) => withSubs({ timeStamp: i.timestamp, rowCount: i.rowCount }, i)),
      };
    case GB.GROUP_BY_GEO_GRID:
      return {
        items: (pb.decodeSearchGroupByGeoGridResult(r).groupByGeoGridResultItems ?? []).map((i) => withSubs({ key: i.key, rowCount: i.rowCount, geoGrid: i.geoGrid }, i)),
      };
    case GB.GROUP_BY_COMPOSITE: {
      const m = pb.decodeSearchGroupByCompositeResult(r);
      return {
        sourceNames: m.sourceGroupByNames,
        nextToken: m.nextToken || null,
        items: (m.groupByCompositeResultItems ?? []).map((i) => withSubs({ keys: i.keys, rowCount: i.rowCount }, i)),
      };
    }
    default:
      throw new TypeError(`not exist groupByType: ${type}`);
  }
}

function searchHit(hit: pb.SearchSearchHit, row: unknown): unknown {
  const out: Obj = { row };
  if (hit.nestedDocOffset) out.nestedDocOffset = hit.nestedDocOffset;
  if (hit.score) out.score = hit.score;
  if (hit.highlightResult) {
    out.highlightResultItem = { highlightFields: new Map((hit.highlightResult.highlightFields ?? []).map((f) => [f.fieldName, { fragments: f.fieldFragments }])) };
  }
  out.searchInnerHits = new Map(
    (hit.searchInnerHits ?? []).map((ih) => [ih.path, { path: ih.path, subSearchHits: (ih.searchHits ?? []).map((h) => searchHit(h, null)) }]),
  );
  return out;
}

function decodeSearch(r: PbReader): unknown {
  const m = pb.decodeSearchSearchResponse(r);
  const out: Obj = {};
  const total = String(m.totalHits);
  if (total !== '-1') out.totalCounts = total;
  out.isAllSucceeded = m.isAllSucceeded;
  out.nextToken = m.nextToken;
  const rows = rowsOf(m.rows);
  out.rows = rows;
  if (m.aggs && m.aggs.length > 0) out.aggs = aggsResult(pb.decodeSearchAggregationsResult(new PbReader(Buffer.from(m.aggs))));
  if (m.groupBys && m.groupBys.length > 0) out.groupBys = groupBysResult(pb.decodeSearchGroupBysResult(new PbReader(Buffer.from(m.groupBys))));
  const hits = m.searchHits ?? [];
  // decoder.js: hits that do not pair one to one with the rows are dropped.
  out.searchHits = hits.length === rows.length ? hits.map((h, i) => searchHit(h, rows[i])) : [];
  if (m.consumed) out.consumed = m.consumed;
  if (m.reservedConsumed) out.reservedConsumed = m.reservedConsumed;
  return out;
}

const INDEX_STATUS: Record<number, string> = { 1: 'pending', 2: 'failed', 3: 'running' };

function decodeDescribeSearchIndex(r: PbReader): unknown {
  const m = pb.decodeSearchDescribeSearchIndexResponse(r);
  for (const f of m.schema?.fieldSchemas ?? []) {
    const param = f.analyzerParameter ? new PbReader(Buffer.from(f.analyzerParameter)) : undefined;
    const decoded =
      !param ? undefined
      : f.analyzer === 'single_word' ? pb.decodeSearchSingleWordAnalyzerParameter(param)
      : f.analyzer === 'split' ? pb.decodeSearchSplitAnalyzerParameter(param)
      : f.analyzer === 'fuzzy' ? pb.decodeSearchFuzzyAnalyzerParameter(param)
      : undefined;
    if (decoded) (f as { analyzerParameter: unknown }).analyzerParameter = decoded;
  }
  const status = m.indexStatus;
  (m as { indexStatus: unknown }).indexStatus = { statusDescription: status?.statusDescription, status: INDEX_STATUS[status?.status as number] ?? 'unknown' };
  return m;
}

function op(encode: (p: Obj) => PbWriter, decode: (r: PbReader) => unknown): WireOperation {
  return { encode: (p) => encode(p as Obj).finish(), decode: (body) => decode(new PbReader(body)) };
}

/** The search-index APIs' codecs (`operations.ts`). */
export const SEARCH_OPERATIONS: Readonly<Record<string, WireOperation>> = {
  createSearchIndex: op(
    (p) =>
      pb.encodeSearchCreateSearchIndexRequest({
        tableName: p.tableName as string,
        indexName: p.indexName as string,
        schema: indexSchema(p.schema),
        sourceIndexName: p.sourceIndexName as string | undefined,
        timeToLive: p.timeToLive as number | undefined,
      }),
    (r) => pb.decodeSearchCreateSearchIndexResponse(r),
  ),
  updateSearchIndex: op(
    (p) => pb.encodeSearchUpdateSearchIndexRequest({ tableName: p.tableName as string, indexName: p.indexName as string, timeToLive: p.timeToLive as number | undefined }),
    (r) => pb.decodeSearchUpdateSearchIndexResponse(r),
  ),
  deleteSearchIndex: op(
    (p) => pb.encodeSearchDeleteSearchIndexRequest({ tableName: p.tableName as string, indexName: p.indexName as string }),
    (r) => pb.decodeSearchDeleteSearchIndexResponse(r),
  ),
  listSearchIndex: op(
    (p) => pb.encodeSearchListSearchIndexRequest({ tableName: p.tableName as string | undefined }),
    (r) => pb.decodeSearchListSearchIndexResponse(r),
  ),
  describeSearchIndex: op(
    (p) => pb.encodeSearchDescribeSearchIndexRequest({ tableName: p.tableName as string, indexName: p.indexName as string }),
    decodeDescribeSearchIndex,
  ),
  search: op(
    (p) => {
      const routing = Array.isArray(p.routingValues) ? (p.routingValues as unknown[]).map(primaryKeyBuffer) : undefined;
      return pb.encodeSearchSearchRequest({
        tableName: p.tableName as string,
        indexName: p.indexName as string,
        columnsToGet: columnsToGet(p.columnToGet),
        searchQuery: searchQuery(p.searchQuery),
        routingValues: routing,
        timeoutMs: (p.timeoutMs as number) || 10000,
      });
    },
    decodeSearch,
  ),
  computeSplits: op(
    (p) => {
      const o = p.searchIndexSplitsOptions as Obj | undefined;
      return pb.encodeSearchComputeSplitsRequest({ tableName: p.tableName as string, searchIndexSplitsOptions: o ? { indexName: o.indexName as string } : undefined });
    },
    (r) => pb.decodeSearchComputeSplitsResponse(r),
  ),
  parallelScan: op(
    (p) => {
      const s = (p.scanQuery ?? {}) as Obj;
      return pb.encodeSearchParallelScanRequest({
        tableName: p.tableName as string,
        indexName: p.indexName as string,
        columnsToGet: columnsToGet(p.columnToGet),
        sessionId: bytesOf(p.sessionId),
        scanQuery: {
          query: query(s.query),
          limit: s.limit as number | undefined,
          aliveTime: s.aliveTime as number | undefined,
          token: bytesOf(s.token),
          currentParallelId: s.currentParallelId as number | undefined,
          maxParallel: s.maxParallel as number | undefined,
        },
        timeoutMs: (p.timeoutMs as number) || 20000,
      });
    },
    (r) => {
      const m = pb.decodeSearchParallelScanResponse(r);
      return { nextToken: m.nextToken, rows: rowsOf(m.rows) };
    },
  ),
};
