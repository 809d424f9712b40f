/**
 * Reading the protobuf messages of search requests: optional fields as set or absent, and the bytes-in-bytes
 * bodies (queries, aggregations, group-bys, analyzer parameters; spec §1.2).
 */
import { OtsError } from '../errors';
import { decodeMessage } from '../protocol/proto';

/**
 * A field the request set, or undefined: protobufjs puts proto2 defaults (0, the first enum value) on the
 * prototype, so a plain read can't tell "absent" from "default".
 */
export function opt<T = any>(m: any, field: string): T | undefined {
  return m && Object.prototype.hasOwnProperty.call(m, field) && m[field] !== null ? (m[field] as T) : undefined;
}

/** Decodes a nested query body; a malformed body is the service's generic invalid-query error. */
export function body<T = any>(type: string, bytes: Uint8Array | undefined): T {
  try {
    return decodeMessage<T>(`search.proto.${type}`, bytes ?? new Uint8Array(0));
  } catch {
    throw OtsError.param(`failed to parse ${type}, please check the request parameter`);
  }
}

/** FNV-1a of a string (stable slices of ParallelScan, the random score function). */
export function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}
