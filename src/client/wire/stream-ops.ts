/**
 * The four stream APIs (streams spec §2): ListStream, DescribeStream, GetShardIterator, GetStreamRecord.
 *
 * The official Node SDK has no calls for them (no encoder or decoder entries, spec §2.1), but its `.proto` has
 * the messages (`proto.gen.ts` is generated from it). tsorm encodes the requests and decodes the responses
 * here, and the wire transport (`transport.ts`) sends them, whichever transport the client uses for the other
 * APIs, with the same deadlines, retry policy and error decoding as every other call. Records are decoded from
 * PlainBuffer into the lossless {@link RawChange} shape (spec §2.5) by `wire/plainbuffer.ts`.
 */
import type { RawChange, RawChangeColumn, RawChangeType, RawChangeValue } from '../changes';
import type { WireOperation } from './operations';
import { PbReader, type Int64Input, type PbWriter } from './pb';
import * as pb from './proto.gen';
import {
  CELL_OP_DELETE_ALL_VERSIONS,
  CELL_OP_DELETE_ONE_VERSION,
  PlainBufferError,
  readPlainBufferRow,
  type PlainBufferCell,
  type SequenceInfo,
} from './plainbuffer';

// ---------------------------------------------------------------------------------------------------------
// Shapes
// ---------------------------------------------------------------------------------------------------------

export interface ListStreamParams {
  /** Only this table's stream; absent: every stream of the instance. */
  tableName?: string;
}
export interface StreamInfo {
  streamId: string;
  tableName: string;
  /** μs (spec §2.6). */
  creationTimeMicros: bigint;
}
export interface ListStreamResult {
  streams: StreamInfo[];
}

export interface DescribeStreamParams {
  streamId: string;
  inclusiveStartShardId?: string;
  shardLimit?: number;
}
export interface StreamShard {
  shardId: string;
  parentId?: string;
  parentSiblingId?: string;
}
export interface DescribeStreamResult {
  streamId: string;
  /** Hours. */
  expirationTime: number;
  tableName: string;
  creationTimeMicros: bigint;
  status: 'ENABLING' | 'ACTIVE';
  shards: StreamShard[];
  /** More shards from here on (paging); absent when the list is complete. */
  nextShardId?: string;
}

export interface GetShardIteratorParams {
  streamId: string;
  shardId: string;
  /** Start at the first record written at or after this time (μs); absent: the oldest retained record. */
  timestampMicros?: bigint;
}
export interface GetShardIteratorResult {
  shardIterator: string;
}

