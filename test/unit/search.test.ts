/**
 * Pure parts of the emulator's search: strict date parsing, analyzers, geo encoding and geohash cells, the
 * percentile rule, wildcard patterns (spec §2.2, §3, §4, §7), and the per-index value columns kept in step with
 * puts and removes.
 */
import { describe, expect, it } from 'vitest';
import { analyzerOf } from '../../src/emulator/search/analyzers';
import { parseDate } from '../../src/emulator/search/date-format';
import { geohash, haversine, parseGeoPoint } from '../../src/emulator/search/geo';
import { percentile } from '../../src/emulator/search/aggregations';
import { wildcardRegExp } from '../../src/emulator/search/query-leaf';
import { smallest } from '../../src/emulator/search/execute';
import { buildDoc, storedCells } from '../../src/emulator/search/document';
import { SearchIndex } from '../../src/emulator/search/search-index';
import { VT, type Value } from '../../src/emulator/model/value';
import { FieldType, type FieldDef } from '../../src/emulator/search/schema';

const text = (analyzer: string, analyzerParam: FieldDef['analyzerParam'] = {}) => analyzerOf({ name: 't', type: FieldType.TEXT, analyzer, analyzerParam });
const terms = (a: ReturnType<typeof text>, s: string) => a.tokens(s).map((t) => t.term);

describe('search: date formats', () => {
  it('parses strictly: doubled letters have a fixed width', () => {
    expect(parseDate('2022-05-10', ['yyyy-MM-dd'])).toBe(Date.UTC(2022, 4, 10));
    expect(parseDate('2022-05-1', ['yyyy-MM-dd'])).toBeUndefined();
    expect(parseDate('2022-05-1', ['yyyy-MM-d'])).toBe(Date.UTC(2022, 4, 1));
    expect(parseDate('2022-02-30', ['yyyy-MM-dd'])).toBeUndefined();
  });
  it('takes literals, fractions, offsets, 12-hour clocks and several formats', () => {
    expect(parseDate("2022-05-10T08:30:00.250+08:00", ["yyyy-MM-dd'T'HH:mm:ss.SSSXXX"])).toBe(Date.UTC(2022, 4, 10, 0, 30, 0, 250));
    expect(parseDate('05/10/2022 02:00 PM', ['MM/dd/yyyy hh:mm a'])).toBe(Date.UTC(2022, 4, 10, 14));
    expect(parseDate('2022-05-10', ['yyyy/MM/dd', 'yyyy-MM-dd'])).toBe(Date.UTC(2022, 4, 10));
  });
  it('reads integers with epoch formats and refuses dates outside [1970, 2262]', () => {
    expect(parseDate(1652140800n, ['epoch_second'])).toBe(1652140800000);
    expect(parseDate(1652140800123n, ['epoch_millis'])).toBe(1652140800123);
    expect(parseDate(1652140800123456n, ['epoch_micros'])).toBeCloseTo(1652140800123.456, 3);
    expect(parseDate(-1n, ['epoch_millis'])).toBeUndefined();
    expect(parseDate('1969-12-31', ['yyyy-MM-dd'])).toBeUndefined();
  });
});

