/**
 * The stream log (streams spec §2, §7): every write to a table with an enabled stream becomes a change record,
 * in commit order, in the table's one shard (a new table has one partition, and the emulator never splits:
 * §2.6). Records are written by the engine's commit itself (Engine.beforeCommit), in the same store transaction
 * as the rows, so a process killed at any point keeps both or neither.
 *
 * Store layout (engine/keys.ts Space.STREAM): `S<u32 table id>` → next sequence number (u64 BE);
 * `S<u32 table id><u64 BE seq>` → [u8 action type][i64 BE log time μs][u32 BE record length][record: PlainBuffer
 * with extension][origin record, when the stream has origin columns: the same form].
 * The record bytes are encoded once, at the write [decision: a record is read at least once, often several
 * times, and written once].
 *
 * Sequence numbers only grow; a failed store write can leave a gap (the counter in memory moved on), which
 * readers never notice: they scan keys, not numbers [decision]. Each commit's records share one log time, at
 * least 1 μs after the previous commit's, and take row indexes 0, 1, 2 … in commit order, so the sequence
 * triple (epoch 0, time, row index) is strictly increasing per shard, as DataX's ordering needs (§2.5).
 *
 * Not logged [inferred, §7]: writes that fail their condition, TTL expiry and max-versions pruning (nothing is
 * written for them), rows that leave with their table.
 */
import type { TableMeta } from '../engine/catalog';
import type { RecordedWrite, RowWrite } from '../engine/commit-feed';
import type { Engine } from '../engine/engine';
import { prefixEnd, streamPrefix } from '../engine/keys';
import { OtsError } from '../errors';
import { encodeStreamRecord } from '../model/plainbuffer';
import type { KVWrite } from '../storage/kv';

/** GetStreamRecord's ActionType (table_store.proto). */
const ACTION_TYPE: Readonly<Record<RowWrite['action'], number>> = { put: 1, update: 2, delete: 3 };

/** The one shard of every stream: any stable opaque string will do (spec §7). */
export const SHARD_ID = 'shard-0';

/** DescribeStream's stream_status: the emulator's streams are ACTIVE at once (spec §7). */
export const STREAM_STATUS_ACTIVE = 2;

export interface StreamEntry {
  seq: number;
  /** ACTION_TYPE */
  action: number;
  tsMicros: bigint;
  record: Buffer;
  /** The origin columns' previous values (streams spec §2.5 origin_record), when the stream has any. */
  originRecord?: Buffer;
}

interface Cursor {
  /** The next sequence number. */
  seq: number;
  /** The last commit's log time (μs). */
  micros: bigint;
}

const HOUR_MICROS = 3_600_000_000n;
const MAX_SEQ = Number.MAX_SAFE_INTEGER;

/** A stream id for a table enabled at `micros`: `<table>_<μs>` (spec §2.6, inferred). */
export function streamIdFor(table: string, micros: number): string {
  return `${table}_${micros}`;
}

/** The table name inside a stream id (streamIdFor); the id's form is checked by its action's validation. */
function streamTableName(streamId: string): string {
  return streamId.slice(0, streamId.lastIndexOf('_'));
}

function entryKey(tableId: number, seq: number): Buffer {
  const b = Buffer.allocUnsafe(13);
  streamPrefix(tableId).copy(b);
  b.writeBigUInt64BE(BigInt(seq), 5);
  return b;
}

function counterValue(seq: number): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeBigUInt64BE(BigInt(seq));
  return b;
}

const ENTRY_HEAD = 13;

function decodeEntry(key: Buffer, value: Buffer): StreamEntry {
  const end = ENTRY_HEAD + value.readUInt32BE(9);
  const e: StreamEntry = { seq: Number(key.readBigUInt64BE(5)), action: value[0], tsMicros: value.readBigInt64BE(1), record: value.subarray(ENTRY_HEAD, end) };
  if (end < value.length) e.originRecord = value.subarray(end);
  return e;
}

export class StreamLog {
  /** Per table id: where its log stands, loaded from the store on first use. */
  private readonly cursors = new Map<number, Cursor>();

  constructor(private readonly engine: Engine) {
    engine.beforeCommit((writes) => this.append(writes));
  }

  /** The engine's time in μs: its clock may give fractions of a ms (log times within one ms then step by 1 μs). */
  nowMicros(): bigint {
    return BigInt(Math.round(this.engine.time() * 1000));
  }

  // ------------------------------------------------------------------ writing

