/**
 * Entities where the compiler emitted no decorator metadata (esbuild, tsx, Bun, vitest without SWC): the
 * decorators are applied by hand here, exactly as such compilers apply them, with no `design:type` recorded
 * (this file's own compilation emits metadata only for decorated class members, and there are none).
 */
import { describe, expect, it } from 'vitest';
import { AutoIncrement, Column, getTableSchema, PrimaryKey, SchemaError, Table, Version } from '../../src';

type Decorate = (cls: { prototype: object }) => void;

function entity(name: string, ...members: [PropertyDecorator[], string][]): { new (): object } {
  const cls = { [name]: class {} }[name];
  for (const [decorators, property] of members) for (const d of [...decorators].reverse()) d(cls.prototype, property);
  (Table('t') as Decorate)(cls);
  return cls;
}

function schemaError(define: () => unknown): SchemaError {
  try {
    define();
  } catch (e) {
    if (e instanceof SchemaError) return e;
    throw e;
  }
  throw new Error('expected a SchemaError');
}

describe('entities without decorator metadata', () => {
  it('states every column kind explicitly and gets the same schema tsc metadata would give', () => {
    const cls = entity(
      'Everything',
      [[PrimaryKey('string')], 'shop'],
      [[PrimaryKey('binary')], 'bin'],
      [[PrimaryKey({ mode: 'long' }), AutoIncrement()], 'id'],
      [[Column('string')], 'name'],
      [[Column('boolean')], 'flag'],
      [[Column('double')], 'price'],
      [[Column('binary')], 'blob'],
      [[Column('date')], 'at'],
      [[Column('json')], 'meta'],
      [[Column({ mode: 'number' })], 'n'],
      [[Column({ type: 'int64', mode: 'bigint' })], 'b'],
      [[Column({ mode: 'long' })], 'l'],
      [[Column({ mode: 'string' })], 's'],
      [[Version({ mode: 'number' })], 'version'],
    );
    const s = getTableSchema(cls);
    expect(s.primaryKeys.map((k) => [k.property, k.type, k.int64Mode ?? null, k.autoIncrement])).toEqual([
      ['shop', 'string', null, false],
      ['bin', 'binary', null, false],
      ['id', 'int64', 'long', true],
    ]);
    expect(s.columns.map((c) => [c.property, c.kind, c.type, c.int64Mode ?? null])).toEqual([
      ['name', 'column', 'string', null],
      ['flag', 'column', 'boolean', null],
      ['price', 'column', 'double', null],
      ['blob', 'column', 'binary', null],
      ['at', 'column', 'date', null],
      ['meta', 'column', 'json', null],
      ['n', 'column', 'int64', 'number'],
      ['b', 'column', 'int64', 'bigint'],
      ['l', 'column', 'int64', 'long'],
      ['s', 'column', 'int64', 'string'],
      ['version', 'version', 'int64', 'number'],
    ]);
  });

  it('a missing type names the cause (no metadata, which compilers) and the explicit form for that property', () => {
    const cases: [PropertyDecorator[], string, RegExp][] = [
      [[Column()], 'shop', /State it: @Column\('string'\) shop, or 'boolean', 'double', 'binary' \(Buffer\), 'date', 'json', or \{ mode: /],
      [[PrimaryKey()], 'id', /State it: @PrimaryKey\('string'\) id, @PrimaryKey\('binary'\) for a Buffer, or @PrimaryKey\(\{ mode: /],
      [[Column({ type: 'int64' })], 'qty', /int64 needs a mode.*State it: @Column\(\{ type: 'int64', mode: 'number' \}\) qty/],
      [[Version()], 'version', /int64 needs a mode.*State it: @Version\(\{ mode: 'number' \}\) version/],
    ];
    for (const [decorators, property, form] of cases) {
      const key: [PropertyDecorator[], string][] = property === 'id' ? [] : [[[PrimaryKey('string')], 'id']];
      const e = schemaError(() => entity('Order', ...key, [decorators, property]));
      expect(e.rule).toBe('NO_METADATA');
      expect(e.property).toBe(property);
      expect(e.message).toMatch(/the compiler emitted no decorator metadata \(design:type\)/);
      expect(e.message).toMatch(/esbuild, tsx, Bun and vitest without SWC/);
      expect(e.message).toMatch(form);
      expect(e.message.startsWith(`Order.${property}: `)).toBe(true);
    }
  });
});
