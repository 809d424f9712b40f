/**
 * The one place condition trees become SDK objects.
 *
 * The service requires a composite filter to have exactly two sub-filters for AND/OR and exactly one for NOT
 * ("Invalid AND/OR operator: the number of sub-filters must be 2."), while the SDK's encoder sends whatever
 * `sub_conditions` holds. n-ary `and`/`or` nodes are therefore compiled into balanced binary trees.
 */
import { encodeValue } from '../codec/row';
import {
  sdk,
  type SdkColumnCondition,
  type SdkRowCondition,
} from '../codec/sdk-values';
import type { TableSchema } from '../schema/types';
import { Condition, type Comparator, type ConditionNode } from './condition';
import { QueryError } from './errors';

/** Row-existence expectation of a write. */
export type RowExpectation = 'ignore' | 'exist' | 'notExist';

function comparatorOf(op: Comparator): number {
  const c = sdk().ComparatorType;
  switch (op) {
    case 'eq':
      return c.EQUAL;
    case 'ne':
      return c.NOT_EQUAL;
    case 'gt':
      return c.GREATER_THAN;
    case 'gte':
      return c.GREATER_EQUAL;
    case 'lt':
      return c.LESS_THAN;
    case 'lte':
      return c.LESS_EQUAL;
  }
}

function treeOf(tree: ConditionNode | Condition<any>): ConditionNode {
  return tree instanceof Condition ? tree.node : tree;
}

function binary(combinator: number, parts: SdkColumnCondition[]): SdkColumnCondition {
  if (parts.length === 1) return parts[0];
  const middle = Math.ceil(parts.length / 2);
  const composite = new (sdk().CompositeCondition)(combinator);
  composite.addSubCondition(binary(combinator, parts.slice(0, middle)));
  composite.addSubCondition(binary(combinator, parts.slice(middle)));
  return composite;
}

function compileNode(schema: TableSchema, node: ConditionNode): SdkColumnCondition {
  const TableStore = sdk();
  switch (node.kind) {
    case 'compare': {
      const field = schema.byProperty[node.property];
      if (!field) {
        throw new QueryError('UNKNOWN_PROPERTY', schema.entityName, node.property, `'${node.property}' is not a mapped column of ${schema.entityName}`);
      }
      if (field.type === 'json' && node.op !== 'eq' && node.op !== 'ne') {
        throw new QueryError(
          'UNSUPPORTED_COMPARISON',
          schema.entityName,
          node.property,
          `a json column compares as its serialised text; only eq/ne are meaningful, not ${node.op}`,
        );
      }
      return new TableStore.SingleColumnCondition(
        field.name,
        encodeValue(schema, node.property, node.value),
        comparatorOf(node.op),
        node.passIfMissing,
        node.latestVersionOnly,
      );
    }
    case 'and':
    case 'or': {
      if (node.conditions.length === 0) {
        throw new QueryError('INVALID_CONDITION', schema.entityName, undefined, `an empty ${node.kind}`);
      }
      const op = node.kind === 'and' ? TableStore.LogicalOperator.AND : TableStore.LogicalOperator.OR;
      return binary(
        op,
        node.conditions.map((c) => compileNode(schema, c)),
      );
    }
    case 'not': {
      const composite = new TableStore.CompositeCondition(TableStore.LogicalOperator.NOT);
      composite.addSubCondition(compileNode(schema, node.condition));
      return composite;
    }
    default:
      throw new QueryError('INVALID_CONDITION', schema.entityName, undefined, `unknown condition node ${JSON.stringify((node as { kind?: unknown }).kind)}`);
  }
}

/**
 * Compiles a condition tree into the SDK's `SingleColumnCondition` / `CompositeCondition` objects, usable as
 * a write's column condition or a read's `columnFilter`. Values are encoded for their column's stored type
 * (`CodecError` if a value does not fit); property names become stored names.
 */
export function toSdkCondition<T>(schema: TableSchema<T>, tree: ConditionNode | Condition<T>): SdkColumnCondition {
  return compileNode(schema, treeOf(tree));
}

/** A write's `condition`: `new TableStore.Condition(expectation, columnCondition | null)`. */
export function toSdkRowCondition<T>(
  schema: TableSchema<T>,
  expectation: RowExpectation,
  tree?: ConditionNode | Condition<T>,
): SdkRowCondition {
  const TableStore = sdk();
  const existence =
    expectation === 'exist'
      ? TableStore.RowExistenceExpectation.EXPECT_EXIST
      : expectation === 'notExist'
        ? TableStore.RowExistenceExpectation.EXPECT_NOT_EXIST
        : TableStore.RowExistenceExpectation.IGNORE;
  return new TableStore.Condition(existence, tree === undefined ? null : toSdkCondition(schema, tree));
}

/**
 * Stored names of the columns a condition reads, in first-use order. A read filter only sees the columns it
 * fetches, so a read with a non-empty `columnsToGet` must include these.
 */
export function conditionColumns<T>(schema: TableSchema<T>, tree: ConditionNode | Condition<T>): string[] {
  const names: string[] = [];
  const visit = (node: ConditionNode): void => {
    if (node.kind === 'compare') {
      const field = schema.byProperty[node.property];
      if (!field) {
        throw new QueryError('UNKNOWN_PROPERTY', schema.entityName, node.property, `'${node.property}' is not a mapped column of ${schema.entityName}`);
      }
      if (!names.includes(field.name)) names.push(field.name);
    } else if (node.kind === 'not') {
      visit(node.condition);
    } else {
      node.conditions.forEach(visit);
    }
  };
  visit(treeOf(tree));
  return names;
}
