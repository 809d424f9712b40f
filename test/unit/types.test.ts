/**
 * Type-level tests. `expectTypeOf` and `// @ts-expect-error` are checked by the compiler
 * (`npx tsc -p tsconfig.json --noEmit` covers test/): an unused @ts-expect-error or a wrong type fails it.
 * Where a line that must not compile also has run-time behaviour, the run-time check is made too.
 */
import 'reflect-metadata';
import Long from 'long';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { encodeUpdate } from '../../src/codec';
import {
  Condition,
  conditionBuilder,
  QueryError,
  resolveWhere,
  toSdkCondition,
  type ColumnRef,
  type ConditionBuilder,
  type Where,
} from '../../src/query';
import {
  AutoIncrement,
  Column,
  Generated,
  getTableSchema,
  Index,
  PrimaryKey,
  PrimaryKeys,
  Table,
  Version,
  type Attributes,
  type AttributeKeys,
  type IncrementableNames,
  type InsertOf,
  type KeyOf,
  type KeyPrefix,
  type KeysNotDeclared,
  type RemovableNames,
  type TableSchema,
  type UpdateChanges,
  type UpdateOf,
} from '../../src/schema';
import type { Repository } from '../../src/repository';

@Table('orders')
@Index<Order>('by_email', { primaryKey: ['email'] })
class Order {
  declare readonly [PrimaryKeys]?: 'shopId' | 'id';
  declare readonly [Generated]?: 'id' | 'version';
  @PrimaryKey() shopId!: string;
  @PrimaryKey() @AutoIncrement() id!: Long;
  @Column() email!: string;
  @Column({ type: 'int64' }) qty!: number;
  @Column() total!: bigint;
  @Column() receipt?: Buffer;
  @Column({ type: 'json' }) meta?: { tags: string[] };
  @Column({ type: 'string' }) status!: 'new' | 'paid';
  @Column({ type: 'string' }) note!: string | null;
  @Version() version!: number;
  label(): string {
    return this.email;
  }
}

@Table('users')
class User {
  @PrimaryKey() id!: string;
  @Column() name!: string;
}

const orders = getTableSchema(Order);
const users = getTableSchema(User);

