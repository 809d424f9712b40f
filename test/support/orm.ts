/** tsorm pointed at the suite's backend (see test/global-setup.ts), and table creation for test entities. */
import { inject } from 'vitest';
import { connect, type Database } from '../../src';
import { createEntityTable } from '../../src/migrations/spec/entity-table';
import { getTableSchema, type EntityClass } from '../../src/schema';

/**
 * The transport the ORM tests run on: `TSORM_TEST_TRANSPORT=wire` selects tsorm's own wire transport (issue 15)
 * instead of the SDK's.
 */
export function testTransport(): 'wire' | undefined {
  return process.env.TSORM_TEST_TRANSPORT === 'wire' ? 'wire' : undefined;
}

export function connectDb(options: Record<string, unknown> = {}): Database {
  const b = inject('backend');
  return connect({ endpoint: b.endpoint, instance: b.instance, accessKeyId: b.accessKeyId, accessKeySecret: b.accessKeySecret, transport: testTransport(), ...options });
}

/** Creates the tables of these entities (each test file uses its own table names). */
export async function createTables(db: Database, ...entities: EntityClass[]): Promise<void> {
  for (const e of entities) await createEntityTable(db.client, getTableSchema(e), { ifNotExists: true });
}
