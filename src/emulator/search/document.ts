/**
 * A search document built from a table row (spec §2.2, §2.4): each index field's values, converted to the
 * field type. A value that does not fit its field (wrong type, bad date, bad JSON, too long) is "dirty data":
 * that field is dropped and the rest of the row stays indexed (observed behaviour, §2.2).
 */
import { compareNames, rowDataSize, type Cell, type RowData } from '../model/row';
import { VT, type Value } from '../model/value';
import { analyzerOf } from './analyzers';
import { parseDate } from './date-format';
import { parseGeoPoint, quantize, type GeoPoint } from './geo';
import { FieldType, type FieldDef } from './schema';

/** A TEXT value: the text and its terms in order (positions are indexes); offsets are recomputed when needed. */
export interface TextValue {
  text: string;
  terms: string[];
}

/** number for LONG/DOUBLE/DATE (DATE in ms), string for KEYWORD, boolean, GeoPoint, TextValue, number[] for VECTOR. */
export type FieldValue = number | string | boolean | GeoPoint | TextValue | number[];

/** A document's values by field path; a Map of path → values is one. */
export interface DocValues {
  get(path: string): FieldValue[] | undefined;
  has(path: string): boolean;
}

/** A stored column value as the row held it: INTEGER as bigint, DOUBLE as number, BOOLEAN, STRING as string. */
export type StoredValue = bigint | number | boolean | string;

export interface Doc {
  /** The row's store key (latin1), which sorts like the primary key. */
  key: string;
  pk: Cell[];
  /** Newest cell timestamp (ms): index TTL counts from it. */
  ts: number;
  /** Data size of the row (bytes), summed into DescribeSearchIndex's storage_size. */
  size?: number;
  /** Field path → values; NESTED sub-fields appear here too as `path.sub` (all children's values) for aggs/sorts. */
  readonly values: DocValues;
  /** NESTED path → child documents (their values keyed by full dotted path); NO_CHILDREN when none. */
  nested: ReadonlyMap<string, Doc[]>;
  /** Position among its parent's children (nested_doc_offset). */
  offset?: number;
  /** Slot in its SearchIndex's value columns while indexed; -1 otherwise (nested children, removed documents). */
  ord?: number;
}

/** Shared by every document without nested fields [performance: one Map less per document]. */
export const NO_CHILDREN: ReadonlyMap<string, Doc[]> = new Map();

/**
 * Where a document of an index keeps each field path's values: the top-level fields first, in definition order,
 * then every NESTED sub-field path (`a.b`, `a.b.c`). One per field list, shared by all its documents.
 */
export interface Layout {
  readonly fields: readonly FieldDef[];
  /** Path → position in `SearchDoc.vals`. */
  readonly at: ReadonlyMap<string, number>;
  readonly size: number;
}

const layouts = new WeakMap<readonly FieldDef[], Layout>();

export function layoutOf(fields: readonly FieldDef[]): Layout {
  let layout = layouts.get(fields);
  if (layout) return layout;
  const at = new Map<string, number>();
  const add = (path: string) => {
    if (!at.has(path)) at.set(path, at.size);
  };
  for (const f of fields) add(f.name);
  const subs = (list: readonly FieldDef[], prefix: string) => {
    for (const f of list) {
      add(`${prefix}.${f.name}`);
      if (f.fields) subs(f.fields, `${prefix}.${f.name}`);
    }
  };
  for (const f of fields) if (f.fields) subs(f.fields, f.name);
  layouts.set(fields, (layout = { fields, at, size: at.size }));
  return layout;
}

/**
 * A document as buildDoc makes it. [performance] Its values sit in one array placed by the index's Layout, and
 * the document is its own `values` reader: a Map per document (and its hash table) was the largest object an
 * indexed row kept, and every object kept is copied by the young-generation GC before it settles.
 */
export class SearchDoc implements Doc, DocValues {
  ts = 0;
  size = 0;
  nested: ReadonlyMap<string, Doc[]> = NO_CHILDREN;
  offset = 0;
  ord = -1;
  /**
   * The values by layout position, then (top-level documents) the original column value of each `store` field
   * (ALL_FROM_INDEX) by the field's position among the top-level fields, after `layout.size`: in the same
   * array [performance: one array less per document].
   */
  readonly vals: Array<FieldValue[] | StoredValue | undefined>;

  constructor(
    readonly key: string,
    readonly pk: Cell[],
    readonly layout: Layout,
    withStored: boolean,
  ) {
    this.vals = new Array<FieldValue[] | StoredValue | undefined>(withStored ? layout.size + layout.fields.length : layout.size).fill(undefined);
  }

  get values(): DocValues {
    return this;
  }

  get(path: string): FieldValue[] | undefined {
    const i = this.layout.at.get(path);
    return i === undefined ? undefined : this.at(i);
  }

  /** The values at a layout position. */
  at(i: number): FieldValue[] | undefined {
    return this.vals[i] as FieldValue[] | undefined;
  }

