/** A migration context (`m`) on a test database, without history or lock: for testing `m.*` operations alone. */
import type { Database } from '../../src';
import { createContext, type MigrationContext } from '../../src/migrations/run/context';

export function testContext(db: Database, options: { dryRun?: boolean; lines?: string[] } = {}): MigrationContext {
  return createContext({
    migration: 'test',
    direction: 'up',
    dryRun: options.dryRun ?? false,
    client: db.client,
    db,
    history: undefined as never,
    token: 't',
    resumeSteps: 0,
    onStep: async () => undefined,
    assertHeld: () => undefined,
    log: (line) => options.lines?.push(line),
    resolveSchema: () => {
      throw new Error('not used');
    },
    progress: {} as never,
    throughputWaitMs: 0,
  });
}
