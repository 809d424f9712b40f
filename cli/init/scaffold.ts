/**
 * What `tsorm init` writes: the answers (service, function, runtime, trigger…) checked, then turned into files
 * from the templates shipped in the package (`templates/init/`, listed in package.json `files`). Pure apart
 * from reading the templates, so the command only asks, checks the directory and writes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const TRIGGERS = ['http', 'event', 'timer', 'tablestore'] as const;
export type Trigger = (typeof TRIGGERS)[number];
export const TRIGGER_LABELS: Record<Trigger, string> = { http: 'HTTP', event: 'event', timer: 'timer', tablestore: 'TableStore stream' };

/** FC 3.0's built-in Node.js runtimes the issue names (spec: function-compute.md, s.yaml `runtime`). */
export const RUNTIMES = ['nodejs20', 'nodejs18'] as const;
export type FcRuntime = (typeof RUNTIMES)[number];

export interface FunctionAnswers {
  functionName: string;
  trigger: Trigger;
  runtime: FcRuntime;
  /** MB (s.yaml `memorySize`). */
  memory: number;
  /** Seconds (s.yaml `timeout`). */
  timeout: number;
  /** The function's own environment variables, besides TableStore's endpoint and instance. */
  env: Record<string, string>;
}

export interface ProjectAnswers extends FunctionAnswers {
  service: string;
  /** The `tsorm` dependency of package.json: a registry range, or `file:…` for a local path or tarball. */
  tsormDependency: string;
  /** Tool versions for devDependencies (typescript, tsx, esbuild, @types/node). */
  devDependencies: Record<string, string>;
}

export const DEFAULTS = { service: 'my-service', functionName: 'hello', runtime: 'nodejs20', trigger: 'http', memory: 512, timeout: 10 } as const;

/**
 * Names: FC 3.0 function names are letters, digits, `_` and `-`, starting with a letter or `_`, at most 64
 * characters [inferred: FC console rule]; the service name is also the package name and the table prefix.
 */
const NAME = /^[a-z_][a-z0-9_-]*$/;

export function checkService(name: string): string | undefined {
  if (!NAME.test(name) || name.length > 40) return `service name: lower-case letters, digits, "-" and "_", starting with a letter or "_", at most 40 characters; got ${JSON.stringify(name)}`;
  return undefined;
}

export function checkFunctionName(name: string): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name) || name.length > 23) {
    return `function name: letters, digits, "-" and "_", starting with a letter or "_", at most 23 characters (FC's limit of 64 holds "<service>-<function>"); got ${JSON.stringify(name)}`;
  }
  return undefined;
}

export function checkMemory(mb: number): string | undefined {
  // FC 3.0: 128 MB to 32 GB in steps of 64 MB [inferred: FC console rule]
  if (!Number.isInteger(mb) || mb < 128 || mb > 32768 || mb % 64 !== 0) return `memory: a multiple of 64 MB from 128 to 32768, got ${mb}`;
  return undefined;
}

export function checkTimeout(seconds: number, trigger: Trigger): string | undefined {
  // A TableStore trigger's function must answer within a minute (streams spec §4: "trigger limit: 1 minute").
  const max = trigger === 'tablestore' ? 60 : 86400;
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > max) return `timeout: whole seconds from 1 to ${max}${trigger === 'tablestore' ? ' (a TableStore trigger)' : ''}, got ${seconds}`;
  return undefined;
}

export function checkEnvName(name: string): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return `environment variable ${JSON.stringify(name)}: letters, digits and "_", not starting with a digit`;
  // spec: "FC_* names are reserved"; TableStore's two are written by init itself.
  if (/^FC_/i.test(name)) return `environment variable ${name}: FC_* names are reserved by Function Compute`;
  if (name === 'TABLESTORE_ENDPOINT' || name === 'TABLESTORE_INSTANCE') return `environment variable ${name}: already set from s.yaml's vars`;
  return undefined;
}

/** The folder of the package's templates, found by walking up from this file (works from `cli/` and `dist/cli/`). */
function templatesDir(): string {
  for (let dir = __dirname, i = 0; i < 6; i++, dir = dirname(dir)) {
    const candidate = join(dir, 'templates', 'init');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`tsorm init: the templates are missing from this installation of tsorm (looked for templates/init above ${__dirname})`);
}

function template(name: string): string {
  return readFileSync(join(templatesDir(), `${name}.tmpl`), 'utf8');
}

/** `{{name}}` → values[name]; a placeholder without a value is a bug in the templates, so it throws. */
export function render(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_m, key: string) => {
    if (!(key in values)) throw new Error(`tsorm init: template placeholder {{${key}}} has no value`);
    return values[key];
  });
}

/** The table of the project's entity: the service name as a TableStore table name (letters, digits, `_`). */
export function tableOf(service: string): string {
  return `${service.replace(/-/g, '_')}_items`;
}

