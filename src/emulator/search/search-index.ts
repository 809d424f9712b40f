/**
 * One search index in memory: its documents by row key, and postings (term → documents) with length
 * statistics for every top-level scalar field, so term-like queries start from a posting list instead of a scan,
 * and Match queries get BM25 statistics (spec §4).
 */
import { SearchDoc, type Doc, type FieldValue, type TextValue } from './document';
import { FieldType, type FieldDef, type SearchIndexDef } from './schema';

export interface FieldStats {
  /** Documents holding the field. */
  docs: number;
  /** Sum of token counts (TEXT) — BM25's average field length. */
  length: number;
}

/** The posting key of a scalar value (TEXT contributes its tokens instead). */
export function termKey(v: FieldValue): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return `#${v}`;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return undefined;
}

/** A field's values in ascending order with their documents (one entry per value; array elements each). */
export interface SortedColumn {
  values: Array<number | string | boolean>;
  docs: Doc[];
  /** Some document holds several values (an array field): a document may appear more than once. */
  multi: boolean;
}

/** The one number a document holds, NaN otherwise (the number columns' encoding). */
function single(vals: FieldValue[] | undefined): number {
  return vals?.length === 1 && typeof vals[0] === 'number' ? vals[0] : NaN;
}

/**
 * The documents of a term held by two or more documents, in the order they were indexed.
 * [performance] An array appended to instead of a Set per term: indexing a row appends one pointer per term
 * (a Set entry cost several times that in time and memory), and a term only one document holds (an id, a
 * number in a text) is no posting at all: its entry in the term map is that document (see `Entry`).
 * Removing a document only counts it `dead`: it stays in `docs` (its `ord` is then -1) until the posting is
 * read, or until the dead outnumber the live, when the posting is compacted (order kept), so the cost of a
 * removal stays O(1) amortized and the memory of dead entries bounded.
 */
class Posting {
  docs: Doc[];
  dead = 0;
  /** The last document counted dead: a term twice in one document is removed once. */
  lastRemoved: Doc | undefined;
  /** The live documents in row key order (the PK order, the default sort), built on first use after a change. */
  keyOrdered: Doc[] | undefined;
  private single: FieldValue[] | undefined;
  constructor(
    /** The term, as the documents added after the first keep it. */
    readonly term: string,
    first: Doc,
    second: Doc,
  ) {
    this.docs = [first, second];
  }

  get size(): number {
    return this.docs.length - this.dead;
  }

  /** `[term]`: the values of a document whose one KEYWORD value is the term. */
  one(): FieldValue[] {
    return (this.single ??= [this.term]);
  }

  /**
   * The live documents, in indexing order (dead entries dropped now), for a reader: no document is being
   * removed, so `lastRemoved` is let go too.
   */
  live(): Doc[] {
    this.compact();
    this.lastRemoved = undefined;
    return this.docs;
  }

  /**
   * Drops the dead entries. Keeps `lastRemoved`: compacting in the middle of a removal (the dead came to
   * outnumber the live) must not let a later occurrence of the term in the same document count it dead twice.
   */
  compact(): void {
    if (this.dead) {
      this.docs = this.docs.filter((d) => (d.ord ?? -1) >= 0);
      this.dead = 0;
    }
  }
}

/** A term's entry: the one document holding it, or the posting of the several that do. */
type Entry = Doc | Posting;

const NO_DOCS: readonly Doc[] = [];

