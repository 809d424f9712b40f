/** The single-row request builders (insert, save, get, update, delete): SDK requests from schema + input. */
import { describe, expect, it } from 'vitest';
import { CodecError } from '../../../src/codec/errors';
import { fromSdkInt64 } from '../../../src/codec/sdk-values';
import { EntityValidationError } from '../../../src/repository/errors';
import { deleteParams } from '../../../src/repository/actions/delete/delete-params';
import { getParams } from '../../../src/repository/actions/get/get-params';
import { insertParams } from '../../../src/repository/actions/insert/insert-params';
import { saveParams } from '../../../src/repository/actions/save/save-params';
import { updateParams } from '../../../src/repository/actions/update/update-params';
import type { SingleColumnCondition } from '../../../src/client/values';
import { AutoIncrement, Column, getTableSchema, PrimaryKey, PrimaryKeys, Table } from '../../../src/schema';
import { EXPECT_EXIST, EXPECT_NOT_EXIST, IGNORE, Long, Note, notes, order, orders, plainCells, plainKey } from './fixtures';

/** An auto-increment key and no `@Version`. */
@Table('counters')
class Counter {
  declare readonly [PrimaryKeys]?: 'shop' | 'id';
  @PrimaryKey() shop!: string;
  @PrimaryKey() @AutoIncrement() id!: Long;
  @Column() label?: string;
}
const counters = getTableSchema(Counter);

const versionCondition = (c: unknown) => {
  const s = c as SingleColumnCondition;
  return { column: s.columnName, value: fromSdkInt64(s.columnValue as never), comparator: s.comparator };
};

describe('insertParams', () => {
  it('puts a new row that must not exist, every set column encoded', () => {
    const { entity, params } = insertParams(notes, { owner: 'ann', id: 7, title: 't', views: 3 });
    expect(entity).toBeInstanceOf(Note);
    expect(params.tableName).toBe('notes');
    expect(params.condition.rowExistenceExpectation).toBe(EXPECT_NOT_EXIST);
    expect(params.condition.columnCondition).toBeNull();
    expect(plainKey(params.primaryKey)).toEqual([['owner', 'ann'], ['id', 7n]]);
    expect(plainCells(params.attributeColumns)).toEqual([{ title: 't' }, { views: 3n }]);
    expect(params).not.toHaveProperty('returnContent');
    expect(params).not.toHaveProperty('transactionId');
  });

  it('leaves an auto-increment key to the service (placeholder, IGNORE, key asked back) and starts the version at 1', () => {
    const input = order();
    const { entity, params } = insertParams(orders, input, 'tx-1');
    expect(entity).toBe(input);
    expect(entity.version).toBe(1);
    expect(params.condition.rowExistenceExpectation).toBe(IGNORE);
    expect(plainKey(params.primaryKey)).toEqual([['shop', 's1'], ['id', 'PK_AUTO_INCR']]);
    expect(plainCells(params.attributeColumns)).toEqual([{ email: 'a@b.example' }, { version: 1n }]);
    expect(params.returnContent).toEqual({ returnType: 1 });
    expect(params.transactionId).toBe('tx-1');
  });

  it('refuses a given auto-increment key and an invalid entity before building anything', () => {
    expect(() => insertParams(orders, order({ id: Long.fromNumber(5) }))).toThrow(expect.objectContaining({ name: 'RepositoryUsageError', code: 'TsormRepositoryUsage', rule: 'GENERATED_KEY', property: 'id' }));
    expect(() => insertParams(notes, { owner: 'ann', id: 1, email: 'not an email' })).toThrow(EntityValidationError);
  });
});

