/**
 * Encoders and decoders of the table, secondary-index and local-transaction APIs (CreateTable, ListTable,
 * DescribeTable, UpdateTable, DeleteTable, CreateIndex, DropIndex, StartLocalTransaction, CommitTransaction,
 * AbortTransaction) for tsorm's own wire transport (issue 15): SDK-shaped params in, SDK-shaped results out.
 *
 * The request bytes are the SDK's (test/unit/wire-bytes-tables.test.ts compares them): the functions below
 * mirror `lib/protocol/encoder.js` (tablestore 5.6.5) field for field, defaults included (an index's update
 * mode and type default to 0 = async / global). Stream origin columns, which the SDK's proto lacks, are
 * appended as the SDK transport appends them (`../stream-columns.ts`), so both transports send the same body.
 *
 * The results are the SDK's: `lib/protocol/decoder.js` returns the decoded protobufjs message for these APIs
 * (absent fields read protobufjs' defaults, as the generated decoders' do), with DescribeTable's
 * `indexSyncPhase` as the SDK's 'FULL' / 'INCR'. Deliberate difference, named in that test: AbortTransaction's
 * response is decoded as AbortTransactionResponse; the SDK decodes it as an AbortTransactionRequest, whose
 * required `transaction_id` an empty response lacks, so the SDK fails every successful abort [decision].
 */
import { originColumnsOf, originColumnsSuffix } from '../stream-columns';
import type { WireOperation } from './operations';
import { PbReader, type PbWriter } from './pb';
import * as pb from './proto.gen';
import { primaryKeyBuffer } from './row-codec';

type Obj = Record<string, unknown>;

// tablestore lib/metadata.js: the names the SDK's encoder maps to protobuf enum values.
const PRIMARY_KEY_TYPE: Record<string, number> = { INTEGER: 1, STRING: 2, BINARY: 3 };
const PRIMARY_KEY_OPTION: Record<string, number> = { AUTO_INCREMENT: 1 };

function required(p: Obj | undefined, name: string, op: string): Obj {
  const v = p?.[name];
  if (v === undefined || v === null || typeof v !== 'object') throw new TypeError(`${op}: params.${name} is required`);
  return v as Obj;
}

function capacityUnit(c: unknown): pb.MainCapacityUnit {
  const cu = (c ?? {}) as Obj;
  return { read: cu.read as number | undefined, write: cu.write as number | undefined };
}

function streamSpec(s: unknown): pb.MainStreamSpecification | undefined {
  if (!s) return undefined;
  const spec = s as Obj;
  return { enableStream: spec.enableStream as boolean, expirationTime: spec.expirationTime as number | undefined };
}

function indexMeta(m: Obj): pb.MainIndexMeta {
  return {
    name: m.name as string,
    primaryKey: m.primaryKey as string[],
    definedColumn: m.definedColumn as string[],
    indexUpdateMode: (m.indexUpdateMode as number) || 0,
    indexType: (m.indexType as number) || 0,
  };
}

/** The body, with the stream origin columns appended where the request has them (`../stream-columns.ts`). */
function withOriginColumns(operation: string, params: unknown, w: PbWriter): Uint8Array {
  const body = w.finish();
  const suffix = originColumnsSuffix(operation, params);
  return suffix ? Buffer.concat([body, suffix]) : body;
}

function encodeCreateTable(params: unknown): Uint8Array {
  const p = params as Obj;
  if (!p.reservedThroughput || !p.tableOptions) throw new TypeError('reservedThroughput and tableOptions are required');
  const meta = required(p, 'tableMeta', 'createTable');
  const options = p.tableOptions as Obj;
  const m: pb.MainCreateTableRequest = {
    tableMeta: {
      tableName: meta.tableName as string,
      primaryKey: ((meta.primaryKey as Obj[]) ?? []).map((k) => ({
        name: k.name as string,
        type: PRIMARY_KEY_TYPE[k.type as string] || (k.type as number),
        option: PRIMARY_KEY_OPTION[k.option as string] || (k.option as number | undefined),
      })),
      definedColumn: Array.isArray(meta.definedColumn) ? (meta.definedColumn as pb.MainDefinedColumnSchema[]) : undefined,
    },
    reservedThroughput: { capacityUnit: capacityUnit((p.reservedThroughput as Obj).capacityUnit) },
    tableOptions: {
      timeToLive: options.timeToLive as number | undefined,
      maxVersions: options.maxVersions as number | undefined,
      allowUpdate: options.allowUpdate as boolean | undefined,
      // The SDK sends it only when truthy (`if (params.tableOptions.maxTimeDeviation)`).
      deviationCellVersionInSec: (options.maxTimeDeviation as number) || undefined,
    },
    streamSpec: streamSpec(p.streamSpecification),
    indexMetas: Array.isArray(p.indexMetas) ? (p.indexMetas as Obj[]).map(indexMeta) : undefined,
  };
  return withOriginColumns('createTable', params, pb.encodeMainCreateTableRequest(m));
}

