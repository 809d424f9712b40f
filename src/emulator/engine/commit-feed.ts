/**
 * The commit feed: what each store commit changed, for what follows a table's data (search indexes, stream
 * records). Every write path commits through Engine.commit — PutRow, UpdateRow, DeleteRow, BatchWriteRow and
 * CommitTransaction (a transaction's writes appear at its commit, never before, and not at all if aborted) —
 * and each commit that changed rows is announced once, synchronously right after the store applied it, so
 * listeners see commits in commit order and before the request that made them is answered.
 *
 * `before` is read only when a listener (or a secondary index) needs it: without listeners the feed costs a
 * size check per commit [performance].
 *
 * Not announced: rows that leave with their table (DeleteTable drops them without a commit; watch the catalog
 * for that), secondary-index rows (they follow their data row), and versions that TTL hides (nothing is
 * written when they expire).
 */
import type { RowData } from '../model/row';
import type { TableMeta } from './catalog';

/** One row a commit changed. */
export interface CommittedChange {
  /** The data table, as of the commit. */
  table: TableMeta;
  /** The row's key in the store (keys.ts `rowKey`): table prefix, then the order-preserving primary key. */
  key: Buffer;
  /** The stored row before the commit (every stored version; TTL not applied), or undefined if there was none. */
  before: RowData | undefined;
  /** The stored row after the commit, or undefined when the commit deleted it. */
  after: RowData | undefined;
}

/** Receives each commit's changes, in request order within the commit. */
export type CommitListener = (changes: readonly CommittedChange[]) => void;

export class CommitFeed {
  private readonly listeners: CommitListener[] = [];

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
