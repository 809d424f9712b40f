/**
 * The studio page: vanilla TypeScript and the DOM, bundled by esbuild into one inline script (no framework:
 * the page is a few views over a JSON API, and a dependency would cost more than it saves).
 *
 * int64 values stay strings from the API to the screen: nothing here converts one to a JS number.
 */
import type { Cell, CellType, Comparator, Cost, FieldView, InfoView, MigrationsView, RowsPage, RowsQuery, RowView, TableListItem, TableView } from '../protocol';
import { base64ToBytes, hex, prettyJson, showCell, showVersions } from './cells';
import { ApiFailure, callApi, h, type Child } from './dom';
import { initialLang, WORDS, type Lang, type Words } from './i18n';
import { openSearch, searchPanel, type SearchHost } from './search';
import { tableDetails } from './table-details';

const token = new URLSearchParams(location.search).get('token') ?? '';
let lang: Lang = initialLang();
let w: Words = WORDS[lang];
let info: InfoView | undefined;
let tables: TableListItem[] = [];
let current: TableView | undefined;
let page: RowsPage | undefined;
let query: RowsQuery | undefined;
let binaryAs: 'hex' | 'base64' = 'hex';
let view: 'tables' | 'migrations' | 'cost' = 'tables';
/** Within a table: its rows, or the Search panel (tables with search indexes). */
let tableTab: 'rows' | 'search' = 'rows';
const session = { calls: 0, readCU: 0, writeCU: 0, usd: 0 };
let lastCost: Cost | undefined;
let message: { kind: 'ok' | 'error'; text: string } | undefined;

function api<T>(name: string, body: unknown = {}): Promise<T> {
  return callApi<T>(token, name, body, (cost) => {
    lastCost = cost;
    session.calls += cost.calls;
    session.readCU += cost.readCU;
    session.writeCU += cost.writeCU;
    session.usd += cost.usd;
  });
}

function fail(e: unknown): void {
  message = { kind: 'error', text: e instanceof ApiFailure ? `${e.code === 'Conflict' ? w.conflict : w.error}: ${e.message}` : String(e) };
  render();
}

// ------------------------------------------------------------------ values

function fieldOf(column: string): FieldView | undefined {
  return current?.entity?.fields.find((f) => f.name === column);
}

// ------------------------------------------------------------------ loading

async function loadTable(name: string): Promise<void> {
  message = undefined;
  current = await api<TableView>('table', { table: name });
  page = undefined;
  editing = undefined;
  tableTab = 'rows';
  query = { table: name, order: 'asc', limit: 50, keyMode: 'prefix', key: {}, filter: { combinator: 'and', conditions: [] } };
  await loadRows();
}

let pageCursor: string | undefined;

/** Reads a page (the first, or the one a cursor names); `keepMessage` after a write, to show its outcome. */
async function loadRows(cursor?: string, keepMessage = false): Promise<void> {
  if (!query) return;
  try {
    page = await api<RowsPage>('rows', { ...query, ...(cursor ? { cursor } : {}) });
    pageCursor = cursor;
    if (!keepMessage) message = undefined;
  } catch (e) {
    page = undefined;
    fail(e);
    return;
  }
  render();
}

// ------------------------------------------------------------------ edit form

interface Editing {
  mode: 'create' | 'update';
  key: Record<string, Cell>;
  cells: Record<string, { t: CellType; v: string; enc?: 'hex' | 'base64'; removed?: boolean; original?: Cell }>;
  expected?: Record<string, Cell | null>;
  errors?: Record<string, string[]>;
}
let editing: Editing | undefined;

function defaultType(column: string): CellType {
  const f = fieldOf(column);
  if (f) return f.storage;
  return current?.definedColumns.find((c) => c.name === column)?.type ?? 'STRING';
}

function startEdit(row: RowView | undefined): void {
  if (!current) return;
  const cells: Editing['cells'] = {};
  const key: Record<string, Cell> = {};
  if (row) {
    for (const k of row.key) key[k.name] = k.value;
    for (const [name, versions] of Object.entries(row.columns)) cells[name] = { ...versions[0].value, original: versions[0].value, ...(versions[0].value.t === 'BINARY' ? { enc: 'base64' as const } : {}) };
    const expected: Record<string, Cell | null> = {};
    for (const [name, versions] of Object.entries(row.columns)) expected[name] = versions[0].value;
    editing = { mode: 'update', key, cells, expected };
  } else {
    for (const k of current.primaryKey) key[k.name] = { t: k.type, v: '' };
    const names = new Set<string>([...(current.entity?.fields.filter((f) => f.kind === 'column').map((f) => f.name) ?? []), ...current.definedColumns.map((c) => c.name)]);
    for (const n of names) cells[n] = { t: defaultType(n), v: '' };
    editing = { mode: 'create', key, cells };
  }
  render();
  (document.querySelector('#edit input') as HTMLInputElement | null)?.focus();
}

