/**
 * Typed conditions and filters built from an entity's own properties, Kysely style: builders produce an
 * immutable plain tree (`ConditionNode`), which `compile.ts` alone turns into SDK objects.
 *
 * ```ts
 * where: c => c.qty.gte(2).and(c.email.eq('a@b.cn'))
 * where: c => c.or(c.status.eq('paid'), c.not(c.total.lt(10n)))
 * where: c => c.note.eq('x', { passIfMissing: true })
 * ```
 *
 * The builder `c` has one column reference per data property of the entity; a wrong property name or a value
 * of the wrong type is a compile error. Properties named `and`, `or`, `not` or `column` are reached through
 * `c.column('and')`.
 *
 * **Missing columns.** Unlike the raw SDK (whose default is `passIfMissing: true`), a comparison here is *not*
 * satisfied by a row that lacks the column (`passIfMissing: false`), the way `NULL >= 2` is not true in SQL:
 * `find(…, { where: c => c.qty.gte(2) })` does not return rows without `qty`. Pass `{ passIfMissing: true }`
 * to a comparison to get the service's default behaviour. `latestVersionOnly` defaults to `true` (compare
 * the newest version only), as in the service.
 */
import type { AttributeKeys } from '../schema/entity-types';
import type { TableSchema } from '../schema/types';
import { QueryError } from './errors';

/** Comparison operators. */
export type Comparator = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte';

/** Per-comparison options. */
export interface CompareOptions {
  /** Whether a row lacking the column satisfies the comparison. Default **false** (see module doc). */
  passIfMissing?: boolean;
  /** Compare the newest version only (true, default) or pass if any version satisfies it (false). */
  latestVersionOnly?: boolean;
}

/** A comparison of one column with a constant. `property` is the entity property (not the stored name). */
export interface CompareNode {
  readonly kind: 'compare';
  readonly property: string;
  readonly op: Comparator;
  readonly value: unknown;
  readonly passIfMissing: boolean;
  readonly latestVersionOnly: boolean;
}

/** All (`and`) or any (`or`) of two or more conditions. Nested nodes of the same kind are flattened. */
export interface JunctionNode {
  readonly kind: 'and' | 'or';
  readonly conditions: readonly ConditionNode[];
}

export interface NotNode {
  readonly kind: 'not';
  readonly condition: ConditionNode;
}

/** The immutable condition tree. */
export type ConditionNode = CompareNode | JunctionNode | NotNode;

declare const entityType: unique symbol;

const COMPARATORS: readonly Comparator[] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'];

function junction(kind: 'and' | 'or', nodes: readonly ConditionNode[], entity?: string): ConditionNode {
  if (nodes.length === 0) throw new QueryError('INVALID_CONDITION', entity, undefined, `${kind}() needs at least one condition`);
  const flat: ConditionNode[] = [];
  for (const node of nodes) {
    if (node.kind === kind) flat.push(...node.conditions);
    else flat.push(node);
  }
  if (flat.length === 1) return flat[0];
  return Object.freeze({ kind, conditions: Object.freeze(flat) });
}

function nodeOf(condition: unknown, entity?: string): ConditionNode {
  if (condition instanceof Condition) return condition.node;
  throw new QueryError('INVALID_CONDITION', entity, undefined, `expected a Condition, got ${condition === null ? 'null' : typeof condition}`);
}

/**
 * An immutable condition on entity `T`. Combine with `.and()`, `.or()`, `.not()`; read the tree from `.node`.
 * Conditions of different entities do not mix (compile error).
 */
export class Condition<T> {
  /** Phantom member making `Condition<A>` and `Condition<B>` incompatible. */
  declare readonly [entityType]?: (entity: T) => T;
  /** The plain, frozen tree. */
  readonly node: ConditionNode;

  constructor(node: ConditionNode) {
    this.node = node;
    Object.freeze(this);
  }

  /** This condition and every one of `others`. */
  and(...others: Condition<T>[]): Condition<T> {
    return new Condition(junction('and', [this.node, ...others.map((o) => nodeOf(o))]));
  }

  /** This condition or any one of `others`. */
  or(...others: Condition<T>[]): Condition<T> {
    return new Condition(junction('or', [this.node, ...others.map((o) => nodeOf(o))]));
  }

  /** The negation of this condition. */
  not(): Condition<T> {
    return new Condition(Object.freeze({ kind: 'not', condition: this.node }));
  }
}

/** A reference to one column of `T` whose values have type `V`. */
export interface ColumnRef<T, V> {
  /** The entity property. */
  readonly property: string;
  eq(value: V, options?: CompareOptions): Condition<T>;
  ne(value: V, options?: CompareOptions): Condition<T>;
  gt(value: V, options?: CompareOptions): Condition<T>;
  gte(value: V, options?: CompareOptions): Condition<T>;
  lt(value: V, options?: CompareOptions): Condition<T>;
  lte(value: V, options?: CompareOptions): Condition<T>;
  /** Equal to one of `values` (an `or` of `eq`s); `values` must not be empty. */
  in(values: readonly V[], options?: CompareOptions): Condition<T>;
  /** `low <= column <= high` (an `and` of `gte` and `lte`). */
  between(low: V, high: V, options?: CompareOptions): Condition<T>;
}

