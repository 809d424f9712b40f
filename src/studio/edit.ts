/**
 * Create, edit and delete one row from the page.
 *
 * With an entity mapped to the table, values go through the entity: each cell is decoded into its property
 * (codec/), class-validator runs on it (the repository's validation), and a `@Version` entity is written by
 * the repository itself, whose version condition reports a concurrent change.
 *
 * [decision] Without `@Version` (raw tables, and entities without one), the version condition is the values of
 * the columns the edit changes, as the page read them: equal (or still absent), checked by the service in
 * the UpdateRow's column condition. A concurrent change to any of those columns fails the write (the page
 * reports it); a concurrent change to other columns is kept, because UpdateRow only touches the changed
 * columns. Cell timestamps cannot be put in a condition (spec §4: conditions compare values), so values it is.
 * A delete checks the latest value of up to 10 columns as read (the condition limit, spec §1.27).
 */
import type { PrimaryKeyInput, UpdateOfAttributeColumns } from '../client/actions';
import type { TableStoreClient } from '../client/client';
import { ComparatorType, CompositeCondition, Condition, LogicalOperator, PK_AUTO_INCR, RowExistenceExpectation, SingleColumnCondition, type CellValue, type ColumnFilter } from '../client/values';
import { decodeFieldValue, encodeFieldValue } from '../codec/value';
import type { LoadedEntity } from '../project/config';
import { Repository } from '../repository/repository';
import { validateEntity } from '../repository/validate';
import type { FieldSchema, TableSchema } from '../schema/types';
import type { Cell, RowWrite, TableView } from './protocol';
import { MAX_FILTER_CONDITIONS } from './rows';
import { fromCell, keyValue, StudioInputError, toCell } from './values';

export interface WriteTarget {
  view: TableView;
  entity?: LoadedEntity;
}

function property(schema: TableSchema, column: string, cell: Cell): { field: FieldSchema; value: unknown } {
  const field = schema.byName[column];
  if (!field) throw new StudioInputError(`${column}: not a column of entity ${schema.entityName}`, column);
  return { field, value: decodeFieldValue(schema, field, fromCell(cell, column)) };
}

function entityObject(schema: TableSchema, cells: Record<string, Cell | null>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [column, cell] of Object.entries(cells)) {
    if (cell === null) {
      out[schema.byName[column]?.property ?? column] = null;
      continue;
    }
    const { field, value } = property(schema, column, cell);
    out[field.property] = value;
  }
  return out;
}

function rawKey(view: TableView, key: Record<string, Cell>, create: boolean): { key: PrimaryKeyInput; auto: boolean } {
  let auto = false;
  const out = view.primaryKey.map((col) => {
    const cell = key[col.name];
    if ((cell === undefined || cell.v === '') && col.autoIncrement && create) {
      auto = true;
      return { [col.name]: PK_AUTO_INCR };
    }
    if (cell === undefined) throw new StudioInputError(`${col.name}: the primary key needs a value`, col.name);
    return { [col.name]: keyValue(cell, col) };
  });
  return { key: out as PrimaryKeyInput, auto };
}

/** `column == value` as read, or `column` still absent (both halves pass only when it is missing). */
function unchanged(column: string, cell: Cell | null | undefined): ColumnFilter[] {
  if (cell) return [new SingleColumnCondition(column, fromCell(cell, column), ComparatorType.EQUAL, false, true)];
  return [new SingleColumnCondition(column, '', ComparatorType.EQUAL, true, true), new SingleColumnCondition(column, '', ComparatorType.NOT_EQUAL, true, true)];
}

function conditionOf(expectation: number, parts: ColumnFilter[]): InstanceType<typeof Condition> {
  if (parts.length === 0) return new Condition(expectation as 0 | 1 | 2, null);
  if (parts.length === 1) return new Condition(expectation as 0 | 1 | 2, parts[0]);
  const all = new CompositeCondition(LogicalOperator.AND);
  for (const p of parts) all.addSubCondition(p);
  return new Condition(expectation as 0 | 1 | 2, all);
}