export class SearchIndex {
  readonly docs = new Map<string, Doc>();
  /** Bumped on every change: sorted columns built at an older version are stale. */
  private version = 0;
  private readonly sorted = new Map<string, { version: number; column: SortedColumn }>();
  private readonly postings = new Map<string, Map<string, Entry>>();
  /**
   * The slots of document lists the index made (postings in key order) or a search narrowed from them, aligned
   * with the list. [performance] a filter or group-by reading a number column by slot then never touches the
   * documents: over a posting of 1,000 documents scattered through the heap, reading each one's slot was most
   * of bench/search.js's bool query. A list goes stale with its posting (a changed posting gets a new list).
   */
  private readonly listSlots = new WeakMap<readonly Doc[], Int32Array>();
  private readonly stats = new Map<string, FieldStats>();
  /**
   * Top-level fields with postings: KEYWORD, TEXT, BOOLEAN. Numbers and dates are found through the sorted
   * column instead [performance: a posting set per distinct number cost more memory than the documents].
   */
  private readonly indexed: FieldDef[];
  /** Each of `indexed`'s position among the top-level fields (its stored copy's, SearchDoc.stored). */
  private readonly indexedAt: number[];
  /** Top-level scalar fields (sorted columns). */
  private readonly scalar: FieldDef[];
  /**
   * Each top-level scalar field's values (the document's own array) by document slot, and the free slots.
   * [performance] sorts, term/range tests and group-bys read a field of every hit: an array index instead of a
   * Map lookup per document halved the CPU of a sorted range query over 100,000 rows (bench/search.js).
   */
  private readonly columns = new Map<string, Array<FieldValue[] | undefined>>();
  private readonly freeSlots: number[] = [];
  private slots = 0;
  /**
   * Each top-level LONG / DOUBLE / DATE field's value by slot when the document holds exactly one, NaN otherwise
   * (none, several, or NaN itself: readers then fall back to the values). [performance] a range filter or a
   * group-by over a posting's documents read one double per document instead of a column slot, a values array
   * and a boxed number, each a cache miss on a large index (bench/search.js's bool query).
   */
  private readonly numbers = new Map<string, { at: Float64Array }>();

  constructor(readonly def: SearchIndexDef) {
    this.scalar = def.fields.filter((f) => [FieldType.LONG, FieldType.DOUBLE, FieldType.DATE, FieldType.KEYWORD, FieldType.BOOLEAN].includes(f.type as never));
    this.indexed = def.fields.filter((f) => [FieldType.KEYWORD, FieldType.TEXT, FieldType.BOOLEAN].includes(f.type as never));
    this.indexedAt = this.indexed.map((f) => def.fields.indexOf(f));
    for (const f of this.scalar) this.columns.set(f.name, []);
    for (const f of this.scalar) if (f.type === FieldType.LONG || f.type === FieldType.DOUBLE || f.type === FieldType.DATE) this.numbers.set(f.name, { at: new Float64Array(0) });
  }

  /** Sum of the indexed rows' data sizes (bytes). */
  bytes = 0;

  get size(): number {
    return this.docs.size;
  }

  /**
   * Indexes `doc`, replacing the document of its key. A `Doc` is put at most once (`buildDoc` makes a new one
   * for every write): the postings tell documents apart by identity (`post`'s same-document checks).
   */
  put(doc: Doc): void {
    this.remove(doc.key);
    this.version++;
    this.docs.set(doc.key, doc);
    this.bytes += doc.size ?? 0;
    // The slot first: a document in a posting is live while its `ord` is >= 0 (Posting.live).
    const ord = this.freeSlots.pop() ?? this.slots++;
    doc.ord = ord;
    this.walk(doc, 1);
    for (const [name, col] of this.columns) col[ord] = doc.values.get(name);
    for (const [name, num] of this.numbers) {
      if (ord >= num.at.length) {
        const grown = new Float64Array(Math.max(1024, num.at.length * 2)).fill(NaN);
        grown.set(num.at);
        num.at = grown;
      }
      num.at[ord] = single(doc.values.get(name));
    }
  }

  remove(key: string): void {
    const old = this.docs.get(key);
    if (!old) return;
    this.version++;
    this.docs.delete(key);
    this.bytes -= old.size ?? 0;
    const ord = old.ord ?? -1;
    if (ord >= 0) {
      for (const col of this.columns.values()) col[ord] = undefined;
      for (const num of this.numbers.values()) num.at[ord] = NaN;
      this.freeSlots.push(ord);
      old.ord = -1;
    }
    this.walk(old, -1);
  }

