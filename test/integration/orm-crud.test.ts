import { IsEmail, Min } from 'class-validator';
import Long from 'long';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  AutoIncrement,
  Column,
  ConcurrentModificationError,
  ConditionCheckFailedError,
  DuplicateKeyError,
  EntityValidationError,
  Generated,
  Index,
  PrimaryKey,
  PrimaryKeys,
  Table,
  Version,
  type KeyOf,
} from '../../src';
import { connectDb, createTables } from '../support/orm';
import { randomBytes } from 'node:crypto';

const suffix = randomBytes(3).toString('hex');

@Table(`orders_${suffix}`, { timeToLive: -1, maxVersions: 1 })
class Order {
  declare readonly [PrimaryKeys]?: 'shopId' | 'id';
  declare readonly [Generated]?: 'id' | 'version';
  @PrimaryKey() shopId!: string;
  @PrimaryKey() @AutoIncrement() id!: Long;
  @Column() @IsEmail() email!: string;
  @Column({ type: 'int64' }) @Min(0) qty!: number;
  @Column() total!: bigint;
  @Column() receipt?: Buffer;
  @Column({ type: 'json' }) meta?: { tags: string[] };
  @Version() version!: number;
}

@Table(`users_${suffix}`)
@Index(`users_by_city_${suffix}`, { primaryKey: ['city'], definedColumns: ['name'] })
class User {
  declare readonly [PrimaryKeys]?: 'id';
  @PrimaryKey() id!: string;
  @Column() name!: string;
  @Column() city?: string;
  @Column({ type: 'int64', mode: 'string' }) balance?: string;
}