  setAt(i: number, vals: FieldValue[]): void {
    this.vals[i] = vals;
  }

  /** The stored value of top-level field `i` (a position in `layout.fields`). */
  stored(i: number): StoredValue | undefined {
    return this.vals.length > this.layout.size ? (this.vals[this.layout.size + i] as StoredValue | undefined) : undefined;
  }

  setStored(i: number, v: StoredValue): void {
    this.vals[this.layout.size + i] = v;
  }

  has(path: string): boolean {
    return this.get(path) !== undefined;
  }
}

function children(doc: SearchDoc): Map<string, Doc[]> {
  if (doc.nested === NO_CHILDREN) doc.nested = new Map();
  return doc.nested as Map<string, Doc[]>;
}

/** Limits (spec §2.6). */
const MAX_ARRAY = 256;
const MAX_CHILDREN = 256;
const MAX_KEYWORD_BYTES = 4096;
const MAX_TEXT_BYTES = 2 * 1024 * 1024;

type Raw = bigint | number | string | boolean | object | null;

function rawOf(v: Value): Raw | undefined {
  switch (v.t) {
    case VT.INTEGER: return v.v;
    case VT.DOUBLE: return v.v;
    case VT.BOOLEAN: return v.v;
    case VT.STRING: return v.v.toString('utf8');
    default: return undefined;
  }
}

/** Whether `s` takes at most `max` bytes in UTF-8: at most 3 bytes per UTF-16 unit, so short strings need no count. */
function utf8Within(s: string, max: number): boolean {
  return s.length * 3 <= max || Buffer.byteLength(s) <= max;
}

