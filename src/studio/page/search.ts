/**
 * The Search panel of a table with search indexes: an index picker, clause rows (match / term / range on a
 * field, must / must not / should), a sort, a limit and a group-by field; then the hits (decoded like rows,
 * int64 exact), the total, the highlight fragments and the group-by as bars (plain DOM, no chart library).
 */
import { HIGHLIGHT_POST, HIGHLIGHT_PRE, type FieldView, type SearchClause, type SearchIndexView, type SearchRequest, type SearchResultView, type TableView } from '../protocol';
import { showCell, showVersions } from './cells';
import { h, type Child } from './dom';
import type { Words } from './i18n';

export interface SearchHost {
  w: Words;
  api<T>(name: string, body: unknown): Promise<T>;
  render(): void;
  fail(e: unknown): void;
  costLine(): Child;
  fieldOf(column: string): FieldView | undefined;
  binaryAs: 'hex' | 'base64';
}

interface SearchState {
  table: string;
  index?: SearchIndexView;
  request: SearchRequest;
  result?: SearchResultView;
}
let state: SearchState | undefined;

/** Loads the index's fields for the form (the first search index unless one is named). */
export async function openSearch(host: SearchHost, t: TableView, index = t.searchIndexes[0]?.name): Promise<void> {
  if (!index) return;
  const view = await host.api<SearchIndexView>('searchindex', { table: t.name, index });
  state = { table: t.name, index: view, request: { table: t.name, index, clauses: [], limit: 20 } };
  host.render();
}

async function run(host: SearchHost): Promise<void> {
  if (!state) return;
  try {
    state.result = await host.api<SearchResultView>('search', state.request);
  } catch (e) {
    state.result = undefined;
    host.fail(e);
    return;
  }
  host.render();
}

function select(testid: string, label: string, options: Array<[string, string]>, value: string, onchange: (v: string) => void): HTMLSelectElement {
  const s = h('select', { 'data-testid': testid, 'aria-label': label }, ...options.map(([v, text]) => h('option', { value: v }, text))) as HTMLSelectElement;
  s.value = value;
  s.addEventListener('change', () => onchange(s.value));
  return s;
}

/** Matched text marked: the server asks for private-use tags, so nothing here parses HTML. */
function fragment(text: string): HTMLElement {
  const parts: Child[] = [];
  let rest = text;
  for (;;) {
    const a = rest.indexOf(HIGHLIGHT_PRE);
    const b = a < 0 ? -1 : rest.indexOf(HIGHLIGHT_POST, a);
    if (b < 0) break;
    parts.push(rest.slice(0, a), h('mark', {}, rest.slice(a + 1, b)));
    rest = rest.slice(b + 1);
  }
  parts.push(rest);
  return h('span', { class: 'fragment', 'data-testid': 'highlight' }, ...parts);
}

function bars(g: NonNullable<SearchResultView['groupBy']>, w: Words): HTMLElement {
  // Counts are int64 strings; a bucket count fits a double for the bar's width (never shown as a number).
  const max = Math.max(1, ...g.buckets.map((b) => Number(b.count)));
  return h('div', { class: 'panel', 'data-testid': 'group-by' },
    h('h4', {}, `${w.groupBy} ${g.field}`),
    g.buckets.length === 0 ? h('p', {}, w.none) : null,
    ...g.buckets.map((b) =>
      h('div', { class: 'bar-row', 'data-testid': 'bar' },
        h('span', { class: 'bar-label', 'data-testid': 'bar-label' }, b.key),
        h('span', { class: 'bar', style: `width:${Math.max(2, Math.round((Number(b.count) / max) * 100))}%` }),
        h('span', { class: 'bar-count', 'data-testid': 'bar-count' }, b.count))));
}

