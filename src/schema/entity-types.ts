/**
 * Type-level view of an entity. Legacy decorators cannot change a class's type, so the compiler cannot see which
 * properties `@PrimaryKey` marked; an entity states them once with a phantom member:
 *
 * ```ts
 * class Order {
 *   declare readonly [PrimaryKeys]?: 'shopId' | 'id';   // exactly the @PrimaryKey properties
 *   declare readonly [Generated]?: 'id';                // values the service/ORM fills in (optional on insert)
 *   @PrimaryKey() shopId!: string;
 *   @PrimaryKey() @AutoIncrement() id!: Long;
 *   …
 * }
 * ```
 *
 * `declare` members emit no JavaScript. Without the `[PrimaryKeys]` declaration, `KeyOf<T>` falls back to a
 * partial of every data property (the runtime still checks the key against the schema).
 */
// `import = require`, not a default import: the emitted .d.ts then compiles in projects without esModuleInterop
// (long's CommonJS types are `export = Long`; TS1259 otherwise). Type-only, so elided from the JavaScript.
import Long = require('long');

/** Phantom key naming the primary-key properties of an entity (see module doc). */
export const PrimaryKeys: unique symbol = Symbol('tsorm.PrimaryKeys');
/** Phantom key naming properties that are generated (auto-increment key, version) and optional on insert. */
export const Generated: unique symbol = Symbol('tsorm.Generated');

type AnyFunction = (...args: any[]) => any;

/** String-named, non-method properties of `T`: the ones a column can map. */
export type AttributeKeys<T> = {
  [K in keyof T]-?: K extends string ? (NonNullable<T[K]> extends AnyFunction ? never : K) : never;
}[keyof T];

/** The data properties of `T` (methods and phantom symbol members removed). */
export type Attributes<T> = Pick<T, AttributeKeys<T>>;

/** True when `T` declares `[PrimaryKeys]`. */
export type DeclaresKeys<T> = typeof PrimaryKeys extends keyof T ? true : false;

/** The primary-key property names declared by `T` (`never` when `T` declares none). */
export type PrimaryKeyNames<T> = typeof PrimaryKeys extends keyof T ? Extract<T[typeof PrimaryKeys], AttributeKeys<T>> : never;

/** The generated property names declared by `T` (`never` when `T` declares none). */
export type GeneratedNames<T> = typeof Generated extends keyof T ? Extract<T[typeof Generated], AttributeKeys<T>> : never;

/** The full primary key of `T`: exactly its primary-key properties, all required and non-null. */
export type KeyOf<T> =
  DeclaresKeys<T> extends true ? { [K in PrimaryKeyNames<T>]-?: NonNullable<T[K]> } : Partial<Attributes<T>>;

/** A leading part of the primary key (`find({ shopId })`); the runtime checks that no earlier key is skipped. */
export type KeyPrefix<T> = Partial<KeyOf<T>>;

/** Non-key data properties of `T`. */
export type NonKeyNames<T> = Exclude<AttributeKeys<T>, PrimaryKeyNames<T>>;

/**
 * Values to set in a partial update: any non-key property. `undefined` leaves a column untouched; `null`
 * (where the property allows it) removes the column.
 */
export type UpdateOf<T> = { [K in NonKeyNames<T>]?: T[K] };

/** Non-key properties that may be removed (declared optional or nullable). */
export type RemovableNames<T> = {
  [K in NonKeyNames<T>]-?: undefined extends T[K] ? K : null extends T[K] ? K : never;
}[NonKeyNames<T>];

/** Integer-capable values an increment delta may be given as. */
export type IncrementDelta = number | bigint | Long;

/** Non-key properties that hold integers (`number`, `bigint` or `Long`); the runtime requires an int64 column. */
export type IncrementableNames<T> = {
  [K in NonKeyNames<T>]-?: NonNullable<T[K]> extends number | bigint | Long ? K : never;
}[NonKeyNames<T>];

/** Atomic increments: property → delta (may be negative). */
export type IncrementOf<T> = { [K in IncrementableNames<T>]?: IncrementDelta };

/** The three kinds of change a partial update may carry (all optional; a column may appear in one kind only). */
export interface UpdateChanges<T> {
  set?: UpdateOf<T>;
  remove?: readonly RemovableNames<T>[];
  increment?: IncrementOf<T>;
}

/** What an insert takes: the data properties, with generated ones (`[Generated]`) optional. */
export type InsertOf<T> = Omit<Attributes<T>, GeneratedNames<T>> & Partial<Pick<Attributes<T>, GeneratedNames<T>>>;
