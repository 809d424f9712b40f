#!/usr/bin/env node
/**
 * `npm run demo` (and `npm start`): the example app end to end on this machine, no cloud and no Docker.
 *
 * 1. starts the TableStore emulator in this process, in memory (every run starts clean);
 * 2. applies the repository's migrations (`migrations/`, generated from examples/app/entities.ts) with the
 *    migration runner `tsorm migrate` uses;
 * 3. invokes the example HTTP function (examples/app/index.ts, loaded with tsorm's TypeScript loader) the way
 *    Function Compute 3.0 calls it (the `version: "v1"` HTTP event document, an FC-like context): create,
 *    read, update, list (two pages, with the cursor) and delete, printing each response and the function's
 *    per-invocation cost line (duration, TableStore calls, read/write capacity units).
 *
 *    The notes table's stream is enabled and the TableStore-trigger function (examples/app/counts.ts) is
 *    attached to it locally (`createTrigger` of tsorm/testing): after a note is created or deleted through
 *    the HTTP function, the trigger's invocation (FC's CBOR event) and the per-author counts it keeps are shown.
 *
 * 4. creates a search index on the notes table and searches it (full text, a term, a group-by) with the
 *    official SDK's search calls through tsorm's client: the emulator indexes the rows already there.
 *
 * Plain CommonJS on the built package (`npm run build` first; the npm scripts do it).
 */
'use strict';
const { join } = require('node:path');
const { URLSearchParams } = require('node:url');
const { startEmulator } = require('tsorm/emulator');
const { loadConfig, loadModule, Migrator } = require('tsorm/migrations');
const { createTrigger, formatTriggerInvocation, invoke } = require('tsorm/testing');
const { connect, connectClient } = require('tsorm');
const { formatHttpResponse } = require('../../dist/cli/commands/invoke.js');

const ROOT = join(__dirname, '..', '..');
const out = (text = '') => process.stdout.write(`${text}\n`);
const indent = (text) => text.replace(/^(?=.)/gm, '    ');

async function main() {
  out('tsorm demo: the example app (examples/app) on the local TableStore emulator, called as Function Compute 3.0 calls it');
  out();

  const emu = await startEmulator({ port: 0, inMemory: true });
  const client = connectClient({ endpoint: emu.endpoint, instance: emu.instance, accessKeyId: emu.accessKeyId, accessKeySecret: emu.accessKeySecret });
  try {
    out(`1. Emulator: listening on ${emu.endpoint} (instance ${emu.instance}, ${emu.storage}, access key ${emu.accessKeyId})`);

    out('2. Migrations (tsorm migrate):');
    const config = await loadConfig(join(ROOT, 'tsorm.config.ts'), ROOT);
    const migrator = new Migrator({ config, client, log: (line) => out(`    ${line}`), command: 'npm run demo' });
    const report = await migrator.migrate();
    out(`    ${report.applied.length} migration(s) applied`);

    // The trigger's source: the notes table's stream, enabled by the migrations (@Table(…, { stream })).
    const { streamDetails } = await client.call('describeTable', { tableName: 'tsorm_notes' });
    out(`    stream of tsorm_notes: ${streamDetails.enableStream ? 'enabled' : 'disabled'} (${streamDetails.expirationTime} h); examples/app/counts.ts attached to it as its TableStore trigger`);
    const trigger = await createTrigger(await loadModule(join(ROOT, 'examples/app/counts.ts')), {
      table: 'tsorm_notes',
      emulator: emu,
      timeout: 60,
      onLog: (line) => {
        const m = /\[(\w+)\] (.*)$/.exec(line);
        out(`    trigger log: ${m ? m[2] : line}`);
      },
    });
    const { AuthorCount } = await loadModule(join(ROOT, 'examples/app/entities.ts'));
    const db = connect({ endpoint: emu.endpoint, instance: emu.instance, accessKeyId: emu.accessKeyId, accessKeySecret: emu.accessKeySecret });
    /** Delivers what the stream holds to the trigger function and shows its invocations and the counts. */
    const afterTrigger = async () => {
      const before = trigger.invocations.length;
      await trigger.drain();
      for (const i of trigger.invocations.slice(before)) out(`    trigger: ${formatTriggerInvocation(i)}`);
      const counts = [];
      for await (const c of db.repository(AuthorCount).find()) counts.push(`${c.author} ${c.notes}`);
      out(`    note counts (tsorm_author_counts): ${counts.join(', ') || 'none'}`);
    };

    out('3. The HTTP function (examples/app/index.ts), one invocation per step:');
    const api = await loadModule(join(ROOT, 'examples/app/index.ts'));
    let n = 0;
    const totals = { calls: 0, readCU: 0, writeCU: 0 };
    const call = async (title, http) => {
      n++;
      const body = http.body === undefined ? '' : ` ${JSON.stringify(http.body)}`;
      out();
      out(`  ${String.fromCharCode(96 + n)}) ${title}: ${http.method ?? 'GET'} ${http.path}${http.query ? `?${new URLSearchParams(http.query)}` : ''}${body}`);
      const r = await invoke(api, { emulator: emu, http, requestId: `demo-${n}`, timeout: 10 });
      for (const line of r.logs) {
        const m = /\[(\w+)\] (.*)$/.exec(line);
        out(`    log: ${m ? m[2] : line}`);
        const cost = /^tsorm invocation .* calls=(\d+) .*readCU=(\d+) writeCU=(\d+)$/.exec(m ? m[2] : line);
        if (cost) {
          totals.calls += Number(cost[1]);
          totals.readCU += Number(cost[2]);
          totals.writeCU += Number(cost[3]);
        }
      }
      out(indent(formatHttpResponse(r)));
      if (http.method === 'POST' || http.method === 'DELETE') await afterTrigger();
      return r;
    };

    const board = 'demo';
    const created = await call('create a note', {
      method: 'POST',
      path: `/boards/${board}/notes`,
      body: { author: 'ada', title: 'Hello, TableStore', text: 'written by a Function Compute handler', attachment: Buffer.from('tsorm').toString('base64') },
    });
    const id = created.json().id;
    await call('read it', { path: `/boards/${board}/notes/${id}` });
    await call('update it (set the title, add 3 likes atomically)', { method: 'PATCH', path: `/boards/${board}/notes/${id}`, body: { title: 'Hello again', likes: 3 } });
    await call('create another', { method: 'POST', path: `/boards/${board}/notes`, body: { author: 'grace', title: 'Second note' } });
    const page1 = await call('list, one per page', { path: `/boards/${board}/notes`, query: { limit: '1' } });
    await call('list, the next page (the cursor of the first)', { path: `/boards/${board}/notes`, query: { limit: '1', cursor: page1.json().cursor } });
    await call('delete the first note', { method: 'DELETE', path: `/boards/${board}/notes/${id}` });
    await call('read it again', { path: `/boards/${board}/notes/${id}` });

    await trigger.close();
    db.close();

    out();
    await searchNotes(client);

    out();
    out(`Done: ${n} invocations on one function instance (the first ran the initializer, the rest were warm),`);
    out(`${totals.calls} TableStore calls, ${totals.readCU} read CU and ${totals.writeCU} write CU in all.`);
    out('Next: `node dist/cli/tsorm.js migrate`, then `node dist/cli/tsorm.js invoke examples/app/index.ts --http "GET /boards/demo/notes"`');
    out('runs calls of your own (on the emulator in .tsorm/data); examples/app/DEPLOY.md deploys the app to Function Compute.');
  } finally {
    client.close();
    await emu.close();
  }
}

