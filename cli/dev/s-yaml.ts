/**
 * Reads a Serverless Devs `s.yaml` for `tsorm dev`: every resource whose component is `fc3` (FC 3.0) becomes
 * a function to run, with its handler module found among the project's sources, its
 * lifecycle hooks, memory, timeout, environment and triggers (spec: function-compute.md "Deploying";
 * streams-and-triggers.md §4 for the TableStore trigger).
 *
 * `${vars.x}` and `${env('X')}` / `${env.X}` are substituted as `s` does; other expressions (`${config(…)}`,
 * `${resources…}`) are left as written: they only name cloud resources, which run locally has no use for.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { load } from 'js-yaml';

export type DevTrigger =
  | { kind: 'http'; name: string; methods: string[] | undefined }
  | { kind: 'timer'; name: string; cronExpression: string; payload: string; enable: boolean }
  | { kind: 'tablestore'; name: string; instance?: string; table?: string }
  | { kind: 'other'; name: string; type: string };

export interface HookSpec {
  exportName: string;
  /** Seconds. */
  timeout: number;
}

export interface DevFunction {
  /** The resource's key in s.yaml. */
  resource: string;
  /** `props.functionName` (the resource key when absent). */
  functionName: string;
  /** `props.handler`, e.g. `orders.handler`. */
  handler: string;
  /** The source file of the handler module. */
  file: string;
  exportName: string;
  initializer: HookSpec | undefined;
  preStop: HookSpec | undefined;
  /** MB. */
  memorySize: number;
  /** Seconds. */
  timeout: number;
  runtime: string;
  env: Record<string, string>;
  triggers: DevTrigger[];
}

/** A mistake in s.yaml: the message names the file, the resource and the field. */
export class SYamlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SYamlError';
  }
}

/** FC's defaults when s.yaml leaves them out [inferred: FC 3.0 console defaults; function-compute.md]. */
const DEFAULT_MEMORY_MB = 512;
const DEFAULT_TIMEOUT_S = 3;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function substitute(value: unknown, vars: Obj, env: NodeJS.ProcessEnv): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{\s*(vars\.([\w-]+)|env\(\s*['"]([\w]+)['"]\s*\)|env\.([\w]+))\s*\}/g, (m, _all, v?: string, e1?: string, e2?: string) => {
      if (v !== undefined) return v in vars ? String(substitute(vars[v], {}, env)) : m;
      const name = (e1 ?? e2)!;
      return env[name] ?? '';
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars, env));
  if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, vars, env)]));
  return value;
}

/**
 * The handler module `orders` (of `orders.handler`) as a source file: TypeScript first (dev runs sources, the
 * deployed `code` folder holds the built bundle): `<code>/orders.ts`, `src/functions/orders.ts` (tsorm
 * init's layout), `src/orders.ts`, `orders.ts`, then the built `<code>/orders.js`.
 */
function findModule(root: string, codeDir: string, module: string): { file?: string; tried: string[] } {
  const tried: string[] = [];
  const bases = [join(codeDir, module), join(root, 'src', 'functions', module), join(root, 'src', module), join(root, module)];
  for (const ext of ['.ts', '.mts', '.cts']) for (const b of bases) tried.push(b + ext);
  for (const ext of ['.js', '.cjs', '.mjs']) tried.push(join(codeDir, module) + ext);
  return { file: tried.find((f) => existsSync(f)), tried };
}

function splitHandler(where: string, handler: unknown): { module: string; exportName: string } {
  if (typeof handler !== 'string' || !/^[\w./-]+\.[A-Za-z_$][\w$]*$/.test(handler)) {
    throw new SYamlError(`${where}: expected "<module>.<export>" (like index.handler), got ${JSON.stringify(handler)}`);
  }
  const dot = handler.lastIndexOf('.');
  return { module: handler.slice(0, dot), exportName: handler.slice(dot + 1) };
}

function seconds(where: string, value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new SYamlError(`${where}: expected a number of seconds > 0, got ${JSON.stringify(value)}`);
  return n;
}

function hook(where: string, value: unknown, module: string): HookSpec | undefined {
  if (!isObj(value) || value.handler === undefined) return undefined;
  const h = splitHandler(`${where}.handler`, value.handler);
  if (h.module !== module) throw new SYamlError(`${where}.handler: ${String(value.handler)} is in another module than the handler (${module}); tsorm dev runs one module per function`);
  return { exportName: h.exportName, timeout: seconds(`${where}.timeout`, value.timeout, 3) };
}

