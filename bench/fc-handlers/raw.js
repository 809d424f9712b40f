/**
 * The hand-written baseline: an FC 3.0 event handler on the official SDK alone, as careful users write it —
 * client built in the initializer from the context's credentials, a keep-alive agent, one GetRow, the row
 * decoded by hand. (It does not refresh credentials per invocation, retry, count CU or log: tsorm's handler
 * does all of those.)
 */
'use strict';
const http = require('node:http');
const TableStore = require('tablestore');

let client;

exports.initializer = async (context) => {
  const c = context.credentials;
  client = new TableStore.Client({
    endpoint: process.env.TABLESTORE_ENDPOINT,
    instancename: process.env.TABLESTORE_INSTANCE,
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.accessKeySecret,
    stsToken: c.securityToken,
    httpOptions: { agent: new http.Agent({ keepAlive: true }) },
  });
};

exports.handler = async (event) => {
  const { id } = JSON.parse(event.toString());
  const data = await new Promise((resolve, reject) =>
    client.getRow({ tableName: 'bench_fc_items', primaryKey: [{ id }], maxVersions: 1 }, (err, d) => (err ? reject(err) : resolve(d))),
  );
  const row = data.row;
  if (!row || !row.primaryKey) return null;
  const item = { id: row.primaryKey[0].value };
  for (const a of row.attributes) item[a.columnName] = typeof a.columnValue === 'object' && a.columnValue !== null ? Number(a.columnValue.toString()) : a.columnValue;
  return item;
};
