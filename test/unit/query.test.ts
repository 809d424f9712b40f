import 'reflect-metadata';
import Long from 'long';
import { describe, expect, it } from 'vitest';
import { CodecError, fromSdkInt64, isSdkInt64, toSdkInt64 } from '../../src/codec';
import {
  Condition,
  conditionBuilder,
  conditionColumns,
  keyRange,
  prefixRange,
  QueryError,
  resolveWhere,
  toSdkCondition,
  toSdkRowCondition,
  type ConditionNode,
  type JunctionNode,
  type QueryRule,
} from '../../src/query';
import { Column, getTableSchema, PrimaryKey, PrimaryKeys, Table } from '../../src/schema';
import { columnValueBytes, LogicalOperator, SDK, throughFilterEncoder, type WireFilter, toSdkParams, V } from './helpers/sdk';

@Table('orders')
class Order {
  declare readonly [PrimaryKeys]?: 'shopId' | 'id';
  @PrimaryKey() shopId!: string;
  @PrimaryKey() id!: bigint;
  @Column() email!: string;
  @Column({ type: 'int64' }) qty!: number;
  @Column({ type: 'double', name: 'unit_price' }) price?: number;
  @Column() paid?: boolean;
  @Column() total?: Long;
  @Column({ type: 'json' }) meta?: { tags: string[] };
  @Column() and?: string;
}
const schema = getTableSchema(Order);
const c = conditionBuilder(schema);

function queryError(fn: () => unknown, rule: QueryRule, property: string | undefined, message: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(QueryError);
    expect((e as QueryError).rule).toBe(rule);
    expect((e as QueryError).property).toBe(property);
    expect((e as QueryError).message).toMatch(message);
    return;
  }
  throw new Error('expected a QueryError, nothing was thrown');
}

const cmp = (property: string, op: string, value: unknown, passIfMissing = false, latestVersionOnly = true) => ({
  kind: 'compare',
  property,
  op,
  value,
  passIfMissing,
  latestVersionOnly,
});

describe('condition trees', () => {
  it('builds an immutable plain tree', () => {
    const cond = c.qty.gte(2).and(c.email.eq('a@b.cn'));
    expect(cond).toBeInstanceOf(Condition);
    expect(cond.node).toEqual({ kind: 'and', conditions: [cmp('qty', 'gte', 2), cmp('email', 'eq', 'a@b.cn')] });
    expect(Object.isFrozen(cond)).toBe(true);
    expect(Object.isFrozen(cond.node)).toBe(true);
    expect(Object.isFrozen((cond.node as JunctionNode).conditions)).toBe(true);
    expect(Object.isFrozen((cond.node as JunctionNode).conditions[0])).toBe(true);
  });

  it('does not change a condition when combining it', () => {
    const base = c.qty.gt(1);
    const combined = base.and(c.qty.lt(5));
    expect(base.node).toEqual(cmp('qty', 'gt', 1));
    expect(combined.node).not.toBe(base.node);
  });

  it('flattens nested junctions of one kind, keeps mixed ones', () => {
    const a = c.qty.eq(1);
    const b = c.qty.eq(2);
    const d = c.qty.eq(3);
    expect(a.and(b).and(d).node).toEqual({ kind: 'and', conditions: [a.node, b.node, d.node] });
    expect(c.and(a, c.and(b, d)).node).toEqual({ kind: 'and', conditions: [a.node, b.node, d.node] });
    expect(c.or(a, b.and(d)).node).toEqual({ kind: 'or', conditions: [a.node, { kind: 'and', conditions: [b.node, d.node] }] });
    expect(c.and(a).node).toBe(a.node);
  });

  it('supports not, in, between and comparison options', () => {
    expect(c.not(c.paid.eq(true)).node).toEqual({ kind: 'not', condition: cmp('paid', 'eq', true) });
    expect(c.paid.eq(true).not().node).toEqual({ kind: 'not', condition: cmp('paid', 'eq', true) });
    expect(c.email.in(['a', 'b']).node).toEqual({ kind: 'or', conditions: [cmp('email', 'eq', 'a'), cmp('email', 'eq', 'b')] });
    expect(c.qty.between(1, 9, { passIfMissing: true }).node).toEqual({
      kind: 'and',
      conditions: [cmp('qty', 'gte', 1, true), cmp('qty', 'lte', 9, true)],
    });
    expect(c.qty.ne(0, { latestVersionOnly: false }).node).toEqual(cmp('qty', 'ne', 0, false, false));
  });

  it('reaches properties named like combinators through column()', () => {
    expect(c.column('and').eq('x').node).toEqual(cmp('and', 'eq', 'x'));
    expect(typeof c.and).toBe('function');
  });

  it('refuses unknown properties, empty combinations and missing values at run time', () => {
    queryError(() => (c as any).nope.eq(1), 'UNKNOWN_PROPERTY', 'nope', /'nope' is not a mapped column of Order/);
    queryError(() => (c.or as any)(), 'INVALID_CONDITION', undefined, /or\(\) needs at least one condition/);
    queryError(() => c.email.in([]), 'INVALID_CONDITION', 'email', /in\(\) needs at least one value/);
    queryError(() => c.email.eq(undefined as never), 'INVALID_CONDITION', 'email', /needs a value/);
    queryError(() => c.and({} as never), 'INVALID_CONDITION', undefined, /expected a Condition/);
  });

  it('the builder is cached per schema and does not look like a promise', () => {
    expect(conditionBuilder(schema)).toBe(c);
    expect((c as any).then).toBeUndefined();
    expect('email' in c).toBe(true);
    expect('nope' in c).toBe(false);
  });

  it('resolveWhere accepts a callback or a condition', () => {
    const cond = c.qty.eq(1);
    expect(resolveWhere(schema, cond)).toBe(cond.node);
    expect(resolveWhere(schema, (b) => b.qty.eq(1))).toEqual(cond.node);
  });
});

