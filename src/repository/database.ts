/**
 * `connect()` for the ORM: a `Database` holding one `TableStoreClient` (keep-alive agent, retries, errors,
 * capacity accounting) and one `Repository` per entity class.
 */
import { TableStoreClient } from '../client/client';
import type { ConnectOptions, Credentials } from '../client/config';
import type { Usage } from '../client/usage';
import { getTableSchema } from '../schema/decorators';
import type { EntityClass } from '../schema/types';
import { Repository } from './repository';

export class Database {
  private readonly repositories = new Map<EntityClass, Repository<any>>();

  constructor(readonly client: TableStoreClient) {}

  /** The repository of an entity class (one per class and database). */
  repository<T extends object>(entity: EntityClass<T>): Repository<T> {
    let repo = this.repositories.get(entity);
    if (!repo) this.repositories.set(entity, (repo = new Repository<T>(this.client, getTableSchema(entity))));
    return repo as Repository<T>;
  }

  /** Replaces the credentials for the following requests (STS rotation; FC passes fresh ones per call). */
  setCredentials(credentials: Credentials): void {
    this.client.setCredentials(credentials);
  }

  /** Calls made and capacity units consumed by this database's client so far. */
  get usage(): Usage {
    return this.client.usage;
  }

  close(): void {
    this.client.close();
  }
}

/**
 * Connects to TableStore. Settings absent from `options` come from `TABLESTORE_ENDPOINT`,
 * `TABLESTORE_INSTANCE`, `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and
 * `ALIBABA_CLOUD_SECURITY_TOKEN`. Nothing is sent until the first call.
 */
export function connect(options?: ConnectOptions): Database {
  return new Database(new TableStoreClient(options));
}
