/**
 * Type tests of typed change records and TableStore-trigger handlers (checked by `npm run typecheck`, which
 * covers test/: a wrong type or an unused @ts-expect-error fails it).
 */
import 'reflect-metadata';
import Long from 'long';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ChangeDeletion, ChangeRecord, DeleteChange, PutChange, UpdateChange } from '../../src/codec';
import { defineFunction, type TableStoreTriggerTools } from '../../src/fc';
import { Column, PrimaryKey, PrimaryKeys, Table, type KeyOf } from '../../src/schema';
import { triggerEvent } from '../../src/testing';

@Table('ct_notes')
class Note {
  declare readonly [PrimaryKeys]?: 'author' | 'id';
  @PrimaryKey() author!: string;
  @PrimaryKey() id!: bigint;
  @Column() text!: string;
  @Column() likes?: Long;
  @Column({ type: 'json' }) tags?: string[];
}

describe('ChangeRecord<T>', () => {
  it('narrows on type, with the key as KeyOf<T>', () => {
    expectTypeOf<ChangeRecord<Note>>().toEqualTypeOf<PutChange<Note> | UpdateChange<Note> | DeleteChange<Note>>();
    expectTypeOf<ChangeRecord<Note>['key']>().toEqualTypeOf<KeyOf<Note>>();
    expectTypeOf<KeyOf<Note>>().toEqualTypeOf<{ author: string; id: bigint }>();
    expectTypeOf<ChangeRecord<Note>['timestampMicros']>().toEqualTypeOf<bigint>();
    expectTypeOf<PutChange<Note>['row']>().toEqualTypeOf<Note>();
    expectTypeOf<UpdateChange<Note>['set']['likes']>().toEqualTypeOf<Long | undefined>();
    expectTypeOf<ChangeDeletion<Note>['property']>().toEqualTypeOf<'text' | 'likes' | 'tags'>();
    expectTypeOf<PutChange<Note>['versions']>().toEqualTypeOf<{ text?: number; likes?: number; tags?: number }>();
    const handle = (c: ChangeRecord<Note>): string => {
      if (c.type === 'update') {
        // @ts-expect-error a key column is never among the set columns
        void c.set.author;
        return c.deleted.map((d) => (d.versions === 'one' ? `${d.property}@${d.timestampMillis}` : d.property)).join();
      }
      // @ts-expect-error only an update has `set`
      void c.set;
      return c.type === 'put' ? c.row.text : c.key.author;
    };
    expect(typeof handle).toBe('function');
  });

  it('infers the entity of a tablestore handler', () => {
    const fn = defineFunction({
      tablestore: {
        entity: Note,
        handler: (changes, tools) => {
          expectTypeOf(changes).toEqualTypeOf<Array<ChangeRecord<Note>>>();
          expectTypeOf(tools).toEqualTypeOf<TableStoreTriggerTools>();
          return changes.length;
        },
      },
    });
    expect(typeof fn.handler).toBe('function');
  });

  it('types the records triggerEvent builds', () => {
    const event = triggerEvent(Note, [
      { type: 'put', row: { author: 'a', id: 1n, text: 't' } },
      { type: 'update', key: { author: 'a', id: 1n }, set: { likes: Long.ONE }, deleted: ['tags', { property: 'text', timestampMillis: 1 }] },
      { type: 'delete', key: { author: 'a', id: 1n } },
    ]);
    expect(Buffer.isBuffer(event)).toBe(true);
    // @ts-expect-error the key needs every primary-key property
    expect(() => triggerEvent(Note, [{ type: 'delete', key: { author: 'a' } }])).toThrow(/primary key value is missing/);
    // @ts-expect-error a key column cannot be deleted
    expect(() => triggerEvent(Note, [{ type: 'update', key: { author: 'a', id: 1n }, deleted: ['author'] }])).toThrow(/primary-key column cannot be set or removed/);
    // @ts-expect-error the id is a bigint column
    expect(() => triggerEvent(Note, [{ type: 'put', row: { author: 'a', id: 1 } }])).toThrow(/expected a bigint/);
  });
});
