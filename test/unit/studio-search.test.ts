/** The studio's Search form → the SDK's searchQuery: values parsed by the field's index type, bad input named. */
import { describe, expect, it } from 'vitest';
import { fromSdkInt64 } from '../../src/codec/sdk-values';
import type { SearchIndexView, SearchRequest } from '../../src/studio/protocol';
import { searchQueryOf } from '../../src/studio/search';
import { StudioInputError } from '../../src/studio/values';

const index: SearchIndexView = {
  table: 't',
  index: 'i',
  fields: [
    { name: 'title', type: 'TEXT', array: false, sortable: false, highlight: true },
    { name: 'city', type: 'KEYWORD', array: false, sortable: true, highlight: false },
    { name: 'price', type: 'LONG', array: false, sortable: true, highlight: false },
    { name: 'score', type: 'DOUBLE', array: false, sortable: true, highlight: false },
  ],
};
const req = (extra: Partial<SearchRequest>): SearchRequest => ({ table: 't', index: 'i', clauses: [], ...extra });
const refused = (r: SearchRequest) => {
  try {
    searchQueryOf(r, index);
  } catch (e) {
    expect(e).toBeInstanceOf(StudioInputError);
    return (e as Error).message;
  }
  throw new Error('not refused');
};

describe('studio search form', () => {
  it('builds a bool of clauses with an exact int64 range, sort, highlight and group-by', () => {
    const q = searchQueryOf(
      req({
        clauses: [
          { kind: 'match', field: 'title', value: 'apple' },
          { kind: 'range', field: 'price', from: '9007199254740993', to: '' },
          { kind: 'term', field: 'city', value: 'bj', occur: 'must_not' },
        ],
        sort: { field: 'price', order: 'desc' },
        limit: 5,
        groupBy: 'city',
      }),
      index,
    ) as any;
    expect(q.limit).toBe(5);
    expect(q.getTotalCount).toBe(true);
    expect(q.query.queryType).toBe(6);
    expect(q.query.query.mustQueries.map((c: any) => c.queryType)).toEqual([1, 4]);
    expect(fromSdkInt64(q.query.query.mustQueries[1].query.rangeFrom)).toBe(9007199254740993n);
    expect(q.query.query.mustQueries[1].query).not.toHaveProperty('rangeTo');
    expect(q.query.query.mustNotQueries[0].query).toEqual({ fieldName: 'city', term: 'bj' });
    expect(q.sort).toEqual({ sorters: [{ fieldSort: { fieldName: 'price', order: 1 } }] });
    expect(q.highlight.highlightParameters.map((p: any) => p.fieldName)).toEqual(['title']);
    expect(q.groupBys.groupBys[0].body).toEqual({ fieldName: 'city', size: 10 });
  });

  it('gives should clauses the minimumShouldMatch the SDK requires (1 alone, 0 beside must)', () => {
    const should = { kind: 'term' as const, field: 'city', value: 'hz', occur: 'should' as const };
    expect((searchQueryOf(req({ clauses: [should] }), index) as any).query.query.minimumShouldMatch).toBe(1);
    expect((searchQueryOf(req({ clauses: [should, { kind: 'match', field: 'title', value: 'a' }] }), index) as any).query.query.minimumShouldMatch).toBe(0);
  });

  it('is match-all without clauses', () => {
    expect((searchQueryOf(req({}), index) as any).query).toEqual({ queryType: 11, query: {} });
  });

  it('refuses malformed input with the clause and field named', () => {
    expect(refused(req({ clauses: [{ kind: 'range', field: 'price', from: 'ten' }] }))).toBe('clause 1 (price) lower bound: "ten" is not an integer');
    expect(refused(req({ clauses: [{ kind: 'term', field: 'score', value: 'x' }] }))).toBe('clause 1 (score): "x" is not a finite number');
    expect(refused(req({ clauses: [{ kind: 'match', field: 'price', value: '1' }] }))).toBe('clause 1 (price): match takes a TEXT or KEYWORD field, price is LONG');
    expect(refused(req({ clauses: [{ kind: 'match', field: 'nope', value: 'a' }] }))).toBe('clause 1 (nope): not a field of the index');
    expect(refused(req({ clauses: [{ kind: 'range', field: 'price' }] }))).toBe('clause 1 (price): a range needs a lower or an upper bound');
    expect(refused(req({ clauses: [{ kind: 'fuzzy' as never, field: 'title' }] }))).toBe('clause 1 (title): the kind is match, term or range, got "fuzzy"');
    expect(refused(req({ limit: 101 }))).toMatch(/^limit: a whole number from 1 to 100/);
    expect(refused(req({ groupBy: 'score' }))).toBe('group by: a KEYWORD or LONG field, score is DOUBLE');
    expect(refused(req({ sort: { field: 'price', order: 'up' as never } }))).toBe('sort: the order is asc or desc, got "up"');
  });
});