describe('entity helper types', () => {
  it('getTableSchema keeps the entity type', () => {
    expectTypeOf(orders).toEqualTypeOf<TableSchema<Order>>();
    expect(orders.entity).toBe(Order);
  });

  it('KeyOf is exactly the primary-key properties, required and non-null', () => {
    expectTypeOf<KeyOf<Order>>().toEqualTypeOf<{ shopId: string; id: Long }>();
    expectTypeOf<KeyPrefix<Order>>().toEqualTypeOf<{ shopId?: string; id?: Long }>();
    // @ts-expect-error a non-key property is not part of a key
    const withExtra: KeyOf<Order> = { shopId: 's', id: Long.ONE, email: 'x' };
    // @ts-expect-error every key is required
    const partial: KeyOf<Order> = { shopId: 's' };
    expect([withExtra, partial]).toHaveLength(2);
  });

  it('KeyOf is a compile error, never a partial accepting {}, when [PrimaryKeys] is not declared', () => {
    expectTypeOf<KeyOf<User>>().toEqualTypeOf<KeysNotDeclared>();
    // @ts-expect-error no key object satisfies it: not {}
    const empty: KeyOf<User> = {};
    // @ts-expect-error …and not a guessed key either: the compiler cannot know the key
    const guessed: KeyOf<User> = { id: 'u1' };
    expect([empty, guessed]).toHaveLength(2);
    // A prefix stays a partial of the data properties: {} (the whole table) is a legitimate prefix.
    expectTypeOf<KeyPrefix<User>>().toEqualTypeOf<{ id?: string; name?: string }>();
  });

  it('repository methods taking a key follow KeyOf; increment takes any IncrementDelta, Long included', () => {
    const typed = (repoOfUser: Repository<User>, repoOfOrder: Repository<Order>, user: User) => {
      // @ts-expect-error without [PrimaryKeys], repo.get({}) does not compile
      void repoOfUser.get({});
      // @ts-expect-error …nor batchGet / delete with a literal key
      void repoOfUser.batchGet([{ id: 'u1' }]);
      void repoOfUser.delete(user); // an entity instance still identifies its row
      // @ts-expect-error with [PrimaryKeys], a partial key does not compile
      void repoOfOrder.get({ shopId: 's' });
      void repoOfOrder.get({ shopId: 's', id: Long.ONE });
      void repoOfOrder.increment({ shopId: 's', id: Long.ONE }, 'qty', Long.fromNumber(2));
      void repoOfOrder.increment({ shopId: 's', id: Long.ONE }, 'total', 5n);
      // @ts-expect-error the delta must be integer-capable
      void repoOfOrder.increment({ shopId: 's', id: Long.ONE }, 'qty', '2');
    };
    expect(typed).toBeTypeOf('function');
  });

  it('the declaration the docs show (declare readonly [PrimaryKeys]?:) lets object literals be entities', () => {
    const typed = (repoOfOrder: Repository<Order>) =>
      repoOfOrder.save({ shopId: 's', id: Long.ONE, email: 'e', qty: 1, total: 1n, status: 'new', note: null, version: 1, label: () => 'x' });
    expect(typed).toBeTypeOf('function');
  });

  it('a [PrimaryKeys] union that disagrees with the decorators does not compile', () => {
    // A runtime check cannot do this (the union is erased); each property decorator sees the class type and its
    // own property name, so the disagreement is a compile error on the decorator.
    class KeyNotListed {
      declare readonly [PrimaryKeys]?: 'a';
      @PrimaryKey() a!: string;
      // @ts-expect-error [PrimaryKeys] does not list this @PrimaryKey property
      @PrimaryKey() b!: string;
    }
    class ColumnListed {
      declare readonly [PrimaryKeys]?: 'a' | 'c' | 'v';
      @PrimaryKey() a!: string;
      // @ts-expect-error [PrimaryKeys] lists this property, so it needs @PrimaryKey
      @Column() c!: string;
      // @ts-expect-error …@Version as well
      @Version() v!: number;
    }
    expect([KeyNotListed, ColumnListed]).toHaveLength(2);
  });

  it('Attributes drops methods and the phantom members', () => {
    expectTypeOf<AttributeKeys<Order>>().toEqualTypeOf<'shopId' | 'id' | 'email' | 'qty' | 'total' | 'receipt' | 'meta' | 'status' | 'note' | 'version'>();
    expectTypeOf<Attributes<Order>>().not.toHaveProperty('label');
  });

  it('UpdateOf excludes the keys and makes everything optional', () => {
    expectTypeOf<keyof UpdateOf<Order>>().toEqualTypeOf<'email' | 'qty' | 'total' | 'receipt' | 'meta' | 'status' | 'note' | 'version'>();
    expectTypeOf<UpdateOf<Order>['qty']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<UpdateOf<Order>['note']>().toEqualTypeOf<string | null | undefined>();
    // @ts-expect-error keys cannot be updated
    const setKey: UpdateOf<Order> = { shopId: 'x' };
    // @ts-expect-error values keep their types
    const wrongType: UpdateOf<Order> = { qty: '1' };
    expect([setKey, wrongType]).toHaveLength(2);
  });

  it('RemovableNames are the optional or nullable non-key properties', () => {
    expectTypeOf<RemovableNames<Order>>().toEqualTypeOf<'receipt' | 'meta' | 'note'>();
  });

  it('IncrementableNames are the integer-typed non-key properties', () => {
    expectTypeOf<IncrementableNames<Order>>().toEqualTypeOf<'qty' | 'total' | 'version'>();
  });

  it('UpdateChanges checks set, remove and increment', () => {
    const ok: UpdateChanges<Order> = { set: { email: 'a' }, remove: ['receipt'], increment: { qty: 1, total: 2n, version: Long.ONE } };
    expect(encodeUpdate(orders, ok).incremented).toEqual(['qty', 'total', 'version']);
    // @ts-expect-error a required property cannot be removed
    const removeRequired: UpdateChanges<Order> = { remove: ['email'] };
    // @ts-expect-error a string cannot be incremented
    const incrementString: UpdateChanges<Order> = { increment: { email: 1 } };
    expect([removeRequired, incrementString]).toHaveLength(2);
  });

  it('InsertOf makes generated properties optional and keeps the rest', () => {
    expectTypeOf<InsertOf<Order>['id']>().toEqualTypeOf<Long | undefined>();
    expectTypeOf<InsertOf<Order>['version']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<InsertOf<Order>['email']>().toEqualTypeOf<string>();
    const insert: InsertOf<Order> = { shopId: 's', email: 'e', qty: 1, total: 1n, status: 'new', note: null };
    // @ts-expect-error non-generated required properties stay required
    const missing: InsertOf<Order> = { shopId: 's' };
    expect([insert, missing]).toHaveLength(2);
  });

  it('@Index<Entity> checks property names', () => {
    const typed = () => {
      // @ts-expect-error 'nope' is not a property of Order
      Index<Order>('idx', { primaryKey: ['nope'] });
    };
    expect(typed).toBeTypeOf('function');
  });
});