/** Checks the service's arity rule on a decoded wire filter; returns its leaves in order. */
function leaves(f: WireFilter): Extract<WireFilter, { type: 'single' }>[] {
  if (f.type === 'single') return [f];
  if (f.combinator === LogicalOperator.NOT) expect(f.subFilters).toHaveLength(1);
  else expect(f.subFilters).toHaveLength(2);
  return f.subFilters.flatMap(leaves);
}

function depth(f: WireFilter): number {
  return f.type === 'single' ? 0 : 1 + Math.max(...f.subFilters.map(depth));
}

describe('toSdkCondition', () => {
  it('builds a SingleColumnCondition with the stored name, the column-typed value and the options', () => {
    const sdkCond = toSdkCondition(schema, c.price.gte(2, { passIfMissing: true, latestVersionOnly: false })) as any;
    expect(sdkCond).toBeInstanceOf(V.SingleColumnCondition);
    expect(sdkCond.columnName).toBe('unit_price');
    expect(sdkCond.columnValue).toBe(2);
    expect(sdkCond.comparator).toBe(SDK.ComparatorType.GREATER_EQUAL);
    expect(sdkCond.passIfMissing).toBe(true);
    expect(sdkCond.latestVersionOnly).toBe(false);
  });

  it('sends an int64 column value as INTEGER even in number mode, a double column value as DOUBLE', () => {
    const qty = throughFilterEncoder(toSdkCondition(schema, c.qty.eq(2)));
    expect(qty).toMatchObject({ type: 'single', column: 'qty', comparator: SDK.ComparatorType.EQUAL, filterIfMissing: true, latestVersionOnly: true });
    expect((qty as { value: Buffer }).value).toEqual(columnValueBytes(SDK.Long.fromString('2')));
    const price = throughFilterEncoder(toSdkCondition(schema, c.price.eq(2)));
    expect((price as { value: Buffer }).value).toEqual(columnValueBytes(2));
    expect((price as { value: Buffer }).value).not.toEqual((qty as { value: Buffer }).value);
  });

  it('keeps int64 condition values exact', () => {
    const big = toSdkCondition(schema, c.id.gt(-(2n ** 63n))) as any;
    expect(isSdkInt64(big.columnValue)).toBe(true);
    expect(fromSdkInt64(big.columnValue)).toBe(-(2n ** 63n));
    const long = toSdkCondition(schema, c.total.lte(Long.MAX_VALUE)) as any;
    expect(fromSdkInt64(long.columnValue)).toBe(2n ** 63n - 1n);
  });

  it.each([
    ['eq', 'EQUAL'],
    ['ne', 'NOT_EQUAL'],
    ['gt', 'GREATER_THAN'],
    ['gte', 'GREATER_EQUAL'],
    ['lt', 'LESS_THAN'],
    ['lte', 'LESS_EQUAL'],
  ] as const)('maps %s to ComparatorType.%s', (op, name) => {
    expect((toSdkCondition(schema, c.email[op]('x')) as any).comparator).toBe(SDK.ComparatorType[name]);
  });

  it('maps passIfMissing to the wire filter_if_missing (inverted), default false → true on the wire', () => {
    expect(throughFilterEncoder(toSdkCondition(schema, c.email.eq('x')))).toMatchObject({ filterIfMissing: true });
    expect(throughFilterEncoder(toSdkCondition(schema, c.email.eq('x', { passIfMissing: true })))).toMatchObject({ filterIfMissing: false });
  });

  it.each([2, 3, 4, 5, 7, 10])('compiles an and of %i conditions into a balanced binary tree the service accepts', (n) => {
    const parts = Array.from({ length: n }, (_, i) => c.qty.eq(i));
    const wire = throughFilterEncoder(toSdkCondition(schema, c.and(parts[0], ...parts.slice(1))));
    expect(wire).toMatchObject({ type: 'composite', combinator: LogicalOperator.AND });
    const found = leaves(wire);
    expect(found.map((l) => l.value)).toEqual(parts.map((_, i) => columnValueBytes(toSdkInt64(BigInt(i)))));
    expect(depth(wire)).toBe(Math.ceil(Math.log2(n)));
  });

  it('compiles or, not and mixed trees with the right arity everywhere', () => {
    const cond = c.or(c.email.eq('a'), c.not(c.qty.lt(3)), c.paid.eq(true).and(c.price.gt(1.5), c.meta.eq({ tags: ['x'] })));
    const sdkCond = toSdkCondition(schema, cond) as any;
    expect(sdkCond).toBeInstanceOf(V.CompositeCondition);
    expect(sdkCond.combinator).toBe(SDK.LogicalOperator.OR);
    const wire = throughFilterEncoder(sdkCond);
    const found = leaves(wire);
    expect(found.map((l) => l.column)).toEqual(['email', 'qty', 'paid', 'unit_price', 'meta']);
    expect(found[4].value).toEqual(columnValueBytes('{"tags":["x"]}'));
    // or(a, not, and(...)) → OR(OR(a, NOT(qty)), AND(AND(paid, price), meta))
    expect(wire).toMatchObject({
      combinator: LogicalOperator.OR,
      subFilters: [
        { combinator: LogicalOperator.OR, subFilters: [{ column: 'email' }, { combinator: LogicalOperator.NOT, subFilters: [{ column: 'qty' }] }] },
        { combinator: LogicalOperator.AND, subFilters: [{ combinator: LogicalOperator.AND }, { column: 'meta' }] },
      ],
    });
  });

  it('refuses ordering comparisons on json columns and values that do not fit the column', () => {
    queryError(() => toSdkCondition(schema, c.meta.gt({ tags: [] })), 'UNSUPPORTED_COMPARISON', 'meta', /only eq\/ne are meaningful, not gt/);
    expect(() => toSdkCondition(schema, c.qty.gte(2 ** 53))).toThrow(CodecError);
    expect(() => toSdkCondition(schema, c.qty.gte(1.5))).toThrow(/1.5 is not an integer/);
    expect(() => toSdkCondition(schema, c.email.eq(5 as never))).toThrow(/expected a string, got number 5/);
  });

  it('refuses a hand-built tree naming an unknown property or node kind', () => {
    const tree: ConditionNode = { kind: 'compare', property: 'ghost', op: 'eq', value: 1, passIfMissing: false, latestVersionOnly: true };
    queryError(() => toSdkCondition(schema, tree), 'UNKNOWN_PROPERTY', 'ghost', /not a mapped column/);
    queryError(() => toSdkCondition(schema, { kind: 'xor' } as never), 'INVALID_CONDITION', undefined, /unknown condition node "xor"/);
    queryError(() => toSdkCondition(schema, { kind: 'and', conditions: [] }), 'INVALID_CONDITION', undefined, /an empty and/);
  });

  it('builds row conditions with an existence expectation', () => {
    const none = toSdkRowCondition(schema, 'notExist') as any;
    expect(none).toBeInstanceOf(V.Condition);
    expect(none.rowExistenceExpectation).toBe(SDK.RowExistenceExpectation.EXPECT_NOT_EXIST);
    expect(none.columnCondition).toBeNull();
    const exist = toSdkRowCondition(schema, 'exist', c.qty.eq(1)) as any;
    expect(exist.rowExistenceExpectation).toBe(SDK.RowExistenceExpectation.EXPECT_EXIST);
    expect(exist.columnCondition).toBeInstanceOf(V.SingleColumnCondition);
    expect((toSdkRowCondition(schema, 'ignore') as any).rowExistenceExpectation).toBe(SDK.RowExistenceExpectation.IGNORE);
    // The SDK encodes it.
    const proto: Record<string, unknown> = {};
    SDK.encoder._makeCondition(proto, toSdkParams(exist));
    expect(proto.rowExistence).toBe(SDK.RowExistenceExpectation.EXPECT_EXIST);
    expect(proto.columnCondition).toBeInstanceOf(Uint8Array);
  });

  it('lists the stored columns a condition reads', () => {
    expect(conditionColumns(schema, c.price.gt(1).or(c.qty.eq(1), c.not(c.price.lt(0))))).toEqual(['unit_price', 'qty']);
  });
});

