/**
 * `defineFunction()`: one definition → the exports Function Compute needs (`initializer`, `handler`,
 * `preStop`, `preFreeze`), for FC 2.0 and FC 3.0, event and HTTP triggers. The parts: definition.ts (what
 * is given, checked now), instance.ts (the instance lifecycle: one Database per instance), invocation.ts
 * (one invocation: deadline scope, handler, log line), call-shape.ts (which calling convention, and answering
 * in it).
 */
import { shapeHandler, lifecycleHandler } from './call-shape';
import { checkDefinition, type FcFunction, type FunctionDefinition } from './definition';
import { FUNCTION_INSTANCE, FunctionInstance } from './instance';
import { Invoker } from './invocation';

export type { FcFunction, FunctionDefinition, InstanceTools, InvocationTools, TableStoreTrigger, TableStoreTriggerTools } from './definition';
export { CONTEXT_ENV, FUNCTION_INSTANCE, type FunctionInstanceHandle } from './instance';

export function defineFunction<T extends object = any>(definition: FunctionDefinition<T>): FcFunction {
  checkDefinition(definition);
  const instance = new FunctionInstance(definition);
  const handler = shapeHandler(new Invoker(definition, instance));
  const fcFunction: FcFunction = {
    initializer: lifecycleHandler((ctx) => instance.initialize(ctx)),
    handler,
    preStop: lifecycleHandler((ctx) => instance.hook('preStop', ctx)),
    preFreeze: lifecycleHandler((ctx) => instance.hook('preFreeze', ctx)),
  };
  Object.defineProperty(handler, FUNCTION_INSTANCE, { value: instance });
  Object.defineProperty(fcFunction.initializer, FUNCTION_INSTANCE, { value: instance });
  return fcFunction;
}