function inputValueForDisplay(c: Editing['cells'][string], column: string): string {
  const f = fieldOf(column);
  if (f?.type === 'date' && c.t === 'INTEGER' && /^-?\d+$/.test(c.v)) return new Date(Number(c.v)).toISOString();
  return c.v;
}

/** The cell to send for an input: dates typed as ISO text go as their milliseconds. */
function cellFromInput(column: string, c: Editing['cells'][string], text: string): Cell {
  const f = fieldOf(column);
  if (f?.type === 'date' && c.t === 'INTEGER' && !/^-?\d+$/.test(text.trim())) {
    const ms = Date.parse(text);
    return { t: 'INTEGER', v: Number.isNaN(ms) ? text : String(ms) };
  }
  return c.t === 'BINARY' ? { t: 'BINARY', v: text, enc: c.enc ?? 'base64' } : { t: c.t, v: text };
}

async function submitEdit(form: HTMLFormElement): Promise<void> {
  const editing0 = editing;
  if (!editing0 || !current) return;
  const data = new FormData(form);
  const key: Record<string, Cell> = {};
  for (const k of current.primaryKey) key[k.name] = editing.mode === 'create' ? { t: k.type, v: String(data.get(`key:${k.name}`) ?? '') } : editing.key[k.name];
  const set: Record<string, Cell | null> = {};
  for (const [name, c] of Object.entries(editing.cells)) {
    const text = String(data.get(`col:${name}`) ?? '');
    if (c.removed) {
      if (c.original) set[name] = null;
      continue;
    }
    const cell = cellFromInput(name, c, text);
    if (editing.mode === 'create') {
      if (text !== '') set[name] = cell;
    } else if (!c.original || c.original.t !== cell.t || c.original.v !== cell.v || cell.enc === 'hex') {
      set[name] = cell;
    }
  }
  try {
    if (editing.mode === 'create') await api('create', { table: current.name, key, set });
    else await api('update', { table: current.name, key, set, expected: editing.expected });
    message = { kind: 'ok', text: editing.mode === 'create' ? w.created : w.saved };
    editing = undefined;
    await loadRows(pageCursor, true);
  } catch (e) {
    if (e instanceof ApiFailure && e.fields) {
      editing0.errors = e.fields;
      message = { kind: 'error', text: `${w.error}: ${e.message}` };
      render();
    } else fail(e);
  }
}

async function deleteEditing(): Promise<void> {
  if (!editing || !current) return;
  if (!confirm(w.confirmDelete)) return;
  try {
    await api('delete', { table: current.name, key: editing.key, expected: editing.expected });
    message = { kind: 'ok', text: w.deleted };
    editing = undefined;
    await loadRows(pageCursor, true);
  } catch (e) {
    fail(e);
  }
}

function typeSelect(value: CellType, onChange: (t: CellType) => void, disabled = false): HTMLElement {
  const s = h('select', { 'aria-label': 'type', disabled }, ...(['STRING', 'INTEGER', 'DOUBLE', 'BOOLEAN', 'BINARY'] as CellType[]).map((t) => h('option', { value: t, selected: t === value }, t))) as HTMLSelectElement;
  s.value = value;
  s.addEventListener('change', () => onChange(s.value as CellType));
  return s;
}