/** A new row. Returns its key as written (an auto-increment key filled in). */
export async function createRow(client: TableStoreClient, target: WriteTarget, w: RowWrite): Promise<Array<{ name: string; value: Cell }>> {
  const { view, entity } = target;
  if (entity) {
    const schema = entity.schema;
    const keyCells = Object.fromEntries(Object.entries(w.key).filter(([name, c]) => !(c.v === '' && schema.byName[name]?.autoIncrement)));
    const obj = entityObject(schema, { ...keyCells, ...Object.fromEntries(Object.entries(w.set).filter(([, c]) => c !== null)) });
    const created = (await new Repository(client, schema).insert(obj as never)) as Record<string, unknown>;
    return schema.primaryKeys.map((pk) => ({ name: pk.name, value: toCell(encodeFieldValue(schema, pk, created[pk.property])) }));
  }
  const { key, auto } = rawKey(view, w.key, true);
  const attributeColumns = Object.entries(w.set)
    .filter(([, c]) => c !== null)
    .map(([name, c]) => ({ [name]: fromCell(c, name) }));
  const res = await client.call('putRow', {
    tableName: view.name,
    condition: conditionOf(auto ? RowExistenceExpectation.IGNORE : RowExistenceExpectation.EXPECT_NOT_EXIST, []) as never,
    primaryKey: key,
    attributeColumns: attributeColumns as never,
    ...(auto ? { returnContent: { returnType: 1 as const } } : {}),
  });
  const written = auto ? (res.row.primaryKey ?? []) : key.map((k) => ({ name: Object.keys(k)[0], value: Object.values(k)[0] }));
  return written.map((c) => ({ name: c.name, value: toCell(c.value) }));
}

/** Changes some columns of an existing row, under the version condition (module comment). */
export async function updateRow(client: TableStoreClient, target: WriteTarget, w: RowWrite): Promise<void> {
  const { view, entity } = target;
  const changed = Object.keys(w.set);
  if (changed.length === 0) throw new StudioInputError('nothing to save: no column changed');
  for (const name of changed) if (view.primaryKey.some((p) => p.name === name)) throw new StudioInputError(`${name}: a primary-key column cannot be changed (delete the row and create another)`, name);
  const version = entity?.schema.version;
  if (entity && version) {
    const schema = entity.schema;
    const key = entityObject(schema, { ...w.key, ...(w.expected?.[version.name] ? { [version.name]: w.expected[version.name] } : {}) });
    if (changed.includes(version.name)) throw new StudioInputError(`${version.name}: the @Version column is maintained by tsorm`, version.name);
    await new Repository(client, schema).update(key as never, { set: entityObject(schema, w.set) } as never);
    return;
  }
  if (entity) {
    const schema = entity.schema;
    const partial = entityObject(schema, w.set);
    // The repository's partial validation: only the properties being set are checked.
    validateEntity(schema, Object.assign(Object.create(schema.entity.prototype as object), Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== null))), true);
  }
  const parts = changed.flatMap((name) => unchanged(name, w.expected?.[name]));
  if (parts.length > MAX_FILTER_CONDITIONS) {
    throw new StudioInputError(`save at most ${MAX_FILTER_CONDITIONS} changed columns at once: each is checked in the write's condition, which holds ${MAX_FILTER_CONDITIONS} (spec §1.27)`);
  }
  const puts: Array<Record<string, CellValue>> = [];
  const removes: string[] = [];
  for (const [name, cell] of Object.entries(w.set)) {
    if (cell === null) removes.push(name);
    else puts.push({ [name]: fromCell(cell, name) });
  }
  const update: UpdateOfAttributeColumns = [];
  if (puts.length) update.push({ PUT: puts });
  if (removes.length) update.push({ DELETE_ALL: removes });
  await client.call('updateRow', {
    tableName: view.name,
    condition: conditionOf(RowExistenceExpectation.EXPECT_EXIST, parts) as never,
    primaryKey: rawKey(view, w.key, false).key,
    updateOfAttributeColumns: update,
  });
}

/** Deletes a row that must still be as the page read it (`@Version`, or up to 10 columns' values). */
export async function deleteRow(client: TableStoreClient, target: WriteTarget, w: Pick<RowWrite, 'key' | 'expected'>): Promise<void> {
  const { view, entity } = target;
  const version = entity?.schema.version;
  if (entity && version && w.expected?.[version.name]) {
    const key = entityObject(entity.schema, { ...w.key, [version.name]: w.expected[version.name] });
    await new Repository(client, entity.schema).delete(key as never, { expect: 'exist' });
    return;
  }
  const parts: ColumnFilter[] = [];
  for (const [name, cell] of Object.entries(w.expected ?? {})) {
    if (!cell) continue;
    if (parts.length === MAX_FILTER_CONDITIONS) break;
    parts.push(...unchanged(name, cell));
  }
  await client.call('deleteRow', {
    tableName: view.name,
    condition: conditionOf(RowExistenceExpectation.EXPECT_EXIST, parts) as never,
    primaryKey: rawKey(view, w.key, false).key,
  });
}
