/**
 * `@Table(…, { stream })` through migrations: the spec, the generated operations (create with a stream; enable,
 * change, disable through updateTable), their effect on the emulator over HTTP (origin columns included,
 * which the Node SDK's proto cannot carry: client/stream-columns.ts), and the live spec read back.
 */
import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { Column, getTableSchema, PrimaryKey, PrimaryKeys, SchemaError, Table } from '../../src';
import { diffSchemas } from '../../src/migrations/generate/diff';
import { renderOperation } from '../../src/migrations/generate/migration-source';
import { emptySnapshot, snapshotOf } from '../../src/migrations/generate/snapshot';
import { describeSpec } from '../../src/migrations/spec/live-table';
import { compareSpecs, specFromSchema, type NormalizedTableSpec } from '../../src/migrations/spec/table-spec';
import type { Database } from '../../src/repository/database';
import { testContext } from '../support/migration-context';
import { connectDb } from '../support/orm';
import { uniqueTable } from '../support/sdk';

function context(db: Database, lines: string[]) {
  return testContext(db, { dryRun: false, log: (line) => lines.push(line) });
}

function entity(table: string, stream?: { expirationHours: number; columns?: string[] }) {
  @Table(table, stream ? { stream } : {})
  class Row {
    declare readonly [PrimaryKeys]?: 'id';
    @PrimaryKey() id!: string;
    @Column({ name: 'a_col' }) a?: string;
    @Column({ type: 'double' }) b?: number;
  }
  return Row;
}

describe('@Table stream option', () => {
  it('resolves origin columns to stored names and refuses bad settings', () => {
    const table = uniqueTable('st');
    expect(getTableSchema(entity(table, { expirationHours: 24, columns: ['a', 'b'] })).options.stream).toEqual({ expirationHours: 24, columns: ['a_col', 'b'] });
    expect(getTableSchema(entity(table)).options.stream).toBeUndefined();
    expect(() => entity(table, { expirationHours: 0 })).toThrow(SchemaError);
    expect(() => entity(table, { expirationHours: 169 })).toThrow(/stream.expirationHours must be an integer in \[1, 168\]/);
    expect(() => entity(table, { expirationHours: 1, columns: ['id'] })).toThrow(/stream.columns: 'id' is not a mapped attribute property/);
    expect(() => entity(table, { expirationHours: 1, columns: ['nope'] })).toThrow(/'nope' is not a mapped attribute property/);
  });

  it('generates, applies and reads back stream settings', async () => {
    const db = connectDb();
    const table = uniqueTable('st');
    const lines: string[] = [];
    const m = context(db, lines);
    const v1 = specFromSchema(getTableSchema(entity(table, { expirationHours: 24, columns: ['b', 'a'] })));
    expect(v1.stream).toEqual({ expirationHours: 24, columns: ['a_col', 'b'] });

    // Create: the generated operation carries the stream, and the table has it.
    const create = diffSchemas(emptySnapshot(), [v1]);
    expect(create.up).toEqual([{ op: 'createTable', spec: v1 }]);
    expect(renderOperation(create.up[0])).toContain("stream: { expirationHours: 24, columns: ['a_col', 'b'] }");
    await m.createTable(v1);
    const live1 = (await describeSpec(db.client, table)) as NormalizedTableSpec;
    expect(live1.stream).toEqual({ expirationHours: 24, columns: ['a_col', 'b'] });
    expect(compareSpecs(v1, live1)).toEqual([]);
    const details = (await db.client.call('describeTable', { tableName: table })).streamDetails!;
    expect(details).toMatchObject({ enableStream: true, expirationTime: 24 });

    // Change the retention: updateTable up/down, applied by disabling and enabling again.
    const v2 = specFromSchema(getTableSchema(entity(table, { expirationHours: 48 })));
    const change = diffSchemas(snapshotOf([v1]), [v2]);
    expect(change.up).toEqual([{ op: 'updateTable', table, changes: { stream: { expirationHours: 48, columns: [] } } }]);
    expect(change.down).toEqual([{ op: 'updateTable', table, changes: { stream: { expirationHours: 24, columns: ['a_col', 'b'] } } }]);
    await m.updateTable(table, { stream: { expirationHours: 48, columns: [] } });
    expect(lines.at(-1)).toMatch(/stream 24 h, origin columns a_col, b → 48 h \(the stream was disabled and enabled again: a new stream\)/);
    expect((await describeSpec(db.client, table))!.stream).toEqual({ expirationHours: 48, columns: [] });
    const streamId2 = (await db.client.call('describeTable', { tableName: table })).streamDetails!.streamId;

    // Origin columns alone change in place (same stream).
    await m.updateTable(table, { stream: { expirationHours: 48, columns: ['b'] } });
    const d3 = (await db.client.call('describeTable', { tableName: table })).streamDetails!;
    expect(d3.streamId).toBe(streamId2);
    expect(d3.columnsToGet).toEqual(['b']);

    // Disable: the entity drops the option.
    const v4 = specFromSchema(getTableSchema(entity(table)));
    const off = diffSchemas(snapshotOf([{ ...v2, stream: { expirationHours: 48, columns: ['b'] } }]), [v4]);
    expect(off.up).toEqual([{ op: 'updateTable', table, changes: { stream: null } }]);
    expect(renderOperation(off.up[0])).toBe(`await m.updateTable('${table}', { stream: null });`);
    await m.updateTable(table, { stream: null });
    expect((await describeSpec(db.client, table))!.stream).toBeUndefined();
    expect((await db.client.call('describeTable', { tableName: table })).streamDetails).toMatchObject({ enableStream: false });
    await m.updateTable(table, { stream: null });
    expect(lines.at(-1)).toMatch(/already set: nothing to do/);

    // A live table that differs only in its stream is a conflict for createTable.
    await expect(m.createTable(v1)).rejects.toThrow(/stream is off on the service, 24 h, origin columns a_col, b in the migration/);
    await db.client.call('deleteTable', { tableName: table });
    db.close();
  });
});