describe('search: analyzers', () => {
  it('single_word: one token per CJK character, letter+digit runs kept unless delimit_word, lower-cased', () => {
    expect(terms(text('single_word'), 'Hang Zhou 杭州 IPhone6, this is 100')).toEqual(['hang', 'zhou', '杭', '州', 'iphone6', 'this', 'is', '100']);
    expect(terms(text('single_word', { delimitWord: true, caseSensitive: true }), 'IPhone6')).toEqual(['IPhone', '6']);
  });
  it('split on the delimiter; fuzzy n-grams', () => {
    expect(terms(text('split', { delimiter: ',' }), 'a,B,,c')).toEqual(['a', 'b', 'c']);
    expect(terms(text('fuzzy', { minChars: 1, maxChars: 2 }), 'AbC')).toEqual(['a', 'ab', 'b', 'bc', 'c']);
  });
  it('min_word / max_word with jieba: max_word gives every overlapping dictionary word and the uncovered characters', () => {
    expect(terms(text('min_word'), '菊花茶')).toEqual(['菊花茶']);
    expect(terms(text('max_word'), '菊花茶')).toEqual(['菊花', '菊花茶', '花茶']);
    // The Python SDK's full_text_search_test: a match on 梨花茶 finds the 花茶 rows (spec §11).
    expect(terms(text('max_word'), '梨花茶')).toEqual(['梨花', '花茶']);
    expect(terms(text('max_word'), '他来到了网易 TableStore')).toEqual(['他', '来到', '了', '网易', 'tablestore']);
  });
  it('single_word tokens equal a per-character Unicode reading, and every analyzer\'s terms equal its tokens\' terms', () => {
    // The reference: each character classed by \p{L} / \p{N} / the CJK ranges, as the analyzer is specified (spec §3).
    const cjk = (cp: number) => (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x20000 && cp <= 0x2ceaf)
      || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x3040 && cp <= 0x30ff) || (cp >= 0xac00 && cp <= 0xd7af);
    const reference = (s: string, delimit: boolean, fold: boolean) => {
      const out: Array<[string, number, number]> = [];
      let run = -1;
      let kind = '';
      const flush = (end: number) => {
        if (run >= 0) out.push([fold ? s.slice(run, end).toLowerCase() : s.slice(run, end), run, end]);
        run = -1;
      };
      for (let i = 0; i < s.length; ) {
        const cp = s.codePointAt(i)!;
        const ch = String.fromCodePoint(cp);
        if (cjk(cp)) {
          flush(i);
          out.push([ch, i, i + ch.length]);
        } else if (/[\p{L}\p{N}]/u.test(ch)) {
          const k = delimit ? (/\p{N}/u.test(ch) ? 'd' : 'l') : 'w';
          if (run >= 0 && k !== kind) flush(i);
          if (run < 0) [run, kind] = [i, k];
        } else flush(i);
        i += ch.length;
      }
      flush(s.length);
      return out;
    };
    const alphabet = ['a', 'Z', 'é', 'Ω', 'ß', '7', '٣', '１', '杭', 'の', '한', '𠀀', '😀', ' ', ',', '-', '_', '\t', 'İ'];
    let seed = 11;
    const rnd = (n: number) => ((seed = (seed * 16807) % 2147483647), seed % n);
    for (let n = 0; n < 300; n++) {
      const s = Array.from({ length: rnd(12) }, () => alphabet[rnd(alphabet.length)]).join('');
      for (const [delimitWord, caseSensitive] of [[false, false], [true, false], [true, true]]) {
        const a = text('single_word', { delimitWord, caseSensitive });
        expect(a.tokens(s).map((t) => [t.term, t.start, t.end])).toEqual(reference(s, delimitWord, !caseSensitive));
        expect(a.tokens(s).map((t) => t.pos)).toEqual(a.tokens(s).map((_, i) => i));
        // single_word's own terms() (split and fuzzy derive theirs from tokens()).
        expect(a.terms(s)).toEqual(reference(s, delimitWord, !caseSensitive).map((x) => x[0]));
      }
    }
  });
});

describe('search: geo', () => {
  it('parses "lat,lon" with spaces and refuses out-of-range points', () => {
    expect(parseGeoPoint('30.3, 117.0')).toEqual({ lat: 30.3, lon: 117 });
    expect(parseGeoPoint('91,0')).toBeUndefined();
    expect(parseGeoPoint('abc')).toBeUndefined();
  });
  it('geohash cells: precision 3 around Hangzhou is wtm with the observed box (spec §7.2)', () => {
    const g = geohash({ lat: 30.2, lon: 120.2 }, 3);
    expect(g).toEqual({ hash: 'wtm', topLeft: { lat: 30.9375, lon: 119.53125 }, bottomRight: { lat: 29.53125, lon: 120.9375 } });
  });
  it('haversine uses the mean earth radius 6371008.7714 m', () => {
    expect(haversine({ lat: 0, lon: 0 }, { lat: 0, lon: 1 })).toBeCloseTo((6371008.7714 * Math.PI) / 180, 3);
  });
});

