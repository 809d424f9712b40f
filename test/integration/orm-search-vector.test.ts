/**
 * KNN over a vector field (a json column holding a number array, spec §2.1/§4) and routing values, through
 * repository.search against the emulator.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { Column, defineSearchIndex, PrimaryKey, PrimaryKeys, SearchIndex, Table } from '../../src';
import { connectDb, createTables } from '../support/orm';

const suffix = randomBytes(3).toString('hex');
const shapes = defineSearchIndex<Shape>()(`shapes_search_${suffix}`, {
  fields: { kind: 'keyword', embedding: { type: 'vector', vector: { dimension: 3, metric: 'euclidean' } } },
  routing: ['shop'],
});

@Table(`shapes_${suffix}`)
@SearchIndex(shapes)
class Shape {
  declare readonly [PrimaryKeys]?: 'shop' | 'id';
  @PrimaryKey('string') shop!: string;
  @PrimaryKey('string') id!: string;
  @Column('string') kind!: string;
  @Column('json') embedding!: number[];
}

describe('knn and routing', () => {
  const db = connectDb();
  const repo = db.repository(Shape);
  beforeAll(async () => {
    await createTables(db, Shape);
    await repo.batchSave(
      Array.from({ length: 20 }, (_, i) => Object.assign(new Shape(), { shop: `s${i % 2}`, id: `x${i}`, kind: i % 2 ? 'odd' : 'even', embedding: [i, i, i] })),
    );
    await repo.waitForSearch(shapes);
  });

  it('finds the nearest vectors, optionally filtered', async () => {
    const near = await repo.search(shapes, (q) => q.embedding.knn([10.2, 10.2, 10.2], 3), { limit: 3, sort: (s) => [s.score()] });
    expect(near.items.map((s) => s.id)).toEqual(['x10', 'x11', 'x9']);
    expect(near.items[0].embedding).toEqual([10, 10, 10]);
    const odd = await repo.search(shapes, (q) => q.embedding.knn([10.2, 10.2, 10.2], 2, q.kind.term('odd')), { limit: 2, sort: (s) => [s.score()] });
    expect(odd.items.map((s) => s.id)).toEqual(['x11', 'x9']);
    expect(() => repo.search(shapes, (q) => q.embedding.knn([1, 2], 3))).toThrow(/knn\(\) takes 3 finite numbers/);
  });

  it('sends routing values of the routing key', async () => {
    // One shard: routing narrows nothing on the service either (spec §2.5, observed); the request must be accepted.
    const page = await repo.search(shapes, (q) => q.kind.term('even'), { routing: [{ shop: 's0' }], limit: 100 });
    expect(page.items).toHaveLength(10);
  });
});
