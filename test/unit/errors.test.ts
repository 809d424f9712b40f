/** tsorm's one error family: every layer's errors share TsormError (code, retryable, layer, cause). */
import { describe, expect, it } from 'vitest';
import {
  BatchWriteError,
  CodecError,
  ConditionCheckFailedError,
  DuplicateKeyError,
  EntityValidationError,
  InvalidCursorError,
  InvalidRequestError,
  isTsormError,
  QueryError,
  RepositoryUsageError,
  SchemaError,
  TableStoreError,
  TsormError,
  ValidationError,
} from '../../src';
import { createTableStoreError } from '../../src/client/errors';
import { FunctionDefinitionError, FunctionInitializationError, HttpError } from '../../src/fc/errors';
import { LockHeldError, MigrationError } from '../../src/migrations/errors';
import { ConfigError, ModuleLoadError } from '../../src/project/errors';
import { FunctionTimeoutError, HandlerNotFoundError } from '../../src/testing/errors';

describe('the error family', () => {
  const root = new Error('root cause');
  const cases: Array<[TsormError, string, string, boolean]> = [
    [new SchemaError('PK_TYPE', 'Order', 'id', 'x'), 'schema', 'TsormSchemaError', false],
    [new CodecError('INVALID_VALUE', { entity: 'Order', table: 'orders' }, 'x'), 'codec', 'TsormCodecError', false],
    [new QueryError('KEY_PREFIX', 'Order', 'id', 'x'), 'query', 'TsormQueryError', false],
    [new EntityValidationError('Order', []), 'repository', 'TsormEntityValidation', false],
    [new BatchWriteError('orders', []), 'repository', 'TsormBatchWriteFailed', false],
    [new InvalidCursorError('x'), 'repository', 'TsormInvalidCursor', false],
    [new DuplicateKeyError('orders', 2, 0), 'repository', 'TsormDuplicateKey', false],
    [new RepositoryUsageError('UNKNOWN_INDEX', 'Order', undefined, 'x'), 'repository', 'TsormRepositoryUsage', false],
    [createTableStoreError({ code: 'OTSServerBusy', message: 'busy', status: 503, requestId: 'r1' }), 'client', 'OTSServerBusy', true],
    [new ConfigError('bad'), 'project', 'TsormConfigError', false],
    [new ModuleLoadError('x.ts', new Error('boom')), 'project', 'TsormLoadError', false],
    [new LockHeldError({ owner: 'x', host: 'h', pid: 1, acquiredAt: 0, expiresAt: 0 } as never, 1000), 'migrations', 'TsormLockHeld', true],
    [new FunctionDefinitionError('x'), 'fc', 'TsormFunctionDefinition', false],
    [new FunctionInitializationError(root), 'fc', 'TsormFunctionInitialization', true],
    [new HttpError(404), 'fc', 'TsormHttpError', false],
    [new HandlerNotFoundError('x'), 'testing', 'TsormHandlerNotFound', false],
    [new FunctionTimeoutError(3), 'testing', 'TsormFunctionTimeout', false],
  ];

  it.each(cases)('%s: one base class, its layer, a stable code and retryable', (e, layer, code, retryable) => {
    expect(e).toBeInstanceOf(TsormError);
    expect(e).toBeInstanceOf(Error);
    expect({ layer: e.layer, code: e.code, retryable: e.retryable }).toEqual({ layer, code, retryable });
    expect(e.name).toBe(e.constructor.name);
    expect(isTsormError(e)).toBe(true);
    expect(isTsormError(e, { layer: layer as never })).toBe(true);
    expect(isTsormError(e, { layer: layer === 'fc' ? 'codec' : 'fc' })).toBe(false);
    expect(isTsormError(e, { code })).toBe(true);
    expect(isTsormError(e, { code: [code, 'other'], layer: [layer as never] })).toBe(true);
    expect(isTsormError(e, { code: 'other' })).toBe(false);
  });

  it('keeps the cause', () => {
    expect(new FunctionInitializationError(root).cause).toBe(root);
    expect(new MigrationError('TsormMigrationFailed', 'x', { cause: root }).cause).toBe(root);
    expect(new TableStoreError({ code: 'X', message: 'm', cause: root }).cause).toBe(root);
  });

  it("service errors keep the OTS code, status and request id; the subclass follows the code", () => {
    const e = createTableStoreError({ code: 'OTSConditionCheckFail', message: 'Condition check failed.', status: 403, requestId: 'req-1', action: 'putRow' });
    expect(e).toBeInstanceOf(ConditionCheckFailedError);
    expect(e).toMatchObject({ code: 'OTSConditionCheckFail', status: 403, requestId: 'req-1', action: 'putRow', layer: 'client' });
  });

  it('InvalidRequestError (the request) and EntityValidationError (the entity) are different things; ValidationError is the old name', () => {
    expect(ValidationError).toBe(InvalidRequestError);
    const req = createTableStoreError({ code: 'OTSParameterInvalid', message: 'bad', status: 400 });
    expect(req).toBeInstanceOf(InvalidRequestError);
    expect(req).not.toBeInstanceOf(EntityValidationError);
    expect(new EntityValidationError('Order', [])).not.toBeInstanceOf(TableStoreError);
  });

  it('matches nothing that is not tsorm', () => {
    expect(isTsormError(new Error('x'))).toBe(false);
    expect(isTsormError({ code: 'OTSServerBusy', layer: 'client' })).toBe(false);
    expect(isTsormError(undefined)).toBe(false);
  });
});
