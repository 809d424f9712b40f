/**
 * PlainBuffer's CRC-8 (polynomial 0x07; semantics spec §11.3): one table for tsorm's own PlainBuffer reader
 * (wire/plainbuffer.ts) and the emulator's codec (src/emulator/model/plainbuffer.ts), which may import runtime
 * modules while the runtime never imports the emulator.
 */
export const CRC_TABLE = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let c = i;
  for (let j = 0; j < 8; j++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
  CRC_TABLE[i] = c;
}

export function crcByte(crc: number, b: number): number {
  return CRC_TABLE[(crc ^ b) & 0xff];
}

export function crcBytes(crc: number, buf: Uint8Array, start = 0, end = buf.length): number {
  for (let i = start; i < end; i++) crc = CRC_TABLE[(crc ^ buf[i]) & 0xff];
  return crc;
}