export interface GetStreamRecordParams {
  shardIterator: string;
  /** At most this many records (> 0). */
  limit?: number;
}
/** One change record with its position in the shard (spec §2.5 sequence info). */
export interface StreamRecord extends RawChange {
  sequence: SequenceInfo | undefined;
}
export interface GetStreamRecordResult {
  records: StreamRecord[];
  /**
   * Where the next read starts. The same string as the request's when nothing new was there (spec §2.4);
   * absent when the shard is closed and fully read.
   */
  nextShardIterator: string | undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Encoding and decoding
// ---------------------------------------------------------------------------------------------------------

/** An int64 field of a decoded message (a number, or a ProtoLong beyond 2^53): exact through its decimal string. */
function int64(v: Int64Input | null | undefined): bigint {
  return v === undefined || v === null ? 0n : BigInt(String(v));
}

function optionalString(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

const ACTION_TYPES: Record<number, RawChangeType> = { 1: 'PutRow', 2: 'UpdateRow', 3: 'DeleteRow' };

function keyValue(cell: PlainBufferCell): RawChangeValue {
  // readPlainBufferRow refuses a key cell without a value.
  return cell.value as RawChangeValue;
}

/** One record cell as a change column (spec §2.5 table: Put = value + ts; 0x03 = DeleteOneVersion; 0x01 = DeleteAllVersions). */
function columnOf(cell: PlainBufferCell): RawChangeColumn {
  if (cell.op === CELL_OP_DELETE_ALL_VERSIONS) return { op: 'DeleteAllVersions', name: cell.name };
  if (cell.op === CELL_OP_DELETE_ONE_VERSION) return { op: 'DeleteOneVersion', name: cell.name, timestampMillis: cell.timestampMillis };
  if (cell.op !== undefined) throw new PlainBufferError(`stream record: column ${cell.name} has the unknown cell type 0x${cell.op.toString(16)}`);
  if (cell.value === undefined) throw new PlainBufferError(`stream record: Put column ${cell.name} has no value`);
  return { op: 'Put', name: cell.name, value: cell.value, timestampMillis: cell.timestampMillis };
}

/**
 * A GetStreamRecord record (`action_type` + PlainBuffer `record`) as a {@link StreamRecord}. Its
 * `timestampMicros` is the sequence timestamp, which is what the trigger sends as `Info.Timestamp` (spec §3.1,
 * inferred there); 0 when a record carries no sequence info (the Java SDK defaults it to zeros, spec §2.5).
 */
export function decodeStreamRecord(actionType: number, record: Uint8Array): StreamRecord {
  const type = ACTION_TYPES[actionType];
  if (type === undefined) throw new PlainBufferError(`stream record: unknown action_type ${actionType}`);
  const row = readPlainBufferRow(record);
  return {
    type,
    timestampMicros: row.sequence?.timestampMicros ?? 0n,
    primaryKey: row.primaryKey.map((c) => ({ name: c.name, value: keyValue(c) })),
    // A DeleteRow's record has no cells (spec §2.5); any would be dropped by the trigger's `Columns: []` too.
    columns: type === 'DeleteRow' ? [] : row.cells.map(columnOf),
    sequence: row.sequence,
  };
}

function op(encode: (p: unknown) => PbWriter, decode: (r: PbReader) => unknown): WireOperation {
  return { encode: (p) => encode(p).finish(), decode: (body) => decode(new PbReader(body)), sdkLess: true };
}

/** The stream APIs' codecs (`operations.ts`); the SDK has no calls for them, so they use the wire transport always. */
export const STREAM_OPERATIONS: Readonly<Record<string, WireOperation>> = {
  listStream: op(
    (params) => pb.encodeMainListStreamRequest({ tableName: (params as ListStreamParams).tableName }),
    (r): ListStreamResult => ({
      streams: (pb.decodeMainListStreamResponse(r).streams ?? []).map((s) => ({
        streamId: s.streamId,
        tableName: s.tableName,
        creationTimeMicros: int64(s.creationTime),
      })),
    }),
  ),
  describeStream: op(
    (params) => {
      const p = params as DescribeStreamParams;
      return pb.encodeMainDescribeStreamRequest({ streamId: p.streamId, inclusiveStartShardId: p.inclusiveStartShardId, shardLimit: p.shardLimit });
    },
    (r): DescribeStreamResult => {
      const m = pb.decodeMainDescribeStreamResponse(r);
      const shards: StreamShard[] = (m.shards ?? []).map((s) => {
        const parentId = optionalString(s.parentId);
        const parentSiblingId = optionalString(s.parentSiblingId);
        return { shardId: s.shardId, ...(parentId === undefined ? {} : { parentId }), ...(parentSiblingId === undefined ? {} : { parentSiblingId }) };
      });
      const nextShardId = optionalString(m.nextShardId);
      return {
        streamId: m.streamId,
        expirationTime: m.expirationTime,
        tableName: m.tableName,
        creationTimeMicros: int64(m.creationTime),
        status: m.streamStatus === 1 ? 'ENABLING' : 'ACTIVE',
        shards,
        ...(nextShardId === undefined ? {} : { nextShardId }),
      };
    },
  ),
  getShardIterator: op(
    (params) => {
      const p = params as GetShardIteratorParams;
      const w = pb.encodeMainGetShardIteratorRequest({ streamId: p.streamId, shardId: p.shardId });
      // `timestamp = 3` (int64, μs) is in the Java/Go protos, not in the Node SDK's (spec §2.2): written by
      // hand after the generated fields.
      if (p.timestampMicros !== undefined) {
        w.tag((3 << 3) | 0);
        w.int64(p.timestampMicros);
      }
      return w;
    },
    (r): GetShardIteratorResult => ({ shardIterator: pb.decodeMainGetShardIteratorResponse(r).shardIterator }),
  ),
  getStreamRecord: op(
    (params) => {
      const p = params as GetStreamRecordParams;
      return pb.encodeMainGetStreamRecordRequest({ shardIterator: p.shardIterator, limit: p.limit });
    },
    (r): GetStreamRecordResult => {
      const m = pb.decodeMainGetStreamRecordResponse(r);
      return {
        records: (m.streamRecords ?? []).map((x) => decodeStreamRecord(x.actionType, x.record)),
        nextShardIterator: optionalString(m.nextShardIterator),
      };
    },
  ),
};