describe('search: percentiles and wildcards', () => {
  it('interpolates, truncating toward zero for integral fields', () => {
    const la = [...Array(100).fill(-1), ...Array.from({ length: 100 }, (_, i) => i)];
    expect(percentile(la, 50, true)).toBe(0);
    expect(percentile(la, 50, false)).toBe(-0.5);
    expect(percentile([1, 2, 3, 4], 100, true)).toBe(4);
  });
  it('* is any sequence, ? exactly one character, everything else literal', () => {
    expect(wildcardRegExp('key0?*').test('key01')).toBe(true);
    expect(wildcardRegExp('key0?*').test('key0')).toBe(false);
    expect(wildcardRegExp('a.b').test('axb')).toBe(false);
  });
});

describe('search: page selection', () => {
  it('selects the k smallest in order, like a full sort, ties kept in input order', () => {
    let seed = 7;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % 1000);
    const items = Array.from({ length: 5000 }, (_, i) => ({ v: rnd(), i }));
    const cmp = (a: { v: number }, b: { v: number }) => a.v - b.v;
    for (const k of [0, 1, 10, 100, 700, 5000]) expect(smallest([...items], k, cmp)).toEqual([...items].sort(cmp).slice(0, k));
  });
});

describe('search: value columns (SearchIndex.valuesOf)', () => {
  const def = { table: 't', tableId: 1, name: 'i', fields: [{ name: 'n', type: FieldType.LONG }], routing: [], indexSort: [], ttl: -1, createdAt: 0 };
  const doc = (id: number, n: number) =>
    buildDoc(`k${id}`, { pk: [{ name: 'id', value: { t: VT.INTEGER, v: BigInt(id) } }], cols: new Map([['n', [{ ts: 1, value: { t: VT.INTEGER, v: BigInt(n) } }]]]) }, def.fields);

  it('reads what each document holds across updates, removes and reused slots', () => {
    const index = new SearchIndex(def);
    const n = index.valuesOf('n');
    const a = doc(1, 10);
    const b = doc(2, 20);
    index.put(a);
    index.put(b);
    const b2 = doc(2, 21); // an update replaces the document of the same key
    index.put(b2);
    index.remove('k1');
    const c = doc(3, 30); // takes a freed slot
    index.put(c);
    expect([n(b2), n(c)]).toEqual([[21], [30]]);
    // Documents no longer indexed (a ParallelScan snapshot may still hold them) read their own values.
    expect([n(a), n(b)]).toEqual([[10], [20]]);
    expect([...index.docs.values()].map((d) => n(d)?.[0]).sort()).toEqual([21, 30]);
  });
});

