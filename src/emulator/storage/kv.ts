/**
 * The emulator's storage contract: an ordered key-value store of byte strings. Keys compare byte-wise.
 * Every call is synchronous so that an engine operation (read, check, write) runs without interleaving:
 * that is what makes conditional writes and increments atomic under concurrent clients.
 */
export interface KVWrite {
  key: Buffer;
  /** `undefined` deletes the key. */
  value: Buffer | undefined;
}

export interface KVStore {
  readonly kind: 'memory' | 'disk';
  /** Human description for the start-up line, e.g. `in memory` or `data dir /x`. */
  readonly description: string;
  get(key: Buffer): Buffer | undefined;
  /** Applies all writes atomically and durably (against a process crash) before returning. */
  write(ops: KVWrite[]): void;
  /**
   * Keys in [start, end) ascending; or, with `reverse`, keys in (end, start] descending — start is the
   * upper bound and is inclusive, end the lower bound and is exclusive. Stops when the callback returns false.
   */
  scan(start: Buffer, end: Buffer, reverse: boolean, visit: (key: Buffer, value: Buffer) => boolean): void;
  close(): Promise<void>;
}
