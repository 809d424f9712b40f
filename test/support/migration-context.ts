/** A migration context on a database without the runner (no history, no lock): for tests of `m.*` operations. */
import { createContext, type MigrationContext } from '../../src/migrations/run/context';
import type { Database } from '../../src/repository/database';
import { getTableSchema } from '../../src/schema';

export function testContext(db: Database, options: { dryRun: boolean; log: (line: string) => void }): MigrationContext {
  return createContext({
    migration: 'test',
    direction: 'up',
    dryRun: options.dryRun,
    client: db.client,
    db,
    history: undefined as never,
    token: 't',
    resumeSteps: 0,
    onStep: async () => undefined,
    assertHeld: () => undefined,
    log: options.log,
    resolveSchema: (e) => getTableSchema(e),
    progress: {} as never,
    throughputWaitMs: 0,
  });
}
