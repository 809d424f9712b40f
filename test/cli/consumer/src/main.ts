// A consumer project's test run (see entity.ts): the emulator from tsorm/testing, the handler invoked as FC
// would, a query through the ORM, and checks that ESM and CommonJS reach one copy of tsorm. Prints one JSON line.
import { createRequire } from 'node:module';
import { getTableSchema, TableStoreError } from 'tsorm';
import { DEFAULT_ACCESS_KEY_ID } from 'tsorm/emulator';
import { createEntityTable } from 'tsorm/migrations';
import { createTables, startEmulator } from 'tsorm/testing';
import { Item } from './entity.js';
import { handler, initializer } from './handler.js';

async function main(): Promise<void> {
  const emu = await startEmulator();
  try {
    process.env.TABLESTORE_ENDPOINT = emu.endpoint;
    process.env.TABLESTORE_INSTANCE = emu.instance;
    const db = emu.connect();
    await createTables(db, Item);
    const context = {
      requestId: 'matrix-1',
      credentials: { accessKeyId: emu.accessKeyId, accessKeySecret: emu.accessKeySecret, securityToken: '' },
      function: { name: 'matrix', handler: 'index.handler', memory: 128, timeout: 10 },
      logger: { info() {}, warn() {}, error() {} },
    };
    await initializer(context);
    const result = await handler(Buffer.from(JSON.stringify({ id: 'a1', name: 'matrix' })), context);
    const row = await db.repository(Item).get({ id: 'a1' });
    const missing = await db.repository(Item).get({ id: 'nope' });
    // The CommonJS build, required from this project: the very module instances the imports above reached.
    const required = createRequire(`${process.cwd()}/`)('tsorm') as typeof import('tsorm');
    db.close();
    console.log(
      JSON.stringify({
        result,
        row: row && { name: row.name, count: String(row.count), version: row.version },
        missing: missing ?? null,
        sameErrorClass: required.TableStoreError === TableStoreError,
        sameRegistry: required.getTableSchema(Item) === getTableSchema(Item),
        otherEntries: [typeof createEntityTable, DEFAULT_ACCESS_KEY_ID === emu.accessKeyId],
      }),
    );
  } finally {
    await emu.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
