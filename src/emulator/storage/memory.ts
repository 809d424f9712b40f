import BTree from 'sorted-btree';
import type { KVStore, KVWrite } from './kv';

/** In-memory ordered store on a B+ tree (`sorted-btree`). Nothing survives `close()`. */
export class MemoryStore implements KVStore {
  readonly kind = 'memory' as const;
  readonly description = 'in memory';
  private readonly tree = new BTree<Buffer, Buffer>(undefined, Buffer.compare);

  get(key: Buffer): Buffer | undefined {
    return this.tree.get(key);
  }

  write(ops: KVWrite[]): void {
    for (const op of ops) {
      if (op.value === undefined) this.tree.delete(op.key);
      else this.tree.set(Buffer.from(op.key), op.value);
    }
  }

  scan(start: Buffer, end: Buffer, reverse: boolean, visit: (key: Buffer, value: Buffer) => boolean): void {
    if (!reverse) {
      if (Buffer.compare(start, end) >= 0) return;
      this.tree.forRange(start, end, false, (k, v) => (visit(k, v) ? undefined : { break: true }));
    } else {
      if (Buffer.compare(start, end) <= 0) return;
      for (const [k, v] of this.tree.entriesReversed(start)) {
        if (Buffer.compare(k, end) <= 0) break;
        if (!visit(k, v)) break;
      }
    }
  }

  async close(): Promise<void> {
    this.tree.clear();
  }
}
