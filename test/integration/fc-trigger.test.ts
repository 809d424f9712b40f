/**
 * TableStore-trigger handlers (streams spec §3): events built from real rows (written to the emulator over
 * HTTP, read back) with tsorm/testing's `triggerEvent`, run through the local FC runtime in both call shapes.
 */
import Long from 'long';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Column, PrimaryKey, PrimaryKeys, Table, type ChangeRecord } from '../../src';
import { defineFunction, TriggerEventError, type InvocationRecord } from '../../src/fc';
import { encodeTriggerEvent } from '../../src/testing';
import { AccessDeniedError } from '../../src/client/errors';
import { createTables, invoke, startEmulator, triggerEvent, type TestEmulator } from '../../src/testing';

@Table('trig_items')
class Item {
  declare readonly [PrimaryKeys]?: 'shop' | 'id';
  @PrimaryKey() shop!: string;
  @PrimaryKey() id!: bigint;
  @Column() qty?: bigint;
  @Column() total?: Long;
  @Column({ type: 'double' }) price?: number;
  @Column() blob?: Buffer;
  @Column() seen?: Date;
  @Column({ type: 'json' }) meta?: { tags: string[] };
  @Column() note?: string;
}

/** What the handler saw, one row per change, kept in a second table so the test reads it back over HTTP. */
@Table('trig_audit')
class Audit {
  declare readonly [PrimaryKeys]?: 'seq';
  @PrimaryKey() seq!: string;
  @Column() kind!: string;
  @Column({ type: 'json' }) detail!: unknown;
}

@Table('trig_other')
class Other {
  declare readonly [PrimaryKeys]?: 'name';
  @PrimaryKey() name!: string;
}

const BEYOND = 2n ** 53n + 1n;
const seen: Array<Array<ChangeRecord<Item>>> = [];
const logged: InvocationRecord[] = [];
let failNext = false;

function describeChange(c: ChangeRecord<Item>): unknown {
  const key = { shop: c.key.shop, id: c.key.id.toString() };
  if (c.type === 'put') {
    const r = c.row;
    return { key, qty: r.qty?.toString(), total: r.total?.toString(), price: r.price, blob: r.blob?.toString('hex'), seen: r.seen?.toISOString(), meta: r.meta, note: r.note };
  }
  if (c.type === 'update') return { key, set: Object.keys(c.set), deleted: c.deleted.map((d) => `${d.property}:${d.versions}`) };
  return { key };
}

const fn = defineFunction({
  entities: [Audit],
  tablestore: {
    entity: Item,
    handler: async (changes, { repo, event, requestId }) => {
      seen.push(changes);
      if (failNext) {
        failNext = false;
        throw new Error('handler failed once');
      }
      let i = 0;
      for (const c of changes) {
        // Idempotent under redelivery: the audit row's key is the change's own stream position.
        await repo(Audit).save(Object.assign(new Audit(), { seq: `${c.timestampMicros}-${i++}`, kind: c.type, detail: describeChange(c) }));
      }
      return `${requestId}:${event.records.length}`;
    },
  },
  log: (record) => logged.push(record),
});
const mod = { ...fn };

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startEmulator();
  await createTables(emu, mod);
});
afterAll(() => emu.close());

async function auditRows(): Promise<Audit[]> {
  const db = emu.connect();
  try {
    return (await db.repository(Audit).page({}, { limit: 100 })).items;
  } finally {
    db.close();
  }
}

