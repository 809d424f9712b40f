import { Column, connect, defineSearchIndex, getTableSchema, PrimaryKey, PrimaryKeys, SearchIndex, Table, type Database } from 'tsorm';
import { createEntityTable } from 'tsorm/migrations';

// The index as a value: @SearchIndex creates it (tsorm migrate:generate diffs it), search() is typed by it.
export const notesSearch = defineSearchIndex<Note>()('search_notes_index', {
  fields: {
    title: { type: 'text', analyzer: 'max_word', highlight: true }, // full text
    author: 'keyword', // whole-value terms, groupBy
    likes: 'long', // int64 (here bigint): range, avg, sum…
    createdAt: 'date', // a Date column: epoch_millis, as the codec stores it
    tags: { type: 'keyword', array: true }, // a json column holding a string array
  },
});

@Table('search_notes')
@SearchIndex(notesSearch)
export class Note {
  declare readonly [PrimaryKeys]?: 'id';
  @PrimaryKey('string') id!: string;
  @Column('string') title!: string;
  @Column('string') author!: string;
  @Column({ mode: 'bigint' }) likes!: bigint;
  @Column('date') createdAt!: Date;
  @Column('json') tags?: string[];
}

export async function searchExample(db: Database = connect()): Promise<string[]> {
  await createEntityTable(db.client, getTableSchema(Note), { ifNotExists: true }); // or: tsorm migrate
  const notes = db.repository(Note);
  const log: string[] = [];
  await notes.batchSave([
    { id: 'n1', title: '菊花茶的做法', author: 'ada', likes: 12n, createdAt: new Date('2025-01-01'), tags: ['tea'] },
    { id: 'n2', title: '野生菊花茶', author: 'bob', likes: 30n, createdAt: new Date('2025-02-01'), tags: ['tea', 'pear'] },
    { id: 'n3', title: 'coffee at dawn', author: 'ada', likes: 5n, createdAt: new Date('2025-03-01') },
  ]);
  await notes.waitForSearch(notesSearch); // search is eventually consistent on the service

  const page = await notes.search(
    notesSearch,
    (q) => q.bool({ must: [q.title.match('花茶')], filter: [q.likes.range({ gte: 10n })] }),
    { sort: (s) => [s.createdAt.desc()], limit: 20, count: true, highlight: { fields: ['title'] } },
  );
  log.push(`${page.total} found: ${page.items.map((n) => n.id).join(', ')}`); // page.items: Note[]
  log.push(`highlight ${page.hits[0].highlight!.title[0]}`); // hits: { item, score, highlight, innerHits }

  const ids: string[] = [];
  for await (const n of notes.search(notesSearch, (q) => q.author.term('ada')).all()) ids.push(n.id); // token by token
  log.push(`by ada: ${ids.sort().join(', ')}`);

  const stats = await notes.aggregate(
    notesSearch,
    (q) => q.matchAll(),
    (a) => ({ avgLikes: a.likes.avg(), byAuthor: a.author.groupBy({ size: 10, aggs: { likes: a.likes.sum() } }) }),
  );
  log.push(`avg likes ${stats.avgLikes}; ${stats.byAuthor.map((g) => `${g.key}: ${g.count} notes, ${g.likes} likes`).join('; ')}`);

  const month = { value: 1, unit: 'month' } as const;
  const combos: string[] = []; // every (author, month) bucket, page by page through the composite's own token
  for await (const b of notes.compositeBuckets(notesSearch, (q) => q.matchAll(), (a) => a.composite({ sources: { author: a.author.groupBy(), month: a.createdAt.dateHistogram({ interval: month }) } }))) {
    combos.push(`${b.key.author} ${b.key.month.toISOString().slice(0, 7)}: ${b.count}`); // key: { author: string; month: Date }
  }
  log.push(`by author and month: ${combos.join(', ')}`);
  return log;
}
