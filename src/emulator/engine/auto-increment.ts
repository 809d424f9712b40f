/**
 * Auto-increment values (spec §3): strictly increasing per table (so per partition key), derived from the
 * clock in µs. The last value of each table is kept in the store under `A<u32 table id>`, written with the
 * commit that used it.
 */
import type { KVStore, KVWrite } from '../storage/kv';
import type { TableMeta } from './catalog';
import { Space, tableSpaceKey } from './keys';
import type { WriteSet } from './write-set';

export function autoIncrementKey(tableId: number): Buffer {
  return tableSpaceKey(Space.AUTO, tableId);
}

export class AutoIncrements {
  /** Last committed value per table id (a cache of the stored counters). */
  private readonly last = new Map<number, bigint>();
  constructor(
    private readonly kv: KVStore,
    /** The engine's clock (ms). */
    private readonly now: () => number,
  ) {}

  /** The next value for a table, recorded in the write set (it becomes final when the set commits). */
  next(ws: WriteSet, table: TableMeta): bigint {
    let last = ws.autoIncrements.get(table.id) ?? this.last.get(table.id);
    if (last === undefined) {
      const stored = this.kv.get(autoIncrementKey(table.id));
      last = stored ? stored.readBigInt64BE(0) : 0n;
    }
    const now = BigInt(this.now()) * 1000n;
    const next = last >= now ? last + 1n : now;
    ws.autoIncrements.set(table.id, next);
    return next;
  }

  /** The store writes that persist the counters a write set advanced. */
  writes(ws: WriteSet): KVWrite[] {
    const writes: KVWrite[] = [];
    for (const [id, v] of ws.autoIncrements) {
      const b = Buffer.allocUnsafe(8);
      b.writeBigInt64BE(v);
      writes.push({ key: autoIncrementKey(id), value: b });
    }
    return writes;
  }

  /** After the store committed `writes(ws)`. */
  committed(ws: WriteSet): void {
    for (const [id, v] of ws.autoIncrements) this.last.set(id, v);
  }
}