describe('saveParams', () => {
  it('replaces the row whatever is stored when the entity has no version column', () => {
    const { params, next } = saveParams(notes, Object.assign(new Note(), { owner: 'ann', id: 1, title: 'x' }));
    expect(params.condition.rowExistenceExpectation).toBe(IGNORE);
    expect(params.condition.columnCondition).toBeNull();
    expect(next).toBeUndefined();
  });

  it('creates a versioned row without a version (notExist, version 1)', () => {
    const entity = order({ id: Long.fromNumber(9) });
    const { params, current, next } = saveParams(orders, entity);
    expect(current).toBeUndefined();
    expect(next).toBe(1);
    expect(params.condition.rowExistenceExpectation).toBe(EXPECT_NOT_EXIST);
    expect(plainCells(params.attributeColumns)).toContainEqual({ version: 1n });
    expect(entity.version).toBeUndefined(); // set only once the write succeeded
  });

  it('checks the carried version and writes version + 1', () => {
    const { params, current, next } = saveParams(orders, order({ id: Long.fromNumber(9), version: 4 }), { where: (o) => o.email.eq('a@b.example') });
    expect([current, next]).toEqual([4, 5]);
    expect(params.condition.rowExistenceExpectation).toBe(EXPECT_EXIST);
    const and = params.condition.columnCondition as unknown as { combinator: number; sub_conditions: unknown[] };
    expect(and.combinator).toBe(2); // AND of the caller's where and the version check
    expect(versionCondition(and.sub_conditions[1])).toEqual({ column: 'version', value: 4n, comparator: 1 });
    expect(plainCells(params.attributeColumns)).toContainEqual({ version: 5n });
  });

  it('an explicit expect wins; an auto-increment table without version requires the row to exist', () => {
    expect(saveParams(orders, order({ id: Long.fromNumber(9), version: 4 }), { expect: 'any' }).params.condition.rowExistenceExpectation).toBe(IGNORE);
    // save never generates a key: it overwrites a row that insert() created
    const counter = Object.assign(new Counter(), { shop: 's1', id: Long.fromNumber(3), label: 'x' });
    expect(saveParams(counters, counter).params.condition.rowExistenceExpectation).toBe(EXPECT_EXIST);
    expect(saveParams(counters, counter, { expect: 'any' }).params.condition.rowExistenceExpectation).toBe(IGNORE);
  });
});

describe('getParams', () => {
  it('encodes the key; asked properties become stored names plus every key', () => {
    const params = getParams(notes, { owner: 'ann', id: 2 }, { columns: ['title'] }, 'tx');
    expect(plainKey(params.primaryKey)).toEqual([['owner', 'ann'], ['id', 2n]]);
    expect(params.columnsToGet).toEqual(['title', 'owner', 'id']);
    expect(params.transactionId).toBe('tx');
    expect(getParams(notes, { owner: 'ann', id: 2 })).not.toHaveProperty('columnsToGet');
  });

  it('refuses a key with a missing part and an unknown property', () => {
    expect(() => getParams(notes, { owner: 'ann' } as never)).toThrow(expect.objectContaining({ rule: 'MISSING_KEY', property: 'id' }));
    expect(() => getParams(notes, { owner: 'ann', id: 1 }, { columns: ['nope' as never] })).toThrow(CodecError);
  });
});

describe('updateParams', () => {
  it('requires the row, encodes set/remove/increment and asks incremented columns back', () => {
    const { params } = updateParams(notes, { owner: 'ann', id: 1 }, { set: { title: 'n' }, remove: ['email'], increment: { views: 2 } });
    expect(params.condition.rowExistenceExpectation).toBe(EXPECT_EXIST);
    expect(params.updateOfAttributeColumns.map((g) => Object.keys(g)[0])).toEqual(['PUT', 'DELETE_ALL', 'INCREMENT']);
    expect(params.returnContent).toEqual({ returnType: 2, returnColumns: ['views'] });
  });

  it('increments the version on every update and checks it when the key carries one', () => {
    const plain = updateParams(orders, { shop: 's1', id: Long.fromNumber(1) }, { set: { email: 'c@d.example' } });
    expect(plain.current).toBeUndefined();
    expect(plain.params.condition.columnCondition).toBeNull();
    expect(plain.params.returnContent).toEqual({ returnType: 2, returnColumns: ['version'] });
    const read = updateParams(orders, order({ id: Long.fromNumber(1), version: 3 }), { set: { email: 'c@d.example' } });
    expect(read.current).toBe(3);
    expect(versionCondition(read.params.condition.columnCondition)).toEqual({ column: 'version', value: 3n, comparator: 1 });
  });

  it('refuses changing the version, and invalid values, before building', () => {
    expect(() => updateParams(orders, { shop: 's1', id: Long.fromNumber(1) }, { set: { version: 2 } as never })).toThrow(expect.objectContaining({ name: 'RepositoryUsageError', rule: 'VERSION_MAINTAINED', property: 'version' }));
    expect(() => updateParams(notes, { owner: 'a', id: 1 }, { set: { email: 'nope' } })).toThrow(EntityValidationError);
  });
});

describe('deleteParams', () => {
  it('deletes without an existence check unless asked, checking a carried version', () => {
    const plain = deleteParams(notes, { owner: 'ann', id: 1 });
    expect(plain.params.condition.rowExistenceExpectation).toBe(IGNORE);
    expect(plainKey(plain.params.primaryKey)).toEqual([['owner', 'ann'], ['id', 1n]]);
    const read = deleteParams(orders, order({ id: Long.fromNumber(1), version: 8 }), { expect: 'exist' });
    expect(read.params.condition.rowExistenceExpectation).toBe(EXPECT_EXIST);
    expect(versionCondition(read.params.condition.columnCondition)).toEqual({ column: 'version', value: 8n, comparator: 1 });
  });
});
