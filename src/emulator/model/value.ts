/**
 * A cell value as TableStore types it (spec §2.2): the PlainBuffer type byte (`VT`) and its payload. STRING
 * payloads stay raw UTF-8 bytes: primary-key order is byte-wise on UTF-8, and keeping bytes avoids a
 * decode/encode round trip on every read.
 */

export const enum VT {
  INTEGER = 0x00,
  DOUBLE = 0x01,
  BOOLEAN = 0x02,
  STRING = 0x03,
  NULL = 0x06,
  BLOB = 0x07,
  INF_MIN = 0x09,
  INF_MAX = 0x0a,
  AUTO_INCREMENT = 0x0b,
}

export type Value =
  | { t: VT.INTEGER; v: bigint }
  | { t: VT.DOUBLE; v: number }
  | { t: VT.BOOLEAN; v: boolean }
  | { t: VT.STRING; v: Buffer }
  | { t: VT.BLOB; v: Buffer }
  | { t: VT.INF_MIN }
  | { t: VT.INF_MAX }
  | { t: VT.AUTO_INCREMENT }
  | { t: VT.NULL };

export const VT_NAMES: Record<number, string> = {
  0: 'VT_INTEGER',
  1: 'VT_DOUBLE',
  2: 'VT_BOOLEAN',
  3: 'VT_STRING',
  6: 'VT_NULL',
  7: 'VT_BLOB',
  9: 'VT_INF_MIN',
  10: 'VT_INF_MAX',
  11: 'VT_AUTO_INCREMENT',
};

/** A value's type as the service names it in messages (`VT_STRING`), or its type byte in hex. */
export function valueLabel(v: Value): string {
  return VT_NAMES[v.t] ?? `0x${(v.t as number).toString(16)}`;
}

/** Bytes a value occupies for size limits and capacity units (spec §12: names and values, no timestamps). */
export function valueDataSize(v: Value | undefined): number {
  if (!v) return 0;
  switch (v.t) {
    case VT.INTEGER:
    case VT.DOUBLE:
      return 8;
    case VT.BOOLEAN:
      return 1;
    case VT.STRING:
    case VT.BLOB:
      return v.v.length;
    default:
      return 0;
  }
}