describe('key ranges', () => {
  const names = (pk: Record<string, unknown>[]) => pk.map((col) => Object.keys(col)[0]);
  const values = (pk: Record<string, unknown>[]) =>
    pk.map((col) => {
      const v = Object.values(col)[0];
      if (v === V.INF_MIN) return 'MIN';
      if (v === V.INF_MAX) return 'MAX';
      return isSdkInt64(v) ? fromSdkInt64(v) : v;
    });

  it('fills a prefix with INF_MIN/INF_MAX forward', () => {
    const r = prefixRange(schema, { shopId: 's1' });
    expect(r.direction).toBe('FORWARD');
    expect(names(r.inclusiveStartPrimaryKey)).toEqual(['shopId', 'id']);
    expect(values(r.inclusiveStartPrimaryKey)).toEqual(['s1', 'MIN']);
    expect(values(r.exclusiveEndPrimaryKey)).toEqual(['s1', 'MAX']);
    expect(r.empty).toBe(false);
    // The SDK serialises both bounds.
    expect(() => SDK.PlainBufferBuilder.serializePrimaryKey(toSdkParams(r.inclusiveStartPrimaryKey))).not.toThrow();
    expect(() => SDK.PlainBufferBuilder.serializePrimaryKey(toSdkParams(r.exclusiveEndPrimaryKey))).not.toThrow();
  });

  it('fills a prefix with INF_MAX/INF_MIN backward', () => {
    const r = prefixRange(schema, { shopId: 's1' }, 'backward');
    expect(r.direction).toBe('BACKWARD');
    expect(values(r.inclusiveStartPrimaryKey)).toEqual(['s1', 'MAX']);
    expect(values(r.exclusiveEndPrimaryKey)).toEqual(['s1', 'MIN']);
    expect(r.empty).toBe(false);
  });

  it('covers the whole table for an empty prefix', () => {
    expect(values(prefixRange(schema, {}).inclusiveStartPrimaryKey)).toEqual(['MIN', 'MIN']);
    expect(values(prefixRange(schema, {}).exclusiveEndPrimaryKey)).toEqual(['MAX', 'MAX']);
    expect(values(prefixRange(schema, {}, 'backward').inclusiveStartPrimaryKey)).toEqual(['MAX', 'MAX']);
  });

  it('turns a full key into [key, successor) sent forward', () => {
    for (const direction of ['forward', 'backward'] as const) {
      const r = prefixRange(schema, { shopId: 's1', id: 5n }, direction);
      expect(r.direction).toBe('FORWARD');
      expect(values(r.inclusiveStartPrimaryKey)).toEqual(['s1', 5n]);
      expect(values(r.exclusiveEndPrimaryKey)).toEqual(['s1', 6n]);
      expect(r.empty).toBe(false);
    }
    expect(values(prefixRange(schema, { shopId: 's1', id: 2n ** 63n - 1n }).exclusiveEndPrimaryKey)).toEqual(['s1', 'MAX']);
  });

  it('successor of a string or binary last key appends a zero byte', () => {
    @Table('sb')
    class SB {
      @PrimaryKey() a!: bigint;
      @PrimaryKey() b!: string;
    }
    @Table('bb')
    class BB {
      @PrimaryKey() a!: Buffer;
    }
    expect(values(prefixRange(getTableSchema(SB), { a: 1n, b: 'x' }).exclusiveEndPrimaryKey)).toEqual([1n, 'x\u0000']);
    expect(values(prefixRange(getTableSchema(BB), { a: Buffer.from([1]) }).exclusiveEndPrimaryKey)).toEqual([Buffer.from([1, 0])]);
  });

  it('refuses a prefix that skips a key or names a non-key', () => {
    queryError(() => prefixRange(schema, { id: 1n }), 'KEY_PREFIX', 'id', /gives 'id' but not 'shopId' before it/);
    queryError(() => prefixRange(schema, { shopId: 's', email: 'x' } as never), 'UNKNOWN_PROPERTY', 'email', /'email' is not a primary key of Order/);
    queryError(() => prefixRange(schema, {}, 'sideways' as never), 'INVALID_CONDITION', undefined, /direction must be/);
    expect(() => prefixRange(schema, { shopId: 5 } as never)).toThrow(CodecError);
  });

  it('builds ranges between prefixes in both directions', () => {
    const fwd = keyRange(schema, { start: { shopId: 'a' }, end: { shopId: 'c' } });
    expect(values(fwd.inclusiveStartPrimaryKey)).toEqual(['a', 'MIN']);
    expect(values(fwd.exclusiveEndPrimaryKey)).toEqual(['c', 'MIN']);
    expect(fwd.empty).toBe(false);
    const bwd = keyRange(schema, { start: { shopId: 'c' }, end: { shopId: 'a' } }, 'backward');
    expect(values(bwd.inclusiveStartPrimaryKey)).toEqual(['c', 'MAX']);
    expect(values(bwd.exclusiveEndPrimaryKey)).toEqual(['a', 'MAX']);
    expect(bwd.empty).toBe(false);
    const open = keyRange(schema, { start: { shopId: 'b', id: 3n } });
    expect(values(open.inclusiveStartPrimaryKey)).toEqual(['b', 3n]);
    expect(values(open.exclusiveEndPrimaryKey)).toEqual(['MAX', 'MAX']);
    const openBack = keyRange(schema, { end: { shopId: 'b' } }, 'backward');
    expect(values(openBack.inclusiveStartPrimaryKey)).toEqual(['MAX', 'MAX']);
    expect(values(openBack.exclusiveEndPrimaryKey)).toEqual(['b', 'MAX']);
  });

  it('flags empty ranges instead of letting the service refuse them', () => {
    expect(keyRange(schema, { start: { shopId: 'c' }, end: { shopId: 'a' } }).empty).toBe(true);
    expect(keyRange(schema, { start: { shopId: 'a' }, end: { shopId: 'a' } }).empty).toBe(true);
    expect(keyRange(schema, { start: { shopId: 'a' }, end: { shopId: 'c' } }, 'backward').empty).toBe(true);
    expect(keyRange(schema, { start: { shopId: 'a', id: -1n }, end: { shopId: 'a', id: -2n } }).empty).toBe(true);
    expect(keyRange(schema, { start: { shopId: 'a', id: -2n }, end: { shopId: 'a', id: -1n } }).empty).toBe(false);
    // Byte-wise UTF-8 order: 'é' (0xC3 0xA9) sorts after 'z'.
    expect(keyRange(schema, { start: { shopId: 'z' }, end: { shopId: 'é' } }).empty).toBe(false);
    expect(keyRange(schema, { start: { shopId: 'é' }, end: { shopId: 'z' } }).empty).toBe(true);
  });
});
