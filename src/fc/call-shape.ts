/**
 * Call-shape detection: which of FC's calling conventions an invocation arrived in, and answering in it.
 *
 * - a function as third argument → the FC 2.0 callback shape `(event, context, callback)` (a "v1" HTTP
 *   document arriving that way is answered through the callback in the FC 3.0 result shape);
 * - a second argument with `send` and `setStatusCode` → FC 2.0 HTTP `(req, resp, context)`;
 * - otherwise FC 3.0 `async (event, context)`, where a JSON payload with `version: "v1"`, a string `rawPath`
 *   and `requestContext.http` is HTTP and anything else an event.
 */
import type { FcFunction } from './definition';
import { fromFc2Request, fromFc3Event, internalErrorResponse, isFc3HttpEvent, sendFc2, toFc3Result } from './http';
import type { Invoker } from './invocation';
import { loggerOf } from './log';
import type { Fc2HttpRequest, Fc2HttpResponse, FcCallback, FcContext } from './types';

/** Parses an FC 3.0 event payload: is it an HTTP-trigger document? */
export function classify(event: unknown): { bytes: Buffer; http: ReturnType<typeof fromFc3Event> | undefined } {
  let bytes: Buffer;
  let parsed: unknown;
  if (Buffer.isBuffer(event)) bytes = event;
  else if (typeof event === 'string') bytes = Buffer.from(event, 'utf8');
  else if (event instanceof Uint8Array) bytes = Buffer.from(event.buffer, event.byteOffset, event.byteLength);
  else if (event === undefined || event === null) bytes = Buffer.alloc(0);
  else {
    parsed = event; // already an object (a test harness, or a runtime that parsed it)
    bytes = Buffer.from(JSON.stringify(event) ?? '', 'utf8');
  }
  if (parsed === undefined && bytes.length > 0 && bytes[0] === 0x7b /* { */) {
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch {
      parsed = undefined;
    }
  }
  return { bytes, http: isFc3HttpEvent(parsed) ? fromFc3Event(parsed) : undefined };
}

/** True for FC 2.0's HTTP response object. */
function isFc2Response(b: unknown): b is Fc2HttpResponse {
  return b !== null && typeof b === 'object' && typeof (b as Fc2HttpResponse).send === 'function' && typeof (b as Fc2HttpResponse).setStatusCode === 'function';
}

/** FC's `handler` export: detects the call shape and answers in it. */
export function shapeHandler(invoker: Invoker): FcFunction['handler'] {
  return function handler(a: unknown, b?: unknown, c?: unknown): Promise<unknown> | void {
    if (typeof c === 'function') {
      // FC 2.0 event shape (event, context, callback): answer through the callback, exactly once. The payload
      // may still be an FC 3.0 HTTP document (a runtime passing a callback): then the callback gets that result.
      const callback = c as FcCallback;
      const ctx = (b ?? {}) as FcContext;
      let p: Promise<unknown>;
      try {
        const { bytes, http: req } = classify(a);
        p = req && invoker.handlesHttp ? invoker.runHttp(req, ctx, 'fc3-http').then(toFc3Result) : invoker.runEvent(bytes, ctx, 'fc2-event');
      } catch (e) {
        p = Promise.reject(e);
      }
      p.then(
        (data) => process.nextTick(callback, null, data),
        (e: unknown) => process.nextTick(callback, e),
      );
      return;
    }
    if (isFc2Response(b)) {
      // FC 2.0 HTTP shape (req, resp, context). FC offers no error channel here: an unexpected error is logged
      // and answered with a 500, so the request never hangs until the timeout.
      const ctx = (c ?? {}) as FcContext;
      invoker
        .runHttp(fromFc2Request((a ?? {}) as Fc2HttpRequest), ctx, 'fc2-http')
        .then(
          (r) => sendFc2(b, r),
          (e: unknown) => {
            loggerOf(ctx).error('tsorm/fc: unhandled error in the HTTP handler (answered 500):', e);
            sendFc2(b, internalErrorResponse());
          },
        )
        .catch((e: unknown) => loggerOf(ctx).error('tsorm/fc: could not send the HTTP response:', e));
      return;
    }
    // FC 3.0 async shape (event, context): an HTTP document or an event.
    const ctx = (b ?? {}) as FcContext;
    try {
      const { bytes, http: req } = classify(a);
      if (req && invoker.handlesHttp) return invoker.runHttp(req, ctx, 'fc3-http').then(toFc3Result);
      return invoker.runEvent(bytes, ctx, 'fc3-event');
    } catch (e) {
      return Promise.reject(e);
    }
  };
}

/** A lifecycle export (`initializer`, `preStop`, `preFreeze`) in both shapes: FC 2.0 `(ctx, callback)`, FC 3.0 `async (ctx)`. */
export function lifecycleHandler(run: (ctx: FcContext) => Promise<void>): FcFunction['initializer'] {
  return (context: FcContext, callback?: FcCallback) => {
    const ctx = context ?? {};
    let p: Promise<void>;
    try {
      p = run(ctx);
    } catch (e) {
      p = Promise.reject(e);
    }
    if (typeof callback === 'function') {
      p.then(
        () => process.nextTick(callback, null, ''),
        (e: unknown) => process.nextTick(callback, e),
      );
      return;
    }
    return p;
  };
}