export function searchPanel(host: SearchHost, t: TableView): HTMLElement {
  const w = host.w;
  if (!state || state.table !== t.name || !state.index) return h('p', {}, w.loading);
  const s = state;
  const q = s.request;
  const fields = s.index!.fields.filter((f) => f.type !== 'NESTED' && f.type !== 'VECTOR' && f.type !== 'GEO_POINT');
  const fieldOptions: Array<[string, string]> = fields.map((f) => [f.name, `${f.name} (${f.type})`]);
  const clauseRows = q.clauses.map((c, i) =>
    h('div', { class: 'cond', 'data-testid': `clause-${i}` },
      select(`clause-occur-${i}`, w.occur, [['must', w.must], ['must_not', w.mustNot], ['should', w.should]], c.occur ?? 'must', (v) => (c.occur = v as SearchClause['occur'])),
      select(`clause-kind-${i}`, w.queryKind, [['match', 'match'], ['term', 'term'], ['range', 'range']], c.kind, (v) => { c.kind = v as SearchClause['kind']; host.render(); }),
      select(`clause-field-${i}`, w.field, fieldOptions, c.field, (v) => (c.field = v)),
      ...(c.kind === 'range'
        ? [
            h('input', { value: c.from ?? '', placeholder: w.from, 'aria-label': w.from, 'data-testid': `clause-from-${i}`, oninput: (ev: Event) => (c.from = (ev.target as HTMLInputElement).value) }),
            h('input', { value: c.to ?? '', placeholder: w.to, 'aria-label': w.to, 'data-testid': `clause-to-${i}`, oninput: (ev: Event) => (c.to = (ev.target as HTMLInputElement).value) }),
          ]
        : [h('input', { value: c.value ?? '', 'aria-label': 'value', 'data-testid': `clause-value-${i}`, oninput: (ev: Event) => (c.value = (ev.target as HTMLInputElement).value) })]),
      h('button', { type: 'button', 'aria-label': 'remove', onclick: () => { q.clauses.splice(i, 1); host.render(); } }, '×')));
  const none: [string, string] = ['', '—'];
  const form = h('form', { class: 'panel controls', 'data-testid': 'search-form', onsubmit: (ev: Event) => { ev.preventDefault(); void run(host); } },
    h('div', { class: 'row' },
      h('label', {}, `${w.searchIndex} `, select('search-index', w.searchIndex, t.searchIndexes.map((i) => [i.name, i.name]), s.index!.index, (v) => void openSearch(host, t, v).catch(host.fail))),
      h('label', {}, `${w.sortBy} `, select('search-sort', w.sortBy, [none, ...fieldOptions], q.sort?.field ?? '', (v) => (q.sort = v ? { field: v, order: q.sort?.order ?? 'asc' } : undefined))),
      select('search-order', w.order, [['asc', w.ascending], ['desc', w.descending]], q.sort?.order ?? 'asc', (v) => { if (q.sort) q.sort.order = v as 'asc' | 'desc'; }),
      h('label', {}, `${w.pageSize} `, h('input', { type: 'number', min: 1, max: 100, value: q.limit ?? 20, style: 'width:5em', 'data-testid': 'search-limit', oninput: (ev: Event) => (q.limit = Number((ev.target as HTMLInputElement).value)) })),
      h('label', {}, `${w.groupBy} `, select('search-group-by', w.groupBy, [none, ...fields.filter((f) => f.type === 'KEYWORD' || f.type === 'LONG').map((f): [string, string] => [f.name, f.name])], q.groupBy ?? '', (v) => (q.groupBy = v || undefined)))),
    h('div', { class: 'row' },
      h('strong', {}, `${w.clauses}: `),
      ...clauseRows,
      h('button', { type: 'button', 'data-testid': 'add-clause', onclick: () => { q.clauses.push({ kind: 'match', occur: 'must', field: fields[0]?.name ?? '', value: '' }); host.render(); } }, w.addClause)),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'run-search' }, w.runSearch)));
  return h('div', { 'data-testid': 'search' }, form, s.result ? results(host, s.result) : null);
}

function results(host: SearchHost, r: SearchResultView): HTMLElement {
  const w = host.w;
  const pk = r.rows[0]?.key.map((k) => k.name) ?? [];
  const columns = Array.from(new Set(r.rows.flatMap((row) => Object.keys(row.columns))));
  const anyHighlight = r.highlights.some((x) => Object.keys(x).length > 0);
  return h('div', {},
    h('div', { class: 'nav' }, h('strong', { 'data-testid': 'search-total' }, `${w.total}: ${r.total}`), ` · ${r.rows.length} ${w.shown}`, host.costLine()),
    r.groupBy ? bars(r.groupBy, w) : null,
    r.rows.length === 0 ? h('p', { 'data-testid': 'no-hits' }, w.noRows) : h('div', { class: 'scroll' }, h('table', { 'data-testid': 'hits' },
      h('thead', {}, h('tr', {}, ...pk.map((k) => h('th', { class: 'pk' }, k)), ...columns.map((c) => h('th', {}, c)), anyHighlight ? h('th', {}, w.highlights) : null)),
      h('tbody', {}, ...r.rows.map((row, i) =>
        h('tr', { 'data-testid': 'hit' },
          ...row.key.map((k) => h('td', { class: 'pk' }, showCell(k.value, host.fieldOf(k.name), host.binaryAs, w))),
          ...columns.map((c) => h('td', {}, showVersions(row.columns[c], host.fieldOf(c), host.binaryAs, w))),
          anyHighlight ? h('td', {}, ...Object.entries(r.highlights[i] ?? {}).map(([f, frags]) => h('div', {}, h('small', {}, `${f}: `), ...frags.map(fragment)))) : null))))));
}
