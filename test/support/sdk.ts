/**
 * The official SDK, promisified, pointed at the suite's backend (see test/global-setup.ts). Integration
 * tests talk to the emulator only through this: the real SDK over real HTTP.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { toSdkParams } from '../../src/client/sdk-adapter';

export const TableStore = require('tablestore');

export interface SdkError extends Error {
  /** The OTS error code decoded from the protobuf body (the SDK itself reports the HTTP status). */
  otsCode: string;
  otsMessage: string;
  status: number;
}

export type Sdk = Record<string, (params?: any) => Promise<any>> & { raw: any };

/** Decodes the SDK's error (HTTP status as `code`, raw protobuf `Error` + request id as `message`). */
export function decodeSdkError(e: any): SdkError {
  const status = Number(e?.code);
  const raw = String(e?.message ?? '');
  // The message is the protobuf Error bytes as text: 0x0a len code 0x12 len message, then " requestId:...".
  // The SDK made that text with `body.toString()` (UTF-8), so re-encoding as UTF-8 restores every byte except
  // the first byte of a length varint >= 128, which became U+FFFD (EF BF BD): for such a field (the message,
  // the last one) skip the rest of the varint and take everything to the end.
  const body = Buffer.from(raw.replace(/ requestId:.*$/s, ''), 'utf8');
  let otsCode = '';
  let otsMessage = '';
  try {
    let p = 0;
    while (p < body.length) {
      const tag = body[p++];
      let len = 0;
      if (body[p] === 0xef && body[p + 1] === 0xbf && body[p + 2] === 0xbd) {
        p += 3;
        while (body[p] & 0x80) p++;
        p++;
        len = body.length - p;
      } else {
        for (let shift = 0; ; shift += 7) {
          const b = body[p++];
          len |= (b & 0x7f) << shift;
          if (!(b & 0x80)) break;
        }
      }
      const text = body.subarray(p, p + len).toString('utf8');
      p += len;
      if (tag === 0x0a) otsCode = text;
      else if (tag === 0x12) otsMessage = text;
    }
  } catch {
    /* leave empty */
  }
  return Object.assign(new Error(`${otsCode}: ${otsMessage}`), { otsCode, otsMessage, status });
}

export function connectSdk(overrides: Record<string, unknown> = {}): Sdk {
  const b = inject('backend');
  const raw = new TableStore.Client({
    endpoint: b.endpoint,
    instancename: b.instance,
    accessKeyId: b.accessKeyId,
    secretAccessKey: b.accessKeySecret,
    maxRetries: 0,
    ...overrides,
  });
  return promisify(raw);
}

/**
 * An SDK client's callback methods as promises, and the client itself as `raw`; not a thenable (no `then`).
 * Params may hold tsorm's values (src/client/values.ts): they are turned into the SDK's, as `transport: 'sdk'`
 * does (src/client/sdk-adapter.ts).
 */
export function promisify(raw: any): Sdk {
  return new Proxy({ raw } as Sdk, {
    get: (_t, prop) =>
      prop === 'raw'
        ? raw
        : typeof prop !== 'string' || typeof raw[prop] !== 'function'
          ? undefined
          : (params: any = {}) => new Promise((resolve, reject) => raw[prop](toSdkParams(params), (err: any, data: any) => (err ? reject(err) : resolve(data)))),
  });
}

/** Runs the call and returns the decoded OTS error; fails the test if the call succeeds. */
export async function otsError(p: Promise<unknown>): Promise<SdkError> {
  try {
    await p;
  } catch (e) {
    return decodeSdkError(e);
  }
  throw new Error('expected the call to fail, it succeeded');
}

/** A table name unique to this run, so tests never collide (also on a shared real instance). */
export function uniqueTable(prefix = 't'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

export const IGNORE = () => new TableStore.Condition(TableStore.RowExistenceExpectation.IGNORE, null);
export const EXPECT_EXIST = () => new TableStore.Condition(TableStore.RowExistenceExpectation.EXPECT_EXIST, null);
export const EXPECT_NOT_EXIST = () => new TableStore.Condition(TableStore.RowExistenceExpectation.EXPECT_NOT_EXIST, null);
export const Long = (v: number | string | bigint) => TableStore.Long.fromString(String(v));

export async function createTable(
  sdk: Sdk,
  name: string,
  primaryKey: Array<{ name: string; type: string; option?: string }>,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await sdk.createTable({
    tableMeta: { tableName: name, primaryKey },
    reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
    tableOptions: { timeToLive: -1, maxVersions: 1 },
    ...extra,
  });
}

/** Attribute columns of an SDK row as { name: [values newest first as strings] }. */
export function columns(row: any): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const a of row?.attributes ?? []) (out[a.columnName] ??= []).push(String(a.columnValue));
  return out;
}