/** Converts one raw value (a cell's or a JSON element's) to the field's type; undefined = dirty. */
function convert(f: FieldDef, raw: Raw, lenient: boolean): FieldValue | undefined {
  switch (f.type) {
    case FieldType.LONG: {
      if (typeof raw === 'bigint') return Number(raw);
      if (typeof raw === 'number') return Number.isInteger(raw) ? raw : undefined;
      if (lenient && typeof raw === 'string' && /^-?\d+$/.test(raw.trim())) return Number(raw.trim());
      return undefined;
    }
    case FieldType.DOUBLE: {
      if (typeof raw === 'number') return raw;
      if (lenient && typeof raw === 'bigint') return Number(raw);
      if (lenient && typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
      return undefined;
    }
    case FieldType.BOOLEAN:
      if (typeof raw === 'boolean') return raw;
      if (lenient && (raw === 'true' || raw === 'false')) return raw === 'true';
      return undefined;
    case FieldType.KEYWORD: {
      const s = typeof raw === 'string' ? raw : lenient && (typeof raw === 'bigint' || typeof raw === 'number') ? String(raw) : undefined;
      return s !== undefined && utf8Within(s, MAX_KEYWORD_BYTES) ? s : undefined;
    }
    case FieldType.TEXT: {
      const s = typeof raw === 'string' ? raw : lenient && (typeof raw === 'bigint' || typeof raw === 'number') ? String(raw) : undefined;
      if (s === undefined || !utf8Within(s, MAX_TEXT_BYTES)) return undefined;
      return { text: s, terms: analyzerOf(f).terms(s) };
    }
    case FieldType.DATE:
      if (typeof raw === 'string' || typeof raw === 'bigint' || (typeof raw === 'number' && Number.isInteger(raw))) return parseDate(raw, f.dateFormats ?? []);
      return undefined;
    case FieldType.GEO_POINT: {
      const p = typeof raw === 'string' ? parseGeoPoint(raw) : undefined;
      return p && quantize(p);
    }
    case FieldType.VECTOR: {
      const arr = typeof raw === 'string' ? parseJson(raw) : raw;
      if (!Array.isArray(arr) || arr.length !== f.vector!.dimension || !arr.every((x) => typeof x === 'number' && Number.isFinite(x))) return undefined;
      return arr.map((x) => Math.fround(x));
    }
    default:
      return undefined;
  }
}

function parseJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** A field's values from one raw value: arrays are JSON array strings (cells) or JSON arrays (inside nested). */
function fieldValues(f: FieldDef, raw: Raw, fromCell: boolean): FieldValue[] | undefined {
  // A virtual field converts across types (STRING → LONG…, spec §2.4); so do values inside nested JSON.
  const lenient = !!f.virtual || !fromCell;
  if (f.isArray) {
    const arr = typeof raw === 'string' ? parseJson(raw) : raw;
    if (!Array.isArray(arr) || arr.length > MAX_ARRAY) return undefined;
    const out: FieldValue[] = [];
    for (const el of arr) {
      const v = el === null ? undefined : convert(f, el as Raw, true);
      if (v === undefined) return undefined;
      out.push(v);
    }
    return out;
  }
  const v = convert(f, raw, lenient);
  if (typeof v === 'boolean') return v ? ONE_TRUE : ONE_FALSE;
  return v === undefined ? undefined : typeof v === 'number' ? oneNumber(v) : [v];
}

/**
 * [performance] A list of one number made here alone holds it unboxed (V8 keeps a list's element kind per
 * allocation site: one site for every type boxed each double as a heap object of its own), and the two boolean
 * lists are shared (value lists are never changed once made).
 */
function oneNumber(v: number): number[] {
  return [v];
}
const ONE_TRUE: FieldValue[] = [true];
const ONE_FALSE: FieldValue[] = [false];

function childDocs(f: FieldDef, raw: Raw, path: string, parent: SearchDoc): SearchDoc[] | undefined {
  const json = typeof raw === 'string' ? parseJson(raw) : raw;
  const list = Array.isArray(json) ? json : json && typeof json === 'object' ? [json] : undefined;
  if (!list || list.length > MAX_CHILDREN || !list.every((o) => o && typeof o === 'object' && !Array.isArray(o))) return undefined;
  return list.map((obj, i) => {
    const child = new SearchDoc(parent.key, parent.pk, parent.layout, false);
    child.ts = parent.ts;
    child.offset = i;
    for (const sub of f.fields!) {
      const v = (obj as Record<string, unknown>)[sub.name];
      if (v === undefined || v === null) continue;
      addField(child, sub, `${path}.${sub.name}`, v as Raw, false);
    }
    return child;
  });
}

/** Appends to the parent's roll-up; a copy, never the child's own array, which later children would grow. */
function push(doc: SearchDoc, at: number, vals: FieldValue[]): void {
  const list = doc.at(at);
  if (list) list.push(...vals);
  else doc.vals[at] = [...vals];
}

function addField(doc: SearchDoc, f: FieldDef, path: string, raw: Raw, fromCell: boolean): void {
  if (f.type === FieldType.NESTED) {
    const kids = childDocs(f, raw, path, doc);
    if (!kids) return;
    const map = children(doc);
    map.set(path, kids);
    // Sub-field values roll up to the parent for aggregations and sorts without a wrapper (spec §2.4).
    for (const c of kids) {
      for (let i = 0; i < c.layout.size; i++) {
        const vals = c.at(i);
        if (vals) push(doc, i, vals);
      }
      for (const [p, grandKids] of c.nested) map.set(p, [...(map.get(p) ?? []), ...grandKids]);
    }
    return;
  }
  const vals = fieldValues(f, raw, fromCell);
  // An empty array indexes nothing: Exists is false for `[]` (spec §4).
  if (vals && vals.length) doc.vals[doc.layout.at.get(path)!] = vals;
}

/** The column value a field reads: a PK column or the newest visible version of an attribute. */
function columnValue(row: RowData, name: string): Value | undefined {
  for (const c of row.pk) if (c.name === name) return c.value;
  return row.cols.get(name)?.[0]?.value;
}

function isPk(row: RowData, name: string): boolean {
  for (const c of row.pk) if (c.name === name) return true;
  return false;
}

/** Builds the document of a (visible) row. */
export function buildDoc(key: string, row: RowData, fields: readonly FieldDef[]): Doc {
  const layout = layoutOf(fields);
  const doc = new SearchDoc(key, row.pk, layout, true);
  let ts = 0;
  for (const list of row.cols.values()) for (const v of list) if (v.ts > ts) ts = v.ts;
  doc.ts = ts;
  doc.size = rowDataSize(row);
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    const source = f.virtual ? f.sources![0] : f.name;
    const cell = columnValue(row, source);
    if (!cell) continue;
    const raw = rawOf(cell);
    if (raw === undefined) continue;
    addField(doc, f, f.name, raw, true);
    // Stored copies (store absent counts as stored [decision]) of fields that indexed cleanly; never virtual ones.
    // The raw value, not the cell [performance: a string is the one the field already holds; no Value kept].
    const indexed = doc.at(layout.at.get(f.name)!) !== undefined || doc.nested.has(f.name);
    if (f.store !== false && !f.virtual && indexed && !isPk(row, source)) doc.setStored(i, raw as StoredValue);
  }
  return doc;
}

/** The stored columns of a document (ALL_FROM_INDEX) as cells, by name. */
export function storedCells(doc: Doc): Cell[] {
  const cells: Cell[] = [];
  if (!(doc instanceof SearchDoc)) return cells;
  const fields = doc.layout.fields;
  for (let i = 0; i < fields.length; i++) {
    const v = doc.stored(i);
    if (v === undefined) continue;
    const value: Value =
      typeof v === 'string' ? { t: VT.STRING, v: Buffer.from(v, 'utf8') }
      : typeof v === 'bigint' ? { t: VT.INTEGER, v }
      : typeof v === 'number' ? { t: VT.DOUBLE, v }
      : { t: VT.BOOLEAN, v };
    cells.push({ name: fields[i].name, value });
  }
  return cells.sort((a, b) => compareNames(a.name, b.name));
}