  /**
   * A reader of a field's values, the same as `doc.values.get(path)`: from the field's column for an indexed
   * document, from the document's map otherwise (nested children, sub-field paths).
   */
  valuesOf(path: string): (doc: Doc) => FieldValue[] | undefined {
    const col = this.columns.get(path);
    if (!col) return (d) => d.values.get(path);
    return (d) => {
      const ord = d.ord ?? -1;
      return ord >= 0 ? col[ord] : d.values.get(path);
    };
  }

  /**
   * A reader of a numeric field's single value (NaN when the document holds none or several: read `valuesOf`
   * then); undefined for a field without a number column (not a top-level LONG / DOUBLE / DATE field).
   */
  numberOf(path: string): ((doc: Doc) => number) | undefined {
    const num = this.numbers.get(path);
    if (!num) return undefined;
    return (d) => {
      const ord = d.ord ?? -1;
      return ord >= 0 ? num.at[ord] : single(d.values.get(path));
    };
  }

  /** The number column itself (`at` is replaced as it grows): for loops that inline numberOf's read. */
  numberColumn(path: string): { readonly at: Float64Array } | undefined {
    return this.numbers.get(path);
  }

  private walk(doc: Doc, delta: 1 | -1): void {
    // Where an added document keeps its stored copies (a document built by buildDoc), to share term strings into.
    const stored = delta > 0 && doc instanceof SearchDoc ? doc : undefined;
    for (let i = 0; i < this.indexed.length; i++) {
      const f = this.indexed[i];
      const vals = doc.values.get(f.name);
      if (!vals) continue;
      let st = this.stats.get(f.name);
      if (!st) this.stats.set(f.name, (st = { docs: 0, length: 0 }));
      st.docs += delta;
      let byTerm = this.postings.get(f.name);
      if (!byTerm) this.postings.set(f.name, (byTerm = new Map()));
      // A term twice in one value (or in two values of an array) meets the same posting twice: `post` adds or
      // deletes the document once, so no per-field Set of terms [performance].
      // An added document's terms and KEYWORD values (and their stored copies) become the posting's own equal
      // string [performance: a term shared by many documents is then one string, not one per document].
      const at = this.indexedAt[i];
      for (let j = 0; j < vals.length; j++) {
        const v = vals[j];
        if (f.type === FieldType.TEXT) {
          const terms = (v as TextValue).terms;
          st.length += delta * terms.length;
          for (let k = 0; k < terms.length; k++) {
            const t = this.post(byTerm, terms[k], doc, delta);
            if (delta > 0) terms[k] = t;
          }
        } else if (typeof v === 'string') {
          const t = this.post(byTerm, v, doc, delta);
          if (delta < 0) continue;
          if (stored && stored.stored(at) === v) stored.setStored(at, t);
          // A single KEYWORD value: the posting's one-value list, shared by its documents [performance: two
          // objects less per document]. Value lists are never changed once indexed.
          const e = vals.length === 1 && stored ? byTerm.get(t) : undefined;
          if (e instanceof Posting) stored!.setAt(at, e.one());
          else vals[j] = t;
        } else {
          const k = termKey(v);
          if (k !== undefined) this.post(byTerm, k, doc, delta);
        }
      }
    }
  }

  /**
   * Adds `doc` to (delta 1) or deletes it from (delta -1) the posting of `term`; returns the string the index
   * keeps for that term (equal to `term`).
   */
  private post(byTerm: Map<string, Entry>, term: string, doc: Doc, delta: 1 | -1): string {
    const e = byTerm.get(term);
    if (delta > 0) {
      if (e === undefined) byTerm.set(term, doc);
      else if (e instanceof Posting) {
        // A term met again in the same document: while one document is walked, no other is appended.
        if (e.docs[e.docs.length - 1] !== doc) {
          e.docs.push(doc);
          e.keyOrdered = undefined;
        }
        return e.term;
      } else if (e !== doc) byTerm.set(term, new Posting(term, e, doc));
    } else if (e === doc) byTerm.delete(term);
    else if (e instanceof Posting && e.lastRemoved !== doc) {
      e.lastRemoved = doc;
      e.dead++;
      e.keyOrdered = undefined;
      if (!e.size) byTerm.delete(term);
      else if (e.dead > e.size) e.compact();
    }
    return term;
  }

