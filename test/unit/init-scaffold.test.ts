// tsorm init's scaffold (cli/init/scaffold.ts) and tsorm dev's s.yaml reader (cli/dev/s-yaml.ts), without a build.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSYaml } from '../../cli/dev/s-yaml';
import { addResource, checkEnvName, checkFunctionName, checkMemory, checkTimeout, functionResource, projectFiles, render, type ProjectAnswers } from '../../cli/init/scaffold';

const answers: ProjectAnswers = {
  service: 'shop',
  functionName: 'orders',
  trigger: 'http',
  runtime: 'nodejs18',
  memory: 1024,
  timeout: 20,
  env: { LEVEL: 'debug' },
  tsormDependency: '^1.0.0',
  devDependencies: { typescript: '~5.9.3' },
};

describe('tsorm init scaffold', () => {
  it('fills every placeholder; a placeholder without a value is an error', () => {
    const files = projectFiles(answers, new Date('2026-03-04T05:06:07Z'));
    expect([...files.keys()]).toContain('migrations/20260304050607_init.ts');
    for (const [path, text] of files) expect(text, path).not.toMatch(/\{\{\w+\}\}/);
    expect(JSON.parse(files.get('package.json')!).scripts.build).toContain('--target=node18');
    expect(() => render('{{nope}}', {})).toThrow(/placeholder \{\{nope\}\} has no value/);
    // A TableStore trigger: the table's stream in the entity, the migration and the snapshot.
    const stream = projectFiles({ ...answers, trigger: 'tablestore' }, new Date('2026-03-04T05:06:07Z'));
    expect(stream.get('src/entities/item.ts')).toContain("@Table('shop_items', { stream: { expirationHours: 24 } })");
    expect(stream.get('migrations/20260304050607_init.ts')).toContain('    stream: { expirationHours: 24, columns: [] },\n  });');
    expect(JSON.parse(stream.get('migrations/tsorm-snapshot.json')!).tables.shop_items.stream).toEqual({ expirationHours: 24, columns: [] });
    expect(files.get('src/entities/item.ts')).toContain("@Table('shop_items')\n");
  });

  it('adds a resource at the end of the resources block, refusing a duplicate', () => {
    const base = projectFiles(answers, new Date()).get('s.yaml')!;
    const withTail = `${base}\n# trailing comment\n`;
    const block = functionResource('shop', { ...answers, functionName: 'report', trigger: 'timer', memory: 256, env: {} });
    const added = addResource(withTail, 'report', block);
    expect(added.indexOf('  report:')).toBeGreaterThan(added.indexOf('  orders:'));
    expect(() => addResource(added, 'report', block)).toThrow(/already has a resource named report/);
    expect(() => addResource('name: x\n', 'report', block)).toThrow(/no top-level `resources:` block/);
  });

  it('checks names, memory, timeout and environment variables, naming the rule', () => {
    expect(checkFunctionName('9lives')).toMatch(/function name: letters, digits/);
    expect(checkMemory(100)).toMatch(/a multiple of 64 MB from 128 to 32768, got 100/);
    expect(checkTimeout(120, 'tablestore')).toMatch(/from 1 to 60 \(a TableStore trigger\)/);
    expect(checkEnvName('FC_REGION')).toMatch(/FC_\* names are reserved/);
  });

  it('the written s.yaml reads back in tsorm dev: names, memory, timeout, runtime, env, hooks, trigger', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsorm-scaffold-'));
    try {
      for (const [path, text] of projectFiles(answers, new Date())) {
        mkdirSync(join(dir, path, '..'), { recursive: true });
        writeFileSync(join(dir, path), text);
      }
      const [fn] = readSYaml(join(dir, 's.yaml'), {});
      expect(fn).toMatchObject({
        functionName: 'shop-orders',
        file: join(dir, 'src/functions/orders.ts'),
        memorySize: 1024,
        timeout: 20,
        runtime: 'nodejs18',
        env: { LEVEL: 'debug', TABLESTORE_ENDPOINT: 'https://my-instance.cn-hangzhou.ots.aliyuncs.com' },
        initializer: { exportName: 'initializer', timeout: 10 },
        preStop: { exportName: 'preStop', timeout: 3 },
        triggers: [{ kind: 'http', name: 'http', methods: ['GET', 'POST', 'PUT', 'DELETE'] }],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("tsorm dev's s.yaml reader", () => {
  it('reads the example app: two functions, their sources at the root, ${vars} substituted', () => {
    const fns = readSYaml(join(__dirname, '../../examples/app/s.yaml'), {});
    expect(fns.map((f) => [f.functionName, f.file.split('/').slice(-2).join('/'), f.memorySize, f.timeout, f.triggers.map((t) => t.kind)])).toEqual([
      ['tsorm-notes-api', 'app/index.ts', 512, 10, ['http']],
      ['tsorm-notes-views', 'app/events.ts', 256, 30, []],
    ]);
    expect(fns[0].env.TABLESTORE_INSTANCE).toBe('my-instance');
  });

  it('names the file, resource and field of a mistake', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsorm-syaml-'));
    try {
      const file = join(dir, 's.yaml');
      writeFileSync(file, 'edition: 3.0.0\nresources:\n  f:\n    component: fc3\n    props:\n      handler: missing.handler\n');
      expect(() => readSYaml(file, {})).toThrow(/resources\.f\.props\.handler: no source for module missing; looked for missing\.ts, src\/functions\/missing\.ts/);
      writeFileSync(join(dir, 'x.ts'), '');
      writeFileSync(file, 'resources:\n  f:\n    component: fc3\n    props:\n      handler: x.handler\n      memorySize: lots\n');
      expect(() => readSYaml(file, {})).toThrow(/resources\.f\.props\.memorySize: expected MB as a whole number ≥ 64, got "lots"/);
      writeFileSync(file, 'resources:\n  f:\n    component: fc3\n    props:\n      handler: x.handler\n      triggers:\n        - triggerName: t\n          triggerType: timer\n');
      expect(() => readSYaml(file, {})).toThrow(/triggers\[0\]\.triggerConfig\.cronExpression: a timer trigger needs one/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
