/**
 * How validation finds class-validator (src/repository/validate.ts): never before class-validator's global
 * store exists, and through `useClassValidator` when given (a bundle's own copy).
 */
import * as classValidator from 'class-validator';
import { afterAll, describe, expect, it } from 'vitest';
import { Column, ConfigurationError, EntityValidationError, getTableSchema, PrimaryKey, Table, useClassValidator } from '../../src';
import { validateEntity } from '../../src/repository/validate';

@Table('validated')
class Thing {
  @PrimaryKey('string') id!: string;
  @Column('string') name?: string;
}

describe('validation and class-validator', () => {
  // The validator is module state, and `npm run test:unit` shares modules between files (isolate: false): hand
  // back the real class-validator, or the stub below fails every entity written by the files that run later.
  afterAll(() => useClassValidator(classValidator));

  it('refuses something that is not the class-validator module, naming what it needs', () => {
    expect(() => useClassValidator({} as never)).toThrow(ConfigurationError);
    expect(() => useClassValidator(undefined as never)).toThrow(/useClassValidator: pass the class-validator module \(an object with validateSync\)/);
  });

  it('runs the module it was given, whether or not class-validator was ever loaded', () => {
    const calls: object[] = [];
    useClassValidator({
      validateSync: (obj) => {
        calls.push(obj);
        return [{ property: 'name', constraints: { isShort: 'name is too long' } }];
      },
    });
    const thing = Object.assign(new Thing(), { id: 'a', name: 'x'.repeat(10) });
    let error: unknown;
    try {
      validateEntity(getTableSchema(Thing), thing);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EntityValidationError);
    expect((error as EntityValidationError).violations).toEqual([{ property: 'name', rule: 'isShort', message: 'name is too long' }]);
    expect(calls).toEqual([thing]);
  });
});
