/**
 * Validation before any write: class-validator's decorators on the entity class, run on the instance that is
 * about to be written.
 *
 * class-validator is never imported statically: a bundler would then put it (with validator and
 * libphonenumber-js, about 1 MB) into every deploy, also of functions that use none of its decorators (issue 8,
 * item 4). Its decorators record into one store on the global object (`classValidatorMetadataStorage`,
 * class-validator's MetadataStorage.js); while that store does not exist no constraint exists, and nothing is
 * loaded. Once it does, the copy given to `useClassValidator()` validates, or else the one `require` finds from
 * here (any copy reads the same global store).
 */
import { createRequire } from 'node:module';
import { ConfigurationError } from '../client/errors';
import type { TableSchema } from '../schema/types';
import { EntityValidationError, type FieldViolation } from './errors';

export interface ValidationErrorLike {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationErrorLike[];
}

/** What tsorm calls of class-validator. */
export interface ClassValidatorModule {
  validateSync(obj: object, options?: object): ValidationErrorLike[];
}

let validator: ClassValidatorModule | undefined;

/**
 * Hands tsorm the class-validator module that your own code imports: `useClassValidator(require('class-validator'))`
 * or `import * as classValidator from 'class-validator'; useClassValidator(classValidator)`. Needed only in a
 * bundle (esbuild…) deployed without node_modules whose entities use class-validator decorators; elsewhere
 * tsorm finds class-validator itself.
 */
export function useClassValidator(module: ClassValidatorModule): void {
  if (typeof module?.validateSync !== 'function') {
    throw new ConfigurationError('useClassValidator: pass the class-validator module (an object with validateSync)');
  }
  validator = module;
}

function loadValidator(entityName: string): ClassValidatorModule {
  try {
    // createRequire, not `require`: bundlers leave it alone, so class-validator stays out of bundles that never use it.
    return createRequire(__filename)('class-validator') as ClassValidatorModule;
  } catch (e) {
    throw new ConfigurationError(
      `${entityName} has class-validator decorators, but tsorm cannot load class-validator (${(e as Error).message.split('\n')[0]}). ` +
        "In a bundle, hand it your copy once: import * as classValidator from 'class-validator'; useClassValidator(classValidator);",
    );
  }
}

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
  if (!validator && !(globalThis as { classValidatorMetadataStorage?: unknown }).classValidatorMetadataStorage) return;
  validator ??= loadValidator(schema.entityName);
  const errors = validator.validateSync(entity, {
    skipMissingProperties: partial,
    forbidUnknownValues: false,
    validationError: { target: false, value: false },
  });
  if (errors.length) throw new EntityValidationError(schema.entityName, flatten(errors));
}