function editForm(): HTMLElement | null {
  if (!editing || !current) return null;
  const e = editing;
  const err = (name: string) => (e.errors?.[name] ?? e.errors?.[fieldOf(name)?.property ?? ''] ?? []).map((m) => h('div', { class: 'field-error', role: 'alert' }, m));
  const rows: HTMLElement[] = [];
  for (const k of current.primaryKey) {
    rows.push(
      h('label', { class: 'field' }, h('span', {}, `${k.name} (${k.type}${k.autoIncrement ? `, ${w.autoIncrement}` : ''})`),
        e.mode === 'create' ? h('input', { name: `key:${k.name}`, value: e.key[k.name]?.v ?? '', 'data-testid': `key-${k.name}`, placeholder: k.autoIncrement ? w.autoIncrement : w.required }) : h('code', {}, e.key[k.name]?.v ?? ''),
        ...err(k.name)),
    );
  }
  for (const [name, c] of Object.entries(e.cells)) {
    const f = fieldOf(name);
    const typed = !!f || !!current.definedColumns.find((d) => d.name === name);
    const long = c.t === 'STRING' && (f?.type === 'json' || c.v.length > 60);
    const input = long
      ? h('textarea', { name: `col:${name}`, rows: 4, 'data-testid': `col-${name}`, disabled: c.removed }, f?.type === 'json' ? prettyJson(c.v) : c.v)
      : h('input', { name: `col:${name}`, value: inputValueForDisplay(c, name), 'data-testid': `col-${name}`, disabled: c.removed });
    rows.push(
      h('div', { class: `field${e.errors?.[name] ? ' has-error' : ''}` },
        h('span', {}, name, f ? h('small', {}, ` ${f.type}`) : null),
        input,
        typeSelect(c.t, (t) => { c.t = t; render(); }, typed),
        c.t === 'BINARY' ? encSelect(c) : null,
        e.mode === 'update' ? h('label', { class: 'inline' }, h('input', { type: 'checkbox', checked: !!c.removed, onchange: () => { c.removed = !c.removed; render(); } }), w.remove) : null,
        ...err(name)),
    );
  }
  const newName = h('input', { placeholder: w.columnName, 'aria-label': w.columnName, 'data-testid': 'new-column' }) as HTMLInputElement;
  const form = h(
    'form',
    { id: 'edit', class: 'panel', 'data-testid': 'edit-form', onsubmit: (ev: Event) => { ev.preventDefault(); void submitEdit(ev.target as HTMLFormElement); } },
    h('h3', {}, e.mode === 'create' ? w.newRow : w.edit),
    ...rows,
    h('div', { class: 'add-column' }, newName, h('button', { type: 'button', onclick: () => { const n = newName.value.trim(); if (n && !e.cells[n]) { e.cells[n] = { t: defaultType(n), v: '' }; render(); } } }, w.addColumn)),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'save' }, e.mode === 'create' ? w.create : w.save),
      h('button', { type: 'button', onclick: () => { editing = undefined; render(); } }, w.cancel),
      e.mode === 'update' ? h('button', { type: 'button', class: 'danger', 'data-testid': 'delete', onclick: () => void deleteEditing() }, w.delete) : null),
  );
  return form;
}

function encSelect(c: Editing['cells'][string]): HTMLElement {
  const s = h('select', { 'aria-label': 'binary encoding' }, h('option', { value: 'base64' }, 'base64'), h('option', { value: 'hex' }, 'hex')) as HTMLSelectElement;
  s.value = c.enc ?? 'base64';
  s.addEventListener('change', () => {
    const input = document.querySelector(`[name="col:${CSS.escape(Object.keys(editing!.cells).find((k) => editing!.cells[k] === c) ?? '')}"]`) as HTMLInputElement | null;
    // Convert what is typed so far to the chosen encoding, so the bytes stay the same.
    if (input && c.enc !== s.value) {
      try {
        input.value = s.value === 'hex' ? hex(base64ToBytes(input.value)) : btoa(String.fromCharCode(...(input.value.match(/../g) ?? []).map((x) => parseInt(x, 16))));
      } catch {
        /* leave the text as typed: the server names the problem */
      }
    }
    c.enc = s.value as 'hex' | 'base64';
    c.v = input?.value ?? c.v;
  });
  return s;
}

// ------------------------------------------------------------------ views

function costLine(): Child {
  if (!lastCost) return null;
  const c = lastCost;
  return h('div', { class: 'cost', 'data-testid': 'cost' }, `${w.requestCost}: ${w.calls} ${c.calls} · ${w.readCU} ${c.readCU} · ${w.writeCU} ${c.writeCU} · ≈ $${(c.usd * 1_000_000).toFixed(2)} ${w.perMillionRequests} · ${c.ms} ms`);
}