describe('TableStore-trigger handlers', () => {
  it('creates the trigger entity table with the function', async () => {
    const db = emu.connect();
    expect((await db.client.call('listTable', {})).tableNames).toEqual(expect.arrayContaining(['trig_items', 'trig_audit']));
    db.close();
  });

  it('types put, update and delete records built from real rows, in both call shapes', async () => {
    const db = emu.connect();
    const repo = db.repository(Item);
    await repo.save(
      Object.assign(new Item(), {
        shop: 's1',
        id: -BEYOND,
        qty: BEYOND,
        total: Long.fromString('-9007199254740993'),
        price: 2,
        blob: Buffer.from([0, 1, 254]),
        seen: new Date('2026-01-02T03:04:05.006Z'),
        meta: { tags: ['a', 'b'] },
      }),
    );
    await repo.save(Object.assign(new Item(), { shop: 's1', id: 7n })); // only the key: no columns
    const rows = (await repo.page({ shop: 's1' })).items;
    db.close();
    expect(rows).toHaveLength(2);

    const event = triggerEvent(Item, [
      ...rows.map((row) => ({ type: 'put' as const, row })),
      { type: 'update', key: { shop: 's1', id: 7n }, set: { note: 'x', price: 1 }, deleted: ['meta', { property: 'qty', timestampMillis: 5 }] },
      { type: 'delete', key: { shop: 's1', id: 7n } },
    ]);
    seen.length = 0;
    const res = await invoke(mod, { event, requestId: 'r-fc3' });
    expect(res.result).toBe('r-fc3:4');
    const fc2 = await invoke(mod, { event, requestId: 'r-fc2', runtime: 'fc2' });
    expect(fc2.result).toBe('r-fc2:4');
    expect(seen).toHaveLength(2);
    expect(seen[1]).toEqual(seen[0]);

    const [big, empty, update, del] = seen[0];
    expect(big.type).toBe('put');
    if (big.type !== 'put') return;
    expect(big.key).toEqual({ shop: 's1', id: -BEYOND });
    expect(big.row).toBeInstanceOf(Item);
    expect(big.row.qty).toBe(BEYOND);
    expect(big.row.total!.toString()).toBe('-9007199254740993');
    expect(big.row.price).toBe(2);
    expect(big.row.blob).toEqual(Buffer.from([0, 1, 254]));
    expect(big.row.seen).toEqual(new Date('2026-01-02T03:04:05.006Z'));
    expect(big.row.meta).toEqual({ tags: ['a', 'b'] });
    expect(empty).toMatchObject({ type: 'put', key: { shop: 's1', id: 7n }, versions: {} });
    expect(update).toMatchObject({
      type: 'update',
      set: { note: 'x', price: 1 },
      deleted: [
        { property: 'meta', versions: 'all' },
        { property: 'qty', versions: 'one', timestampMillis: 5 },
      ],
    });
    expect(del).toMatchObject({ type: 'delete', key: { shop: 's1', id: 7n } });
    expect(del.timestampMicros).toBeGreaterThan(update.timestampMicros);

    // The handler's writes went to TableStore: 4 audit rows, the same ones both times (idempotent).
    const audit = await auditRows();
    expect(audit.map((a) => a.kind).sort()).toEqual(['delete', 'put', 'put', 'update']);
    expect(audit.find((a) => a.kind === 'put' && (a.detail as { qty?: string }).qty)?.detail).toMatchObject({ qty: BEYOND.toString(), price: 2, blob: '0001fe' });
  });

  it('counts the records on the cost line', async () => {
    logged.length = 0;
    await invoke(mod, { event: triggerEvent(Item, [{ type: 'delete', key: { shop: 's2', id: 1n } }]), requestId: 'r-log' });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ phase: 'tablestore', records: 1, requestId: 'r-log' });
    expect(logged[0].usage.writeCU).toBeGreaterThan(0);
    const plain = defineFunction({ tablestore: { entity: Item, handler: () => undefined } });
    const res = await invoke({ ...plain }, { event: triggerEvent(Item, []), requestId: 'r-line' });
    expect(res.logs.join('\n')).toMatch(/tsorm invocation requestId=r-line trigger=tablestore records=0 durationMs=\S+ calls=0/);
  });

  it('fails the invocation when the handler throws, so FC delivers the batch again', async () => {
    failNext = true;
    const event = triggerEvent(Item, [{ type: 'delete', key: { shop: 's3', id: 1n } }]);
    await expect(invoke(mod, { event })).rejects.toThrow('handler failed once');
    await expect(invoke(mod, { event, runtime: 'fc2' })).resolves.toMatchObject({ kind: 'event' });
  });

  it('refuses a malformed event and a record of another table with TriggerEventError', async () => {
    logged.length = 0;
    const truncated = triggerEvent(Item, [{ type: 'delete', key: { shop: 's', id: 1n } }]).subarray(0, 20);
    const e1 = await invoke(mod, { event: truncated }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(TriggerEventError);
    expect((e1 as Error).message).toMatch(/at byte \d+: the event ends inside/);
    const foreign = triggerEvent(Other, [{ type: 'put', row: { name: 'n' } }]);
    const e2 = await invoke(mod, { event: foreign, runtime: 'fc2' }).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(TriggerEventError);
    expect((e2 as Error).message).toMatch(/Records\[0\]: the record cannot be read as Item \(table trig_items\).*primary key \(name\) is not Item's \(shop, id\): a record of another table/);
    expect(logged.map((r) => [r.phase, r.error, r.records])).toEqual([
      ['tablestore', 'TriggerEventError', undefined],
      ['tablestore', 'TriggerEventError', 1],
    ]);
  });

  it('accepts a console JSON test event and routes events when an event handler exists too', async () => {
    const both = { ...defineFunction({ event: () => 'plain', tablestore: { entity: Item, handler: (changes) => changes.map((c) => c.type).join(',') } }) };
    const json = JSON.stringify({ Version: 'Sync-v1', Records: [{ Type: 'DeleteRow', Info: { Timestamp: 1 }, PrimaryKey: [{ ColumnName: 'shop', Value: 's' }, { ColumnName: 'id', Value: 1 }] }] });
    expect((await invoke(both, { event: json })).result).toBe('delete');
    expect((await invoke(both, { event: triggerEvent(Item, [{ type: 'put', row: { shop: 'a', id: 1n } }]) })).result).toBe('put');
    expect((await invoke(both, { event: '{"hello":1}' })).result).toBe('plain');
    expect((await invoke(both, { event: encodeTriggerEvent({ version: 'Sync-v1', records: [] }) })).result).toBe('');
  });
});

