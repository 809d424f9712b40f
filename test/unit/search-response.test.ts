import { describe, expect, it } from 'vitest';
import { encodeMessage } from '../../src/emulator/protocol/proto';
import { encodeSearchResponse, type SearchHitResult, type SearchResult } from '../../src/emulator/search/response';

const plainHit = (score: number): SearchHitResult => ({ score, highlightResult: { highlightFields: [] } });

function result(over: Partial<SearchResult>): SearchResult {
  return { totalHits: -1, rows: [], isAllSucceeded: true, searchHits: [], consumed: { capacityUnit: { read: 1, write: 0 } }, ...over };
}

describe('encodeSearchResponse', () => {
  // The hand-framed rows and hits must be the very bytes protobufjs writes for the same object.
  const cases: Array<[string, SearchResult]> = [
    ['an empty page without a count', result({})],
    ['a counted empty page', result({ totalHits: 0 })],
    ['plain hits, rows of one- and two-byte lengths, a token', result({
      totalHits: 123456789012,
      rows: [Buffer.alloc(5, 1), Buffer.alloc(127, 2), Buffer.alloc(128, 3), Buffer.alloc(20000, 4)],
      searchHits: [plainHit(1), plainHit(0), plainHit(-2.5), plainHit(1e-300)],
      nextToken: Buffer.from('token'),
    })],
    ['rows without hits, aggregations and group-bys', result({ rows: [Buffer.from('ab')], aggs: Buffer.from([1, 2, 3]), groupBys: Buffer.alloc(300, 7) })],
    ['highlighted hits and inner hits beside plain ones', result({
      rows: [Buffer.from('r1'), Buffer.from('r2'), Buffer.from('r3')],
      searchHits: [
        { score: 0.5, highlightResult: { highlightFields: [{ fieldName: 'title', fieldFragments: ['<em>a</em> b'] }] } },
        plainHit(2),
        { score: 3, highlightResult: { highlightFields: [] }, searchInnerHits: [{ path: 'n', searchHits: [{ score: 1, highlightResult: { highlightFields: [] }, nestedDocOffset: 2 }] }] },
      ],
    })],
  ];
  for (const [name, res] of cases) {
    it(`writes the bytes protobufjs writes: ${name}`, () => {
      expect(encodeSearchResponse(res).toString('hex')).toBe(encodeMessage('search.proto.SearchResponse', res).toString('hex'));
    });
  }
});
