import type { FieldSchema, IndexSchema, PrimaryKeySchema, TableSchema } from '../../../schema/types';

/**
 * Index schemas already built, per entity schema and index name. [performance] Schemas are frozen once built
 * (schema/build.ts), so an index's is the same every time: `repo.index(name)` is called per request, and
 * rebuilding copied the entity's whole field maps each time.
 */
const built = new WeakMap<TableSchema, Map<string, TableSchema>>();

/** A schema whose primary keys are the index table's (for ranges over the index). */
export function indexSchema<T>(schema: TableSchema<T>, idx: IndexSchema): TableSchema<T> {
  let byIndex = built.get(schema);
  if (!byIndex) built.set(schema, (byIndex = new Map()));
  let out = byIndex.get(idx.name);
  if (!out) byIndex.set(idx.name, (out = buildIndexSchema(schema, idx)));
  return out as TableSchema<T>;
}

function buildIndexSchema<T>(schema: TableSchema<T>, idx: IndexSchema): TableSchema<T> {
  const primaryKeys = idx.fullPrimaryKey.map((name, pkIndex) => {
    const field = schema.byName[name];
    return { ...field, kind: 'primaryKey', autoIncrement: false, pkIndex } as PrimaryKeySchema;
  });
  const byProperty: Record<string, FieldSchema> = Object.assign(Object.create(null), schema.byProperty);
  const byName: Record<string, FieldSchema> = Object.assign(Object.create(null), schema.byName);
  for (const pk of primaryKeys) {
    byProperty[pk.property] = pk;
    byName[pk.name] = pk;
  }
  return Object.freeze({ ...schema, tableName: idx.name, primaryKeys, autoIncrement: undefined, byProperty, byName });
}
