/**
 * Loads the project's TypeScript (config, entities, migrations) without a build step, with decorator
 * metadata: a CommonJS require hook for `.ts` / `.cts` files on `@swc/core`'s `transformSync` (or, without
 * it, the project's `typescript`) with legacy decorators and `emitDecoratorMetadata`, because the ORM infers column types from `design:type` (esbuild-based
 * loaders drop that metadata, and entities would then fail or get wrong types).
 *
 * - The hook is installed once per process (`registerTypeScript()` is idempotent).
 * - Modules go through Node's own `require`, so one resolved path is one module: an entity class imported by the
 *   config and by a migration is the same class.
 * - A relative `./x.js` import in a `.ts` file that finds no `x.js` loads `x.ts` (TypeScript's own rule).
 * - A `tsorm` / `tsorm/…` import that Node cannot resolve from the importing file (say, the CLI is installed
 *   globally) resolves to this copy of tsorm, so the entities register in the schema registry the CLI reads.
 */
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ModuleLoadError } from './errors';

type Compile = (this: NodeModule & { _compile(code: string, filename: string): void }, module: NodeModule, filename: string) => void;

interface ModuleInternals {
  _extensions: Record<string, Compile>;
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
}

const internals = Module as unknown as ModuleInternals;
const EXTENSIONS = ['.ts', '.cts'];
let registered = false;

/** SWC options: TypeScript with legacy decorators and decorator metadata, CommonJS, ES2022, inline source maps. */
const SWC_OPTIONS = Object.freeze({
  jsc: {
    parser: { syntax: 'typescript' as const, decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022' as const,
  },
  module: { type: 'commonjs' as const },
  sourceMaps: 'inline' as const,
  swcrc: false,
  configFile: false,
});

/** TypeScript options of the `typescript` fallback: the same output as SWC_OPTIONS. */
const TS_OPTIONS = Object.freeze({
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  esModuleInterop: true,
  inlineSourceMap: true,
  inlineSources: true,
});

type Compiler = (source: string, filename: string) => string;
let compiler: Compiler | undefined;

function isMissing(e: unknown, name: string): boolean {
  return (e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && (e as Error).message.includes(`'${name}'`);
}

/**
 * The compiler, found once: `@swc/core` (an optional dependency of tsorm, installed by default; fast), else the
 * project's own `typescript` (found from the file being loaded, then from tsorm), which emits the same decorator
 * metadata. Neither: an error saying which package to install (issue 8: the CLI loads TypeScript with or without
 * @swc/core).
 */
function findCompiler(filename: string): Compiler {
  let swcProblem = 'neither @swc/core nor typescript is installed';
  try {
    // createRequire, not `require`: a bundler would try to pack @swc/core's native binaries (and fail) into any
    // bundle that imports tsorm/migrations; resolved at run time instead, like typescript below.
    const swc = createRequire(__filename)('@swc/core') as typeof import('@swc/core');
    return (source, file) => swc.transformSync(source, { ...SWC_OPTIONS, filename: file }).code;
  } catch (e) {
    // Installed but unloadable (say, native binaries of another platform): typescript can still do the job.
    if (!isMissing(e, '@swc/core')) swcProblem = `@swc/core does not load (${(e as Error).message.split('\n')[0]}) and typescript is not installed`;
  }
  for (const from of [filename, __filename]) {
    try {
      const ts = createRequire(from)('typescript') as typeof import('typescript');
      return (source, file) => {
        const out = ts.transpileModule(source, { compilerOptions: { ...TS_OPTIONS, module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 }, fileName: file, reportDiagnostics: true });
        const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
        if (errors.length) throw new Error(errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('\n'));
        return out.outputText;
      };
    } catch (e) {
      if (!isMissing(e, 'typescript')) throw e;
    }
  }
  throw new Error(`loading TypeScript files needs a compiler, and ${swcProblem}: run \`npm install --save-dev @swc/core\` (or \`typescript\`)`);
}

/** The compiler, found on first use: the runtime never pays for one, and JavaScript-only projects never load one. */
function getCompiler(filename: string): Compiler {
  return (compiler ??= findCompiler(filename));
}

/** Compiles one TypeScript source (exposed for tests). */
export function compileTypeScript(source: string, filename: string): string {
  return getCompiler(filename)(source, filename);
}

/** The directory of this copy of tsorm's package (holds package.json), found from this file. */
function ownPackageRoot(): string {
  // dist/src/project/loader.js or src/project/loader.ts → two or three levels up
  let dir = __dirname;
  for (let i = 0; i < 4; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'tsorm') return dir;
    } catch {
      // keep walking up
    }
    dir = dirname(dir);
  }
  return dirname(dirname(__dirname));
}

