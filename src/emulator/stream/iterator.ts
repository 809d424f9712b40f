/**
 * Shard iterators (streams spec §2.4, §7): opaque to clients, but deterministic and clock-free — a position in
 * one shard of one stream, so that reading from a caught-up position returns the very same string, and that
 * string keeps yielding whatever is written after it (the Go SDK's test depends on both).
 */
import { OtsError } from '../errors';

export interface ShardPosition {
  streamId: string;
  shardId: string;
  /** The sequence number of the next record to read. */
  seq: number;
}

const VERSION = 'v1';

export function encodeIterator(p: ShardPosition): string {
  return Buffer.from(`${VERSION}\t${p.streamId}\t${p.shardId}\t${p.seq}`, 'utf8').toString('base64url');
}

/** Decodes an iterator, or 400 OTSParameterInvalid naming what is wrong with it (spec §2.7: emulator's choice). */
export function decodeIterator(s: string): ShardPosition {
  const parts = Buffer.from(s, 'base64url').toString('utf8').split('\t');
  const seq = Number(parts[3]);
  if (parts.length !== 4 || parts[0] !== VERSION || !parts[1] || !parts[2] || !/^\d+$/.test(parts[3]) || !Number.isSafeInteger(seq)) {
    throw OtsError.param('Invalid shard iterator: not an iterator GetShardIterator or GetStreamRecord returned.');
  }
  return { streamId: parts[1], shardId: parts[2], seq };
}
