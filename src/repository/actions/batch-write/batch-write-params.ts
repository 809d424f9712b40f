import type { BatchWriteRowItem } from '../../../client/actions';
import { encodeKey, encodeRow } from '../../../codec/row';
import type { KeyOf } from '../../../schema/entity-types';
import type { TableSchema } from '../../../schema/types';
import { DuplicateKeyError, type BatchItemResult } from '../../errors';
import { validateEntity } from '../../validate';
import { rowCondition } from '../conditions';
import { newRow } from '../insert/insert-params';
import { keyId } from '../key-id';
import { estimateRowSize, type WriteItem } from './engine';

/** `batchInsert()`'s row for `entity` (an entity instance): a new row (see `newRow`). */
export function batchInsertRow<T extends object>(schema: TableSchema<T>, entity: T): BatchWriteRowItem {
  return { type: 'PUT', ...newRow(schema, entity) };
}

/** `batchSave()`'s row: the whole row, replacing what is stored (like `save`, without version checks). */
export function batchSaveRow<T extends object>(schema: TableSchema<T>, entity: T): BatchWriteRowItem {
  validateEntity(schema, entity);
  const { primaryKey, attributeColumns } = encodeRow(schema, entity);
  return { type: 'PUT', condition: rowCondition(schema, schema.autoIncrement ? 'exist' : 'any'), primaryKey, attributeColumns };
}

/** `batchDelete()`'s row. */
export function batchDeleteRow<T extends object>(schema: TableSchema<T>, key: KeyOf<T>): BatchWriteRowItem {
  return { type: 'DELETE', condition: rowCondition(schema, 'any'), primaryKey: encodeKey(schema, key as object) };
}

/** What a batch sends, and what is settled before sending. */
export interface BatchWritePlan<I> {
  /** Rows to send, in input order. */
  items: WriteItem[];
  /** Results known before sending (inputs that failed to build, repeated keys of an insert); holes elsewhere. */
  results: BatchItemResult<I>[];
  /** An earlier occurrence of a repeated key → the later one that is sent in its place (replace/delete). */
  supersededBy: Map<number, number>;
}

/**
 * Plans a batch write: builds each input's row (an input that cannot be encoded or validated fails on its own,
 * nothing sent for it) and settles repeated keys. For replace/delete only the last occurrence of a key is
 * sent and the earlier ones share its outcome (the final state of sequential writes); for insert the later
 * occurrences fail with `DuplicateKeyError` (a row can be inserted once; found here, not by the service).
 */
export function planBatchWrite<I>(inputs: readonly I[], build: (input: I) => BatchWriteRowItem, duplicates: 'insert' | 'replace', table: string): BatchWritePlan<I> {
  const results: BatchItemResult<I>[] = new Array(inputs.length);
  const items: WriteItem[] = [];
  const lastByKey = new Map<string, number>();
  const supersededBy = new Map<number, number>();
  // Per input: its row (undefined when it failed to build or is a refused duplicate).
  const built: Array<BatchWriteRowItem | undefined> = new Array(inputs.length);
  for (let index = 0; index < inputs.length; index++) {
    let row: BatchWriteRowItem;
    try {
      row = build(inputs[index]);
    } catch (error) {
      results[index] = { index, ok: false, item: inputs[index], error: error as Error };
      continue;
    }
    // undefined: an auto-increment placeholder, which makes every such row a new key.
    const id = keyId(row.primaryKey);
    if (id !== undefined) {
      const previous = lastByKey.get(id);
      if (previous !== undefined) {
        if (duplicates === 'insert') {
          results[index] = { index, ok: false, item: inputs[index], error: new DuplicateKeyError(table, index, previous) };
          continue;
        }
        supersededBy.set(previous, index);
      }
      lastByKey.set(id, index);
    }
    built[index] = row;
  }
  // In input order, each key's last occurrence only.
  for (let index = 0; index < inputs.length; index++) {
    const row = built[index];
    if (row && !supersededBy.has(index)) items.push({ index, row, size: estimateRowSize(row) });
  }
  return { items, results, supersededBy };
}
