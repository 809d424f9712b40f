/**
 * The HTTP function: a small REST API over notes, deployed with the HTTP trigger of `s.yaml`.
 *
 *   POST   /boards/{board}/notes          { author, title, text?, attachment? (base64) } → 201 the note
 *   GET    /boards/{board}/notes?limit=&cursor=                                           → { items, cursor? }
 *   GET    /boards/{board}/notes/{id}                                                     → the note
 *   PATCH  /boards/{board}/notes/{id}    { title?, text?, likes? (a number to add) }     → the note
 *   DELETE /boards/{board}/notes/{id}                                                     → 204
 *   GET    /authors/{author}/notes?limit=&cursor=   (the secondary index)                 → { items, cursor? }
 *
 * and on the search index tsorm_notes_search (entities.ts):
 *
 *   GET    /search/notes?q=&limit=&cursor=          full text in title and text, best first
 *                                                   → { total, items: [{ note, highlights }], cursor? }
 *   GET    /authors/{author}/tags/{tag}/notes?limit=&cursor=   newest first               → { items, cursor? }
 *   GET    /stats/likes-by-author                   likes per author, most liked first
 *                                                   → { authors: [{ author, notes, likes }] }
 *
 * A search page has a cursor whenever it is full, so the last page may be empty (search spec §6.1).
 * POST and PATCH also take `tags` (an array of strings). int64 values (id, likes) are JSON strings, binary ones
 * base64 strings, dates ISO strings. Search is eventually consistent on the service: a note shows up in the
 * search routes within seconds of its write, not at once (search spec §8).
 */
import Long from 'long';
import { ConditionCheckFailedError, EntityValidationError, InvalidCursorError, type Repository } from 'tsorm';
import { defineFunction, HttpError, type HttpRequest, type HttpResponse } from 'tsorm/fc';
import { Note, notesSearch } from './entities';

interface NoteInput {
  author?: unknown;
  title?: unknown;
  text?: unknown;
  tags?: unknown;
  attachment?: unknown;
  likes?: unknown;
}

function noteId(raw: string): Long {
  if (!/^\d{1,19}$/.test(raw)) throw new HttpError(404, { error: `no note ${raw}` });
  return Long.fromString(raw);
}

function optionalString(body: NoteInput, name: keyof NoteInput): string | undefined {
  const v = body[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new HttpError(400, { error: `${name} must be a string` });
  return v;
}

function optionalTags(body: NoteInput): string[] | undefined {
  const v = body.tags;
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((t) => typeof t === 'string' && t !== '')) throw new HttpError(400, { error: 'tags must be an array of non-empty strings' });
  return v as string[];
}

