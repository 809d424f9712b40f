/**
 * The example app (examples/app) end to end: its HTTP function through the FC 3.0 and FC 2.0 HTTP call shapes
 * and its event function, on the suite's backend, with `tsorm/testing` as a user would test their own app.
 */
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import * as events from '../../examples/app/events';
import * as api from '../../examples/app/index';
import { connect } from '../../src';
import { createTables, invoke, resetInstance, type InvokeOptions } from '../../src/testing';

const b = () => inject('backend');
const target = (): Pick<InvokeOptions, 'endpoint' | 'instance' | 'credentials'> => ({
  endpoint: b().endpoint,
  instance: b().instance,
  credentials: { accessKeyId: b().accessKeyId, accessKeySecret: b().accessKeySecret },
});
const board = `board-${Date.now().toString(36)}`;

beforeAll(async () => {
  await createTables({ endpoint: b().endpoint, instance: b().instance, accessKeyId: b().accessKeyId, accessKeySecret: b().accessKeySecret }, api);
});
afterAll(async () => {
  resetInstance(api);
  resetInstance(events);
  // the backend's 64-table quota is shared by the test files running side by side
  const db = connect({ endpoint: b().endpoint, instance: b().instance, accessKeyId: b().accessKeyId, accessKeySecret: b().accessKeySecret });
  await db.client.call('deleteTable', { tableName: 'tsorm_notes' }).catch(() => undefined);
  db.close();
});

describe('examples/app HTTP function', () => {
  it('create / get / list (paged with the cursor) / update / delete', async () => {
    const created = await invoke(api, {
      ...target(),
      http: { method: 'POST', path: `/boards/${board}/notes`, body: { author: 'ada', title: 'first', attachment: Buffer.from([0, 1, 2]).toString('base64') } },
    });
    expect(created.statusCode).toBe(201);
    expect(created.initialized).toBe(true); // the first call of the instance ran the initializer
    const note = created.json();
    expect(note).toMatchObject({ board, author: 'ada', title: 'first', views: 0, likes: '0', attachment: 'AAEC' });
    expect(note.id).toMatch(/^\d+$/); // int64 as a decimal string, exact
    expect(created.headers.location).toBe(`/boards/${board}/notes/${note.id}`);
    expect(created.logs.some((l) => /tsorm initializer/.test(l))).toBe(true);
    expect(created.logs.at(-1)).toMatch(/tsorm invocation .*method=POST .*status=201 .*calls=1 .*writeCU=1/);

    for (const title of ['second', 'third']) {
      const r = await invoke(api, { ...target(), http: { method: 'POST', path: `/boards/${board}/notes`, body: { author: 'bob', title } } });
      expect(r.statusCode).toBe(201);
      expect(r.initialized).toBe(false); // warm: the same instance and client
    }

    const got = await invoke(api, { ...target(), http: `GET /boards/${board}/notes/${note.id}` });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(note);

    const page1 = await invoke(api, { ...target(), http: `GET /boards/${board}/notes?limit=2` });
    expect(page1.json().items.map((n: { title: string }) => n.title)).toEqual(['first', 'second']);
    const cursor = page1.json().cursor as string;
    expect(cursor).toBeTruthy();
    const page2 = await invoke(api, { ...target(), http: { path: `/boards/${board}/notes`, query: { limit: '2', cursor } } });
    expect(page2.json().items.map((n: { title: string }) => n.title)).toEqual(['third']);
    expect(page2.json().cursor).toBeUndefined();

    const byAuthor = await invoke(api, { ...target(), http: `GET /authors/bob/notes` });
    expect(byAuthor.json().items.filter((n: { board: string }) => n.board === board).map((n: { title: string }) => n.title)).toEqual(['second', 'third']);

    const patched = await invoke(api, { ...target(), http: { method: 'PATCH', path: `/boards/${board}/notes/${note.id}`, body: { title: 'first!', likes: 2 } } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ title: 'first!', likes: '2' });
    expect(patched.logs.at(-1)).toMatch(/calls=2 /);

    const deleted = await invoke(api, { ...target(), http: `DELETE /boards/${board}/notes/${note.id}` });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body.length).toBe(0);
    expect((await invoke(api, { ...target(), http: `GET /boards/${board}/notes/${note.id}` })).statusCode).toBe(404);
    expect((await invoke(api, { ...target(), http: `DELETE /boards/${board}/notes/${note.id}` })).statusCode).toBe(404);
  });

  it('answers 4xx for bad input, in the FC 2.0 HTTP shape too', async () => {
    const invalid = await invoke(api, { ...target(), http: { method: 'POST', path: `/boards/${board}/notes`, body: { author: 'ada', title: '' } } });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json().violations[0]).toMatchObject({ property: 'title' });
    const badJson = await invoke(api, { ...target(), runtime: 'fc2', http: { method: 'POST', path: `/boards/${board}/notes`, body: '{' } });
    expect(badJson.statusCode).toBe(400);
    const badCursor = await invoke(api, { ...target(), runtime: 'fc2', http: `GET /boards/${board}/notes?cursor=nope` });
    expect(badCursor.statusCode).toBe(400);
    expect((await invoke(api, { ...target(), http: 'GET /nowhere' })).statusCode).toBe(404);
    expect((await invoke(api, { ...target(), http: `PUT /boards/${board}/notes` })).statusCode).toBe(405);
  });
});

describe('examples/app event function', () => {
  it('counts views in batches, atomically, in both runtimes; a malformed event fails the invocation', async () => {
    const created = await invoke(api, { ...target(), http: { method: 'POST', path: `/boards/${board}/notes`, body: { author: 'cy', title: 'viewed' } } });
    const id = created.json().id as string;
    const views = { views: [{ board, id }, { board, id }, { board, id: '999999999' }] };
    const fc3 = await invoke(events, { ...target(), event: views });
    expect(fc3.result).toEqual({ counted: 2, missing: 1 });
    const fc2 = await invoke(events, { ...target(), runtime: 'fc2', event: JSON.stringify({ views: [{ board, id }] }) });
    expect(fc2.result).toEqual({ counted: 1, missing: 0 });
    expect(fc2.logs.at(-1)).toMatch(/trigger=event .*calls=1 /);
    expect((await invoke(api, { ...target(), http: `GET /boards/${board}/notes/${id}` })).json().views).toBe(3);
    await expect(invoke(events, { ...target(), event: { views: 'nope' } })).rejects.toThrow(/expected \{ "views"/);
    await expect(invoke(events, { ...target(), runtime: 'fc2', event: 'not json' })).rejects.toThrow(SyntaxError);
  });
});
