import type { BatchWriteRowItem } from '../../../client/actions';
import { encodeKey, encodeRow } from '../../../codec/row';
import type { KeyOf } from '../../../schema/entity-types';
import type { TableSchema } from '../../../schema/types';
import { DuplicateKeyError, type BatchItemResult } from '../../errors';
import { validateEntity } from '../../validate';
import { rowCondition } from '../conditions';
import { newRow } from '../insert/insert-params';
import { keyId } from '../key-id';
import { estimateSize, type WriteItem } from './engine';

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
  const built: Array<BatchWriteRowItem | undefined> = inputs.map((input, index) => {
    try {
      return build(input);
    } catch (error) {
      results[index] = { index, ok: false, item: input, error: error as Error };
      return undefined;
    }
  });
  const supersededBy = new Map<number, number>();
  built.forEach((row, index) => {
    if (!row) return;
    const id = keyId(row.primaryKey);
    if (id === undefined) {
      // An auto-increment placeholder: every such row is a new key.
      items.push({ index, row, size: estimateSize(row) });
      return;
    }
    const previous = lastByKey.get(id);
    if (previous !== undefined) {
      if (duplicates === 'insert') {
        results[index] = { index, ok: false, item: inputs[index], error: new DuplicateKeyError(table, index, previous) };
        return;
      }
      supersededBy.set(previous, index);
    }
    lastByKey.set(id, index);
  });
  for (const index of lastByKey.values()) items.push({ index, row: built[index]!, size: estimateSize(built[index]) });
  items.sort((a, b) => a.index - b.index);
  return { items, results, supersededBy };
}
