/**
 * `tsorm/fc`: the Function Compute adapter. `defineFunction()` gives the `initializer`, `handler`, `preStop`
 * and `preFreeze` exports FC calls, for FC 2.0 and FC 3.0, event and HTTP triggers, with one pooled client per
 * instance, per-invocation STS credentials, a deadline from the function timeout and one cost line per call.
 *
 * Loads the runtime (client, repository) only: never the emulator, the CLI or the migration runner, since FC
 * cold starts pay for every module loaded.
 */
export {
  defineFunction,
  type FcFunction,
  type FunctionDefinition,
  type InstanceTools,
  type InvocationTools,
  type TableStoreTrigger,
  type TableStoreTriggerTools,
} from './define';
export { FunctionError, FunctionDefinitionError, FunctionInitializationError, HttpError, TriggerEventError } from './errors';
export { decodeTriggerEvent } from './trigger/cbor';
export { formatInvocation, type InvocationRecord } from './log';
export { toJson } from './http';
export type {
  CallShape,
  Fc2HttpRequest,
  Fc2HttpResponse,
  Fc3HttpEvent,
  Fc3HttpResult,
  FcCallback,
  FcContext,
  FcCredentials,
  FcLogger,
  HttpRequest,
  HttpResponse,
} from './types';
