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
 * 4. searches the notes through the same function's search routes, on the search index tsorm_notes_search that
 *    entities.ts declares (@SearchIndex) and the third migration created: a few more notes are written
 *    through the function, then full text with highlights, notes by author and tag in cursor pages, and likes
 *    per author (a group-by).
 *
 * Plain CommonJS on the built package (`npm run build` first; the npm scripts do it).
 */
'use strict';
const { join } = require('node:path');
const { startEmulator } = require('tsorm/emulator');
const { loadConfig, loadModule, Migrator } = require('tsorm/migrations');
const { createTrigger, formatTriggerInvocation, invoke } = require('tsorm/testing');
const { connect, connectClient } = require('tsorm');
const { formatHttpResponse } = require('../../dist/cli/commands/invoke.js');

const ROOT = join(__dirname, '..', '..');
const out = (text = '') => process.stdout.write(`${text}\n`);
const indent = (text) => text.replace(/^(?=.)/gm, '    ');
/**
 * A long value as its start and length, for the screen only (the calls get it whole): a search cursor carries
 * the service's token, hundreds of characters.
 */
const shorten = (value) => (value.length > 128 ? `${value.slice(0, 24)}…(${value.length} chars)` : value);

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
    let n = 0; // invocations in all
    let step = 0; // the step letter within a section
    const totals = { calls: 0, readCU: 0, writeCU: 0 };
    const request = (http) => {
      const query = http.query ? `?${Object.entries(http.query).map(([k, v]) => `${k}=${shorten(v)}`).join('&')}` : '';
      return `${http.method ?? 'GET'} ${http.path}${query}${http.body === undefined ? '' : ` ${JSON.stringify(http.body)}`}`;
    };
    /** One invocation: its request, log lines (cost line included) and response; `brief`: one line, the status. */
    const call = async (title, http, { brief = false, trigger = true } = {}) => {
      n++;
      if (!brief) {
        out();
        out(`  ${String.fromCharCode(97 + step++)}) ${title}: ${request(http)}`);
      }
      const r = await invoke(api, { emulator: emu, http, requestId: `demo-${n}`, timeout: 10 });
      for (const line of r.logs) {
        const m = /\[(\w+)\] (.*)$/.exec(line);
        const cost = /^tsorm invocation .* calls=(\d+) .*readCU=(\d+) writeCU=(\d+)$/.exec(m ? m[2] : line);
        if (cost) {
          totals.calls += Number(cost[1]);
          totals.readCU += Number(cost[2]);
          totals.writeCU += Number(cost[3]);
        }
        if (!brief) out(`    log: ${m ? m[2] : line}`);
      }
      if (brief) {
        out(`    ${request(http)} → HTTP ${r.statusCode}`);
        return r;
      }
      out(indent(formatHttpResponse(r).replace(/"cursor": "([\w-]+)"/g, (_, c) => `"cursor": "${shorten(c)}"`)));
      if (trigger && (http.method === 'POST' || http.method === 'DELETE')) await afterTrigger();
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

    out();
    step = 0;
    await searchNotes(call, db);
    db.close();

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

/**
 * Step 4: the function's search routes on tsorm_notes_search (declared in entities.ts, created by the third
 * migration). A few notes to search first, written through the function.
 */
async function searchNotes(call, db) {
  const { Note, notesSearch } = await loadModule(join(ROOT, 'examples/app/entities.ts'));
  out('4. Search: the search index tsorm_notes_search (@SearchIndex in entities.ts, created by the third migration), through the HTTP function');
  out('    four more notes, written through the function (one invocation each, then likes added with PATCH):');
  const board = 'tea';
  const notes = [
    { author: 'ada', title: '菊花茶的做法', text: '菊花洗净, 沸水冲泡: chrysanthemum tea', tags: ['tea', 'recipe'], likes: 4 },
    { author: 'ada', title: '野生菊花茶', text: 'wild chrysanthemum from the hills', tags: ['tea'] },
    { author: 'grace', title: 'Jasmine 花茶', text: 'green tea scented with jasmine', tags: ['tea'], likes: 9 },
    { author: 'ada', title: 'Coffee at dawn', text: 'not a tea at all', tags: ['coffee'], likes: 2 },
  ];
  for (const { likes, ...body } of notes) {
    const created = await call('', { method: 'POST', path: `/boards/${board}/notes`, body }, { brief: true });
    if (likes) await call('', { method: 'PATCH', path: `/boards/${board}/notes/${created.json().id}`, body: { likes } }, { brief: true });
  }
  // The service indexes writes within seconds (eventually consistent); the emulator at once, unless started
  // with a sync delay. Either way this returns once the index has caught up.
  await db.repository(Note).waitForSearch(notesSearch);
  out('    (repo.waitForSearch: the index has caught up with those writes; search is eventually consistent on the service)');
  await call('full text in title and text, best first, with highlights', { path: '/search/notes', query: { q: '菊花茶', limit: '2' } }, { trigger: false });
  const page1 = await call("ada's notes tagged tea, newest first, one per page", { path: '/authors/ada/tags/tea/notes', query: { limit: '1' } });
  await call('the next page (the cursor of the first)', { path: '/authors/ada/tags/tea/notes', query: { limit: '1', cursor: page1.json().cursor } });
  await call('likes per author (a group-by on author, the sum of likes in each group)', { path: '/stats/likes-by-author' });
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`demo failed: ${e && e.stack ? e.stack : e}\n`);
    process.exit(1);
  },
);
