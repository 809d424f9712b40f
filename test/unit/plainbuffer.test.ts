import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeRow, decodeVariant, encodeEachRow, encodePkRows, encodeRow, encodeRows } from '../../src/emulator/model/plainbuffer';
import { VT } from '../../src/emulator/model/value';
import { type Cell, type Row } from '../../src/emulator/model/row';
import { OtsError } from '../../src/emulator/errors';
import { readPlainBufferRow } from '../../src/client/wire/plainbuffer';
import { encodeMessage } from '../../src/emulator/protocol/proto';

const TableStore = require('tablestore');

/** Byte-exact vectors from the official Python SDK's encoder (shared/spec/plainbuffer_vectors.txt). */
function vectors(): Map<string, Buffer> {
  const candidates = [join(__dirname, '../../../shared/spec/plainbuffer_vectors.txt'), join(__dirname, 'fixtures/plainbuffer_vectors.txt')];
  const file = candidates.find((p) => { try { readFileSync(p); return true; } catch { return false; } });
  if (!file) throw new Error('plainbuffer_vectors.txt not found');
  const lines = readFileSync(file, 'utf8').split('\n');
  const out = new Map<string, Buffer>();
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!lines[i].startsWith(' ') && lines[i + 1].startsWith('  ')) out.set(lines[i].trim(), Buffer.from(lines[i + 1].trim(), 'hex'));
  }
  return out;
}

const V = vectors();
const s = (x: string) => ({ t: VT.STRING, v: Buffer.from(x) }) as const;
const i = (x: bigint) => ({ t: VT.INTEGER, v: x }) as const;

