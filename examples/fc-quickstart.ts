import Long from 'long';
import { AutoIncrement, Column, Generated, PrimaryKey, PrimaryKeys, Table } from 'tsorm';
import { defineFunction, HttpError } from 'tsorm/fc';

@Table('quickstart_visits')
export class Visit {
  declare readonly [PrimaryKeys]?: 'page' | 'id';
  declare readonly [Generated]?: 'id';
  @PrimaryKey('string') page!: string;
  @PrimaryKey({ mode: 'long' }) @AutoIncrement() id!: Long;
  @Column('string') referrer?: string;
}

// What FC calls: `handler` (HTTP or event, FC 2.0 or 3.0), `initializer` and `preStop` (configured in s.yaml).
export const { initializer, handler, preStop } = defineFunction({
  entities: [Visit],
  http: async (req, { repo }) => {
    const page = req.path.slice(1);
    if (!page) throw new HttpError(400, { error: 'which page?' }); // becomes a 400 response
    if (req.method === 'POST') {
      const visit = await repo(Visit).insert({ page, referrer: req.headers.referer });
      return { status: 201, body: visit }; // JSON; int64 as strings: {"page":"home","id":"1795…"}
    }
    return { body: await repo(Visit).page({ page }, { limit: 20, cursor: req.query.cursor }) }; // { items, cursor? }
  },
});