describe('typed conditions', () => {
  const c = conditionBuilder(orders);

  it('offers one column reference per data property, typed by the property', () => {
    expectTypeOf(c).toEqualTypeOf<ConditionBuilder<Order>>();
    expectTypeOf(c.qty).toEqualTypeOf<ColumnRef<Order, number>>();
    expectTypeOf(c.id).toEqualTypeOf<ColumnRef<Order, Long>>();
    expectTypeOf(c.total).toEqualTypeOf<ColumnRef<Order, bigint>>();
    expectTypeOf(c.receipt).toEqualTypeOf<ColumnRef<Order, Buffer>>();
    expectTypeOf(c.note).toEqualTypeOf<ColumnRef<Order, string>>();
    expectTypeOf(c.qty.gte(2).and(c.email.eq('a@b.cn'))).toEqualTypeOf<Condition<Order>>();
    expectTypeOf(c.qty.gte).parameter(0).toEqualTypeOf<number>();
  });

  it('a wrong property name is a compile error (and a QueryError at run time)', () => {
    // @ts-expect-error no such property
    expect(() => c.quantity).toThrow(QueryError);
    // @ts-expect-error methods are not columns
    expect(() => c.label).toThrow(QueryError);
  });

  it('a value of the wrong type is a compile error', () => {
    const wrong = () => [
      // @ts-expect-error qty is a number
      c.qty.gte('2'),
      // @ts-expect-error email is a string
      c.email.eq(5),
      // @ts-expect-error total is a bigint, not a number
      c.total.gt(5),
      // @ts-expect-error id is a Long
      c.id.eq(5n),
      // @ts-expect-error status is 'new' | 'paid'
      c.status.eq('shipped'),
      // @ts-expect-error no undefined
      c.receipt.eq(undefined),
      // @ts-expect-error in() takes values of the column
      c.qty.in(['1']),
    ];
    expect(wrong).toBeTypeOf('function');
    expectTypeOf(c.status.eq('paid')).toEqualTypeOf<Condition<Order>>();
  });

  it('conditions of different entities do not mix', () => {
    const u = conditionBuilder(users);
    const mixed = () => [
      // @ts-expect-error a User condition in an Order condition
      c.qty.eq(1).and(u.name.eq('x')),
      // @ts-expect-error combinators check too
      c.or(c.qty.eq(1), u.name.eq('x')),
      // @ts-expect-error the compiler takes conditions of the schema's entity
      toSdkCondition(orders, u.name.eq('x')),
    ];
    expect(mixed).toBeTypeOf('function');
  });

  it('a where callback is typed by the entity', () => {
    const where: Where<Order> = (b) => b.qty.gte(2).and(b.email.eq('a@b.cn'));
    expect(resolveWhere(orders, where)).toMatchObject({ kind: 'and' });
    // @ts-expect-error the callback must return a condition of the entity
    const bad: Where<Order> = (b) => b.qty;
    expect(bad).toBeTypeOf('function');
    expectTypeOf(c.column('qty')).toEqualTypeOf<ColumnRef<Order, number>>();
    // @ts-expect-error column() takes data properties only
    expect(() => c.column('label')).toThrow(QueryError);
  });
});
