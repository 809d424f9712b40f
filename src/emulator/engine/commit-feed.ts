/**
 * The commit feed: what each store commit changed, for what follows a table's data (search indexes, stream
 * records). Every write path commits through Engine.commit — PutRow, UpdateRow, DeleteRow, BatchWriteRow and
 * CommitTransaction (a transaction's writes appear at its commit, never before, and not at all if aborted) —
 * and each commit that changed rows is announced once, synchronously right after the store applied it, so
 * listeners see commits in commit order and before the request that made them is answered.
 *
 * A change carries the row after the commit, not before: reading the replaced row costs a store read and a
 * decode per written row, and the search catalog listens on every server, so every write would pay it for a
 * field no listener reads [performance]. Without listeners the feed costs a size check per commit.
 *
 * Not announced: rows that leave with their table (DeleteTable drops them without a commit; watch the catalog
 * for that), secondary-index rows (they follow their data row), and versions that TTL hides (nothing is
 * written when they expire).
 */
import type { Cell, RowData } from '../model/row';
import type { KVWrite } from '../storage/kv';
import type { TableMeta } from './catalog';

/**
 * What one PutRow / UpdateRow / DeleteRow did to a row, as a stream record needs it (streams spec §2.5): the
 * write's own cells, not a row image. Put and UpdateRow cells carry the version actually written (the server's
 * when the request gave none); an increment appears as a Put of its result; DeleteOneVersion keeps its
 * timestamp, DeleteAllVersions has neither value nor timestamp; a DeleteRow has no cells.
 */
export interface RowWrite {
  action: 'put' | 'update' | 'delete';
  /** The full primary key (an auto-increment column holds the generated value). */
  pk: Cell[];
  /** In request order. */
  cells: Cell[];
  /**
   * With origin columns configured on the stream (columns_to_get): the newest stored version of each, as the
   * row was just before this write (earlier writes of the same batch or transaction included), as Put cells.
   */
  origin?: Cell[];
}

/** A RowWrite with where it went, in the order the writes happened within their write set. */
export interface RecordedWrite {
  table: TableMeta;
  key: Buffer;
  write: RowWrite;
}

/** One row a commit changed. */
export interface CommittedChange {
  /** The data table, as of the commit. */
  table: TableMeta;
  /** The row's key in the store (keys.ts `rowKey`): table prefix, then the order-preserving primary key. */
  key: Buffer;
  /** The stored row after the commit, or undefined when the commit deleted it. */
  after: RowData | undefined;
}

/** Receives each commit's changes, in request order within the commit. */
export type CommitListener = (changes: readonly CommittedChange[]) => void;

/**
 * Contributes store writes to a commit, in the same store transaction as the rows (the stream log: a process
 * killed mid-commit must not keep a row without its record, or the reverse). Called only for commits that
 * recorded writes; it must not throw for data reasons, since the rows' checks have already passed.
 */
export type CommitContributor = (writes: readonly RecordedWrite[]) => KVWrite[];

export class CommitFeed {
  private readonly listeners: CommitListener[] = [];
  private readonly contributors: CommitContributor[] = [];

  /** Adds a contributor; the returned function removes it. */
  contribute(contributor: CommitContributor): () => void {
    this.contributors.push(contributor);
    return () => {
      const i = this.contributors.indexOf(contributor);
      if (i >= 0) this.contributors.splice(i, 1);
    };
  }

  /** The store writes every contributor adds to a commit that recorded `writes`. */
  contributions(writes: readonly RecordedWrite[]): KVWrite[] {
    const out: KVWrite[] = [];
    for (const c of this.contributors) out.push(...c(writes));
    return out;
  }

  /** Whether a commit must collect its changes. */
  get active(): boolean {
    return this.listeners.length > 0;
  }

  /** Adds a listener; the returned function removes it. */
  subscribe(listener: CommitListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /**
   * Hands a commit's changes to every listener. The commit has happened whatever a listener does: if one
   * throws, the others still receive the changes, and the first error is rethrown to the request that
   * committed (which then answers 500 OTSInternalServerError) [decision].
   */
  emit(changes: readonly CommittedChange[]): void {
    let failure: { error: unknown } | undefined;
    for (const listener of [...this.listeners]) {
      try {
        listener(changes);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }
}
