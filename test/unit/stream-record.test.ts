/**
 * tsorm's own stream-record reader (client/wire): the streams spec's PlainBuffer vectors (§2.5) decode into the
 * lossless RawChange shape, checksums are verified, and a broken record is refused with what is wrong.
 */
import { describe, expect, it } from 'vitest';
import { decodeStreamRecord } from '../../src/client/wire/stream-ops';
import { PlainBufferError, readPlainBufferRow } from '../../src/client/wire/plainbuffer';

const hex = (s: string) => Buffer.from(s, 'hex');
const PUT =
  '7500000001030403000000706b31050b0000000306000000726f776b65790a8a02030408000000636f6c546f44656c05080000000303000000616263' +
  '070068e5cf8b0100000ae103040b000000636f6c546f44656c416c6c05020000000201070068e5cf8b0100000a1803040b000000636f6c546f557064' +
  '6174650509000000007b00000000000000070068e5cf8b0100000a5e0b180000000c130000000d000000000e7b401e18240a06000f000000000911';
const UPDATE =
  '7500000001030403000000706b31050b0000000306000000726f776b65790a8a02030408000000636f6c546f44656c0603070068e5cf8b0100000aaf' +
  '03040b000000636f6c546f44656c416c6c06010a1803040b000000636f6c546f5570646174650509000000011f85eb51b81e0940070168e5cf8b0100' +
  '000aa20b180000000c130000000d000000000eb0451e18240a06000f0000000009a6';
const DELETE =
  '7500000001030403000000706b31050b0000000306000000726f776b65790a8a080b180000000c130000000d000000000ee54a1e18240a06000f000000000933';
const T = 1700000000000n;
const key = [{ name: 'pk1', value: { type: 'STRING', value: 'rowkey' } }];

describe('stream records (streams spec §2.5)', () => {
  it('decodes the PUT vector: every written cell as Put with its version, the sequence timestamp as the change time', () => {
    expect(decodeStreamRecord(1, hex(PUT))).toEqual({
      type: 'PutRow',
      timestampMicros: 1700000000000123n,
      primaryKey: key,
      columns: [
        { op: 'Put', name: 'colToDel', value: { type: 'STRING', value: 'abc' }, timestampMillis: T },
        { op: 'Put', name: 'colToDelAll', value: { type: 'BOOLEAN', value: true }, timestampMillis: T },
        { op: 'Put', name: 'colToUpdate', value: { type: 'INTEGER', value: 123n }, timestampMillis: T },
      ],
      sequence: { epoch: 0, timestampMicros: 1700000000000123n, rowIndex: 0 },
    });
  });

  it('decodes the UPDATE vector: DeleteOneVersion with its timestamp, DeleteAllVersions with neither, a DOUBLE Put', () => {
    const r = decodeStreamRecord(2, hex(UPDATE));
    expect(r.type).toBe('UpdateRow');
    expect(r.timestampMicros).toBe(1700000000001456n);
    expect(r.columns).toEqual([
      { op: 'DeleteOneVersion', name: 'colToDel', timestampMillis: T },
      { op: 'DeleteAllVersions', name: 'colToDelAll' },
      { op: 'Put', name: 'colToUpdate', value: { type: 'DOUBLE', value: 3.14 }, timestampMillis: T + 1n },
    ]);
  });

  it('decodes the DELETE vector (with its delete marker) as a key and no columns', () => {
    expect(decodeStreamRecord(3, hex(DELETE))).toMatchObject({ type: 'DeleteRow', primaryKey: key, columns: [], timestampMicros: 1700000000002789n });
    expect(readPlainBufferRow(hex(DELETE)).deleteMarker).toBe(true);
  });

  it('refuses a flipped cell checksum, a flipped row checksum, trailing bytes and an unknown action', () => {
    const cell = hex(PUT);
    cell[cell.indexOf(0x8a)] = 0x8b; // the checksum of pk1
    expect(() => readPlainBufferRow(cell)).toThrow(/checksum mismatch in column pk1/);
    const row = hex(PUT);
    row[row.length - 1] ^= 0xff;
    expect(() => readPlainBufferRow(row)).toThrow(/row checksum mismatch/);
    expect(() => readPlainBufferRow(Buffer.concat([hex(PUT), Buffer.from([0])]))).toThrow(/1 bytes after the row/);
    expect(() => decodeStreamRecord(9, hex(PUT))).toThrow(PlainBufferError);
    expect(() => readPlainBufferRow(hex(PUT).subarray(0, 40))).toThrow(/ends inside/);
  });
});
