/**
 * The history table (`tsorm_migrations` by default), in TableStore itself so every environment keeps its own:
 * primary key (kind STRING, name STRING), three kinds of rows:
 *
 * - `migration` / `<name>`: status (`running`, `applied`, `failed`), checksum, applied_at, started_at,
 *   duration_ms, host, pid, token (identifies one application of the migration, kept across resumed runs),
 *   steps (operations finished, so a resumed run skips them), error;
 * - `lock` / `migrate`: the migration lock (see lock.ts);
 * - `backfill` / `<migration>#<n>`: a backfill's checkpoint (see backfill.ts).
 */
import { hostname } from 'node:os';
import type { TableStoreClient } from '../../client/client';
import { TableAlreadyExistsError } from '../../client/errors';
import { Condition, INF_MAX, INF_MIN, Int64LE, RowExistenceExpectation, type CellValue } from '../../client/values';
import { toKeyInput, type PrimaryKeyInput, type SdkRow } from '../../client/actions';
import { ConfigError } from '../../project/errors';
import { createTableParams, keyText, normalizeSpec, type NormalizedTableSpec } from '../spec/table-spec';
import { describeSpec, waitUntilUsable } from '../spec/live-table';

export type MigrationStatus = 'running' | 'applied' | 'failed';

export interface HistoryRecord {
  name: string;
  status: MigrationStatus;
  checksum: string;
  /** When it finished (ms since epoch); 0 while not applied. */
  appliedAt: number;
  startedAt: number;
  durationMs: number;
  host: string;
  pid: number;
  token: string;
  steps: number;
  error?: string;
}

export type Cells = Record<string, string | number | boolean | bigint | Buffer>;

export function historySpec(table: string): NormalizedTableSpec {
  return normalizeSpec({ name: table, primaryKey: [{ name: 'kind', type: 'STRING' }, { name: 'name', type: 'STRING' }] });
}

/** SDK attribute columns from plain values: integers (number or bigint) → INTEGER, strings, booleans, Buffers. */
export function toColumns(cells: Cells): Array<Record<string, CellValue>> {
  return Object.entries(cells).map(([k, v]) => ({
    [k]: typeof v === 'bigint' ? new Int64LE(v.toString(), 10) : typeof v === 'number' ? new Int64LE(String(Math.trunc(v)), 10) : v,
  }));
}

/** Plain values of a read row's attributes: INTEGER → number (these are all small). */
export function fromRow(row: Partial<SdkRow> | undefined): Record<string, unknown> | undefined {
  if (!row || !row.primaryKey || row.primaryKey.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const c of row.primaryKey) out[c.name] = plain(c.value);
  for (const a of row.attributes ?? []) out[a.columnName] = plain(a.columnValue);
  return out;
}

function plain(v: unknown): unknown {
  if (v && typeof v === 'object' && Int64LE.isInt64LE(v)) return Number(v.toString());
  return v;
}

export const condition = {
  ignore: () => new Condition(RowExistenceExpectation.IGNORE as 0, null),
  exist: () => new Condition(RowExistenceExpectation.EXPECT_EXIST as 1, null),
  notExist: () => new Condition(RowExistenceExpectation.EXPECT_NOT_EXIST as 2, null),
};

export class HistoryStore {
  readonly host = hostname();

  constructor(
    readonly client: TableStoreClient,
    readonly table: string,
  ) {}

  key(kind: string, name: string): PrimaryKeyInput {
    return [{ kind }, { name }];
  }

  /** Whether the history table exists (checking its key schema). */
  async exists(): Promise<boolean> {
    const live = await describeSpec(this.client, this.table);
    if (!live) return false;
    this.check(live);
    return true;
  }

  private check(live: NormalizedTableSpec): void {
    const keys = keyText(live, { autoIncrement: false });
    if (keys !== 'kind STRING, name STRING') {
      throw new ConfigError(`table '${this.table}' exists but is not a tsorm history table (its primary key is (${keys}), expected (kind STRING, name STRING)); set historyTable in the config to use another name`);
    }
  }

