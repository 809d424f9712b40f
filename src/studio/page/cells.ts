/**
 * Values as the page shows them: int64 as the exact decimal string it arrived as (never a JS number), Binary
 * as hex or base64 with its length, `Date` columns of an entity as dates, JSON columns pretty-printed, and
 * every kept version behind the latest.
 */
import type { Cell, FieldView, RowView } from '../protocol';
import { h, type Child } from './dom';
import type { Words } from './i18n';

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** A cell as text, typed: exact int64, binary with its length, dates, pretty JSON. */
export function showCell(cell: Cell, f: FieldView | undefined, binaryAs: 'hex' | 'base64', w: Words): HTMLElement {
  if (cell.t === 'BINARY') {
    const bytes = base64ToBytes(cell.v);
    return h('span', { class: 'bin', 'data-testid': 'binary' }, h('code', {}, binaryAs === 'hex' ? hex(bytes) : cell.v), h('small', {}, ` ${bytes.length} ${w.bytes}`));
  }
  if (cell.t === 'INTEGER' && f?.type === 'date') {
    const d = new Date(Number(cell.v));
    return h('span', { title: cell.v, class: 'date' }, isNaN(d.getTime()) ? cell.v : d.toISOString());
  }
  if (cell.t === 'STRING' && f?.type === 'json') {
    try {
      return h('pre', { class: 'json' }, JSON.stringify(JSON.parse(cell.v), null, 2));
    } catch {
      return h('span', {}, cell.v);
    }
  }
  return h('span', { class: `v-${cell.t.toLowerCase()}` }, cell.v);
}

export function showVersions(versions: RowView['columns'][string] | undefined, f: FieldView | undefined, binaryAs: 'hex' | 'base64', w: Words): Child {
  if (!versions || versions.length === 0) return h('span', { class: 'missing' }, '—');
  const latest = showCell(versions[0].value, f, binaryAs, w);
  if (versions.length === 1) return latest;
  return h(
    'div',
    {},
    latest,
    h(
      'details',
      { class: 'versions' },
      h('summary', {}, `${versions.length} ${w.versions}`),
      h('ul', {}, ...versions.map((v) => h('li', {}, h('small', {}, new Date(Number(v.ts)).toISOString(), ' '), showCell(v.value, f, binaryAs, w)))),
    ),
  );
}

