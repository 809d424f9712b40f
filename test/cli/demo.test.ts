/**
 * The README's main command: `npm start` / `npm run demo` build, then run examples/app/demo.js. The build is
 * `npm test`'s first step; here the built demo runs as a child process, as the npm script runs it, and its
 * output is checked step by step. Needs `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireBuild, ROOT } from '../support/emulator-process';

describe('npm run demo', () => {
  it('is what `npm start` and `npm run demo` run', () => {
    const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
    expect(scripts.start).toBe('npm run demo');
    expect(scripts.demo).toBe('npm run build && node examples/app/demo.js');
  });

  it('migrates an in-memory emulator, runs create / read / update / list / delete and the search routes through the FC 3.0 HTTP shape, with cost lines', () => {
    requireBuild();
    const run = () => {
      const env: NodeJS.ProcessEnv = { ...process.env };
      delete env.TABLESTORE_ENDPOINT; // the demo never uses a configured instance
      return spawnSync(process.execPath, [join(ROOT, 'examples/app/demo.js')], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
    };
    const r = run();
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(/^1\. Emulator: listening on http:\/\/127\.0\.0\.1:\d+ \(instance tsorm, in memory, access key tsorm-emulator\)$/m);
    expect(out).toMatch(/createTable tsorm_notes: created/);
    expect(out).toMatch(/createSearchIndex tsorm_notes\.tsorm_notes_search: created and caught up/);
    expect(out).toMatch(/^ {4}3 migration\(s\) applied$/m);
    expect(out).toMatch(/^ {4}stream of tsorm_notes: enabled \(24 h\); examples\/app\/counts\.ts attached to it as its TableStore trigger$/m);

    const [crud, search] = out.split(/\n(?=4\. Search)/);
    const steps = crud.split(/\n(?= {2}[a-h]\) )/).slice(1);
    expect(steps.map((s) => /^ {2}[a-h]\) [^:]+: (\w+) /.exec(s)?.[1])).toEqual(['POST', 'GET', 'PATCH', 'POST', 'GET', 'GET', 'DELETE', 'GET']);
    expect(steps.map((s) => Number(/^ {4}HTTP (\d{3})$/m.exec(s)?.[1]))).toEqual([201, 200, 200, 201, 200, 200, 204, 404]);
    // one cost line per invocation, the initializer's before the first
    expect(steps[0]).toMatch(/log: tsorm initializer requestId=demo-1-init /);
    steps.forEach((s, i) => expect(s).toMatch(new RegExp(`log: tsorm invocation requestId=demo-${i + 1} trigger=http .*durationMs=\\S+ calls=\\d+ requests=\\d+ failures=0 readCU=\\d+ writeCU=\\d+`)));
    expect(steps[0]).toMatch(/status=201 .*calls=1 .*writeCU=1/);
    expect(steps[2]).toMatch(/"likes": "3"/);
    // the TableStore trigger (examples/app/counts.ts) after each create and delete: its cost lines, the counts
    expect(steps[0]).toMatch(/trigger log: tsorm invocation requestId=trigger-tsorm_notes-1 trigger=tablestore records=1 /);
    expect(steps[0]).toMatch(/trigger: tsorm trigger requestId=trigger-tsorm_notes-1 table=tsorm_notes records=1 attempt=1 status=ok .*writeCU=2/);
    expect(steps[0]).toMatch(/^ {4}note counts \(tsorm_author_counts\): ada 1$/m);
    expect(steps[3]).toMatch(/^ {4}note counts \(tsorm_author_counts\): ada 1, grace 1$/m);
    expect(steps[6]).toMatch(/^ {4}note counts \(tsorm_author_counts\): ada 0, grace 1$/m);
    for (const i of [1, 2, 4, 5, 7]) expect(steps[i]).not.toContain('trigger:');
    expect(steps[4]).toMatch(/"cursor": "[\w-]+"/);
    expect(steps[5]).toContain('"title": "Second note"');
    expect(steps[5]).not.toContain('"cursor"');
    // step 4: the search routes, on the index the third migration created, over notes written through the function
    expect(search).toMatch(/^4\. Search: the search index tsorm_notes_search /);
    const writes = [...search.matchAll(/^ {4}(POST|PATCH) \/boards\/tea\/notes\S* \{.*\} → HTTP (\d+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(writes).toEqual(['POST 201', 'PATCH 200', 'POST 201', 'POST 201', 'PATCH 200', 'POST 201', 'PATCH 200']);
    const found = search.split(/\n(?= {2}[a-d]\) )/).slice(1);
    expect(found.map((s) => /^ {2}[a-d]\) [^:]+: GET (\S+)/.exec(s)?.[1].split('?')[0])).toEqual([
      '/search/notes',
      '/authors/ada/tags/tea/notes',
      '/authors/ada/tags/tea/notes',
      '/stats/likes-by-author',
    ]);
    const body = (s: string) => JSON.parse(s.split('\n\n')[1].replace(/"cursor": "[^"]*"/g, '"cursor": "…"'));
    const text = body(found[0]);
    // 菊花茶 (max_word: 菊花茶, 菊花, 花茶) in two titles and one text; two on the page, best first, highlighted
    expect(text.total).toBe(3);
    expect(text.items.map((i: { note: { title: string } }) => i.note.title)).toEqual(['菊花茶的做法', '野生菊花茶']);
    expect(text.items[0].highlights.title).toEqual(['<em>菊花茶</em>的做法']);
    expect(text.items[1].highlights.title).toEqual(['野生<em>菊花茶</em>']);
    expect(text.cursor).toBeDefined();
    // one per page, newest first: the second page comes through the first page's cursor (shortened on screen)
    expect(found[1]).toMatch(/"cursor": "eyJ\w+…\(\d+ chars\)"/);
    expect(body(found[1]).items.map((n: { title: string }) => n.title)).toEqual(['野生菊花茶']);
    expect(body(found[2]).items.map((n: { title: string }) => n.title)).toEqual(['菊花茶的做法']);
    expect(body(found[3])).toEqual({ authors: [{ author: 'grace', notes: 2, likes: 9 }, { author: 'ada', notes: 3, likes: 6 }] });
    expect(out).toMatch(/^Done: 19 invocations on one function instance/m);
    expect(out).toMatch(/^23 TableStore calls, 18 read CU and 11 write CU in all\.$/m);

    // in memory: a second run starts from nothing and says the same
    const again = run();
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^ {4}3 migration\(s\) applied$/m);
  });
});
