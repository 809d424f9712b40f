import type { TableView } from '../protocol';
import { h, type Child } from './dom';
import type { Words } from './i18n';

/** A table's key schema, defined columns, options, indexes and entity (with its differences from the live table). */
export function tableDetails(t: TableView, w: Words): HTMLElement {
  const o = t.options;
  const dl = (pairs: Array<[string, Child]>) => h('dl', {}, ...pairs.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
  return h(
    'details',
    { class: 'panel', open: true, 'data-testid': 'table-details' },
    h('summary', {}, h('strong', {}, t.name), t.entity ? ` — ${w.entity} ${t.entity.name}` : ''),
    h('div', { class: 'grid' },
      h('section', {}, h('h4', {}, w.keySchema), h('ol', {}, ...t.primaryKey.map((k) => h('li', {}, h('code', {}, k.name), ` ${k.type}`, k.autoIncrement ? h('span', { class: 'badge' }, w.autoIncrement) : null)))),
      h('section', {}, h('h4', {}, w.definedColumns), t.definedColumns.length ? h('ul', {}, ...t.definedColumns.map((c) => h('li', {}, h('code', {}, c.name), ` ${c.type}`))) : h('p', {}, w.none)),
      h('section', {}, h('h4', {}, w.options), dl([
        [w.ttl, o.timeToLive === -1 ? w.forever : `${o.timeToLive} ${w.seconds}`],
        [w.maxVersions, String(o.maxVersions)],
        [w.maxTimeDeviation, `${o.maxTimeDeviation} ${w.seconds}`],
        [w.allowUpdate, o.allowUpdate ? w.on : w.off],
        [w.reserved, `${o.reservedThroughput.read} / ${o.reservedThroughput.write}`],
        [w.stream, o.stream.enabled ? `${w.on} (${o.stream.expirationHours} ${w.hours})` : w.off],
      ])),
      h('section', {}, h('h4', {}, w.indexes), t.indexes.length ? h('ul', {}, ...t.indexes.map((i) => h('li', {}, h('code', {}, i.name), ` ${i.type} (${i.primaryKey.join(', ')})${i.definedColumns.length ? ` + ${i.definedColumns.join(', ')}` : ''}`))) : h('p', {}, w.none),
        h('h4', {}, w.searchIndexes), t.searchIndexes.length ? h('ul', {}, ...t.searchIndexes.map((i) => h('li', {}, h('code', {}, i.name)))) : h('p', {}, w.none)),
      h('section', { 'data-testid': 'entity' }, h('h4', {}, w.entity),
        t.entity
          ? h('div', {}, h('p', {}, h('code', {}, t.entity.name), ` (${t.entity.source})`),
              t.entity.differences.length ? h('div', { class: 'warn' }, w.differs, h('ul', {}, ...t.entity.differences.map((d) => h('li', {}, d)))) : h('p', { class: 'ok' }, w.inSync))
          : h('p', {}, w.noEntity)),
    ),
  );
}

