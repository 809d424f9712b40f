// A consumer project's entity, as the README tells users to write it: every type stated, so it works with or
// without decorator metadata (tsc, esbuild, tsx). Copied into throwaway projects by consumer-matrix.test.ts.
import { Column, PrimaryKey, Table, Version } from 'tsorm';

@Table('matrix_items')
export class Item {
  @PrimaryKey('string') id!: string;
  @Column('string') name!: string;
  @Column({ mode: 'bigint' }) count!: bigint;
  @Version({ mode: 'number' }) version?: number;
}
