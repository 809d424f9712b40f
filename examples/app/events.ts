/**
 * The event function: counts note views delivered in batches by an event trigger (say, a timer draining a
 * queue, or an EventBridge rule). The event is JSON: `{ "views": [{ "board": "b1", "id": "1" }, …] }`.
 * Answers `{ counted, missing }`; a malformed event throws, so FC reports it and retries asynchronous calls.
 */
import Long from 'long';
import { ConditionCheckFailedError } from 'tsorm';
import { defineFunction } from 'tsorm/fc';
import { Note } from './entities';

interface ViewEvent {
  views: Array<{ board: string; id: string }>;
}

function parse(event: Buffer): ViewEvent {
  const parsed = JSON.parse(event.toString('utf8')) as Partial<ViewEvent>;
  if (!Array.isArray(parsed.views) || !parsed.views.every((v) => typeof v?.board === 'string' && /^\d{1,19}$/.test(String(v?.id)))) {
    throw new TypeError('expected { "views": [{ "board": string, "id": decimal string }, …] }');
  }
  return parsed as ViewEvent;
}

export const { initializer, handler, preStop } = defineFunction({
  entities: [Note],
  event: async (event, { repo }) => {
    const notes = repo(Note);
    let counted = 0;
    let missing = 0;
    for (const view of parse(event).views) {
      try {
        await notes.increment({ board: view.board, id: Long.fromString(String(view.id)) }, 'views', 1); // atomic
        counted++;
      } catch (e) {
        if (!(e instanceof ConditionCheckFailedError)) throw e;
        missing++; // the note was deleted meanwhile
      }
    }
    return { counted, missing };
  },
});
