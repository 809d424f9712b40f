/**
 * Connection options, and how missing ones are read from the environment.
 */
import type * as http from 'node:http';
import { ConfigurationError } from './errors';
import type { RetryOptions, RetryPolicy } from './retry';
import { BAD_VALUE_CHAR } from './wire/http-response';

export interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
  /** The STS token of temporary credentials (FC hands these to every invocation). */
  securityToken?: string;
}

export interface ConnectOptions {
  /** `https://<instance>.<region>.ots.aliyuncs.com`, or `http://127.0.0.1:<port>` for the emulator. */
  endpoint?: string;
  /** Instance name. When absent and the endpoint is `<instance>.<region>.ots[-internal].aliyuncs.com`, taken from it. */
  instance?: string;
  /**
   * Credentials are taken as a group: if `accessKeyId` or `accessKeySecret` is given here, all three come from
   * these options; otherwise all three come from the environment. (Mixing a long-term key from options with an
   * STS token from the environment would only produce signature errors.)
   */
  accessKeyId?: string;
  accessKeySecret?: string;
  securityToken?: string;
  /** Most sockets open at once to the endpoint (further requests wait, first in, first out). Default 64. */
  maxSockets?: number;
  /** Keep-alive sockets idle for longer than this are closed. Default 30 000 ms. */
  idleSocketTimeoutMs?: number;
  /**
   * Bring your own agent (say, behind a proxy, or with TLS options such as a private CA). Every request then
   * goes through Node's `http.request` on it, used as is: `maxSockets` and `idleSocketTimeoutMs` are ignored,
   * and `close()` does not destroy it. Without one, the wire transport uses its own keep-alive connections.
   */
  agent?: http.Agent;
  /** Retry policy: options to change from the defaults, a policy, or `false` to never retry. */
  retry?: Partial<RetryOptions> | RetryPolicy | false;
  /** Where to read missing settings from. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /**
   * How requests are sent. `'wire'` (the default): tsorm's own transport (`client/wire/`, issue 15) for every
   * API it speaks (the row APIs: GetRow, PutRow, UpdateRow, DeleteRow, BatchGetRow, BatchWriteRow, GetRange);
   * any other action goes through the official SDK, loaded the first time one is called. `'sdk'`: everything
   * through the official SDK's client, loaded at `connect()`.
   */
  transport?: 'sdk' | 'wire';
}

export const ENV = {
  endpoint: 'TABLESTORE_ENDPOINT',
  instance: 'TABLESTORE_INSTANCE',
  accessKeyId: 'ALIBABA_CLOUD_ACCESS_KEY_ID',
  accessKeySecret: 'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  securityToken: 'ALIBABA_CLOUD_SECURITY_TOKEN',
} as const;

export interface ResolvedConfig {
  endpoint: string;
  url: URL;
  instance: string;
  credentials: Credentials;
  maxSockets: number;
  idleSocketTimeoutMs: number;
}

const ALIYUN_HOST = /^([a-z][a-z0-9-]{2,15})\.[a-z0-9-]+\.ots(?:-internal)?\.aliyuncs\.com$/i;

function clean(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

export function resolveConfig(options: ConnectOptions = {}): ResolvedConfig {
  const env = options.env ?? process.env;
  const missing: string[] = [];
  const problems: string[] = [];

  const endpoint = clean(options.endpoint) ?? clean(env[ENV.endpoint]);
  let url: URL | undefined;
  if (!endpoint) {
    missing.push(`endpoint (option "endpoint" or ${ENV.endpoint})`);
  } else {
    try {
      url = new URL(endpoint);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        problems.push(`endpoint ${JSON.stringify(endpoint)} must start with http:// or https://`);
      }
    } catch {
      problems.push(`endpoint ${JSON.stringify(endpoint)} is not a URL`);
    }
  }

  let instance = clean(options.instance) ?? clean(env[ENV.instance]);
  if (!instance && url) instance = ALIYUN_HOST.exec(url.hostname)?.[1];
  if (!instance) missing.push(`instance (option "instance" or ${ENV.instance})`);

  const fromOptions = options.accessKeyId !== undefined || options.accessKeySecret !== undefined;
  const src = fromOptions
    ? { id: options.accessKeyId, secret: options.accessKeySecret, token: options.securityToken, where: 'option' }
    : { id: env[ENV.accessKeyId], secret: env[ENV.accessKeySecret], token: env[ENV.securityToken], where: 'env' };
  const accessKeyId = clean(src.id);
  const accessKeySecret = clean(src.secret);
  if (!accessKeyId) {
    missing.push(src.where === 'option' ? 'accessKeyId (option "accessKeyId")' : `accessKeyId (option "accessKeyId" or ${ENV.accessKeyId})`);
  }
  if (!accessKeySecret) {
    missing.push(
      src.where === 'option' ? 'accessKeySecret (option "accessKeySecret")' : `accessKeySecret (option "accessKeySecret" or ${ENV.accessKeySecret})`,
    );
  }

  problems.push(...unsendable({ instance, accessKeyId, securityToken: clean(src.token) }));

  const maxSockets = options.maxSockets ?? 64;
  if (!Number.isInteger(maxSockets) || maxSockets < 1) problems.push(`maxSockets must be an integer ≥ 1, got ${maxSockets}`);
  const idleSocketTimeoutMs = options.idleSocketTimeoutMs ?? 30_000;
  if (!Number.isFinite(idleSocketTimeoutMs) || idleSocketTimeoutMs < 0) {
    problems.push(`idleSocketTimeoutMs must be ≥ 0, got ${idleSocketTimeoutMs}`);
  }

  if (missing.length > 0 || problems.length > 0) {
    const parts: string[] = [];
    if (missing.length > 0) parts.push(`missing ${missing.join(', ')}`);
    parts.push(...problems);
    throw new ConfigurationError(`tsorm: cannot connect to TableStore: ${parts.join('; ')}`);
  }

  return {
    endpoint: endpoint!,
    url: url!,
    instance: instance!,
    credentials: { accessKeyId: accessKeyId!, accessKeySecret: accessKeySecret!, securityToken: clean(src.token) },
    maxSockets,
    idleSocketTimeoutMs,
  };
}

/** Checks credentials handed to `setCredentials`. */
export function validateCredentials(c: Credentials): Credentials {
  const accessKeyId = clean(c?.accessKeyId);
  const accessKeySecret = clean(c?.accessKeySecret);
  const missing = [!accessKeyId && 'accessKeyId', !accessKeySecret && 'accessKeySecret'].filter(Boolean);
  if (missing.length > 0) throw new ConfigurationError(`tsorm: setCredentials: missing ${missing.join(', ')}`);
  const securityToken = clean(c.securityToken);
  const problems = unsendable({ accessKeyId, securityToken });
  if (problems.length > 0) throw new ConfigurationError(`tsorm: setCredentials: ${problems.join('; ')}`);
  return { accessKeyId: accessKeyId!, accessKeySecret: accessKeySecret!, securityToken };
}

/**
 * The configured values that travel as request headers (x-ots-instancename, x-ots-accesskeyid,
 * x-ots-ststoken) and hold a character a header can't carry: a CR or LF would split the request (and Node's
 * `http.request` refuses them). Checked once, when configured, not on every request.
 */
function unsendable(values: Record<string, string | undefined>): string[] {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined && BAD_VALUE_CHAR.test(v))
    .map(([name]) => `${name} holds a character an HTTP header cannot carry (a control character such as CR or LF, or one above U+00FF)`);
}