/** Step 4: a search index on tsorm_notes, then a full-text match and a group-by, as the SDK's calls send them. */
async function searchNotes(client) {
  const { FieldType, QueryType, GroupByType, ColumnReturnType } = require('tablestore');
  out('4. Search (a search index on tsorm_notes; the official SDK\'s createSearchIndex and search calls):');
  await client.call('createSearchIndex', {
    tableName: 'tsorm_notes',
    indexName: 'tsorm_notes_search',
    schema: {
      fieldSchemas: [
        { fieldName: 'author', fieldType: FieldType.KEYWORD, enableSortAndAgg: true },
        { fieldName: 'title', fieldType: FieldType.TEXT, analyzer: 'single_word', analyzerParameter: { caseSensitive: false, delimitWord: false } },
        { fieldName: 'likes', fieldType: FieldType.LONG, enableSortAndAgg: true },
      ],
    },
  });
  out('    created tsorm_notes_search (author KEYWORD, title TEXT, likes LONG): the notes already there are indexed at once');
  const found = await client.call('search', {
    tableName: 'tsorm_notes',
    indexName: 'tsorm_notes_search',
    searchQuery: {
      limit: 10,
      getTotalCount: true,
      query: { queryType: QueryType.MATCH_QUERY, query: { fieldName: 'title', text: 'NOTE' } },
      groupBys: { groupBys: [{ name: 'by_author', type: GroupByType.GROUP_BY_FIELD, body: { fieldName: 'author', size: 10 } }] },
    },
    columnToGet: { returnType: ColumnReturnType.RETURN_SPECIFIED, returnNames: ['author', 'title'] },
  });
  out(`    match title "NOTE": ${found.totalCounts} hit(s)`);
  for (const row of found.rows) out(`      ${row.attributes.map((a) => `${a.columnName}=${JSON.stringify(a.columnValue)}`).join(' ')}`);
  const groups = found.groupBys.groupByResults[0].groupByResult.items;
  out(`    group by author: ${groups.map((g) => `${g.key} ${g.rowCount}`).join(', ')}`);
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`demo failed: ${e && e.stack ? e.stack : e}\n`);
    process.exit(1);
  },
);