function functionValues(service: string, table: string, f: FunctionAnswers): Record<string, string> {
  const environment = Object.entries(f.env)
    .map(([k, v]) => `        ${k}: ${JSON.stringify(v)}\n`)
    .join('');
  return {
    service,
    table,
    functionName: f.functionName,
    runtime: f.runtime,
    memory: String(f.memory),
    timeout: String(f.timeout),
    description: `${f.functionName} (${TRIGGER_LABELS[f.trigger]} trigger), src/functions/${f.functionName}.ts`,
    environment,
  };
}

/** The `s.yaml` resource of one function (its props, lifecycle hooks and trigger). */
export function functionResource(service: string, f: FunctionAnswers): string {
  const values = functionValues(service, tableOf(service), f);
  return render(template('function.yaml'), { ...values, triggers: render(template(`triggers/${f.trigger}.yaml`), values) });
}

/** A function's handler module and its test. */
export function functionFiles(service: string, f: FunctionAnswers): Map<string, string> {
  const values = functionValues(service, tableOf(service), f);
  return new Map([
    [`src/functions/${f.functionName}.ts`, render(template(`src/functions/${f.trigger}.ts`), values)],
    [`test/${f.functionName}.test.ts`, render(template(`test/${f.trigger}.test.ts`), values)],
  ]);
}

/** `YYYYMMDDhhmmss` (UTC), the migration id prefix `tsorm migrate:generate` uses. */
function migrationStamp(now: Date): string {
  return now.toISOString().replace(/\D/g, '').slice(0, 14);
}

/** Every file of a new project, by relative path. */
export function projectFiles(a: ProjectAnswers, now: Date): Map<string, string> {
  const table = tableOf(a.service);
  // A TableStore trigger needs the table's stream (streams spec §1): enabled with the table when the project
  // starts with one (24 hours of changes, the quickstart's retention).
  const stream = a.trigger === 'tablestore';
  const values = {
    ...functionValues(a.service, table, a),
    migrationId: `${migrationStamp(now)}_init`,
    tableOptions: stream ? ', { stream: { expirationHours: 24 } }' : '',
    migrationStream: stream ? '    stream: { expirationHours: 24, columns: [] },\n' : '',
    snapshotStream: stream ? ',\n      "stream": {\n        "expirationHours": 24,\n        "columns": []\n      }' : '',
  };
  const files = new Map<string, string>();
  const target = a.runtime.replace('nodejs', 'node');
  const pkg = {
    name: a.service.toLowerCase(),
    version: '0.1.0',
    private: true,
    scripts: {
      dev: 'tsorm dev',
      test: 'tsc -p . && tsx --test test/*.test.ts',
      build: `esbuild src/functions/*.ts --bundle --platform=node --target=${target} --minify --keep-names --sourcemap --outdir=dist`,
      migrate: 'tsorm migrate',
    },
    dependencies: { tsorm: a.tsormDependency },
    devDependencies: a.devDependencies,
  };
  files.set('package.json', `${JSON.stringify(pkg, null, 2)}\n`);
  for (const name of ['tsconfig.json', 'tsorm.config.ts', 'src/entities/item.ts', 'README.md', 'README.zh-CN.md', '.vscode/launch.json']) {
    files.set(name, render(template(name), values));
  }
  files.set('.gitignore', template('gitignore'));
  files.set(`migrations/${values.migrationId}.ts`, render(template('migrations/init.ts'), values));
  files.set('migrations/tsorm-snapshot.json', render(template('migrations/tsorm-snapshot.json'), values));
  for (const [path, text] of functionFiles(a.service, a)) files.set(path, text);
  files.set('s.yaml', render(template('s.yaml'), values) + functionResource(a.service, a));
  return files;
}

/**
 * Adds a function's resource to an existing `s.yaml`: at the end of the top-level `resources:` block (a line
 * scan: the block ends at the next line that starts at column 0 and is not a comment). Refuses a resource
 * name that is already there.
 */
export function addResource(sYaml: string, functionName: string, block: string): string {
  const lines = sYaml.split('\n');
  const start = lines.findIndex((l) => /^resources:\s*(#.*)?$/.test(l));
  if (start < 0) throw new Error('s.yaml has no top-level `resources:` block to add the function to');
  let end = start + 1;
  for (; end < lines.length; end++) {
    const l = lines[end];
    if (/^\S/.test(l) && !l.startsWith('#')) break;
    if (new RegExp(`^  ${functionName.replace(/[-]/g, '\\-')}:\\s*$`).test(l)) throw new Error(`s.yaml already has a resource named ${functionName}`);
  }
  // Keep a blank line between resources, and none of the block's trailing blank lines before it.
  let insertAt = end;
  while (insertAt > start + 1 && lines[insertAt - 1].trim() === '') insertAt--;
  const added = ['', ...block.replace(/\n+$/, '').split('\n')];
  lines.splice(insertAt, 0, ...added);
  return lines.join('\n').replace(/\n*$/, '\n');
}