describe('PlainBuffer', () => {
  it('encodes a string primary key byte-exactly', () => {
    const row: Row = { pk: [{ name: 'pk', value: s('a') }], cells: [], deleteMarker: false };
    expect(encodeRow(row).toString('hex')).toBe(V.get("pk_only [('pk','a')]")!.toString('hex'));
  });

  it('encodes an auto-increment placeholder byte-exactly', () => {
    const row: Row = { pk: [{ name: 'gid', value: i(1n) }, { name: 'uid', value: { t: VT.AUTO_INCREMENT } }], cells: [], deleteMarker: false };
    expect(encodeRow(row).toString('hex')).toBe(V.get("pk_only [('gid',1),('uid',PK_AUTO_INCR)]")!.toString('hex'));
  });

  it('encodes INF_MIN / INF_MAX range boundaries byte-exactly', () => {
    expect(encodeRow({ pk: [{ name: 'pk', value: { t: VT.INF_MIN } }], cells: [], deleteMarker: false }).toString('hex')).toBe(
      V.get("range start [('pk',INF_MIN)]")!.toString('hex'),
    );
    expect(encodeRow({ pk: [{ name: 'pk', value: { t: VT.INF_MAX } }], cells: [], deleteMarker: false }).toString('hex')).toBe(
      V.get("range end [('pk',INF_MAX)]")!.toString('hex'),
    );
  });

  it('encodes a put row with timestamps, doubles, booleans and binaries byte-exactly', () => {
    const row: Row = {
      pk: [{ name: 'pk', value: i(1n) }],
      cells: [
        { name: 's', value: s('x'), ts: 1700000000000 },
        { name: 'd', value: { t: VT.DOUBLE, v: 1.5 } },
        { name: 'b', value: { t: VT.BOOLEAN, v: true } },
        { name: 'bin', value: { t: VT.BLOB, v: Buffer.from([1]) } },
      ],
      deleteMarker: false,
    };
    const key = [...V.keys()].find((k) => k.startsWith("put [('pk',1)]"))!;
    expect(encodeRow(row).toString('hex')).toBe(V.get(key)!.toString('hex'));
  });

  it('encodes update ops (PUT, DELETE one version, DELETE_ALL, INCREMENT) byte-exactly', () => {
    const row: Row = {
      pk: [{ name: 'pk', value: i(1n) }],
      cells: [
        { name: 'c', value: i(2n) },
        { name: 'd', op: 3, ts: 1700000000000 },
        { name: 'e', op: 1 },
        { name: 'n', value: i(5n), op: 4 },
      ],
      deleteMarker: false,
    };
    const key = [...V.keys()].find((k) => k.startsWith('update '))!;
    expect(encodeRow(row).toString('hex')).toBe(V.get(key)!.toString('hex'));
  });

  it('encodes a delete marker byte-exactly', () => {
    const row: Row = { pk: [{ name: 'pk', value: i(1n) }], cells: [], deleteMarker: true };
    expect(encodeRow(row).toString('hex')).toBe(V.get("delete [('pk',1)]")!.toString('hex'));
  });

  it('decodes every vector and re-encodes it to the same bytes', () => {
    for (const [name, buf] of V) {
      if (name.startsWith('filter/')) continue;
      expect(encodeRow(decodeRow(buf)).toString('hex'), name).toBe(buf.toString('hex'));
    }
  });

  it('ignores trailing padding after the row checksum', () => {
    const buf = Buffer.concat([V.get("pk_only [('pk','a')]")!, Buffer.alloc(16)]);
    expect(decodeRow(buf).pk[0].name).toBe('pk');
  });

  it('rejects a corrupted cell checksum with OTSParameterInvalid', () => {
    const buf = Buffer.from(V.get("pk_only [('pk','a')]")!);
    buf[buf.length - 3] ^= 0xff; // the cell CRC byte
    expect(() => decodeRow(buf)).toThrowError(OtsError);
    try { decodeRow(buf); } catch (e) { expect((e as OtsError).code).toBe('OTSParameterInvalid'); expect((e as OtsError).message).toMatch(/checksum/); }
  });

  it('rejects a corrupted row checksum and truncated input', () => {
    const buf = Buffer.from(V.get("pk_only [('pk','a')]")!);
    const bad = Buffer.from(buf); bad[bad.length - 1] ^= 1;
    expect(() => decodeRow(bad)).toThrow(/checksum/);
    for (let n = 0; n < buf.length - 1; n++) expect(() => decodeRow(buf.subarray(0, n))).toThrowError(OtsError);
  });

  it('decodes SQLVariant filter values', () => {
    expect(decodeVariant(V.get("filter/condition column_value 'abc' (SQLVariant, no header)")!)).toEqual(s('abc'));
    expect(decodeVariant(V.get('filter/condition column_value int 7')!)).toEqual(i(7n));
  });

  it('encodes many rows in one block, int64 extremes included, as the official SDK reads them', () => {
    const ints = [-(2n ** 63n), -1n, 0n, 2n ** 63n - 1n];
    const rows: Row[] = ints.map((n) => ({ pk: [{ name: 'k', value: i(n) }], cells: [{ name: 'v', value: i(n), ts: 5 }], deleteMarker: false }));
    // The SDK's own GetRange decoding, not ours: the block must be what the SDK expects.
    const res = TableStore.decoder.decodeGetRange(encodeMessage('GetRangeResponse', { consumed: { capacityUnit: { read: 1, write: 0 } }, rows: encodeRows(rows) }));
    expect(res.rows.map((r: any) => [r.primaryKey[0].name, String(r.primaryKey[0].value), r.attributes[0].columnName, String(r.attributes[0].columnValue), Number(r.attributes[0].timestamp)]))
      .toEqual(ints.map((n) => ['k', String(n), 'v', String(n), 5]));
  });

  it('encodes each row of a list as encodeRow does, from one allocation', () => {
    const ints = [-(2n ** 63n), -1n, 0n, 2n ** 63n - 1n];
    const rows: Row[] = ints.map((n, k) => ({ pk: [{ name: 'k', value: i(n) }], cells: k % 2 ? [{ name: 'é', value: { t: VT.STRING, v: Buffer.from('x'.repeat(k)) } }] : [], deleteMarker: false }));
    const each = encodeEachRow(rows);
    expect(each.map((b) => b.toString('hex'))).toEqual(rows.map((r) => encodeRow(r).toString('hex')));
    expect(new Set(each.map((b) => b.buffer)).size).toBe(1);
    expect(encodeEachRow([])).toEqual([]);
  });

  it('encodes primary-key-only rows as encodeRow does: INTEGER extremes, STRING, BINARY, several columns, non-ASCII names', () => {
    const pks: Cell[][] = [
      [{ name: 'k', value: i(-(2n ** 63n)) }],
      [{ name: 'k', value: i(2n ** 63n - 1n) }],
      [{ name: 'id', value: s('') }],
      [{ name: 'a', value: s('héllo'.repeat(40)) }, { name: 'b', value: { t: VT.BLOB, v: Buffer.from([0, 255, 7]) } }, { name: 'c', value: i(7n) }],
      [{ name: 'ключ', value: s('v') }, { name: '键', value: i(-1n) }],
    ];
    const each = encodePkRows(pks);
    expect(each.map((b) => b.toString('hex'))).toEqual(pks.map((pk) => encodeRow({ pk, cells: [], deleteMarker: false }).toString('hex')));
    expect(each.map((b) => decodeRow(b).pk)).toEqual(pks);
    expect(new Set(each.map((b) => b.buffer)).size).toBe(1);
    expect(encodePkRows([])).toEqual([]);
  });
});

describe("the client's PlainBuffer reader: column names reused by position", () => {
  const row = (pk: string, cols: string[]): Row => ({
    pk: [{ name: pk, value: i(1n) }],
    cells: cols.map((name) => ({ name, value: s(name) })),
    deleteMarker: false,
  });
  const names = (bytes: Buffer) => {
    const r = readPlainBufferRow(bytes);
    return [...r.primaryKey, ...r.cells].map((c) => c.name);
  };

  it('reads each row its own names when rows name different columns at the same positions', () => {
    // Same length, one byte apart; a name that is a prefix of the last; non-ASCII; sparse rows; then back.
    const rows: Array<[string, string[]]> = [
      ['id', ['ab', 'cd']],
      ['id', ['ac', 'cd']],
      ['id', ['a', 'cde']],
      ['编号', ['名字', 'cd']],
      ['id', ['cd']],
      ['ie', ['ab', 'cd', 'ef']],
      ['id', ['ab', 'cd']],
    ];
    for (const [pk, cols] of rows) expect(names(encodeRow(row(pk, cols)))).toEqual([pk, ...cols]);
  });

  it('keeps a name read earlier intact when a later row writes other bytes at its position', () => {
    const first = readPlainBufferRow(encodeRow(row('id', ['ab'])));
    readPlainBufferRow(encodeRow(row('id', ['zz'])));
    expect(first.cells[0].name).toBe('ab');
  });
});
