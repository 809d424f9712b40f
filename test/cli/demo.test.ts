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

  it('migrates an in-memory emulator and runs create / read / update / list / delete through the FC 3.0 HTTP shape, with cost lines', () => {
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
    expect(out).toMatch(/^ {4}2 migration\(s\) applied$/m);
    expect(out).toMatch(/^ {4}stream of tsorm_notes: enabled \(24 h\); examples\/app\/counts\.ts attached to it as its TableStore trigger$/m);

    const steps = out.split(/\n(?= {2}[a-h]\) )/).slice(1);
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
    // step 4: a search index made after the rows were written finds them, full text and group-by
    expect(out).toMatch(/^4\. Search /m);
    expect(out).toMatch(/^ {4}match title "NOTE": 1 hit\(s\)\n {6}author="grace" title="Second note"$/m);
    expect(out).toMatch(/^ {4}group by author: grace 1$/m);
    expect(out).toMatch(/^Done: 8 invocations on one function instance/m);
    expect(out).toMatch(/^9 TableStore calls, 7 read CU and 4 write CU in all\.$/m);

    // in memory: a second run starts from nothing and says the same
    const again = run();
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^ {4}2 migration\(s\) applied$/m);
  });
});
