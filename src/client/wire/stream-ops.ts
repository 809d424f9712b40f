/**
 * The four stream APIs (streams spec §2): ListStream, DescribeStream, GetShardIterator, GetStreamRecord.
 *
 * The official Node SDK has no calls for them (no encoder or decoder entries, spec §2.1), but its compiled
 * protobuf module has the messages. tsorm encodes the requests and decodes the responses here, and
 * `transport.ts` sends them through the SDK's own request machinery (signing, headers, HTTP), so they get the
 * same deadlines, retry policy and error decoding as every other call. Records are decoded from PlainBuffer
 * into the lossless {@link RawChange} shape (spec §2.5) by `wire/plainbuffer.ts`.
 */
import type { RawChange, RawChangeColumn, RawChangeType, RawChangeValue } from '../changes';
import { sdkProtos } from '../sdk';
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

/** How tsorm encodes a request the SDK's encoder does not know, and decodes its response. */
export interface WireOperation {
  /** The request body (protobuf). */
  encode(params: unknown): Uint8Array;
  /** The decoded result; throws on a body that does not hold what the spec says. */
  decode(body: Buffer): unknown;
}

// ---------------------------------------------------------------------------------------------------------
// Encoding and decoding
// ---------------------------------------------------------------------------------------------------------

const pb = () => sdkProtos().main.proto;

/** protobufjs decodes int64 as `Long` (or a number when small): exact through its decimal string. */
function int64(v: unknown): bigint {
  return v === undefined || v === null ? 0n : BigInt(String(v));
}

function optionalString(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A protobuf varint field of wire type 0, for the fields the SDK's compiled messages lack. */
function varintField(field: number, value: bigint): Buffer {
  const bytes: number[] = [(field << 3) | 0];
  let v = BigInt.asUintN(64, value);
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    bytes.push(b);
  } while (v !== 0n);
  return Buffer.from(bytes);
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

const STREAM_OPERATIONS: Record<'listStream' | 'describeStream' | 'getShardIterator' | 'getStreamRecord', WireOperation> = {
  listStream: {
    encode: (params) => {
      const p = params as ListStreamParams;
      return pb().ListStreamRequest.encode(p.tableName === undefined ? {} : { tableName: p.tableName }).finish();
    },
    decode: (body): ListStreamResult => {
      const m = pb().ListStreamResponse.decode(body) as { streams?: Array<Record<string, unknown>> };
      return {
        streams: (m.streams ?? []).map((s) => ({
          streamId: String(s.streamId),
          tableName: String(s.tableName),
          creationTimeMicros: int64(s.creationTime),
        })),
      };
    },
  },
  describeStream: {
    encode: (params) => {
      const p = params as DescribeStreamParams;
      return pb()
        .DescribeStreamRequest.encode({
          streamId: p.streamId,
          ...(p.inclusiveStartShardId === undefined ? {} : { inclusiveStartShardId: p.inclusiveStartShardId }),
          ...(p.shardLimit === undefined ? {} : { shardLimit: p.shardLimit }),
        })
        .finish();
    },
    decode: (body): DescribeStreamResult => {
      const m = pb().DescribeStreamResponse.decode(body) as Record<string, any>;
      const shards: StreamShard[] = (m.shards ?? []).map((s: Record<string, unknown>) => ({
        shardId: String(s.shardId),
        ...(optionalString(s.parentId) === undefined ? {} : { parentId: String(s.parentId) }),
        ...(optionalString(s.parentSiblingId) === undefined ? {} : { parentSiblingId: String(s.parentSiblingId) }),
      }));
      const nextShardId = optionalString(m.nextShardId);
      return {
        streamId: String(m.streamId),
        expirationTime: Number(m.expirationTime),
        tableName: String(m.tableName),
        creationTimeMicros: int64(m.creationTime),
        status: m.streamStatus === 1 ? 'ENABLING' : 'ACTIVE',
        shards,
        ...(nextShardId === undefined ? {} : { nextShardId }),
      };
    },
  },
  getShardIterator: {
    encode: (params) => {
      const p = params as GetShardIteratorParams;
      const base = Buffer.from(pb().GetShardIteratorRequest.encode({ streamId: p.streamId, shardId: p.shardId }).finish());
      // `timestamp = 3` (int64, μs) is in the Java/Go protos, not in the Node SDK's (spec §2.2): appended by
      // hand, which protobuf allows (fields may come in any order).
      return p.timestampMicros === undefined ? base : Buffer.concat([base, varintField(3, p.timestampMicros)]);
    },
    decode: (body): GetShardIteratorResult => {
      const m = pb().GetShardIteratorResponse.decode(body) as { shardIterator: string };
      return { shardIterator: m.shardIterator };
    },
  },
  getStreamRecord: {
    encode: (params) => {
      const p = params as GetStreamRecordParams;
      return pb()
        .GetStreamRecordRequest.encode({ shardIterator: p.shardIterator, ...(p.limit === undefined ? {} : { limit: p.limit }) })
        .finish();
    },
    decode: (body): GetStreamRecordResult => {
      const m = pb().GetStreamRecordResponse.decode(body) as {
        streamRecords?: Array<{ actionType: number; record: Uint8Array }>;
        nextShardIterator?: string;
      };
      return {
        records: (m.streamRecords ?? []).map((r) => decodeStreamRecord(r.actionType, r.record)),
        nextShardIterator: optionalString(m.nextShardIterator),
      };
    },
  },
};

/** The operations `transport.ts` encodes and decodes itself rather than through the SDK's encoder. */
export function wireOperation(operation: string): WireOperation | undefined {
  return Object.prototype.hasOwnProperty.call(STREAM_OPERATIONS, operation)
    ? STREAM_OPERATIONS[operation as keyof typeof STREAM_OPERATIONS]
    : undefined;
}
