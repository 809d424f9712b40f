/**
 * A test-side reader of stream records (streams spec §2.5), written from the spec's layout rather than with the
 * emulator's encoder, so tests can state what a record holds: `PUT id=1 | s=x@1700000000000 n=5@…`.
 * Checks the header, the layout and the extension; checksums are pinned by the spec's vectors instead.
 */
const ACTIONS: Record<number, string> = { 1: 'PUT', 2: 'UPDATE', 3: 'DELETE' };

export interface ReadRecord {
  pk: string;
  cells: string[];
  deleteMarker: boolean;
  seq: { epoch: number; ts: bigint; rowIndex: number };
}

export function readRecord(bytes: Uint8Array): ReadRecord {
  const b = Buffer.from(bytes);
  let p = 0;
  const u8 = () => b[p++];
  const i32 = () => { const v = b.readInt32LE(p); p += 4; return v; };
  const expect = (tag: number) => { if (b[p] !== tag) throw new Error(`tag ${tag} expected at ${p}, got ${b[p]}`); p++; };
  if (i32() !== 0x75) throw new Error('no header');
  const value = (): string => {
    i32();
    const t = u8();
    if (t === 0) { const v = b.readBigInt64LE(p); p += 8; return String(v); }
    if (t === 1) { const v = b.readDoubleLE(p); p += 8; return `${v}d`; }
    if (t === 2) return u8() ? 'true' : 'false';
    const n = i32();
    const s = b.subarray(p, p + n);
    p += n;
    return t === 3 ? s.toString('utf8') : `0x${s.toString('hex')}`;
  };
  const cell = (): string => {
    expect(0x03);
    expect(0x04);
    const n = i32();
    let out = b.toString('utf8', p, p + n);
    p += n;
    if (b[p] === 0x05) { p++; out += `=${value()}`; }
    if (b[p] === 0x06) { p++; out += u8() === 0x03 ? ' del1' : ' delAll'; }
    if (b[p] === 0x07) { p++; out += `@${b.readBigInt64LE(p)}`; p += 8; }
    expect(0x0a);
    p++;
    return out;
  };
  expect(0x01);
  const pk: string[] = [];
  while (b[p] === 0x03) pk.push(cell());
  const cells: string[] = [];
  if (b[p] === 0x02) { p++; while (b[p] === 0x03) cells.push(cell()); }
  let deleteMarker = false;
  if (b[p] === 0x08) { p++; deleteMarker = true; }
  expect(0x0b);
  if (i32() !== 24) throw new Error('extension length');
  expect(0x0c);
  if (i32() !== 19) throw new Error('seq info length');
  expect(0x0d);
  const epoch = b.readUInt32LE(p); p += 4;
  expect(0x0e);
  const ts = b.readBigInt64LE(p); p += 8;
  expect(0x0f);
  const rowIndex = b.readUInt32LE(p); p += 4;
  expect(0x09);
  p++;
  if (p !== b.length) throw new Error('trailing bytes: one row per record');
  return { pk: pk.join(','), cells, deleteMarker, seq: { epoch, ts, rowIndex } };
}

/** A GetStreamRecord record as one line: `PUT id=a | s=x@…`, timestamps elided with `@` when `withTs` is off. */
export function showRecord(r: { actionType: number; record: Uint8Array }, withTs = false): string {
  const x = readRecord(r.record);
  const cells = x.cells.map((c) => (withTs ? c : c.replace(/@-?\d+$/, '')));
  return `${ACTIONS[r.actionType]} ${x.pk}${cells.length ? ` | ${cells.join(' ')}` : ''}`;
}
