/**
 * The same handler with tsorm/fc: an entity (decorators applied by hand: this is plain JavaScript, so the
 * column types are explicit) and `defineFunction`. Loads tsorm through the package's own exports (dist/).
 */
'use strict';
const { Column, PrimaryKey, Table } = require('tsorm');
const { defineFunction } = require('tsorm/fc');

class Item {}
PrimaryKey({ type: 'string' })(Item.prototype, 'id');
Column({ type: 'int64', mode: 'number' })(Item.prototype, 'count');
Column({ type: 'string' })(Item.prototype, 'name');
Table('bench_fc_items')(Item);

exports.Item = Item;
Object.assign(
  exports,
  defineFunction({
    entities: [Item],
    event: async (event, { repo }) => {
      const { id } = JSON.parse(event.toString());
      return (await repo(Item).get({ id })) ?? null;
    },
  }),
);
