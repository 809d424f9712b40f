import type { PutRowParams } from '../../../client/actions';
import { encodeRow } from '../../../codec/row';
import { int64FromProperty, int64ToProperty } from '../../../codec/value';
import type { ConditionNode } from '../../../query/condition';
import type { TableSchema } from '../../../schema/types';
import { validateEntity } from '../../validate';
import { rowCondition, versionCheck, type Expect, type WriteOptions } from '../conditions';
import { carriesVersion, versionOf } from '../entity';
import { inTransaction } from '../target';

export interface SaveRequest {
  params: PutRowParams;
  /** The version the entity carried (checked by the condition), for the lost-race error. */
  current: unknown;
  /** The version written, to set on the entity once the write succeeded; `undefined` without `@Version`. */
  next: unknown;
}

/**
 * The PutRow request of `save()`: the whole row, replacing what is stored. Without `@Version` the row may
 * exist or not (with an auto-increment key it must exist: save never generates). With `@Version`, an entity
 * without a version creates the row (`notExist`, version 1); one with a version must match the stored one and
 * writes version + 1. `options.expect` overrides the existence expectation.
 */
export function saveParams<T extends object>(schema: TableSchema<T>, entity: T, options: WriteOptions<T> = {}, transactionId?: string): SaveRequest {
  validateEntity(schema, entity);
  const version = schema.version;
  const current = versionOf(schema, entity);
  let expect: Expect = options.expect ?? (schema.autoIncrement ? 'exist' : 'any');
  let check: ConditionNode | undefined;
  let next: unknown;
  if (version) {
    if (!carriesVersion(schema, current)) {
      expect = options.expect ?? 'notExist';
      next = int64ToProperty(schema, version, 1n);
    } else {
      expect = options.expect ?? 'exist';
      check = versionCheck(schema, current);
      next = int64ToProperty(schema, version, int64FromProperty(schema, version, current) + 1n);
    }
  }
  const toWrite = version ? Object.assign(Object.create(Object.getPrototypeOf(entity)), entity, { [version.property]: next }) : entity;
  const { primaryKey, attributeColumns } = encodeRow(schema, toWrite);
  return {
    params: { tableName: schema.tableName, condition: rowCondition(schema, expect, options.where, check), primaryKey, attributeColumns, ...inTransaction(transactionId) },
    current,
    next,
  };
}
