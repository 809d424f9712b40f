/**
 * The baseline for the emulator benchmark: a bare `http.createServer` in its own process that reads each
 * request body and answers with the canned response the emulator gave for the same action (captured once;
 * the two GetRange workloads are told apart by the table name at the start of the body),
 * i.e. the cost of Node's HTTP stack plus the SDK, with no emulator work at all.
 *
 *   node bench/bare-server.js <canned.json>    prints "listening <port>" when ready
 */
'use strict';
const { readFileSync } = require('node:fs');
const http = require('node:http');
const { Buffer } = require('node:buffer');

const canned = new Map(
  Object.entries(JSON.parse(readFileSync(process.argv[2], 'utf8'))).map(([action, r]) => [action, { status: r.status, headers: r.headers, body: Buffer.from(r.body, 'base64') }]),
);

const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const path = req.url.split('?')[0];
    const action = path.slice(path.lastIndexOf('/') + 1);
    // field 1 of a GetRange request is the table name: 0x0a, a one-byte length, the name
    const body = Buffer.concat(chunks);
    const table = body[0] === 0x0a && body[1] < 0x80 ? body.toString('latin1', 2, 2 + body[1]) : '';
    const r = canned.get(`${action}:${table}`) ?? canned.get(action);
    if (!r) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(r.status, r.headers);
    res.end(r.body);
  });
});
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)) && server.closeAllConnections());