  /** Creates the history table when missing (a concurrent creator is fine) and waits until it is usable. */
  async ensure(): Promise<void> {
    if (await this.exists()) return;
    try {
      await this.client.call('createTable', createTableParams(historySpec(this.table)));
    } catch (e) {
      if (!(e instanceof TableAlreadyExistsError)) throw e;
      await this.exists();
    }
    await waitUntilUsable(this.client, this.table, ['kind', 'name']);
  }

  async get(kind: string, name: string): Promise<Record<string, unknown> | undefined> {
    const res = await this.client.call('getRow', { tableName: this.table, primaryKey: this.key(kind, name), maxVersions: 1 });
    return fromRow(res.row);
  }

  /** Every row of one kind. */
  async list(kind: string): Promise<Array<Record<string, unknown>>> {
    const out: Array<Record<string, unknown>> = [];
    let start: PrimaryKeyInput = [{ kind }, { name: INF_MIN }];
    for (;;) {
      const res = await this.client.call('getRange', {
        tableName: this.table,
        direction: 'FORWARD',
        inclusiveStartPrimaryKey: start,
        exclusiveEndPrimaryKey: [{ kind }, { name: INF_MAX }],
        maxVersions: 1,
      });
      for (const row of res.rows) {
        const r = fromRow(row);
        if (r) out.push(r);
      }
      if (!res.nextStartPrimaryKey) return out;
      start = toKeyInput(res.nextStartPrimaryKey);
    }
  }

  async put(kind: string, name: string, cells: Cells, cond = condition.ignore()): Promise<void> {
    await this.client.call(
      'putRow',
      { tableName: this.table, condition: cond, primaryKey: this.key(kind, name), attributeColumns: toColumns(cells) },
      { idempotent: cond.rowExistenceExpectation === 0 && cond.columnCondition === null },
    );
  }

  async delete(kind: string, name: string): Promise<void> {
    await this.client.call('deleteRow', { tableName: this.table, condition: condition.ignore(), primaryKey: this.key(kind, name) }, { idempotent: true });
  }

  // ------------------------------------------------------------------ migrations

  async migrations(): Promise<HistoryRecord[]> {
    return (await this.list('migration')).map(toRecord);
  }

  async record(r: HistoryRecord): Promise<void> {
    const cells: Cells = {
      status: r.status,
      checksum: r.checksum,
      applied_at: r.appliedAt,
      started_at: r.startedAt,
      duration_ms: r.durationMs,
      host: r.host,
      pid: r.pid,
      token: r.token,
      steps: r.steps,
      error: r.error ?? '',
    };
    await this.put('migration', r.name, cells);
  }

  /** Forgets a reverted migration: its row and the checkpoints of its up and down runs. */
  async forget(name: string): Promise<void> {
    await this.delete('migration', name);
    await this.deleteCheckpoints(name, `${name}.down`);
  }

  /** Deletes the backfill checkpoints (`<prefix>#<id>`) of the runs named by `prefixes`. */
  async deleteCheckpoints(...prefixes: string[]): Promise<void> {
    for (const cp of await this.list('backfill')) {
      if (typeof cp.name === 'string' && prefixes.some((p) => (cp.name as string).startsWith(`${p}#`))) await this.delete('backfill', cp.name);
    }
  }
}

function toRecord(r: Record<string, unknown>): HistoryRecord {
  const str = (k: string) => (typeof r[k] === 'string' ? (r[k] as string) : '');
  const n = (k: string) => (typeof r[k] === 'number' ? (r[k] as number) : 0);
  const status = str('status');
  return {
    name: str('name'),
    status: status === 'running' || status === 'failed' ? status : 'applied',
    checksum: str('checksum'),
    appliedAt: n('applied_at'),
    startedAt: n('started_at'),
    durationMs: n('duration_ms'),
    host: str('host'),
    pid: n('pid'),
    token: str('token'),
    steps: n('steps'),
    ...(str('error') ? { error: str('error') } : {}),
  };
}