  /**
   * The live documents holding `term` in a top-level field, in indexing order; undefined when the field has no
   * postings. Read only: the posting's own array.
   */
  posting(field: string, term: string): readonly Doc[] | undefined {
    const byTerm = this.postings.get(field);
    if (!byTerm) return this.indexed.some((f) => f.name === field) ? NO_DOCS : undefined;
    const e = byTerm.get(term);
    return e === undefined ? NO_DOCS : e instanceof Posting ? e.live() : [e];
  }

  /** The number of documents holding `term` in a top-level field (0 without postings). */
  postingSize(field: string, term: string): number {
    const e = this.postings.get(field)?.get(term);
    return e === undefined ? 0 : e instanceof Posting ? e.size : 1;
  }

  /**
   * The documents holding `term` in a top-level field in row key order, with their slots (`slotsOf`), built on
   * first use after the posting changes [performance: a term query's page is then its posting's first rows, not
   * a top-k over every match].
   */
  postingInKeyOrder(field: string, term: string): readonly Doc[] {
    const e = this.postings.get(field)?.get(term);
    if (e === undefined) return NO_DOCS;
    if (!(e instanceof Posting)) return this.withSlots([e]);
    if (e.keyOrdered) return e.keyOrdered;
    const docs = e.live().slice();
    // Rows indexed in key order (a table scan, appends) need no sort: check before sorting.
    let sorted = true;
    for (let i = 1; i < docs.length && sorted; i++) sorted = docs[i - 1].key < docs[i].key;
    if (!sorted) docs.sort((a, b) => (a.key < b.key ? -1 : 1));
    return (e.keyOrdered = this.withSlots(docs));
  }

  private withSlots(docs: Doc[]): Doc[] {
    this.listSlots.set(docs, Int32Array.from(docs, (d) => d.ord ?? -1));
    return docs;
  }

  /** The slots of a document list (see `listSlots`), when known. */
  slotsOf(docs: readonly Doc[]): Int32Array | undefined {
    return this.listSlots.get(docs);
  }

  /** Records the slots of a list a search narrowed from one with known slots (read only after). */
  keepSlots(docs: readonly Doc[], slots: Int32Array): void {
    this.listSlots.set(docs, slots);
  }

  /**
   * The values of a top-level scalar field sorted ascending, for range candidates. Built on first use after a
   * change [performance: O(n log n) per rebuild; queries between writes reuse it].
   */
  sortedColumn(field: string): SortedColumn | undefined {
    if (!this.scalar.some((x) => x.name === field)) return undefined;
    const cached = this.sorted.get(field);
    if (cached && cached.version === this.version) return cached.column;
    const pairs: Array<[number | string | boolean, Doc]> = [];
    let multi = false;
    for (const d of this.docs.values()) {
      const vals = d.values.get(field) ?? [];
      if (vals.length > 1) multi = true;
      for (const v of vals) pairs.push([v as number | string | boolean, d]);
    }
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const column = { values: pairs.map((p) => p[0]), docs: pairs.map((p) => p[1]), multi };
    this.sorted.set(field, { version: this.version, column });
    return column;
  }

  /** Whether the field has a sorted column (without building it). */
  hasSortedColumn(field: string): boolean {
    return this.scalar.some((x) => x.name === field);
  }

  hasPostings(field: string): boolean {
    return this.indexed.some((f) => f.name === field);
  }

  fieldStats(field: string): FieldStats {
    return this.stats.get(field) ?? { docs: 0, length: 0 };
  }
}