function encodeUpdateTable(params: unknown): Uint8Array {
  const p = params as Obj;
  // The SDK reads `params.tableOptions.timeToLive` unconditionally: an UpdateTable always carries options.
  const options = required(p, 'tableOptions', 'updateTable');
  const m: pb.MainUpdateTableRequest = {
    tableName: p.tableName as string,
    reservedThroughput: p.reservedThroughput ? { capacityUnit: capacityUnit((p.reservedThroughput as Obj).capacityUnit) } : undefined,
    tableOptions: {
      timeToLive: options.timeToLive as number | undefined,
      maxVersions: options.maxVersions as number | undefined,
      allowUpdate: options.allowUpdate as boolean | undefined,
      deviationCellVersionInSec: options.maxTimeDeviation as number | undefined,
    },
    streamSpec: streamSpec(p.streamSpecification),
  };
  return withOriginColumns('updateTable', params, pb.encodeMainUpdateTableRequest(m));
}

/** `params` or `params.transactionId` (encoder.js accepts both for commit and abort). */
function transactionIdOf(params: unknown): string {
  return typeof params === 'string' ? params : ((params as Obj).transactionId as string);
}

/** The decoded response with the origin columns, which the SDK's proto lacks, read from the raw body. */
function withColumnsToGet<T extends { streamDetails?: pb.MainStreamDetails | null }>(operation: string, body: Buffer, m: T): T {
  const columns = originColumnsOf(operation, body);
  if (columns && m.streamDetails) (m.streamDetails as { columnsToGet?: string[] }).columnsToGet = columns;
  return m;
}

const ISP_INCR = 2;

function op(encode: (p: Obj) => PbWriter | Uint8Array, decode: (r: PbReader, body: Buffer) => unknown): WireOperation {
  return {
    encode: (p) => {
      const out = encode(p as Obj);
      return out instanceof Uint8Array ? out : out.finish();
    },
    decode: (body) => decode(new PbReader(body), body),
  };
}

/** The table, index and transaction APIs' codecs (`operations.ts`). */
export const TABLE_OPERATIONS: Readonly<Record<string, WireOperation>> = {
  createTable: op(encodeCreateTable, (r) => pb.decodeMainCreateTableResponse(r)),
  listTable: op(() => pb.encodeMainListTableRequest({}), (r) => pb.decodeMainListTableResponse(r)),
  deleteTable: op((p) => pb.encodeMainDeleteTableRequest({ tableName: p.tableName as string }), (r) => pb.decodeMainDeleteTableResponse(r)),
  updateTable: op(encodeUpdateTable, (r, body) => withColumnsToGet('updateTable', body, pb.decodeMainUpdateTableResponse(r))),
  describeTable: op(
    (p) => pb.encodeMainDescribeTableRequest({ tableName: p.tableName as string }),
    (r, body) => {
      const m = pb.decodeMainDescribeTableResponse(r);
      // decoder.js decodeDescribeTable: the phase as TableStore.SyncPhase.
      for (const ix of m.indexMetas ?? []) (ix as { indexSyncPhase?: unknown }).indexSyncPhase = ix.indexSyncPhase === ISP_INCR ? 'INCR' : 'FULL';
      return withColumnsToGet('describeTable', body, m);
    },
  ),
  createIndex: op(
    (p) => {
      const meta = required(p, 'indexMeta', 'createIndex');
      return pb.encodeMainCreateIndexRequest({ mainTableName: p.mainTableName as string, indexMeta: indexMeta(meta), includeBaseData: (p.includeBaseData as boolean) || false });
    },
    (r) => pb.decodeMainCreateIndexResponse(r),
  ),
  dropIndex: op(
    (p) => pb.encodeMainDropIndexRequest({ mainTableName: p.mainTableName as string, indexName: p.indexName as string }),
    (r) => pb.decodeMainDropIndexResponse(r),
  ),
  startLocalTransaction: op(
    (p) => pb.encodeMainStartLocalTransactionRequest({ tableName: p.tableName as string, key: primaryKeyBuffer(p.primaryKey) }),
    (r) => pb.decodeMainStartLocalTransactionResponse(r),
  ),
  commitTransaction: op(
    (p) => pb.encodeMainCommitTransactionRequest({ transactionId: transactionIdOf(p) }),
    (r) => pb.decodeMainCommitTransactionResponse(r),
  ),
  abortTransaction: op(
    (p) => pb.encodeMainAbortTransactionRequest({ transactionId: transactionIdOf(p) }),
    (r) => pb.decodeMainAbortTransactionResponse(r),
  ),
};