describe('search: postings (SearchIndex.posting) across puts, updates and removes', () => {
  const def = {
    table: 't', tableId: 1, name: 'i', routing: [], indexSort: [], ttl: -1, createdAt: 0,
    fields: [{ name: 'k', type: FieldType.KEYWORD }, { name: 'x', type: FieldType.TEXT }],
  };
  const S = (s: string) => [{ ts: 1, value: { t: VT.STRING as const, v: Buffer.from(s) } }];
  const doc = (id: number, k: string, x: string) =>
    buildDoc(`k${String(id).padStart(4, '0')}`, { pk: [{ name: 'id', value: { t: VT.INTEGER, v: BigInt(id) } }], cols: new Map([['k', S(k)], ['x', S(x)]]) }, def.fields);

  it('holds exactly the live documents of each term, in indexing order and in key order', () => {
    const index = new SearchIndex(def);
    // The reference: key → [keyword, terms], in the order each key was last indexed.
    const model = new Map<string, [string, string[]]>();
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 16807) % 2147483647), seed % n); // Park-Miller: exact in doubles
    const words = ['a', 'b', 'c', 'd'];
    for (let step = 0; step < 3000; step++) {
      const id = rnd(60);
      const key = `k${String(id).padStart(4, '0')}`;
      if (rnd(4) === 0) {
        index.remove(key);
        model.delete(key);
        continue;
      }
      // Terms repeat within a value ("a b a") and some are held by one document only (`u<id>`).
      const x = [words[rnd(4)], words[rnd(4)], words[rnd(4)], `u${id}`].join(' ');
      const k = `kw${rnd(5)}`;
      index.put(doc(id, k, x));
      model.delete(key);
      model.set(key, [k, x.split(' ')]);
      // Sizes every step (reading them compacts nothing, so dead entries pile up as they would between queries).
      for (const term of words) expect(index.postingSize('x', term)).toBe([...model.values()].filter(([, ts]) => ts.includes(term)).length);
      if (step % 7 === 0 || step > 2990) {
        for (const term of [...words, 'u1', 'u2', 'nothing']) {
          const want = [...model].filter(([, [, ts]]) => ts.includes(term)).map(([key]) => key);
          expect(index.posting('x', term)?.map((d) => d.key)).toEqual(want);
          expect(index.postingSize('x', term)).toBe(want.length);
          expect(index.postingInKeyOrder('x', term).map((d) => d.key)).toEqual([...want].sort());
        }
        for (let c = 0; c < 5; c++) expect(index.postingSize('k', `kw${c}`)).toBe([...model.values()].filter(([kw]) => kw === `kw${c}`).length);
        // Documents sharing a KEYWORD value share its list: each still reads its own value, by column or by itself.
        const k = index.valuesOf('k');
        for (const [key, [kw, ts]] of model) {
          const d = index.docs.get(key)!;
          expect([k(d), d.values.get('k'), (d.values.get('x')?.[0] as { terms: string[] }).terms]).toEqual([[kw], [kw], ts]);
        }
      }
    }
    expect(index.posting('nope', 'a')).toBeUndefined();
  });

  it('a term twice in a removed document is removed once, even when the removal compacts the posting', () => {
    const index = new SearchIndex(def);
    index.put(doc(1, 'kw', 'a a'));
    index.put(doc(2, 'kw', 'a'));
    index.put(doc(3, 'kw', 'a'));
    index.remove('k0002');
    index.remove('k0001'); // the dead (2) outnumber the live (1) at its first "a": compacted before its second
    expect(index.postingSize('x', 'a')).toBe(1);
    expect(index.posting('x', 'a')?.map((d) => d.key)).toEqual(['k0003']);
  });
});

describe('search: stored copies (storedCells, ALL_FROM_INDEX)', () => {
  it('give back each stored field\'s cell as the row held it, by name, after the index shares its strings', () => {
    const F = (name: string, type: number, extra: Partial<FieldDef> = {}): FieldDef => ({ name, type, ...extra });
    const fields = [
      F('k', FieldType.KEYWORD), F('l', FieldType.LONG), F('ld', FieldType.LONG), F('d', FieldType.DOUBLE), F('b', FieldType.BOOLEAN),
      F('t', FieldType.TEXT), F('day', FieldType.DATE, { dateFormats: ['yyyy-MM-dd'] }), F('ka', FieldType.KEYWORD, { isArray: true }),
      F('ns', FieldType.KEYWORD, { store: false }), F('bad', FieldType.LONG), F('id', FieldType.LONG), F('v', FieldType.KEYWORD, { virtual: true, sources: ['k'] }),
    ];
    const def = { table: 't', tableId: 1, name: 'i', fields, routing: [], indexSort: [], ttl: -1, createdAt: 0 };
    const str = (s: string) => ({ t: VT.STRING as const, v: Buffer.from(s) });
    const cells: Array<[string, Value]> = [
      ['k', str('shared')], ['l', { t: VT.INTEGER, v: 2n ** 60n + 1n }], ['ld', { t: VT.DOUBLE, v: 5 }], ['d', { t: VT.DOUBLE, v: 2.5 }],
      ['b', { t: VT.BOOLEAN, v: false }], ['t', str('Some text')], ['day', str('2024-01-02')], ['ka', str('["x","shared"]')],
      ['ns', str('not stored')], ['bad', str('not a long')],
    ];
    const row = (id: number) => ({ pk: [{ name: 'id', value: { t: VT.INTEGER as const, v: BigInt(id) } }], cols: new Map(cells.map(([n, v]) => [n, [{ ts: 1, value: v }]])) });
    const index = new SearchIndex(def);
    const docs = [1, 2].map((id) => buildDoc(`k${id}`, row(id), fields));
    for (const d of docs) index.put(d);
    const want = cells.filter(([n]) => n !== 'ns' && n !== 'bad').map(([name, value]) => ({ name, value })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const d of docs) expect(storedCells(d)).toEqual(want);
  });
});