function pageOptions(req: HttpRequest): { limit: number; cursor?: string } {
  const limit = req.query.limit === undefined ? 20 : Number(req.query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new HttpError(400, { error: 'limit must be an integer from 1 to 100' });
  return { limit, cursor: req.query.cursor };
}

async function create(notes: Repository<Note>, board: string, req: HttpRequest): Promise<HttpResponse> {
  const body = req.json<NoteInput>();
  const attachment = optionalString(body, 'attachment');
  const note = await notes.insert({
    board,
    author: optionalString(body, 'author') ?? '',
    title: optionalString(body, 'title') ?? '',
    text: optionalString(body, 'text'),
    tags: optionalTags(body),
    attachment: attachment === undefined ? undefined : Buffer.from(attachment, 'base64'),
    views: 0,
    likes: 0n,
    createdAt: new Date(),
  });
  return { status: 201, headers: { location: `/boards/${board}/notes/${note.id}` }, body: note };
}

async function update(notes: Repository<Note>, board: string, id: Long, req: HttpRequest): Promise<HttpResponse> {
  const body = req.json<NoteInput>();
  const title = optionalString(body, 'title');
  const text = optionalString(body, 'text');
  const tags = optionalTags(body);
  if (body.likes !== undefined && !(typeof body.likes === 'number' && Number.isInteger(body.likes))) {
    throw new HttpError(400, { error: 'likes must be an integer to add' });
  }
  await notes.update(
    { board, id },
    {
      // `undefined` leaves a column as it is: no need to build the change sets conditionally.
      set: { title, text, tags },
      increment: { likes: body.likes === undefined ? undefined : BigInt(body.likes as number) },
    },
  ); // the row must exist: ConditionCheckFailedError otherwise
  return { body: await notes.get({ board, id }) };
}

/** Notes whose title or text matches `q`, best first, each with its highlighted fragments. */
async function searchText(notes: Repository<Note>, req: HttpRequest): Promise<HttpResponse> {
  const text = req.query.q?.trim();
  if (!text) throw new HttpError(400, { error: 'q (the text to search for) is required' });
  const page = await notes.search(notesSearch, (q) => q.bool({ should: [q.title.match(text), q.text.match(text)] }), {
    ...pageOptions(req),
    sort: (s) => [s.score(), s.primaryKey()], // equal scores in key order: pages through the token stay stable
    count: true,
    highlight: { fields: ['title', 'text'] },
  });
  const items = page.items.map((note, i) => ({ note, highlights: page.highlights?.[i] ?? {} }));
  return { body: { total: page.total, items, ...(page.cursor ? { cursor: page.cursor } : {}) } };
}

/** One author's notes carrying a tag, newest first, in cursor pages. */
async function byAuthorAndTag(notes: Repository<Note>, author: string, tag: string, req: HttpRequest): Promise<HttpResponse> {
  const page = await notes.search(notesSearch, (q) => q.bool({ filter: [q.author.term(author), q.tags.term(tag)] }), {
    ...pageOptions(req),
    sort: (s) => [s.createdAt.desc(), s.primaryKey('desc')], // ids grow with time within a board: ties newest first too
  });
  return { body: page };
}

/**
 * Likes per author: a group-by on author with the sum of likes in each group. [decision] The groups come back
 * by note count (the builder orders a group-by by count or key); up to 2,000 authors (spec §7.2), re-sorted
 * here by likes.
 */
async function likesByAuthor(notes: Repository<Note>): Promise<HttpResponse> {
  const { byAuthor } = await notes.aggregate(
    notesSearch,
    (q) => q.matchAll(),
    (a) => ({ byAuthor: a.author.groupBy({ size: 2000, aggs: { likes: a.likes.sum() } }) }),
  );
  const authors = byAuthor.map((g) => ({ author: g.key, notes: g.count, likes: g.likes ?? 0 }));
  authors.sort((x, y) => y.likes - x.likes || (x.author < y.author ? -1 : 1));
  return { body: { authors } };
}

export const { initializer, handler, preStop } = defineFunction({
  entities: [Note],
  http: async (req, { repo }) => {
    const notes = repo(Note);
    const [, first, key, collection, idText, extra, more] = req.path.split('/');
    try {
      if (req.method === 'GET' && first === 'search' && key === 'notes' && collection === undefined) return await searchText(notes, req);
      if (req.method === 'GET' && first === 'stats' && key === 'likes-by-author' && collection === undefined) return await likesByAuthor(notes);
      if (req.method === 'GET' && first === 'authors' && key && collection === 'tags' && idText && extra === 'notes' && more === undefined) {
        return await byAuthorAndTag(notes, decodeURIComponent(key), decodeURIComponent(idText), req);
      }
      if (first === 'boards' && key && collection === 'notes' && extra === undefined) {
        const board = decodeURIComponent(key);
        if (idText === undefined || idText === '') {
          if (req.method === 'POST') return await create(notes, board, req);
          if (req.method === 'GET') return { body: await notes.page({ board }, pageOptions(req)) };
        } else {
          const id = noteId(idText);
          if (req.method === 'GET') {
            const note = await notes.get({ board, id });
            if (!note) throw new HttpError(404, { error: `no note ${idText} on board ${board}` });
            return { body: note };
          }
          if (req.method === 'PATCH') return await update(notes, board, id, req);
          if (req.method === 'DELETE') {
            await notes.delete({ board, id }, { expect: 'exist' });
            return { status: 204 };
          }
        }
        throw new HttpError(405, { error: `${req.method} is not allowed on ${req.path}` });
      }
      if (first === 'authors' && key && collection === 'notes' && idText === undefined && req.method === 'GET') {
        return { body: await notes.index('tsorm_notes_by_author').page({ author: decodeURIComponent(key) }, pageOptions(req)) };
      }
      throw new HttpError(404, { error: `no route for ${req.method} ${req.path}` });
    } catch (e) {
      if (e instanceof EntityValidationError) throw new HttpError(422, { error: 'invalid note', violations: e.violations });
      if (e instanceof InvalidCursorError) throw new HttpError(400, { error: e.message });
      if (e instanceof ConditionCheckFailedError) throw new HttpError(404, { error: `no note ${idText} on board ${key}` });
      throw e; // anything else: FC reports the error (HTTP callers get a 5xx)
    }
  },
});
