/**
 * The migration config of this repository (`tsorm migrate*` reads it from the working directory): the example
 * app's entities and the root `migrations/` folder. No connection is set, so the CLI uses TABLESTORE_ENDPOINT
 * and the other environment variables of the ORM when they are set, and otherwise starts the local emulator
 * in process on `.tsorm/data`.
 */
import { defineConfig } from 'tsorm/migrations';

export default defineConfig({
  entities: ['examples/app/entities.ts'],
  migrations: 'migrations',
});
