/**
 * Partial updates → the SDK's `updateRow` `updateOfAttributeColumns`:
 * `[{ PUT: [{ c: v }] }, { DELETE_ALL: ['c'] }, { INCREMENT: [{ c: Int64LE }] }]` (empty groups omitted).
 */
import type { UpdateOfAttributeColumns } from '../client/actions';
import type { UpdateChanges } from '../schema/entity-types';
import type { FieldSchema, TableSchema } from '../schema/types';
import { CodecError } from './errors';
import { sdkCell, toSdkInt64, type SdkCellValue, type SdkInt64 } from './sdk-values';
import { encodeFieldValue, fieldContext, int64FromDelta, describe } from './value';


/** The encoded update plus the stored names of incremented columns (for `returnColumns` / RT_AFTER_MODIFY). */
export interface EncodedUpdate {
  updateOfAttributeColumns: UpdateOfAttributeColumns;
  /** Stored names of the incremented columns, in the order given. */
  incremented: string[];
}

function attributeField(schema: TableSchema, property: string, op: string): FieldSchema {
  const field = schema.byProperty[property];
  if (!field) {
    throw new CodecError('UNKNOWN_PROPERTY', { entity: schema.entityName, table: schema.tableName, property }, `'${property}' is not a mapped property of ${schema.entityName}`);
  }
  if (field.kind === 'primaryKey') {
    throw new CodecError('NOT_ALLOWED', fieldContext(schema, field), `cannot ${op} a primary-key column; a key identifies the row`);
  }
  return field;
}

/**
 * Encodes `changes` for UpdateRow. Rules (all checked before anything is sent):
 * - `set`: `undefined` values are skipped, `null` removes the column (same as listing it in `remove`);
 * - a column may appear in one kind of change only (the service refuses e.g. PUT + INCREMENT of one column);
 * - primary keys cannot be changed; only int64 columns can be incremented (delta: number, bigint, Long or
 *   decimal string, exact);
 * - at least one change is required.
 */
export function encodeUpdate<T>(schema: TableSchema<T>, changes: UpdateChanges<T>): EncodedUpdate {
  const puts: Record<string, SdkCellValue>[] = [];
  const deletes: string[] = [];
  const increments: Record<string, SdkInt64>[] = [];
  const incremented: string[] = [];
  const used = new Map<string, string>();
  const claim = (field: FieldSchema, kind: string) => {
    const previous = used.get(field.property);
    if (previous !== undefined) {
      throw new CodecError('NOT_ALLOWED', fieldContext(schema, field), `appears in both '${previous}' and '${kind}' of one update`);
    }
    used.set(field.property, kind);
  };

  const set = (changes.set ?? {}) as Record<string, unknown>;
  for (const property of Object.keys(set)) {
    const value = set[property];
    if (value === undefined) continue;
    const field = attributeField(schema, property, 'set');
    claim(field, value === null ? 'remove' : 'set');
    if (value === null) deletes.push(field.name);
    else puts.push(sdkCell(field.name, encodeFieldValue(schema, field, value)));
  }
  for (const property of (changes.remove ?? []) as readonly string[]) {
    const field = attributeField(schema, property, 'remove');
    claim(field, 'remove');
    deletes.push(field.name);
  }
  const inc = (changes.increment ?? {}) as Record<string, unknown>;
  for (const property of Object.keys(inc)) {
    const delta = inc[property];
    if (delta === undefined) continue;
    const field = attributeField(schema, property, 'increment');
    if (field.type !== 'int64') {
      throw new CodecError('NOT_ALLOWED', fieldContext(schema, field, describe(delta)), `only int64 columns can be incremented, not ${field.type}`);
    }
    claim(field, 'increment');
    increments.push(sdkCell(field.name, toSdkInt64(int64FromDelta(schema, field, delta))));
    incremented.push(field.name);
  }

  const updateOfAttributeColumns: UpdateOfAttributeColumns = [];
  if (puts.length > 0) updateOfAttributeColumns.push({ PUT: puts });
  if (deletes.length > 0) updateOfAttributeColumns.push({ DELETE_ALL: deletes });
  if (increments.length > 0) updateOfAttributeColumns.push({ INCREMENT: increments });
  if (updateOfAttributeColumns.length === 0) {
    throw new CodecError('NOT_ALLOWED', { entity: schema.entityName, table: schema.tableName }, 'an update needs at least one change');
  }
  return { updateOfAttributeColumns, incremented };
}
