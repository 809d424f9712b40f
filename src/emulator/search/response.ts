/**
 * The SearchResponse bytes (spec §1.4), the same bytes protobufjs writes for the same object: fields in number
 * order, `rows` (2) and `search_hits` (5) framed here, the other fields by protobufjs.
 * [performance] protobufjs's writer allocates an operation object per field written: a page of 100 rows and
 * 100 hits made some 800 of them, a good part of a sorted range query's garbage (bench/search.js).
 */
import { encodeMessage } from '../protocol/proto';

/** What runSearch answers (search.proto.SearchResponse, camelCase as protobufjs reads it). */
export interface SearchResult {
  totalHits: number;
  rows: Buffer[];
  isAllSucceeded: boolean;
  searchHits: SearchHitResult[];
  nextToken?: Buffer;
  aggs?: Buffer;
  groupBys?: Buffer;
  consumed: object;
}

export interface SearchHitResult {
  score: number;
  highlightResult: { readonly highlightFields: readonly object[] };
  searchInnerHits?: object[];
}

const TAG_ROWS = (2 << 3) | 2;
const TAG_HITS = (5 << 3) | 2;
/** SearchHit: 3 score (double), 4 highlight_result (message). */
const TAG_SCORE = (3 << 3) | 1;
const TAG_HIGHLIGHT = (4 << 3) | 2;
/** A hit of a score and an empty highlight result: score tag, 8 bytes, highlight tag, length 0. */
const PLAIN_HIT_BYTES = 1 + 8 + 2;

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

function writeVarint(buf: Buffer, pos: number, n: number): number {
  while (n >= 0x80) {
    buf[pos++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  buf[pos++] = n;
  return pos;
}

/** A hit holding only its score (no highlight fragments, no inner hits): the common case, framed by hand. */
function plain(hit: SearchHitResult): boolean {
  return !hit.highlightResult.highlightFields.length && !hit.searchInnerHits?.length;
}

export function encodeSearchResponse(res: SearchResult): Buffer {
  const { totalHits, rows, isAllSucceeded, searchHits, ...rest } = res;
  // Hits other than plain ones (highlights, inner hits) are encoded by protobufjs, then framed here.
  const other = searchHits.map((h) => (plain(h) ? undefined : encodeMessage('search.proto.SearchHit', h)));
  let size = 0;
  for (const r of rows) size += 1 + varintSize(r.length) + r.length;
  for (const o of other) size += o ? 1 + varintSize(o.length) + o.length : 1 + 1 + PLAIN_HIT_BYTES;
  const rowsAt = encodeMessage('search.proto.SearchResponse', { totalHits });
  const between = encodeMessage('search.proto.SearchResponse', { isAllSucceeded });
  const after = encodeMessage('search.proto.SearchResponse', rest);
  const out = Buffer.allocUnsafe(rowsAt.length + between.length + after.length + size);
  let pos = rowsAt.copy(out, 0);
  for (const r of rows) {
    out[pos++] = TAG_ROWS;
    pos = writeVarint(out, pos, r.length);
    pos += r.copy(out, pos);
  }
  pos += between.copy(out, pos);
  for (let i = 0; i < searchHits.length; i++) {
    out[pos++] = TAG_HITS;
    const o = other[i];
    if (o) {
      pos = writeVarint(out, pos, o.length);
      pos += o.copy(out, pos);
      continue;
    }
    out[pos++] = PLAIN_HIT_BYTES;
    out[pos++] = TAG_SCORE;
    pos = out.writeDoubleLE(searchHits[i].score, pos);
    out[pos++] = TAG_HIGHLIGHT;
    out[pos++] = 0;
  }
  pos += after.copy(out, pos);
  return out;
}