function rowsControls(t: TableView): HTMLElement {
  const q = query!;
  const attrNames = Array.from(new Set([...(t.entity?.fields.filter((f) => f.kind !== 'primaryKey').map((f) => f.name) ?? []), ...t.definedColumns.map((c) => c.name), ...Object.keys(page?.rows.reduce((a, r) => Object.assign(a, r.columns), {}) ?? {})]));
  const keyInputs = t.primaryKey.map((k) =>
    h('label', {}, `${k.name} `, h('input', { 'data-testid': `filter-key-${k.name}`, value: q.key?.[k.name]?.v ?? '', size: 10, oninput: (ev: Event) => { const v = (ev.target as HTMLInputElement).value; q.key = { ...q.key }; if (v === '') delete q.key[k.name]; else q.key[k.name] = { t: k.type, v, ...(k.type === 'BINARY' ? { enc: 'hex' as const } : {}) }; } })),
  );
  const conditions = q.filter!.conditions;
  const condRows = conditions.map((c, i) =>
    h('div', { class: 'cond' },
      h('input', { list: 'columns', value: c.column, 'aria-label': w.columnName, 'data-testid': `cond-column-${i}`, oninput: (ev: Event) => { c.column = (ev.target as HTMLInputElement).value; c.value.t = defaultType(c.column); } }),
      (() => { const s = h('select', { 'data-testid': `cond-op-${i}`, 'aria-label': 'comparison' }, ...(['=', '!=', '<', '<=', '>', '>='] as Comparator[]).map((op) => h('option', { value: op }, op))) as HTMLSelectElement; s.value = c.op; s.addEventListener('change', () => (c.op = s.value as Comparator)); return s; })(),
      h('input', { value: c.value.v, 'aria-label': 'value', 'data-testid': `cond-value-${i}`, oninput: (ev: Event) => (c.value.v = (ev.target as HTMLInputElement).value) }),
      typeSelect(c.value.t, (ty) => (c.value.t = ty)),
      h('button', { type: 'button', 'aria-label': 'remove', onclick: () => { conditions.splice(i, 1); render(); } }, '×'),
    ),
  );
  const chosen = new Set(q.columns ?? []);
  return h(
    'form',
    { class: 'panel controls', 'data-testid': 'rows-controls', onsubmit: (ev: Event) => { ev.preventDefault(); void loadRows(); } },
    h('datalist', { id: 'columns' }, ...attrNames.map((n) => h('option', { value: n }))),
    h('div', { class: 'row' },
      (() => { const s = h('select', { 'aria-label': w.keyPrefix }, h('option', { value: 'prefix' }, w.keyPrefix), h('option', { value: 'from' }, w.keyFrom)) as HTMLSelectElement; s.value = q.keyMode ?? 'prefix'; s.addEventListener('change', () => (q.keyMode = s.value as 'prefix' | 'from')); return s; })(),
      ...keyInputs,
      h('label', {}, `${w.order} `, (() => { const s = h('select', { 'data-testid': 'order' }, h('option', { value: 'asc' }, w.ascending), h('option', { value: 'desc' }, w.descending)) as HTMLSelectElement; s.value = q.order ?? 'asc'; s.addEventListener('change', () => (q.order = s.value as 'asc' | 'desc')); return s; })()),
      h('label', {}, `${w.pageSize} `, h('input', { type: 'number', min: 1, max: 500, value: q.limit ?? 50, style: 'width:5em', 'data-testid': 'page-size', oninput: (ev: Event) => (q.limit = Number((ev.target as HTMLInputElement).value) || 50) })),
      h('label', {}, `${w.binaryAs} `, (() => { const s = h('select', { 'data-testid': 'binary-as' }, h('option', { value: 'hex' }, 'hex'), h('option', { value: 'base64' }, 'base64')) as HTMLSelectElement; s.value = binaryAs; s.addEventListener('change', () => { binaryAs = s.value as 'hex' | 'base64'; render(); }); return s; })()),
    ),
    h('div', { class: 'row' },
      h('strong', {}, `${w.filter}: `),
      (() => { const s = h('select', { 'aria-label': w.filter }, h('option', { value: 'and' }, w.all), h('option', { value: 'or' }, w.any)) as HTMLSelectElement; s.value = q.filter!.combinator; s.addEventListener('change', () => (q.filter!.combinator = s.value as 'and' | 'or')); return s; })(),
      ...condRows,
      h('button', { type: 'button', 'data-testid': 'add-condition', onclick: () => { conditions.push({ column: '', op: '=', value: { t: 'STRING', v: '' } }); render(); } }, w.addCondition),
    ),
    h('details', { class: 'row' }, h('summary', {}, `${w.columns}: ${chosen.size ? [...chosen].join(', ') : w.allColumns}`),
      ...attrNames.map((n) => h('label', { class: 'inline' }, h('input', { type: 'checkbox', checked: chosen.has(n), 'data-testid': `show-${n}`, onchange: (ev: Event) => { const on = (ev.target as HTMLInputElement).checked; const s = new Set(q.columns ?? []); if (on) s.add(n); else s.delete(n); q.columns = [...s]; } }), n))),
    h('div', { class: 'row' },
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'load' }, w.load),
      info?.writable ? h('button', { type: 'button', 'data-testid': 'new-row', onclick: () => startEdit(undefined) }, w.newRow) : null),
  );
}