/** FC's trigger `sourceArn` of a TableStore trigger: `acs:ots:<region>:<account>:instance/<instance>/table/<table>` (streams spec §4). */
function tablestoreTarget(t: Obj): { instance?: string; table?: string } {
  const arn = typeof t.sourceArn === 'string' ? /instance\/([^/]+)\/table\/([^/]+)$/.exec(t.sourceArn) : null;
  if (arn) return { instance: arn[1], table: arn[2] };
  const c = isObj(t.triggerConfig) ? t.triggerConfig : {};
  return { instance: typeof c.InstanceName === 'string' ? c.InstanceName : undefined, table: typeof c.TableName === 'string' ? c.TableName : undefined };
}

function trigger(where: string, t: unknown): DevTrigger {
  if (!isObj(t)) throw new SYamlError(`${where}: expected a trigger object`);
  const name = String(t.triggerName ?? t.name ?? 'trigger');
  const type = String(t.triggerType ?? t.type ?? '').toLowerCase();
  const config = isObj(t.triggerConfig) ? t.triggerConfig : isObj(t.config) ? t.config : {};
  if (type === 'http') {
    const methods = Array.isArray(config.methods) ? config.methods.map((m) => String(m).toUpperCase()) : undefined;
    return { kind: 'http', name, methods };
  }
  if (type === 'timer') {
    const cron = config.cronExpression;
    if (typeof cron !== 'string' || cron.trim() === '') throw new SYamlError(`${where}.triggerConfig.cronExpression: a timer trigger needs one (like '@every 5m' or '0 0 4 * * *')`);
    return { kind: 'timer', name, cronExpression: cron.trim(), payload: config.payload === undefined ? '' : String(config.payload), enable: config.enable !== false };
  }
  if (type === 'tablestore' || type === 'ots') return { kind: 'tablestore', name, ...tablestoreTarget(t) };
  return { kind: 'other', name, type };
}

/** The functions of `s.yaml` at `path` (their sources found from the file's folder). */
export function readSYaml(path: string, env: NodeJS.ProcessEnv = process.env): DevFunction[] {
  let doc: unknown;
  try {
    doc = load(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new SYamlError(`${path}: ${(e as Error).message}`);
  }
  if (!isObj(doc) || !isObj(doc.resources)) throw new SYamlError(`${path}: expected a top-level \`resources:\` map (Serverless Devs edition 3.0.0)`);
  const vars = isObj(doc.vars) ? doc.vars : {};
  const root = dirname(path);
  const functions: DevFunction[] = [];
  for (const [resource, raw] of Object.entries(doc.resources)) {
    if (!isObj(raw)) continue;
    const component = String(raw.component ?? '');
    // FC 2.0's `fc` component nests service and function differently: not read [decision: FC 3.0 only, as init writes].
    if (!/^fc3(@.*)?$/.test(component)) continue;
    const where = `${path}: resources.${resource}.props`;
    const props = substitute(raw.props, vars, env);
    if (!isObj(props)) throw new SYamlError(`${where}: expected a map`);
    const { module, exportName } = splitHandler(`${where}.handler`, props.handler);
    const codeDir = resolve(root, typeof props.code === 'string' ? props.code : isObj(props.code) && typeof props.code.src === 'string' ? props.code.src : '.');
    const found = findModule(root, codeDir, module);
    if (!found.file) throw new SYamlError(`${where}.handler: no source for module ${module}; looked for ${found.tried.map((f) => f.slice(root.length + 1)).join(', ')}`);
    const memory = props.memorySize === undefined ? DEFAULT_MEMORY_MB : Number(props.memorySize);
    if (!Number.isInteger(memory) || memory < 64) throw new SYamlError(`${where}.memorySize: expected MB as a whole number ≥ 64, got ${JSON.stringify(props.memorySize)}`);
    const lifecycle = isObj(props.instanceLifecycleConfig) ? props.instanceLifecycleConfig : {};
    const envVars = isObj(props.environmentVariables) ? Object.fromEntries(Object.entries(props.environmentVariables).map(([k, v]) => [k, String(v)])) : {};
    functions.push({
      resource,
      functionName: typeof props.functionName === 'string' ? props.functionName : resource,
      handler: String(props.handler),
      file: found.file,
      exportName,
      initializer: hook(`${where}.instanceLifecycleConfig.initializer`, lifecycle.initializer, module) ?? (props.initializer ? hook(`${where}.initializer`, { handler: props.initializer, timeout: props.initializationTimeout }, module) : undefined),
      preStop: hook(`${where}.instanceLifecycleConfig.preStop`, lifecycle.preStop, module),
      memorySize: memory,
      timeout: seconds(`${where}.timeout`, props.timeout, DEFAULT_TIMEOUT_S),
      runtime: String(props.runtime ?? 'nodejs20'),
      env: envVars,
      triggers: Array.isArray(props.triggers) ? props.triggers.map((t, i) => trigger(`${where}.triggers[${i}]`, t)) : [],
    });
  }
  if (functions.length === 0) throw new SYamlError(`${path}: no fc3 resources to run`);
  return functions;
}