/** Installs the `.ts` require hook and the `tsorm` fallback resolution. Safe to call many times. */
function registerTypeScript(): void {
  if (registered) return;
  registered = true;
  if (typeof process.setSourceMapsEnabled === 'function') process.setSourceMapsEnabled(true);

  const compile: Compile = function (module, filename) {
    let compileSource: Compiler;
    let code: string;
    try {
      compileSource = getCompiler(filename);
    } catch (e) {
      throw new ModuleLoadError(filename, e);
    }
    try {
      code = compileSource(readFileSync(filename, 'utf8'), filename);
    } catch (e) {
      // SWC's message is the code frame followed by "Caused by: … Stack backtrace: …" (Rust internals): keep the frame.
      const text = (e instanceof Error ? e.message : String(e)).split(/\n\s*Caused by:/)[0].replace(/\s+$/, '');
      throw new ModuleLoadError(filename, new Error(`TypeScript syntax error:\n${text}`));
    }
    (module as unknown as { _compile(code: string, filename: string): void })._compile(code, filename);
  };
  for (const ext of EXTENSIONS) internals._extensions[ext] = compile;

  const root = ownPackageRoot();
  // A parent inside this package: Node then resolves `tsorm` and `tsorm/…` as a self-reference through the
  // package's own "exports" (`{ paths: [root] }` would look for root/node_modules/tsorm, which is not there).
  const insidePackage = { id: join(root, 'package.json'), filename: join(root, 'package.json'), paths: (Module as unknown as { _nodeModulePaths(p: string): string[] })._nodeModulePaths(root) };
  const original = internals._resolveFilename;
  internals._resolveFilename = function (request, parent, isMain, options) {
    try {
      return original.call(this, request, parent, isMain, options);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
      // TypeScript's convention (required under node16/nodenext): `./entity.js` in a .ts file names ./entity.ts.
      const filename = (parent as { filename?: string } | undefined)?.filename;
      if (filename && /\.c?ts$/.test(filename) && /^\.\.?\/.*\.c?js$/.test(request)) {
        try {
          return original.call(this, request.replace(/js$/, 'ts'), parent, isMain, options);
        } catch {
          throw e;
        }
      }
      if (request !== 'tsorm' && !request.startsWith('tsorm/')) throw e;
      return original.call(this, request, insidePackage, isMain);
    }
  };
}

/**
 * Loads a module by absolute path: `.ts`/`.cts` through the hook, `.js`/`.cjs`/`.json` through `require`, and
 * an ES module (`.mjs`, or `.js` in a `"type": "module"` package) through `import()`.
 */
export async function loadModule(file: string): Promise<Record<string, unknown>> {
  registerTypeScript();
  try {
    if (file.endsWith('.mjs')) return (await dynamicImport(pathToFileURL(file).href)) as Record<string, unknown>;
    try {
      return require(file) as Record<string, unknown>;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_REQUIRE_ESM') return (await dynamicImport(pathToFileURL(file).href)) as Record<string, unknown>;
      throw e;
    }
  } catch (e) {
    if (e instanceof ModuleLoadError) throw e;
    throw new ModuleLoadError(file, e);
  }
}

// `import()` written so that the CommonJS output keeps it (tsc would turn a literal `import()` into `require`).
const dynamicImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;
