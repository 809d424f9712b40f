/**
 * Issue 15: the runtime entry does not load the official SDK when the default (wire) transport is in use. A
 * child process requires the built `tsorm` (and `tsorm/fc`), connects, and does what a basic app does —
 * insert, get, update, a conditional write, a batch write, a batch get, a range read, a delete — against the
 * suite's backend; then it reports whether any module of the `tablestore` package is in `require.cache`. The
 * same run with `transport: 'sdk'` must load it (so the check can fail). Needs `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { Column, connect, PrimaryKey, Table, Version } from '../../src';
import { getTableSchema } from '../../src/schema';
import { createEntityTable } from '../../src/migrations/spec/entity-table';
import { requireBuild, ROOT } from '../support/emulator-process';

const TABLE = `tsorm_no_sdk_${Date.now().toString(36)}`;

@Table(TABLE)
class Note {
  @PrimaryKey({ type: 'string' }) id!: string;
  @Column({ type: 'string' }) title!: string;
  @Column({ type: 'int64', mode: 'bigint' }) likes!: bigint;
  @Version() version!: number;
}

const CHILD = `
const { join } = require('node:path');
const tsorm = require(join(process.env.ROOT, 'dist/src/index.js'));
require(join(process.env.ROOT, 'dist/src/fc/index.js'));
const { Table, PrimaryKey, Column, Version } = tsorm;
class Note {}
PrimaryKey({ type: 'string' })(Note.prototype, 'id');
Column({ type: 'string' })(Note.prototype, 'title');
Column({ type: 'int64', mode: 'bigint' })(Note.prototype, 'likes');
Version({ mode: 'number' })(Note.prototype, 'version');
Table(process.env.TABLE)(Note);
(async () => {
  const b = JSON.parse(process.env.BACKEND);
  const transport = process.env.TRANSPORT || undefined;
  const db = tsorm.connect({ endpoint: b.endpoint, instance: b.instance, accessKeyId: b.accessKeyId, accessKeySecret: b.accessKeySecret, transport });
  const notes = db.repository(Note);
  const id = 'n-' + (transport || 'default');
  await notes.insert({ id, title: 'a', likes: 1n });
  const got = await notes.get({ id });
  await notes.update({ id }, { likes: { increment: 2n } }, { expect: { version: got.version } });
  await notes.batchSave([1, 2, 3].map((i) => Object.assign(new Note(), { id: id + '-' + i, title: 't', likes: BigInt(i) })));
  const many = await notes.batchGet([1, 2, 3].map((i) => ({ id: id + '-' + i })));
  let n = 0;
  for await (const _ of notes.find({ start: { id }, end: { id: id + '~' } })) n++;
  await notes.delete({ id });
  const after = await notes.get({ id });
  const loaded = Object.keys(require.cache).filter((k) => /[\\\\/]node_modules[\\\\/]tablestore[\\\\/]/.test(k));
  console.log(JSON.stringify({ likes: String((await notes.batchGet([{ id: id + '-2' }]))[0].likes), many: many.filter(Boolean).length, n, gone: after === undefined, transport: db.client.transport, loaded: loaded.length }));
  db.close();
})().catch((e) => { console.error(e); process.exit(1); });
`;

function runChild(transport: string): { likes: string; many: number; n: number; gone: boolean; transport: string; loaded: number } {
  const r = spawnSync(process.execPath, ['-e', CHILD], {
    cwd: ROOT,
    env: { ...process.env, ROOT, TABLE, TRANSPORT: transport, BACKEND: JSON.stringify(inject('backend')) },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

describe('the runtime without the SDK', () => {
  beforeAll(async () => {
    requireBuild();
    const b = inject('backend');
    const db = connect({ endpoint: b.endpoint, instance: b.instance, accessKeyId: b.accessKeyId, accessKeySecret: b.accessKeySecret });
    await createEntityTable(db.client, getTableSchema(Note));
    db.close();
  });

  it('the default transport: a basic app runs and `tablestore` stays out of require.cache', () => {
    const out = runChild('');
    expect(out).toEqual({ likes: '2', many: 3, n: 4, gone: true, transport: 'wire', loaded: 0 });
  });

  it("transport: 'sdk' does the same through the SDK, which is then loaded", () => {
    const out = runChild('sdk');
    expect(out.transport).toBe('sdk');
    expect(out.loaded).toBeGreaterThan(0);
    expect({ ...out, loaded: 0 }).toEqual({ likes: '2', many: 3, n: 4, gone: true, transport: 'sdk', loaded: 0 });
  });
});
