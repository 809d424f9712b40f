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
 * int64 values (id, likes) are JSON strings, binary ones base64 strings, dates ISO strings.
 */
import Long from 'long';
import { ConditionCheckFailedError, EntityValidationError, InvalidCursorError, type Repository } from 'tsorm';
import { defineFunction, HttpError, type HttpRequest, type HttpResponse } from 'tsorm/fc';
import { Note } from './entities';

interface NoteInput {
  author?: unknown;
  title?: unknown;
  text?: unknown;
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
  if (body.likes !== undefined && !(typeof body.likes === 'number' && Number.isInteger(body.likes))) {
    throw new HttpError(400, { error: 'likes must be an integer to add' });
  }
  await notes.update(
    { board, id },
    {
      // `undefined` leaves a column as it is: no need to build the change sets conditionally.
      set: { title, text },
      increment: { likes: body.likes === undefined ? undefined : BigInt(body.likes as number) },
    },
  ); // the row must exist: ConditionCheckFailedError otherwise
  return { body: await notes.get({ board, id }) };
}

export const { initializer, handler, preStop } = defineFunction({
  entities: [Note],
  http: async (req, { repo }) => {
    const notes = repo(Note);
    const [, first, key, collection, idText, extra] = req.path.split('/');
    try {
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
