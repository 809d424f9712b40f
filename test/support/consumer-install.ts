/**
 * Installs the packed tsorm tarball into a throwaway project the way a user's `npm install` does, but offline:
 * `npm ci --offline` from a lockfile written here, so every package comes from the npm cache that the
 * repository's own `npm ci` filled (CI runs that first). `npm install --offline` would not do: it needs the
 * registry's package documents, which `npm ci` never caches; a lockfile with `resolved` + `integrity` needs
 * only the tarballs, which npm finds in its cache by `integrity` whatever the `resolved` URL (so a registry
 * mirror changes nothing; tried with an unresolvable host). The lock entries are the repository's own (same versions as the suite tests), for the
 * packages tsorm depends on and the tools named (typescript, esbuild, tsx…), with what they depend on.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ROOT } from './emulator-process';

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [key: string]: unknown;
}

const REGISTRY = 'https://registry.npmjs.org';

/**
 * The esbuild flags of examples/app/DEPLOY.md's build ("Build the code package"), which the consumer matrix and
 * the example's deploy test run (and check DEPLOY.md still names).
 */
export const DEPLOY_ESBUILD = ['--bundle', '--platform=node', '--target=node20', '--minify', '--keep-names'];

/** Packs the package (`npm pack`) into `dir`; returns the tarball's path. Needs `npm run build`. */
export function packTarball(dir: string): string {
  const r = spawnSync('npm', ['pack', '--pack-destination', dir, '--json'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm pack failed: ${r.stderr}`);
  const [{ filename }] = JSON.parse(r.stdout) as [{ filename: string }];
  return join(dir, basename(filename));
}

/** Writes package.json + package-lock.json in `dir` for tsorm (from `tarball`) and `tools`, then `npm ci --offline`. */
export function installTarball(dir: string, tarball: string, tools: readonly string[]): void {
  const repoLock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const own = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    version: string;
    dependencies: Record<string, string>;
    optionalDependencies?: Record<string, string>;
    bin?: Record<string, string>;
  };
  const packages = repoLock.packages;
  const local = basename(tarball);
  copyFileSync(tarball, join(dir, local));

  const dependencies: Record<string, string> = { tsorm: `file:${local}` };
  for (const tool of tools) dependencies[tool] = packages[`node_modules/${tool}`].version!;
  const lock: Record<string, LockEntry> = { '': { name: 'consumer', dependencies } };

  // Node's lookup from a nested package: its own node_modules first, then each enclosing one.
  const added = new Set<string>();
  const add = (key: string): boolean => {
    if (added.has(key)) return true;
    const entry = packages[key];
    if (!entry) return false;
    added.add(key);
    const name = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const copy: LockEntry = { ...entry };
    delete copy.dev;
    delete copy.devOptional;
    delete copy.peer;
    if (!copy.resolved && !copy.link) copy.resolved = `${REGISTRY}/${name}/-/${name.split('/').pop()}-${copy.version}.tgz`;
    lock[key] = copy;
    for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
      for (let base = key; ; ) {
        if (add(`${base}/node_modules/${dep}`)) break;
        const up = base.lastIndexOf('/node_modules/');
        if (up < 0) {
          add(`node_modules/${dep}`);
          break;
        }
        base = base.slice(0, up);
      }
    }
    return true;
  };
  for (const name of [...Object.keys(own.dependencies), ...Object.keys(own.optionalDependencies ?? {}), ...tools]) add(`node_modules/${name}`);
  lock['node_modules/tsorm'] = {
    version: own.version,
    resolved: `file:${local}`,
    integrity: `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`,
    dependencies: own.dependencies,
    optionalDependencies: own.optionalDependencies,
    bin: own.bin,
  };

  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'consumer', private: true, dependencies }, null, 2)}\n`);
  writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify({ name: 'consumer', lockfileVersion: 3, requires: true, packages: lock }, null, 2)}\n`);
  const r = spawnSync('npm', ['ci', '--offline', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm ci --offline failed (is the npm cache filled? run npm ci in the repository): ${r.stderr}`);
}
