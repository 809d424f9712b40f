import type { FieldSchema, IndexSchema, PrimaryKeySchema, TableSchema } from '../../../schema/types';

/** A schema whose primary keys are the index table's (for ranges over the index). */
export function indexSchema<T>(schema: TableSchema<T>, idx: IndexSchema): TableSchema<T> {
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
  return { ...schema, tableName: idx.name, primaryKeys, autoIncrement: undefined, byProperty, byName };
}
