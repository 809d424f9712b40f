/** Errors of the local Function Compute runtime (`tsorm/testing`, `tsorm invoke`). */

import { TsormError } from '../errors';

/** Base class: a local invocation could not be made or did not complete (the `testing` layer's errors). */
export class LocalInvocationError extends TsormError {
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super('testing', options?.code ?? 'TsormLocalInvocation', message, options);
  }
}

/** The handler module has no such export, or the export is not a function. */
export class HandlerNotFoundError extends LocalInvocationError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, code: 'TsormHandlerNotFound' });
  }
}

/** The handler did not answer within the function timeout (FC: "Function timed out after N seconds"). */
export class FunctionTimeoutError extends LocalInvocationError {
  constructor(readonly timeoutSeconds: number) {
    super(`Function timed out after ${timeoutSeconds} seconds`, { code: 'TsormFunctionTimeout' });
  }
}

/** An FC 2.0 handler called its callback (or `resp.send`) more than once. */
export class CallbackReusedError extends LocalInvocationError {
  constructor(message: string) {
    super(message, { code: 'TsormCallbackReused' });
  }
}
