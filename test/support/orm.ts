/** tsorm pointed at the suite's backend (see test/global-setup.ts), and table creation for test entities. */
import { inject } from 'vitest';
import { connect, type Database } from '../../src';
import { createEntityTable } from '../../src/migrations/spec/entity-table';
import { getTableSchema, type EntityClass } from '../../src/schema';

/**
 * The transport the ORM tests run on: the default (tsorm's own wire transport, issue 15) unless
 * `TSORM_TEST_TRANSPORT` says `sdk` or `wire`. `npm test` runs a smoke subset with `sdk` (vitest.config.ts).
 */
export function testTransport(): 'wire' | 'sdk' | undefined {
  const t = process.env.TSORM_TEST_TRANSPORT;
  return t === 'sdk' || t === 'wire' ? t : undefined;
}

export function connectDb(options: Record<string, unknown> = {}): Database {
  const b = inject('backend');
  return connect({ endpoint: b.endpoint, instance: b.instance, accessKeyId: b.accessKeyId, accessKeySecret: b.accessKeySecret, transport: testTransport(), ...options });
}

/** Creates the tables of these entities (each test file uses its own table names). */
export async function createTables(db: Database, ...entities: EntityClass[]): Promise<void> {
  for (const e of entities) await createEntityTable(db.client, getTableSchema(e), { ifNotExists: true });
}