function rowsTable(t: TableView): HTMLElement {
  if (!page) return h('div');
  const shown = query?.columns?.length ? query.columns : Array.from(new Set(page.rows.flatMap((r) => Object.keys(r.columns))));
  const nav = h('div', { class: 'nav' },
    h('button', { type: 'button', 'data-testid': 'prev', disabled: !page.prev, onclick: () => void loadRows(page!.prev) }, w.prev),
    h('button', { type: 'button', 'data-testid': 'next', disabled: !page.next, onclick: () => void loadRows(page!.next) }, w.next),
    costLine());
  if (page.rows.length === 0) return h('div', {}, nav, h('p', { 'data-testid': 'no-rows' }, w.noRows), page.partial ? h('p', { class: 'warn' }, w.partial) : null);
  return h('div', {},
    nav,
    page.partial ? h('p', { class: 'warn' }, w.partial) : null,
    h('div', { class: 'scroll' }, h('table', { 'data-testid': 'rows' },
      h('thead', {}, h('tr', {}, ...t.primaryKey.map((k) => h('th', { class: 'pk' }, k.name)), ...shown.map((c) => h('th', {}, c)))),
      h('tbody', {}, ...page.rows.map((r) =>
        h('tr', { tabindex: 0, 'data-testid': 'row', onclick: () => info?.writable && startEdit(r), onkeydown: (ev: KeyboardEvent) => { if (ev.key === 'Enter' && info?.writable) startEdit(r); } },
          ...r.key.map((k) => h('td', { class: 'pk' }, showCell(k.value, fieldOf(k.name), binaryAs, w))),
          ...shown.map((c) => h('td', {}, showVersions(r.columns[c], fieldOf(c), binaryAs, w)))))))));
}

function migrationsView(m: MigrationsView): HTMLElement {
  return h('div', { class: 'panel', 'data-testid': 'migrations' },
    h('p', {}, `${m.dir}: ${m.applied} ${w.applied}, ${m.pending} ${w.pending}`),
    m.lock ? h('p', { class: 'warn' }, `${w.lock} ${m.lock}`) : null,
    h('table', {}, h('tbody', {}, ...m.migrations.map((e) => h('tr', {}, h('td', { class: `state-${e.state}` }, e.state), h('td', {}, h('code', {}, e.name)), h('td', {}, e.detail))))));
}

function costView(): HTMLElement {
  const tf = info!.tariffs;
  const perMillion = (x: number | boolean) => `$${(Number(x) * 1_000_000).toFixed(2)}`;
  return h('div', { class: 'panel', 'data-testid': 'cost-view' },
    h('h3', {}, w.sessionCost),
    h('p', {}, `${w.calls} ${session.calls} · ${w.readCU} ${session.readCU} · ${w.writeCU} ${session.writeCU} · ≈ $${session.usd.toPrecision(3)}`),
    h('h3', {}, `${w.tariffs} (${tf.date}, ${tf.currency})`),
    h('ul', {},
      h('li', {}, `${w.freeTier}: ${tf.fc.freeCallsPerMonth.toLocaleString()} ${w.freeCalls}, ${tf.fc.freeGbSecondsPerMonth.toLocaleString()} ${w.freeGbSeconds}`),
      h('li', {}, `${w.perMillion}: ${perMillion(tf.tablestore.readCuPrice)} / ${perMillion(tf.tablestore.writeCuPrice)}`)),
    h('p', { class: 'note' }, w.estimatesNote),
    h('ul', { class: 'note' }, ...info!.assumptions.map((a) => h('li', {}, a))),
    h('p', {}, `${w.sources}: `, ...tf.sources.map((s) => h('div', {}, h('code', {}, s)))));
}

