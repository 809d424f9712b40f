/** Errors of the local Function Compute runtime (`tsorm/testing`, `tsorm invoke`). */

/** Base class: a local invocation could not be made or did not complete. */
export class LocalInvocationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The handler module has no such export, or the export is not a function. */
export class HandlerNotFoundError extends LocalInvocationError {}

/** The handler did not answer within the function timeout (FC: "Function timed out after N seconds"). */
export class FunctionTimeoutError extends LocalInvocationError {
  constructor(readonly timeoutSeconds: number) {
    super(`Function timed out after ${timeoutSeconds} seconds`);
  }
}

/** An FC 2.0 handler called its callback (or `resp.send`) more than once. */
export class CallbackReusedError extends LocalInvocationError {}