describe('TableStore-trigger handlers: the instance', () => {
  it('signs each invocation with the credentials of its context, in both call shapes', async () => {
    const keyed = await startEmulator({ accessKeyId: 'owner', accessKeySecret: 'owner-secret', keys: { 'sts-1': 's1', 'sts-2': 's2' } });
    try {
      await createTables(keyed, Audit);
      const used: string[] = [];
      const f = defineFunction({
        entities: [Audit],
        connection: { endpoint: keyed.endpoint, instance: keyed.instance },
        log: false,
        tablestore: {
          entity: Item,
          handler: async (changes, { repo, client }) => {
            used.push(client.accessKeyId);
            for (const c of changes) await repo(Audit).save(Object.assign(new Audit(), { seq: `cred-${c.key.id}`, kind: c.type, detail: null }));
            return 'ok';
          },
        },
      });
      const ctx = (accessKeyId: string, accessKeySecret: string) => ({
        requestId: `r-${accessKeyId}`,
        credentials: { accessKeyId, accessKeySecret, securityToken: 'token' },
        function: { name: 'f', handler: 'index.handler', memory: 128, timeout: 10 },
      });
      const event = triggerEvent(Item, [{ type: 'delete', key: { shop: 's', id: 1n } }]);
      await f.initializer(ctx('sts-1', 's1'));
      await expect(f.handler(event, ctx('sts-1', 's1'))).resolves.toBe('ok');
      const viaCallback = await new Promise((resolve, reject) => f.handler(event, ctx('sts-2', 's2'), (err: unknown, data: unknown) => (err ? reject(err) : resolve(data))));
      expect(viaCallback).toBe('ok');
      await expect(f.handler(event, ctx('revoked', 'x'))).rejects.toBeInstanceOf(AccessDeniedError);
      expect(used).toEqual(['sts-1', 'sts-2', 'revoked']);
    } finally {
      await keyed.close();
    }
  });
});
