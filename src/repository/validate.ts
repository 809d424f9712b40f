/**
 * Validation before any write: class-validator's decorators on the entity class, run on the instance that is
 * about to be written. class-validator is loaded on the first validated write only (FC cold starts pay for
 * every module loaded; an entity that uses its decorators has loaded it already).
 */
import type { TableSchema } from '../schema/types';
import { EntityValidationError, type FieldViolation } from './errors';

interface ValidationErrorLike {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationErrorLike[];
}

let validator: { validateSync(obj: object, options?: object): ValidationErrorLike[] } | undefined;

function flatten(errors: ValidationErrorLike[], prefix = ''): FieldViolation[] {
  const out: FieldViolation[] = [];
  for (const e of errors) {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    for (const [rule, message] of Object.entries(e.constraints ?? {})) out.push({ property: path, rule, message });
    if (e.children?.length) out.push(...flatten(e.children, path));
  }
  return out;
}

/**
 * Throws `EntityValidationError` when `entity` breaks a class-validator constraint. With `partial`, only the
 * properties present are checked (partial updates).
 */
export function validateEntity(schema: TableSchema, entity: object, partial = false): void {
  validator ??= require('class-validator');
  const errors = validator!.validateSync(entity, {
    skipMissingProperties: partial,
    forbidUnknownValues: false,
    validationError: { target: false, value: false },
  });
  if (errors.length) throw new EntityValidationError(schema.entityName, flatten(errors));
}
