/**
 * SearchVariant values (spec §1.3) in queries, aggregations and sorts: decoding, coercion to a field's type
 * (a STRING `'900'` matches LONG 900, spec §4), comparison, and the INTEGER/DOUBLE variants responses carry.
 */
import { OtsError } from '../errors';
import { decodeVariant } from '../model/plainbuffer';
import { VT, type Value } from '../model/value';
import { parseDate } from './date-format';
import type { FieldValue, TextValue } from './document';
import { parseGeoPoint } from './geo';
import { FIELD_TYPE_NAMES, FieldType, type FieldDef } from './schema';

export type Scalar = number | string | boolean;

/** Decodes a variant; a malformed one names the request field. */
export function variant(bytes: Uint8Array | undefined | null, what: string): Value | undefined {
  if (!bytes || bytes.length === 0) return undefined;
  try {
    return decodeVariant(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch {
    throw OtsError.param(`[${what}] is not a valid variant value`);
  }
}

function plain(v: Value): Scalar | bigint {
  switch (v.t) {
    case VT.INTEGER: return v.v;
    case VT.DOUBLE: return v.v;
    case VT.BOOLEAN: return v.v;
    case VT.STRING: return v.v.toString('utf8');
    default: throw OtsError.param(`unsupported variant type ${v.t}`);
  }
}

/** A request value coerced to the type of field `f` (named `name` in errors). */
export function coerce(f: FieldDef, v: Value, name: string): Scalar {
  const p = plain(v);
  const fail = () => OtsError.param(`value [${String(p)}] can not be converted to type ${FIELD_TYPE_NAMES[f.type]} of field [${name}]`);
  switch (f.type) {
    case FieldType.LONG: {
      if (typeof p === 'bigint') return Number(p);
      if (typeof p === 'number' && Number.isFinite(p)) return p; // a DOUBLE bound on a LONG field compares numerically
      if (typeof p === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(p)) return Number(p);
      throw fail();
    }
    case FieldType.DOUBLE: {
      if (typeof p === 'bigint' || typeof p === 'number') return Number(p);
      if (typeof p === 'string' && p.trim() !== '' && Number.isFinite(Number(p))) return Number(p);
      throw fail();
    }
    case FieldType.BOOLEAN: {
      if (typeof p === 'boolean') return p;
      if (p === 'true' || p === 'false') return p === 'true';
      throw fail();
    }
    case FieldType.DATE: {
      // An integer bound is read with the field's epoch format if it has one, else as milliseconds [inferred].
      if (typeof p === 'bigint' || typeof p === 'number') {
        const epoch = (f.dateFormats ?? []).filter((x) => x.startsWith('epoch_'));
        const ms = epoch.length ? parseDate(BigInt(Math.trunc(Number(p))), epoch) : Number(p);
        if (ms === undefined) throw fail();
        return ms;
      }
      if (typeof p === 'string') {
        const ms = parseDate(p, f.dateFormats ?? []);
        if (ms === undefined) throw OtsError.param(`value [${p}] does not match the date_formats of field [${name}]`);
        return ms;
      }
      throw fail();
    }
    case FieldType.KEYWORD:
    case FieldType.TEXT:
      if (typeof p === 'string') return p;
      if (typeof p === 'bigint' || typeof p === 'number') return String(p);
      if (typeof p === 'boolean') return String(p);
      throw fail();
    case FieldType.GEO_POINT: {
      if (typeof p === 'string' && parseGeoPoint(p)) return p;
      throw fail();
    }
    default:
      throw OtsError.param(`field [${name}] of type ${FIELD_TYPE_NAMES[f.type]} can not be queried by value`);
  }
}

/** A document value as a comparable scalar (TEXT: its text). */
export function scalarOf(v: FieldValue): Scalar | undefined {
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v && typeof v === 'object' && 'text' in v) return (v as TextValue).text;
  return undefined;
}

export function compareScalars(a: Scalar, b: Scalar): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const x = String(a);
  const y = String(b);
  // KEYWORD order is byte order of the UTF-8 value; for the BMP code-unit order agrees except surrogates [inferred].
  return x < y ? -1 : x > y ? 1 : 0;
}

/** INTEGER variant (LONG, DATE ms) or DOUBLE variant: the two types responses use (spec §1.3). */
export function encodeVariant(v: number, integer: boolean): Buffer {
  const b = Buffer.alloc(9);
  if (integer) {
    b[0] = VT.INTEGER;
    b.writeBigInt64LE(BigInt(Math.trunc(v)), 1);
  } else {
    b[0] = VT.DOUBLE;
    b.writeDoubleLE(v, 1);
  }
  return b;
}

/** Whether a field's numbers are whole (LONG and DATE report INTEGER variants). */
export function isIntegral(f: FieldDef): boolean {
  return f.type === FieldType.LONG || f.type === FieldType.DATE;
}