/** The combinators on the builder. */
export interface ConditionCombinators<T> {
  /** All of the conditions (at least one). */
  and(...conditions: [Condition<T>, ...Condition<T>[]]): Condition<T>;
  /** Any of the conditions (at least one). */
  or(...conditions: [Condition<T>, ...Condition<T>[]]): Condition<T>;
  not(condition: Condition<T>): Condition<T>;
  /** The column of any data property, including ones named like a combinator. */
  column<K extends AttributeKeys<T>>(property: K): ColumnRef<T, NonNullable<T[K]>>;
}

/** Builder names that shadow entity properties of the same name (reach those with `column()`). */
export type ReservedBuilderKeys = keyof ConditionCombinators<unknown>;

/** What a `where` callback receives: one column reference per data property, plus the combinators. */
export type ConditionBuilder<T> = {
  readonly [K in Exclude<AttributeKeys<T>, ReservedBuilderKeys>]-?: ColumnRef<T, NonNullable<T[K]>>;
} & ConditionCombinators<T>;

/** A condition, or a callback building one from the entity's columns. */
export type Where<T> = Condition<T> | ((c: ConditionBuilder<T>) => Condition<T>);

function compare(property: string, op: Comparator, value: unknown, options: CompareOptions | undefined, entity: string): Condition<any> {
  if (value === undefined || value === null) {
    throw new QueryError('INVALID_CONDITION', entity, property, `${op}() needs a value (a missing column is handled by passIfMissing)`);
  }
  return new Condition(
    Object.freeze({
      kind: 'compare',
      property,
      op,
      value,
      passIfMissing: options?.passIfMissing ?? false,
      latestVersionOnly: options?.latestVersionOnly ?? true,
    }),
  );
}

function columnRef(property: string, entity: string): ColumnRef<any, unknown> {
  const ref: Record<string, unknown> = { property };
  for (const op of COMPARATORS) {
    ref[op] = (value: unknown, options?: CompareOptions) => compare(property, op, value, options, entity);
  }
  ref.in = (values: readonly unknown[], options?: CompareOptions) => {
    if (!Array.isArray(values) || values.length === 0) {
      throw new QueryError('INVALID_CONDITION', entity, property, 'in() needs at least one value');
    }
    return new Condition(junction('or', values.map((v) => compare(property, 'eq', v, options, entity).node), entity));
  };
  ref.between = (low: unknown, high: unknown, options?: CompareOptions) =>
    new Condition(junction('and', [compare(property, 'gte', low, options, entity).node, compare(property, 'lte', high, options, entity).node], entity));
  return Object.freeze(ref) as unknown as ColumnRef<any, unknown>;
}

const builders = new WeakMap<TableSchema, ConditionBuilder<any>>();
/** Keys the runtime may probe on any object (inspection, promise detection); answered with `undefined`. */
const PROBES = new Set(['then', 'toJSON', 'constructor', 'asymmetricMatch', '$$typeof', 'nodeType', 'inspect']);

/**
 * The condition builder of an entity schema (one per schema, cached). Accessing a property that the schema
 * does not map throws `QueryError` UNKNOWN_PROPERTY.
 */
export function conditionBuilder<T>(schema: TableSchema<T>): ConditionBuilder<T> {
  const cached = builders.get(schema);
  if (cached) return cached as ConditionBuilder<T>;
  const entity = schema.entityName;
  const refs = new Map<string, ColumnRef<any, unknown>>();
  const refOf = (property: string) => {
    let ref = refs.get(property);
    if (!ref) {
      if (!schema.byProperty[property]) {
        throw new QueryError('UNKNOWN_PROPERTY', entity, property, `'${property}' is not a mapped column of ${entity}`);
      }
      ref = columnRef(property, entity);
      refs.set(property, ref);
    }
    return ref;
  };
  const combinators: ConditionCombinators<any> = Object.freeze({
    and: (...conditions: Condition<any>[]) => new Condition(junction('and', conditions.map((c) => nodeOf(c, entity)), entity)),
    or: (...conditions: Condition<any>[]) => new Condition(junction('or', conditions.map((c) => nodeOf(c, entity)), entity)),
    not: (condition: Condition<any>) => new Condition(Object.freeze({ kind: 'not', condition: nodeOf(condition, entity) })),
    column: (property: string) => refOf(property),
  });
  const builder = new Proxy(combinators, {
    get(target, key) {
      if (typeof key === 'symbol') return undefined;
      if (Object.prototype.hasOwnProperty.call(target, key)) return (target as unknown as Record<string, unknown>)[key];
      if (PROBES.has(key) && !schema.byProperty[key]) return undefined;
      return refOf(key);
    },
    has(target, key) {
      return typeof key === 'string' && (Object.prototype.hasOwnProperty.call(target, key) || schema.byProperty[key] !== undefined);
    },
    set() {
      return false;
    },
  }) as ConditionBuilder<T>;
  builders.set(schema, builder);
  return builder;
}

/** The tree of a `where` option: a `Condition` as is, or the result of calling the callback with the builder. */
export function resolveWhere<T>(schema: TableSchema<T>, where: Where<T>): ConditionNode {
  const condition = typeof where === 'function' ? where(conditionBuilder(schema)) : where;
  return nodeOf(condition, schema.entityName);
}