let migrations: MigrationsView | undefined;

function searchHost(): SearchHost {
  return { w, api, render, fail, costLine, fieldOf, binaryAs };
}

/** The table's Rows view, or with search indexes a Rows / Search switch and the chosen one. */
function tableBody(t: TableView): Child[] {
  const rows = [h('h2', {}, w.rows), rowsControls(t), editForm(), rowsTable(t)];
  if (t.searchIndexes.length === 0) return rows;
  const tab = (id: typeof tableTab, label: string) =>
    h('button', { type: 'button', role: 'tab', 'aria-selected': String(tableTab === id), 'data-testid': `subtab-${id}`, onclick: () => { tableTab = id; message = undefined; if (id === 'search') void openSearch(searchHost(), t).catch(fail); render(); } }, label);
  return [h('nav', { role: 'tablist', class: 'nav' }, tab('rows', w.rows), tab('search', w.search)), ...(tableTab === 'search' ? [searchPanel(searchHost(), t)] : rows)];
}

function render(): void {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = current ? `${current.name} — ${w.title}` : w.title;
  const root = document.getElementById('app')!;
  const badge = info ? h('span', { class: `badge ${info.writable ? 'rw' : 'ro'}`, 'data-testid': 'mode', title: info.readOnlyReason ?? '' }, `${info.emulator ? w.emulator : w.realInstance} · ${info.writable ? w.readWrite : w.readOnly}`) : null;
  const tab = (id: typeof view, label: string) => h('button', { type: 'button', role: 'tab', 'aria-selected': String(view === id), 'data-testid': `tab-${id}`, onclick: async () => { view = id; if (id === 'migrations') { try { migrations = await api<MigrationsView>('migrations'); } catch (e) { fail(e); return; } } render(); } }, label);
  const header = h('header', {},
    h('h1', {}, w.title), badge, h('span', { class: 'where' }, info?.where ?? ''),
    h('nav', { role: 'tablist' }, tab('tables', w.tables), tab('migrations', w.migrations), tab('cost', w.cost)),
    h('button', { type: 'button', class: 'lang', 'data-testid': 'lang', onclick: () => { lang = lang === 'en' ? 'zh' : 'en'; w = WORDS[lang]; localStorage.setItem('tsorm-studio-lang', lang); render(); } }, w.language));
  const banner = h('div', {},
    info && !info.writable ? h('div', { class: 'banner ro', 'data-testid': 'readonly-banner' }, w.readOnlyWhy) : null,
    info?.configProblem ? h('div', { class: 'banner warn' }, `${w.configProblem} ${info.configProblem}`) : null,
    message ? h('div', { class: `banner ${message.kind}`, role: message.kind === 'error' ? 'alert' : 'status', 'data-testid': `message-${message.kind}` }, message.text) : null);
  let main: HTMLElement;
  if (view === 'migrations' && migrations) main = migrationsView(migrations);
  else if (view === 'cost' && info) main = costView();
  else {
    const list = h('ul', { class: 'tables', 'data-testid': 'table-list' }, ...tables.map((t) => h('li', {}, h('button', { type: 'button', class: current?.name === t.name ? 'active' : '', 'data-testid': `table-${t.name}`, onclick: () => void loadTable(t.name).catch(fail) }, t.name, t.entity ? h('small', {}, ` ${t.entity}`) : null))));
    main = h('div', { class: 'layout' },
      h('aside', {}, h('h2', {}, w.tables), tables.length ? list : h('p', {}, w.noTables)),
      h('section', { class: 'main' }, ...(current ? [tableDetails(current, w), ...tableBody(current)] : [])));
  }
  const focused = document.activeElement as HTMLElement | null;
  const focusId = focused?.getAttribute('data-testid');
  root.replaceChildren(header, banner, main);
  if (focusId) (root.querySelector(`[data-testid="${CSS.escape(focusId)}"]`) as HTMLElement | null)?.focus();
}

async function start(): Promise<void> {
  render();
  try {
    info = await api<InfoView>('info');
    tables = await api<TableListItem[]>('tables');
  } catch (e) {
    fail(e);
    return;
  }
  render();
}

document.addEventListener('keydown', (ev) => {
  if (ev.key === 'Escape' && editing) {
    editing = undefined;
    render();
  }
});

void start();
