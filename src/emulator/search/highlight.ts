/**
 * Highlight (spec §4.1): in each requested TEXT field (enable_highlighting required), the tokens the query
 * matched are wrapped in pre/post tags (default `<em>`/`</em>`, inferred from ES). A value no longer than
 * fragment_size is one fragment; a longer one is cut into fragments around the matches. HTML_MODE escapes the
 * text but not the tags.
 */
import { OtsError } from '../errors';
import { analyzerOf } from './analyzers';
import type { Doc, TextValue } from './document';
import type { Highlights } from './query-node';
import { FieldType, resolveField, type FieldDef } from './schema';

interface Param {
  field: string;
  def: FieldDef;
  fragments: number;
  size: number;
  pre: string;
  post: string;
  byScore: boolean;
}

export interface HighlightSpec {
  params: Param[];
  html: boolean;
}

export function compileHighlight(fields: FieldDef[], h: any): HighlightSpec | undefined {
  if (!h) return undefined;
  const params: Param[] = (h.highlightParameters ?? []).map((p: any) => {
    const name = String(p.fieldName ?? '');
    const f = resolveField(fields, name)?.def;
    if (!f || f.type !== FieldType.TEXT || !f.highlight) throw OtsError.param(`highlighting is not supported for field[${name}]`);
    const own = (k: string) => Object.prototype.hasOwnProperty.call(p, k);
    return {
      field: name,
      def: f,
      fragments: own('numberOfFragments') ? Number(p.numberOfFragments) : 5,
      size: own('fragmentSize') ? Number(p.fragmentSize) : 100,
      pre: own('preTag') ? String(p.preTag) : '<em>',
      post: own('postTag') ? String(p.postTag) : '</em>',
      byScore: p.fragmentsOrder === 2,
    };
  });
  return { params, html: h.highlightEncoder === 2 };
}

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '/': '&#x2F;' };
const escapeHtml = (s: string) => s.replace(/[&<>"'/]/g, (c) => HTML[c]);

function fragmentsOf(v: TextValue, tests: Array<(t: string) => boolean>, p: Param, html: boolean): string[] {
  const spans: Array<[number, number]> = [];
  // Offsets come from analyzing the value again (documents keep terms only).
  for (const t of analyzerOf(p.def).tokens(v.text)) if (tests.some((test) => test(t.term))) spans.push([t.start, t.end]);
  if (!spans.length) return [];
  spans.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push([s[0], s[1]]);
  }
  const enc = (s: string) => (html ? escapeHtml(s) : s);
  const render = (from: number, to: number) => {
    let out = '';
    let at = from;
    for (const [a, b] of merged) {
      if (b <= from || a >= to) continue;
      out += enc(v.text.slice(at, Math.max(at, a))) + p.pre + enc(v.text.slice(Math.max(a, from), Math.min(b, to))) + p.post;
      at = Math.min(b, to);
    }
    return out + enc(v.text.slice(at, to));
  };
  if (v.text.length <= p.size || p.size <= 0) return [render(0, v.text.length)];
  const frags: Array<{ text: string; hits: number; at: number }> = [];
  for (let i = 0; i < merged.length && frags.length < Math.max(1, p.fragments); ) {
    const start = Math.max(0, merged[i][0] - Math.floor(p.size / 4));
    const end = Math.min(v.text.length, start + p.size);
    let hits = 0;
    while (i < merged.length && merged[i][0] < end) {
      hits++;
      i++;
    }
    frags.push({ text: render(start, end), hits, at: start });
  }
  if (p.byScore) frags.sort((a, b) => b.hits - a.hits || a.at - b.at);
  return frags.map((f) => f.text);
}

/** The HighlightResult of one document (empty when nothing was requested, spec §4.1). */
/** The result of a search without highlighting, shared by every hit (read only). */
const NO_HIGHLIGHT: { readonly highlightFields: readonly object[] } = Object.freeze({ highlightFields: Object.freeze([]) });

export function highlightDoc(doc: Doc, spec: HighlightSpec | undefined, matchers: Highlights): { readonly highlightFields: readonly object[] } {
  if (!spec) return NO_HIGHLIGHT;
  const fields: object[] = [];
  for (const p of spec?.params ?? []) {
    const tests = matchers.get(p.field);
    const vals = doc.values.get(p.field) as TextValue[] | undefined;
    if (!tests || !vals) continue;
    const fragments = vals.flatMap((v) => fragmentsOf(v, tests, p, spec!.html));
    if (fragments.length) fields.push({ fieldName: p.field, fieldFragments: fragments });
  }
  return { highlightFields: fields };
}
