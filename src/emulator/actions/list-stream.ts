import type { Action } from './common';
import { validateListStream } from './validations/list-stream';

/** The streams of enabled tables, or of one table (streams spec §2.3): none when no stream is enabled. */
export const listStream: Action = {
  name: 'ListStream',
  handle(req, { engine }) {
    const tables = validateListStream(req, engine);
    return { streams: tables.filter((t) => t.stream).map((t) => ({ streamId: t.stream!.id, tableName: t.name, creationTime: t.stream!.enabledMicros })) };
  },
};
