/** Entity-side rules every action shares: the instance that is validated and written, its key and version. */
import { int64ToProperty } from '../../codec/value';
import type { KeyOf } from '../../schema/entity-types';
import type { TableSchema } from '../../schema/types';
import { RepositoryUsageError } from '../errors';

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object';
}

function isAbsent(v: unknown): v is null | undefined {
  return v === undefined || v === null;
}

/** An entity instance for `input` (itself when it already is one), so class-validator sees its metadata. */
export function entityOf<T extends object>(schema: TableSchema<T>, input: object): T {
  if (input instanceof (schema.entity as unknown as abstract new () => T)) return input as T;
  return Object.assign(Object.create(schema.entity.prototype as object), input) as T;
}

/** A new row's `@Version` starts at 1 unless the entity already carries one (sets it on `entity`). */
export function startVersion<T>(schema: TableSchema<T>, entity: T): void {
  const version = schema.version;
  const e = entity as Record<string, unknown>;
  if (version && isAbsent(e[version.property])) e[version.property] = int64ToProperty(schema, version, 1n);
}

/** The `@Version` value `obj` carries (`undefined` without a version column). */
export function versionOf(schema: TableSchema, obj: object): unknown {
  const v = schema.version;
  return v ? (obj as Record<string, unknown>)[v.property] : undefined;
}

/** True when `obj` carries a version that a write must check. */
export function carriesVersion(schema: TableSchema, current: unknown): boolean {
  return !!schema.version && !isAbsent(current);
}

/** The primary-key properties of `obj`. */
export function keyOf<T>(schema: TableSchema<T>, obj: object): KeyOf<T> {
  const key: Record<string, unknown> = {};
  for (const pk of schema.primaryKeys) key[pk.property] = (obj as Record<string, unknown>)[pk.property];
  return key as KeyOf<T>;
}

/** `insert()` generates the auto-increment key: an entity that already holds one is a misuse. */
export function refuseGivenAutoIncrement(schema: TableSchema, entity: object): void {
  const auto = schema.autoIncrement;
  if (auto && !isAbsent((entity as Record<string, unknown>)[auto.property])) {
    throw new RepositoryUsageError(
      'GENERATED_KEY',
      schema.entityName,
      auto.property,
      'insert() generates the auto-increment key: leave it unset (save() overwrites an existing row)',
    );
  }
}

/** Whether the auto-increment key of `entity` is left for the service to generate. */
export function generatesKey(schema: TableSchema, entity: object): boolean {
  const auto = schema.autoIncrement;
  return !!auto && isAbsent((entity as Record<string, unknown>)[auto.property]);
}
