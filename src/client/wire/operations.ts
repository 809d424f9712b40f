/**
 * Every API tsorm's own wire transport speaks (issue 15), by the SDK's operation name (`getRow`,
 * `createTable`, `search`, `listStream`…): how its request is encoded and its response decoded. The codecs
 * take the SDK-shaped params the layers above `client/` already build and give back the SDK-shaped results
 * they already read, so nothing above `client/` depends on the transport.
 */
import { ROW_OPERATIONS } from './row-codec';
import { SEARCH_OPERATIONS } from './search-codec';
import { STREAM_OPERATIONS } from './stream-ops';
import { TABLE_OPERATIONS } from './table-codec';

/** How one API's request is encoded and its response decoded. */
export interface WireOperation {
  /** The request body (protobuf); throws on a parameter the SDK would refuse too. */
  encode(params: unknown): Uint8Array;
  /** The decoded result; throws on a body that does not hold what the protocol says. */
  decode(body: Buffer): unknown;
  /**
   * The SDK has no call for this API (the stream APIs, streams spec §2.1): it goes through the wire transport
   * whichever transport the client uses, and its result carries no `RequestId` (it is tsorm's own shape).
   */
  sdkLess?: boolean;
}

/**
 * The codecs' tables, row APIs first. [performance] Read at lookup, never at load: the search codec (and its
 * messages) sit in a chunk of the runtime bundle loaded on first use (scripts/bundle-runtime.js), which a
 * lookup reaches only for an operation the tables before it lack. No name is in two tables
 * (test/unit/wire-operations.test.ts).
 */
export const OPERATION_TABLES: ReadonlyArray<() => Readonly<Record<string, WireOperation>>> = [
  () => ROW_OPERATIONS,
  () => TABLE_OPERATIONS,
  () => STREAM_OPERATIONS,
  () => SEARCH_OPERATIONS,
];

/** The codec of `operation`, or undefined for one the wire transport does not speak (SQLQuery). */
export function wireOperation(operation: string): WireOperation | undefined {
  for (const table of OPERATION_TABLES) {
    const ops = table();
    if (Object.prototype.hasOwnProperty.call(ops, operation)) return ops[operation];
  }
  return undefined;
}
