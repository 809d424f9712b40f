import { Column, PrimaryKey, PrimaryKeys, Table } from 'tsorm';
import { defineFunction } from 'tsorm/fc';

// The table whose stream triggers the function (the stream keeps changes 24 hours).
@Table('quickstart_orders', { stream: { expirationHours: 24 } })
export class Order {
  declare readonly [PrimaryKeys]?: 'id';
  @PrimaryKey('string') id!: string;
  @Column('string') customer!: string;
  @Column({ type: 'int64', mode: 'bigint' }) cents!: bigint;
}

@Table('quickstart_order_log')
export class OrderLog {
  declare readonly [PrimaryKeys]?: 'orderId' | 'at';
  @PrimaryKey('string') orderId!: string;
  @PrimaryKey({ type: 'int64', mode: 'bigint' }) at!: bigint; // the change's time (μs): a redelivery rewrites the same row
  @Column('string') change!: string;
  @Column({ type: 'int64', mode: 'bigint' }) cents?: bigint;
}

export const { initializer, handler } = defineFunction({
  entities: [OrderLog],
  tablestore: {
    entity: Order,
    handler: async (changes, { repo }) => {
      for (const c of changes) {
        const cents = c.type === 'put' ? c.row.cents : c.type === 'update' ? c.set.cents : undefined; // exact bigint
        await repo(OrderLog).save({ orderId: c.key.id, at: c.timestampMicros, change: c.type, cents });
      }
    },
  },
});
