import type { Action } from './common';

/** Data tables only; index tables are listed by DescribeTable of their data table (spec §7.4, decided). */
export const listTable: Action = {
  name: 'ListTable',
  tableLevel: true,
  handle(_req, { engine }) {
    return { tableNames: [...engine.tables.values()].filter((t) => !t.indexOf).map((t) => t.name).sort() };
  },
};
