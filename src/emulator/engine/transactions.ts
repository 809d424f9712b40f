/**
 * Local transactions and their locks (spec §9): a transaction holds the lock of one partition-key value of
 * one table until it commits, aborts or times out; its writes wait in a `WriteSet` until CommitTransaction.
 * A write outside the transaction to a locked partition gets OTSRowOperationConflict.
 */
import { randomBytes } from 'node:crypto';
import { OtsError } from '../errors';
import type { Cell } from '../model/row';
import { PK_TYPE, type TableMeta } from './catalog';
import { encodeKey } from './keys';
import type { WriteSet } from './write-set';

export interface Transaction {
  id: string;
  table: TableMeta;
  partitionKey: Buffer;
  lockKey: string;
  writes: WriteSet;
  expiresAt: number;
}

export interface TransactionOptions {
  /** Require `enable_local_txn` on the table for local transactions (the Node SDK cannot set it). */
  enforceLocalTxnFlag: boolean;
  /** Transaction lifetime (ms). */
  transactionTimeoutMs: number;
}

/** The encoded value of a key's first (partition) column. */
export function partitionKey(table: TableMeta, pk: Cell[]): Buffer {
  return encodeKey(Buffer.alloc(0), [{ name: table.pk[0].name, value: pk[0].value }]);
}

export class Transactions {
  private readonly open = new Map<string, Transaction>();
  /** Lock key (table id + partition key) → transaction id. */
  private readonly locks = new Map<string, string>();
  constructor(
    private readonly options: TransactionOptions,
    /** The engine's clock (ms), for expiry. */
    private readonly now: () => number,
  ) {}

  start(table: TableMeta, pk: Cell[], writes: WriteSet): Transaction {
    this.expire();
    if (this.options.enforceLocalTxnFlag && !table.enableLocalTxn) {
      throw OtsError.param('Try to call method using explicit transaction on explicit-transaction-disabled table.');
    }
    if (table.pk.some((p) => p.autoIncrement)) {
      throw OtsError.param('You cannot use the auto-increment primary key column feature and the local transaction feature at the same time.');
    }
    const partition = partitionKey(table, pk);
    const lockKey = lockKeyOf(table, partition);
    if (this.locks.has(lockKey)) throw OtsError.conflict(`Failed to lock txn key: ${describeKey(table, partition)}`);
    const id = `${randomBytes(16).toString('hex').toUpperCase()}`;
    const tx: Transaction = { id, table, partitionKey: partition, lockKey, writes, expiresAt: this.now() + this.options.transactionTimeoutMs };
    this.open.set(id, tx);
    this.locks.set(lockKey, id);
    return tx;
  }

  /** The open transaction with this id; 400 for a malformed id, OTSSessionNotExist for an unknown/finished one. */
  get(id: string): Transaction {
    if (!/^[0-9A-F]{32}$/.test(id)) throw OtsError.param('TransactionID is invalid.');
    this.expire();
    const tx = this.open.get(id);
    if (!tx) throw new OtsError('OTSSessionNotExist', 'Session not exist or may be timeout.', 404);
    return tx;
  }

  /** Ends a transaction (committed or not) and releases its lock. */
  finish(tx: Transaction): void {
    this.open.delete(tx.id);
    if (this.locks.get(tx.lockKey) === tx.id) this.locks.delete(tx.lockKey);
  }

  /** Ends every open transaction on a table (the table is being deleted). */
  finishOn(tableName: string): void {
    for (const tx of this.open.values()) if (tx.table.name === tableName) this.finish(tx);
  }

  /**
   * A key a transaction may touch: its table and partition-key value (spec §9), else OTSDataOutOfRange.
   * GetRange checks both bounds with it, so a transactional range read stays inside the partition.
   * (HTTP 400: the sources give no status for this code [decided].)
   */
  checkScope(txn: Transaction, table: TableMeta, pk: Cell[]): void {
    const partition = partitionKey(table, pk);
    if (txn.table.name !== table.name || !txn.partitionKey.equals(partition)) {
      throw new OtsError('OTSDataOutOfRange', `Data out of scope of transaction. Transaction PartKey:${describeKey(txn.table, txn.partitionKey)}. Data PartKey:${describeKey(table, partition)}`, 400);
    }
  }

  /** A row write: inside its transaction's scope, or outside any other transaction's lock. */
  checkLocks(table: TableMeta, pk: Cell[], txn: Transaction | undefined): void {
    if (txn) return this.checkScope(txn, table, pk);
    if (this.locks.size === 0) return; // the common case, without encoding the partition key [performance]
    const lockKey = lockKeyOf(table, partitionKey(table, pk));
    if (!this.locks.has(lockKey)) return;
    this.expire(); // a timed-out transaction no longer holds its lock
    if (this.locks.has(lockKey)) throw OtsError.conflict();
  }

  private expire(): void {
    const now = this.now();
    for (const tx of this.open.values()) if (tx.expiresAt <= now) this.finish(tx);
  }
}

function lockKeyOf(table: TableMeta, partition: Buffer): string {
  return `${table.id}:${partition.toString('latin1')}`;
}

/**
 * A partition key as the service names it in transaction errors ("Transaction PartKey:key1", spec §9): the
 * value itself — a string as text, an integer in decimal; a binary key in hex [decided: no source shows one].
 * Decodes the order-preserving encoding of keys.ts (a marker byte, then the value).
 */
function describeKey(table: TableMeta, partition: Buffer): string {
  if (partition[0] !== 0x02) return partition[0] === 0x01 ? 'INF_MIN' : 'INF_MAX'; // range bounds
  const body = partition.subarray(1);
  if (table.pk[0].type === PK_TYPE.INTEGER) return BigInt.asIntN(64, body.readBigUInt64BE(0) ^ 0x8000000000000000n).toString();
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    if (body[i] === 0) {
      if (body[i + 1] !== 0xff) break; // 0x00 0x00 closes the value
      i++;
    }
    bytes.push(body[i]);
  }
  const value = Buffer.from(bytes);
  return table.pk[0].type === PK_TYPE.STRING ? value.toString('utf8') : value.toString('hex');
}