describe('Repository against the emulator (official SDK over HTTP)', () => {
  const db = connectDb();
  const orders = db.repository(Order);
  const users = db.repository(User);

  beforeAll(async () => {
    await createTables(db, Order, User);
  });

  it('inserts with a generated auto-increment key, written back exactly', async () => {
    const o = await orders.insert(Object.assign(new Order(), { shopId: 's1', email: 'a@b.cn', qty: 1, total: 10n }));
    expect(Long.isLong(o.id)).toBe(true);
    expect(o.id.greaterThan(0)).toBe(true);
    expect(o.version).toBe(1);
    const back = await orders.get({ shopId: 's1', id: o.id });
    expect(back).toBeInstanceOf(Order);
    expect(back!.id.toString()).toBe(o.id.toString());
    expect(back!.total).toBe(10n);
    expect(back!.qty).toBe(1);
    const o2 = await orders.insert({ shopId: 's1', email: 'c@d.cn', qty: 2, total: 2n ** 62n });
    expect(o2.id.greaterThan(o.id)).toBe(true);
    expect((await orders.get({ shopId: 's1', id: o2.id }))!.total).toBe(2n ** 62n);
  });

  it('increments atomically and returns the new value', async () => {
    const o = await orders.insert({ shopId: 's2', email: 'a@b.cn', qty: 1, total: 0n });
    expect(await orders.increment({ shopId: 's2', id: o.id }, 'qty', 2)).toBe(3);
    await Promise.all(Array.from({ length: 20 }, () => orders.increment({ shopId: 's2', id: o.id }, 'qty', 1)));
    expect((await orders.get({ shopId: 's2', id: o.id }))!.qty).toBe(23);
  });

  it('rejects an invalid entity before sending anything', async () => {
    const before = db.usage.calls;
    const err = await orders.insert({ shopId: 's1', email: 'not-an-email', qty: -1, total: 1n }).catch((e) => e);
    expect(err).toBeInstanceOf(EntityValidationError);
    expect(err.violations.map((v: { property: string; rule: string }) => `${v.property}:${v.rule}`).sort()).toEqual(['email:isEmail', 'qty:min']);
    expect(db.usage.calls).toBe(before);
  });

  it('refuses an int64 number beyond 2^53 instead of rounding', async () => {
    const before = db.usage.calls;
    await expect(orders.insert({ shopId: 's1', email: 'a@b.cn', qty: 2 ** 53 + 2, total: 1n })).rejects.toThrow(/qty/);
    expect(db.usage.calls).toBe(before);
  });

  it('checks and bumps @Version; a lost race raises ConcurrentModificationError', async () => {
    const o = await orders.insert({ shopId: 's3', email: 'a@b.cn', qty: 1, total: 1n });
    const a = (await orders.get({ shopId: 's3', id: o.id }))!;
    const b = (await orders.get({ shopId: 's3', id: o.id }))!;
    a.qty = 5;
    await orders.save(a);
    expect(a.version).toBe(2);
    b.qty = 6;
    const err = await orders.save(b).catch((e) => e);
    expect(err).toBeInstanceOf(ConcurrentModificationError);
    expect(err).toBeInstanceOf(ConditionCheckFailedError);
    expect((await orders.get({ shopId: 's3', id: o.id }))!.qty).toBe(5);
    // update() with the entity as key checks its version too
    const res = await orders.update(a, { set: { email: 'x@y.cn' } });
    expect(res.version).toBe(3);
    await expect(orders.update(b, { set: { email: 'z@y.cn' } })).rejects.toBeInstanceOf(ConcurrentModificationError);
  });

  it('delete() with an entity checks its version; a stale one raises ConcurrentModificationError', async () => {
    const o = await orders.insert({ shopId: 's5', email: 'a@b.cn', qty: 1, total: 1n });
    const stale = (await orders.get({ shopId: 's5', id: o.id }))!;
    await orders.increment({ shopId: 's5', id: o.id }, 'qty', 1); // bumps the version
    await expect(orders.delete(stale)).rejects.toBeInstanceOf(ConcurrentModificationError);
    expect(await orders.get({ shopId: 's5', id: o.id })).toBeDefined();
    await orders.delete((await orders.get({ shopId: 's5', id: o.id }))!);
    expect(await orders.get({ shopId: 's5', id: o.id })).toBeUndefined();
  });

  it('updates with set / remove / increment and conditions', async () => {
    const o = await orders.insert({ shopId: 's4', email: 'a@b.cn', qty: 1, total: 1n, receipt: Buffer.from([1, 2, 3]), meta: { tags: ['x'] } });
    const key = { shopId: 's4', id: o.id };
    await orders.update(key, { set: { email: 'b@b.cn' }, remove: ['receipt'], increment: { total: 5n } });
    const got = (await orders.get(key))!;
    expect([got.email, got.receipt, got.total, got.meta]).toEqual(['b@b.cn', undefined, 6n, { tags: ['x'] }]);
    await expect(orders.update(key, { set: { qty: 9 } }, { where: (c) => c.qty.gt(100) })).rejects.toBeInstanceOf(ConditionCheckFailedError);
    await orders.update(key, { set: { qty: 9 } }, { where: (c) => c.qty.lt(100) });
    expect((await orders.get(key))!.qty).toBe(9);
    await expect(orders.update({ shopId: 's4', id: Long.fromNumber(1) }, { set: { qty: 1 } })).rejects.toBeInstanceOf(ConditionCheckFailedError);
  });

  it('save() replaces, insert() refuses an existing row, delete() with conditions', async () => {
    await users.insert({ id: 'u1', name: 'Ann', city: 'hz', balance: '9223372036854775807' });
    await expect(users.insert({ id: 'u1', name: 'Bob' })).rejects.toBeInstanceOf(ConditionCheckFailedError);
    await users.save(Object.assign(new User(), { id: 'u1', name: 'Ann2' }));
    const u = (await users.get({ id: 'u1' }))!;
    expect([u.name, u.city, u.balance]).toEqual(['Ann2', undefined, undefined]);
    await expect(users.delete({ id: 'u1' }, { where: (c) => c.name.eq('nope') })).rejects.toBeInstanceOf(ConditionCheckFailedError);
    await users.delete({ id: 'u1' }, { where: (c) => c.name.eq('Ann2') });
    expect(await users.get({ id: 'u1' })).toBeUndefined();
  });

  it('finds every row of a prefix as an async iterator, with filters, limits and both directions', async () => {
    const shop = `f_${suffix}`;
    const created: string[] = [];
    for (let i = 0; i < 30; i++) created.push((await orders.insert({ shopId: shop, email: 'a@b.cn', qty: i, total: BigInt(i) })).id.toString());
    const all: string[] = [];
    for await (const o of orders.find({ shopId: shop }, { pageSize: 7 })) all.push(o.id.toString());
    expect(all).toEqual(created);
    const back: string[] = [];
    for await (const o of orders.find({ shopId: shop }, { direction: 'backward', limit: 5 })) back.push(o.id.toString());
    expect(back).toEqual(created.slice(-5).reverse());
    const big: number[] = [];
    for await (const o of orders.find({ shopId: shop }, { where: (c) => c.qty.gte(25), columns: ['qty'] })) big.push(o.qty);
    expect(big).toEqual([25, 26, 27, 28, 29]);
  });

  it('finds a { start, end } key range: start inclusive, end exclusive, both directions', async () => {
    await users.batchSave(['r1', 'r2', 'r3', 'r4'].map((id) => Object.assign(new User(), { id, name: id })));
    const ids = async (q: object, direction: 'forward' | 'backward' = 'forward') => {
      const out: string[] = [];
      for await (const u of users.find(q as never, { direction })) if (u.id.startsWith('r')) out.push(u.id);
      return out;
    };
    expect(await ids({ start: { id: 'r2' }, end: { id: 'r4' } })).toEqual(['r2', 'r3']);
    expect(await ids({ start: { id: 'r3' }, end: { id: 'r1' } }, 'backward')).toEqual(['r3', 'r2']);
    expect(await ids({ start: { id: 'r3' } })).toEqual(['r3', 'r4']);
    await users.batchDelete(['r1', 'r2', 'r3', 'r4'].map((id) => ({ id })));
  });

  it('pages with an opaque cursor until the last page', async () => {
    const shop = `p_${suffix}`;
    for (let i = 0; i < 12; i++) await orders.insert({ shopId: shop, email: 'a@b.cn', qty: i, total: 0n });
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await orders.page({ shopId: shop }, { limit: 5, cursor });
      seen.push(...page.items.map((o) => o.qty));
      cursor = page.cursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual([...Array(12).keys()]);
    expect(pages).toBe(3);
    await expect(users.page({}, { cursor: 'garbage' })).rejects.toThrow(/cursor/);
  });

  it('batchGet keeps order and gives undefined for missing rows', async () => {
    await users.batchSave(['b1', 'b2', 'b3'].map((id) => Object.assign(new User(), { id, name: id.toUpperCase() })));
    const got = await users.batchGet([{ id: 'b3' }, { id: 'missing' }, { id: 'b1' }, { id: 'b3' }]);
    expect(got.map((u) => u?.name)).toEqual(['B3', undefined, 'B1', 'B3']);
  });

  it('batchInsert writes back generated keys and reports one result per input', async () => {
    const shop = `bi_${suffix}`;
    const input = Array.from({ length: 450 }, (_, i) => ({ shopId: shop, email: 'a@b.cn', qty: i, total: BigInt(i) }));
    const res = await orders.batchInsert(input);
    expect(res.results).toHaveLength(450);
    expect(res.failures).toEqual([]);
    const ids = res.succeeded.map((o) => o.id.toString());
    expect(new Set(ids).size).toBe(450);
    let n = 0;
    for await (const _ of orders.find({ shopId: shop })) n++;
    expect(n).toBe(450);
  });

  it('splits a batch by encoded size as well as by row count (4 MB per request)', async () => {
    const big = 'x'.repeat(200_000);
    const rows = Array.from({ length: 40 }, (_, i) => Object.assign(new User(), { id: `big${String(i).padStart(2, '0')}`, name: big }));
    const before = db.usage.calls;
    const res = await users.batchSave(rows); // 8 MB in 40 rows: one request would exceed the service's 4 MB
    expect(res.failures).toEqual([]);
    expect(db.usage.calls - before).toBeGreaterThanOrEqual(2);
    const back = await users.batchGet(rows.map((r) => ({ id: r.id })));
    expect(back.every((u) => u?.name.length === 200_000)).toBe(true);
    await users.batchDelete(rows.map((r) => ({ id: r.id })));
  });

  it('batch inputs that are invalid fail alone and nothing is dropped', async () => {
    const res = await users.batchInsert(
      [{ id: 'v1', name: 'ok' }, { id: 'v1', name: 'dup' }, { id: 'v3', name: 'ok' }],
      { throwOnError: false },
    );
    expect(res.results.map((r) => r.ok)).toEqual([true, false, true]);
    // The repeated key was found locally: its own class, no service code, status or request id.
    const dup = res.failures[0].error;
    expect(dup).toBeInstanceOf(DuplicateKeyError);
    expect(dup).not.toBeInstanceOf(ConditionCheckFailedError);
    expect(dup).toMatchObject({ code: 'TsormDuplicateKey', index: 1, firstIndex: 0 });
    expect(dup).not.toHaveProperty('status');
    expect(dup).not.toHaveProperty('requestId');
    await expect(users.batchInsert([{ id: 'v1', name: 'again' }])).rejects.toThrow(/1 of 1 rows/);
    const del = await users.batchDelete([{ id: 'v1' }, { id: 'v3' }, { id: 'nope' }]);
    expect(del.failures).toEqual([]);
    expect(await users.batchGet([{ id: 'v1' }, { id: 'v3' }])).toEqual([undefined, undefined]);
  });

  it('queries a secondary index', async () => {
    await users.batchSave([
      Object.assign(new User(), { id: 'i1', name: 'A', city: 'bj' }),
      Object.assign(new User(), { id: 'i2', name: 'B', city: 'sh' }),
      Object.assign(new User(), { id: 'i3', name: 'C', city: 'bj' }),
    ]);
    const names: string[] = [];
    for await (const u of users.index(`users_by_city_${suffix}`).find({ city: 'bj' })) names.push(`${u.id}:${u.name}`);
    expect(names).toEqual(['i1:A', 'i3:C']);
  });

  it('runs a local transaction on one partition key: commit applies, a throw aborts', async () => {
    await users.transaction({ id: 't1' }, async (tx) => {
      await tx.insert({ id: 't1', name: 'in-tx' });
      expect((await tx.get({ id: 't1' }))!.name).toBe('in-tx');
      expect(await users.get({ id: 't1' })).toBeUndefined();
    });
    expect((await users.get({ id: 't1' }))!.name).toBe('in-tx');
    await expect(
      users.transaction({ id: 't1' }, async (tx) => {
        await tx.update({ id: 't1' }, { set: { name: 'changed' } });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await users.get({ id: 't1' }))!.name).toBe('in-tx');
  });

  it('types: keys are exactly the primary keys', () => {
    expectTypeOf<KeyOf<Order>>().toEqualTypeOf<{ shopId: string; id: Long }>();
    expectTypeOf(orders.get).parameter(0).toEqualTypeOf<KeyOf<Order>>();
    // @ts-expect-error qty is not a key
    void (() => orders.get({ shopId: 'a', id: Long.ONE, qty: 1 }));
    // @ts-expect-error wrong value type in a condition
    void (() => orders.find({ shopId: 'a' }, { where: (c) => c.qty.gte('2') }));
  });
});
