/**
 * The example app (examples/app) end to end: its HTTP function through the FC 3.0 and FC 2.0 HTTP call shapes
 * and its event function, on the suite's backend, with `tsorm/testing` as a user would test their own app.
 */
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import * as events from '../../examples/app/events';
import { Note, notesSearch } from '../../examples/app/entities';
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
  // a table with a search index cannot be deleted (search spec §9): the index goes first
  await db.client.call('deleteSearchIndex', { tableName: 'tsorm_notes', indexName: notesSearch.name }).catch(() => undefined);
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

describe('examples/app search routes (the search index tsorm_notes_search)', () => {
  // Authors of this test only: the group-by and the author filters see no other test's notes.
  const sfx = Date.now().toString(36);
  const ada = `ada-${sfx}`;
  const grace = `grace-${sfx}`;
  const searchBoard = `search-${sfx}`;
  const get = async (path: string, query?: Record<string, string>) => {
    const r = await invoke(api, { ...target(), http: { path, query } });
    expect(r.statusCode, r.body.toString()).toBe(200);
    return r.json();
  };
  /** Every page of a route, following its cursor; the items of each page. */
  const pages = async (path: string, query: Record<string, string>) => {
    const out: Array<Array<Record<string, any>>> = [];
    let cursor: string | undefined;
    do {
      const page = await get(path, cursor ? { ...query, cursor } : query);
      out.push(page.items);
      cursor = page.cursor;
    } while (cursor && out.length < 10);
    return out;
  };

  beforeAll(async () => {
    const notes: Array<{ author: string; title: string; text?: string; tags?: string[]; likes?: number }> = [
      { author: ada, title: '菊花茶的做法', text: '先把菊花洗净, then steep', tags: ['tea', 'recipe'], likes: 3 },
      { author: grace, title: 'Jasmine 花茶', tags: ['tea'], likes: 10 },
      { author: ada, title: 'coffee at dawn', text: 'no 菊花 here', tags: ['coffee'] },
      { author: ada, title: '野生菊花茶', tags: ['tea'], likes: 5 },
    ];
    for (const { likes, ...body } of notes) {
      const r = await invoke(api, { ...target(), http: { method: 'POST', path: `/boards/${searchBoard}/notes`, body } });
      expect(r.statusCode).toBe(201);
      expect(r.json().tags).toEqual(body.tags);
      if (likes) expect((await invoke(api, { ...target(), http: { method: 'PATCH', path: `/boards/${searchBoard}/notes/${r.json().id}`, body: { likes } } })).statusCode).toBe(200);
    }
    // search is eventually consistent on the service: wait until the index has caught up with the writes
    const db = connect({ endpoint: b().endpoint, instance: b().instance, accessKeyId: b().accessKeyId, accessKeySecret: b().accessKeySecret });
    await db.repository(Note).waitForSearch(notesSearch);
    db.close();
  });

  it('GET /search/notes: full text in title and text, with highlights, in cursor pages', async () => {
    const all = await get('/search/notes', { q: '菊花' });
    // 菊花 is in two titles and in the text of "coffee at dawn"; "Jasmine 花茶" has 花茶 only
    expect(all.total).toBe(3);
    const titles = all.items.map((i: { note: { title: string } }) => i.note.title);
    expect([...titles].sort()).toEqual(['coffee at dawn', '菊花茶的做法', '野生菊花茶']);
    const coffee = all.items.find((i: { note: { title: string } }) => i.note.title === 'coffee at dawn');
    expect(coffee.note).toMatchObject({ author: ada, board: searchBoard, tags: ['coffee'] });
    expect(coffee.highlights.text).toEqual(['no <em>菊花</em> here']);
    expect(coffee.highlights.title ?? []).toEqual([]);
    const recipe = all.items.find((i: { note: { title: string } }) => i.note.title === '菊花茶的做法');
    expect(recipe.highlights.title.join('')).toContain('<em>菊花</em>');
    expect(recipe.highlights.text.join('')).toContain('<em>菊花</em>');
    // the same matches one per page, through the cursor, in the same order
    const paged = await pages('/search/notes', { q: '菊花', limit: '1' });
    expect(paged.flat().map((i) => i.note.title)).toEqual(titles);
    expect((await get('/search/notes', { q: 'nothing-like-this' })).items).toEqual([]);
  });

  it('GET /authors/{author}/tags/{tag}/notes: filtered by both, newest first, in cursor pages', async () => {
    const paged = await pages(`/authors/${ada}/tags/tea/notes`, { limit: '1' });
    // the service returns a cursor whenever a page is full (search spec §6.1): here a last, empty page
    expect(paged.map((items) => items.map((n) => n.title))).toEqual([['野生菊花茶'], ['菊花茶的做法'], []]);
    const times = paged.flat().map((n) => Date.parse(n.createdAt));
    expect(times[0]).toBeGreaterThanOrEqual(times[1]);
    expect((await get(`/authors/${ada}/tags/coffee/notes`)).items.map((n: { title: string }) => n.title)).toEqual(['coffee at dawn']);
    expect((await get(`/authors/${grace}/tags/recipe/notes`)).items).toEqual([]);
  });

  it('GET /stats/likes-by-author: a group-by on author with the sum of likes, most liked first', async () => {
    const { authors } = await get('/stats/likes-by-author');
    const mine = authors.filter((a: { author: string }) => a.author.endsWith(sfx));
    expect(mine).toEqual([
      { author: grace, notes: 1, likes: 10 },
      { author: ada, notes: 3, likes: 8 },
    ]);
    const likes = authors.map((a: { likes: number }) => a.likes);
    expect(likes).toEqual([...likes].sort((x, y) => y - x));
  });

  it('answers 400 for a missing query, bad tags or a cursor of another route', async () => {
    expect((await invoke(api, { ...target(), http: 'GET /search/notes' })).statusCode).toBe(400);
    const badTags = await invoke(api, { ...target(), http: { method: 'POST', path: `/boards/${searchBoard}/notes`, body: { author: ada, title: 't', tags: 'tea' } } });
    expect([badTags.statusCode, badTags.json().error]).toEqual([400, 'tags must be an array of non-empty strings']);
    const cursor = (await get(`/boards/${searchBoard}/notes`, { limit: '1' })).cursor as string;
    expect((await invoke(api, { ...target(), http: { path: '/search/notes', query: { q: '菊花', cursor } } })).statusCode).toBe(400);
    expect((await invoke(api, { ...target(), http: { path: '/search/notes', query: { q: '菊花', cursor: 'nope' } } })).statusCode).toBe(400);
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
