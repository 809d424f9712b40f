/**
 * Stream origin columns (`columns_to_get`) on CreateTable / UpdateTable / DescribeTable, which the Node SDK's
 * proto does not have (streams spec §1.1: StreamSpecification field 3 and StreamDetails field 5 exist only in
 * the Java and Go protos).
 *
 * - Request: the SDK encodes `stream_spec` without the columns; a second, complete `stream_spec` (enable,
 *   hours, columns) is appended to the body. Protobuf merges a repeated embedded message (C++: the fields of
 *   the later one merge in, its repeated field appended to the empty one) and protobufjs keeps the last one:
 *   both read the complete spec, so the result does not depend on the parser [inferred from the protobuf
 *   encoding rules].
 * - Response: the SDK's decoder skips the unknown field; it is read from the raw body here.
 */
import { createHash } from 'node:crypto';
import { PbReader, PbWriter } from './wire/pb';
import type { StreamSpecificationInput } from './actions';

/** The `stream_spec` field of each request (CreateTableRequest = 5, UpdateTableRequest = 4; §1.1). */
const STREAM_SPEC_FIELD: Record<string, number> = { createTable: 5, updateTable: 4 };
/** The `stream_details` field of each response (DescribeTableResponse = 5, UpdateTableResponse = 3). */
const STREAM_DETAILS_FIELD: Record<string, number> = { describeTable: 5, updateTable: 3 };

/**
 * The bytes to append to the request body to add the origin columns, or `undefined` when the request has none
 * to add (every request but a CreateTable / UpdateTable with columns: the caller then adds no build step). The
 * caller recomputes `x-ots-contentmd5` over the longer body.
 */
export function originColumnsSuffix(operation: string, params: unknown): Uint8Array | undefined {
  const field = STREAM_SPEC_FIELD[operation];
  const spec = (params as { streamSpecification?: StreamSpecificationInput } | undefined)?.streamSpecification;
  if (field === undefined || !spec?.enableStream || !spec.columnsToGet?.length) return undefined;
  const inner = new PbWriter(64);
  inner.tag((1 << 3) | 0);
  inner.bool(true);
  if (spec.expirationTime !== undefined) {
    inner.tag((2 << 3) | 0);
    inner.int32(spec.expirationTime);
  }
  for (const column of spec.columnsToGet) {
    inner.tag((3 << 3) | 2);
    inner.string(column);
  }
  const outer = new PbWriter(inner.pos + 8);
  outer.tag((field << 3) | 2);
  outer.bytes(inner.finish());
  return outer.finish();
}

/** `x-ots-contentmd5` of a body (what the SDK's computeContentMd5 sets). */
export function contentMd5(body: Uint8Array): string {
  return createHash('md5').update(body).digest('base64');
}

/** The origin columns in a response's `stream_details` (field 5), or `undefined` when it has none. */
export function originColumnsOf(operation: string, body: Uint8Array | undefined): string[] | undefined {
  const field = STREAM_DETAILS_FIELD[operation];
  if (field === undefined || !body || body.length === 0) return undefined;
  try {
    const details = lastField(new PbReader(Buffer.from(body.buffer, body.byteOffset, body.length)), field);
    if (!details) return undefined;
    const columns: string[] = [];
    const r = new PbReader(details);
    while (r.pos < r.end) {
      const tag = r.uint32();
      if (tag === ((5 << 3) | 2)) columns.push(r.string());
      else r.skip(tag & 7);
    }
    return columns;
  } catch {
    return undefined; // the SDK decoded the body already; a body it accepted but we cannot walk adds nothing
  }
}

/** The bytes of the last occurrence of length-delimited `field` in a message. */
function lastField(r: PbReader, field: number): Buffer | undefined {
  let found: Buffer | undefined;
  while (r.pos < r.end) {
    const tag = r.uint32();
    if (tag >>> 3 === field && (tag & 7) === 2) found = r.bytes();
    else r.skip(tag & 7);
  }
  return found;
}