  /** The store writes that log a commit's recorded writes (Engine.beforeCommit). */
  private append(writes: readonly RecordedWrite[]): KVWrite[] {
    const out: KVWrite[] = [];
    const touched = new Map<number, { cursor: Cursor; micros: bigint; rowIndex: number }>();
    for (const r of writes) {
      // A transaction may outlive its table's stream (or its table): log against the table as it is now.
      const t = this.engine.tables.get(r.table.name);
      if (!t?.stream || t.id !== r.table.id) continue;
      let s = touched.get(t.id);
      if (!s) {
        const cursor = this.cursor(t.id);
        const now = this.nowMicros();
        s = { cursor, micros: now > cursor.micros ? now : cursor.micros + 1n, rowIndex: 0 };
        touched.set(t.id, s);
      }
      const w = r.write;
      const seq = { epoch: 0, tsMicros: s.micros, rowIndex: s.rowIndex++ };
      const record = encodeStreamRecord({ pk: w.pk, cells: w.cells, deleteMarker: w.action === 'delete' }, seq);
      // The origin record: the key and the origin columns' previous values as Put cells [inferred, §2.5], for
      // every action while origin columns are configured [decision: the sources do not say which actions].
      const origin = w.origin && t.stream.originColumns.length ? encodeStreamRecord({ pk: w.pk, cells: w.origin, deleteMarker: false }, seq) : undefined;
      const head = Buffer.allocUnsafe(ENTRY_HEAD);
      head[0] = ACTION_TYPE[w.action];
      head.writeBigInt64BE(s.micros, 1);
      head.writeUInt32BE(record.length, 9);
      out.push({ key: entryKey(t.id, s.cursor.seq++), value: Buffer.concat(origin ? [head, record, origin] : [head, record]) });
    }
    for (const [id, s] of touched) {
      s.cursor.micros = s.micros;
      out.push({ key: streamPrefix(id), value: counterValue(s.cursor.seq) });
    }
    return out;
  }

  private cursor(tableId: number): Cursor {
    let c = this.cursors.get(tableId);
    if (!c) {
      const counter = this.engine.kv.get(streamPrefix(tableId));
      c = { seq: counter ? Number(counter.readBigUInt64BE(0)) : 0, micros: 0n };
      // The last record's log time, so that log times keep growing across restarts.
      this.engine.kv.scan(entryKey(tableId, MAX_SEQ), streamPrefix(tableId), true, (k, v) => {
        c!.micros = decodeEntry(k, v).tsMicros;
        return false;
      });
      this.cursors.set(tableId, c);
    }
    return c;
  }

  /**
   * The store writes that drop a table's log when its stream is disabled or replaced by a new one (spec §7:
   * re-enabling starts a new stream with a new id); none when the stream stays. Call before the catalog
   * update that carries them.
   */
  settingsWrites(before: TableMeta, after: TableMeta): KVWrite[] {
    if (!before.stream || before.stream.id === after.stream?.id) return [];
    this.cursors.delete(before.id);
    return this.engine.catalog.clearPrefix(streamPrefix(before.id));
  }

  // ------------------------------------------------------------------ reading

  /**
   * The table whose current stream is `streamId`, or 404 OTSObjectNotExist (spec §2.7: unspecified, the
   * emulator's choice) when the table is gone or its stream was disabled or replaced.
   */
  tableOf(streamId: string): TableMeta {
    const t = this.engine.tables.get(streamTableName(streamId));
    if (!t?.stream || t.stream.id !== streamId) throw new OtsError('OTSObjectNotExist', `Requested stream does not exist: '${streamId}'.`, 404);
    return t;
  }

  /**
   * The first sequence number still retained: records older than the stream's expiration are trimmed (spec
   * §2.6), and deleted from the store as they are found [decision: expiry costs nothing until someone reads].
   */
  oldestSeq(t: TableMeta): number {
    const cutoff = this.nowMicros() - BigInt(t.stream!.expirationHours) * HOUR_MICROS;
    const expired: KVWrite[] = [];
    let oldest = this.cursor(t.id).seq;
    this.engine.kv.scan(entryKey(t.id, 0), prefixEnd(streamPrefix(t.id)), false, (k, v) => {
      const e = decodeEntry(k, v);
      if (e.tsMicros >= cutoff) {
        oldest = e.seq;
        return false;
      }
      expired.push({ key: Buffer.from(k), value: undefined });
      return true;
    });
    if (expired.length) this.engine.kv.write(expired);
    return oldest;
  }

  /** The position of the first record logged at or after `micros` (GetShardIterator's timestamp). */
  seqAt(t: TableMeta, micros: bigint): number {
    const oldest = this.oldestSeq(t);
    let seq = this.cursor(t.id).seq;
    this.engine.kv.scan(entryKey(t.id, oldest), prefixEnd(streamPrefix(t.id)), false, (k, v) => {
      const e = decodeEntry(k, v);
      if (e.tsMicros < micros) return true;
      seq = e.seq;
      return false;
    });
    return seq;
  }

  /**
   * Up to `limit` records from position `seq`, and the position after the last one returned (`seq` itself when
   * none: the caller then hands back the same iterator, spec §2.4). A position before the trim point answers
   * OTSTrimmedDataAccess (§2.7; 404 as the SDK team's mock, the real status is unspecified).
   */
  read(t: TableMeta, seq: number, limit: number): { entries: StreamEntry[]; next: number } {
    if (seq > this.cursor(t.id).seq) throw OtsError.param('Invalid shard iterator: its position is past the end of the shard.');
    if (seq < this.oldestSeq(t)) throw new OtsError('OTSTrimmedDataAccess', 'Requested stream data is already trimmed or does not exist.', 404);
    const entries: StreamEntry[] = [];
    this.engine.kv.scan(entryKey(t.id, seq), prefixEnd(streamPrefix(t.id)), false, (k, v) => {
      entries.push(decodeEntry(k, v));
      return entries.length < limit;
    });
    return { entries, next: entries.length ? entries[entries.length - 1].seq + 1 : seq };
  }
}
