/**
 * An FC-like `context` for local invocations: request id, credentials, function metadata (with the timeout
 * the adapter turns into a deadline), service, region, and a logger that records lines the way FC's does.
 */
import { randomUUID } from 'node:crypto';
import { format } from 'node:util';
import { ENV } from '../client/config';
import { CONTEXT_ENV } from '../fc/instance';
import type { FcContext, FcCredentials, FcLogger } from '../fc/types';

export interface LocalContextOptions {
  requestId?: string;
  credentials?: FcCredentials;
  /** Function metadata; `timeout` in seconds (default 60). */
  functionName?: string;
  handler?: string;
  initializer?: string;
  timeout?: number;
  initializationTimeout?: number;
  memory?: number;
  region?: string;
  /** Environment the adapter reads instead of `process.env` (endpoint, instance, keys). */
  env?: Record<string, string | undefined>;
  /** Receives every line the handler logs through `context.logger`. */
  onLog?: (line: string, level: LogLevel) => void;
  /** Extra or overriding context fields. */
  extra?: Partial<FcContext>;
}

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** A logger like FC's: `<time> <requestId> [LEVEL] <message>`. */
export function localLogger(requestId: string, onLog: (line: string, level: LogLevel) => void): Required<FcLogger> {
  const at = (level: LogLevel) => (...args: unknown[]) => onLog(`${new Date().toISOString()} ${requestId} [${level}] ${format(...args)}`, level);
  return { debug: at('DEBUG'), info: at('INFO'), warn: at('WARN'), error: at('ERROR'), log: at('INFO') };
}

export function localContext(o: LocalContextOptions = {}): FcContext {
  const requestId = o.requestId ?? randomUUID();
  const ctx: FcContext = {
    requestId,
    credentials: o.credentials ? { ...o.credentials } : {},
    function: {
      name: o.functionName ?? 'local-function',
      handler: o.handler ?? 'index.handler',
      memory: o.memory ?? 512,
      timeout: o.timeout ?? 60,
      initializer: o.initializer ?? 'index.initializer',
      initializationTimeout: o.initializationTimeout ?? 60,
    },
    service: { name: 'local', logProject: '', logStore: '', qualifier: 'LATEST', versionId: '' },
    region: o.region ?? 'local',
    accountId: 'local',
    retryCount: 0,
    logger: localLogger(requestId, o.onLog ?? ((line) => console.log(line))),
    ...o.extra,
  };
  if (o.env) (ctx as Record<symbol, unknown>)[CONTEXT_ENV] = o.env;
  return ctx;
}

/** The environment FC gives a function whose TableStore is `target` (the variable names are client/config's `ENV`). */
export function functionEnv(target: { endpoint: string; instance: string; accessKeyId: string; accessKeySecret: string; securityToken?: string }): Record<string, string> {
  return {
    [ENV.endpoint]: target.endpoint,
    [ENV.instance]: target.instance,
    [ENV.accessKeyId]: target.accessKeyId,
    [ENV.accessKeySecret]: target.accessKeySecret,
    ...(target.securityToken ? { [ENV.securityToken]: target.securityToken } : {}),
  };
}
