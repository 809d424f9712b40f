/**
 * The one log line per invocation: request id, duration, TableStore calls and capacity units, the numbers
 * behind both bills (FC: calls and duration; TableStore: CU) and their free tiers.
 */
import type { Usage } from '../client/usage';
import type { CallShape, FcContext, FcLogger } from './types';

export interface InvocationRecord {
  /** `initializer`, `preStop`, `preFreeze`, or the trigger of a handler call. */
  phase: 'initializer' | 'preStop' | 'preFreeze' | 'http' | 'event' | 'tablestore';
  requestId: string;
  shape?: CallShape;
  method?: string;
  path?: string;
  /** Change records in the event (TableStore-trigger invocations whose event could be decoded). */
  records?: number;
  /** HTTP status sent (HTTP invocations that produced a response). */
  status?: number;
  durationMs: number;
  /** TableStore calls made and capacity units consumed during this invocation. */
  usage: Usage;
  /** The error's class name when the invocation failed. */
  error?: string;
}

const TRIGGERS: ReadonlySet<InvocationRecord['phase']> = new Set(['http', 'event', 'tablestore']);

/**
 * `tsorm invocation requestId=… trigger=http method=GET path=/orders status=200 durationMs=3.12 calls=1
 * requests=1 failures=0 readCU=1 writeCU=0` — key=value pairs, easy to search in Simple Log Service. A
 * TableStore-trigger invocation says `trigger=tablestore records=N`.
 */
export function formatInvocation(r: InvocationRecord): string {
  const trigger = TRIGGERS.has(r.phase);
  let line = `tsorm ${trigger ? 'invocation' : r.phase} requestId=${r.requestId}`;
  if (trigger) line += ` trigger=${r.phase}`;
  if (r.records !== undefined) line += ` records=${r.records}`;
  if (r.method !== undefined) line += ` method=${r.method}`;
  if (r.path !== undefined) line += ` path=${r.path.replace(/\s/g, '%20')}`;
  if (r.status !== undefined) line += ` status=${r.status}`;
  if (r.error !== undefined) line += ` error=${r.error}`;
  const u = r.usage;
  line += ` durationMs=${r.durationMs.toFixed(2)} calls=${u.calls} requests=${u.requests} failures=${u.failures} readCU=${u.readCU} writeCU=${u.writeCU}`;
  return line;
}

/** `context.logger` when FC provides one (it prefixes time and request id), else the console. */
export function loggerOf(ctx: FcContext | undefined): Required<Pick<FcLogger, 'info' | 'warn' | 'error'>> {
  const l = ctx?.logger;
  if (l && typeof l.info === 'function') {
    return {
      info: (...a: unknown[]) => l.info!(...a),
      warn: (...a: unknown[]) => (l.warn ?? l.info)!(...a),
      error: (...a: unknown[]) => (l.error ?? l.info)!(...a),
    };
  }
  return CONSOLE;
}

const CONSOLE = {
  info: (...a: unknown[]) => console.log(...a),
  warn: (...a: unknown[]) => console.warn(...a),
  error: (...a: unknown[]) => console.error(...a),
};
