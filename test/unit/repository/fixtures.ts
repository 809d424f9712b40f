/** Entities and helpers shared by the request-builder unit tests (no server: the builders are pure). */
import 'reflect-metadata';
import Long from 'long';
import { IsEmail, IsOptional } from 'class-validator';
import type { PrimaryKeyInput } from '../../../src/client/actions';
import { fromSdkInt64, isSdkInt64, sdk, toSdkInt64 } from '../../../src/codec/sdk-values';
import { AutoIncrement, Column, Generated, getTableSchema, Index, PrimaryKey, PrimaryKeys, Table, Version } from '../../../src/schema';

@Table('notes')
export class Note {
  declare readonly [PrimaryKeys]?: 'owner' | 'id';
  @PrimaryKey() owner!: string;
  @PrimaryKey({ type: 'int64' }) id!: number;
  @Column() title?: string;
  @Column({ type: 'int64' }) views?: number;
  @Column() @IsOptional() @IsEmail() email?: string;
}
export const notes = getTableSchema(Note);

@Index<Order>('orders_by_email', { primaryKey: ['email'] })
@Table('orders')
export class Order {
  declare readonly [PrimaryKeys]?: 'shop' | 'id';
  declare readonly [Generated]?: 'id' | 'version';
  @PrimaryKey() shop!: string;
  @PrimaryKey() @AutoIncrement() id!: Long;
  @Column() email!: string;
  @Version() version!: number;
}
export const orders = getTableSchema(Order);

const TableStore = sdk();
export const IGNORE = 0;
export const EXPECT_EXIST = 1;
export const EXPECT_NOT_EXIST = 2;

/** A write-shape SDK key as plain `[name, value]` pairs, int64 cells as bigint (readable expectations). */
export function plainKey(pk: PrimaryKeyInput): Array<[string, unknown]> {
  return pk.map((cell) => {
    const [name, v] = Object.entries(cell)[0];
    if (v === TableStore.PK_AUTO_INCR) return [name, 'PK_AUTO_INCR'];
    if (v === TableStore.INF_MIN) return [name, 'INF_MIN'];
    if (v === TableStore.INF_MAX) return [name, 'INF_MAX'];
    return [name, isSdkInt64(v) ? fromSdkInt64(v) : v];
  });
}

/** Cells (`{ name: value }`) as plain pairs, int64 as bigint. */
export function plainCells(cells: ReadonlyArray<Record<string, unknown>>): Array<Record<string, unknown>> {
  return cells.map((c) => Object.fromEntries(Object.entries(c).map(([k, v]) => [k, isSdkInt64(v) ? fromSdkInt64(v) : v])));
}

export function order(fields: Partial<Order> = {}): Order {
  return Object.assign(new Order(), { shop: 's1', email: 'a@b.example', ...fields });
}

export { Long, toSdkInt64 };
