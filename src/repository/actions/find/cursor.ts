/**
 * Opaque page cursors for HTTP APIs: the next start key of a range read, typed and base64url-encoded, bound
 * to the table so a cursor of one table cannot be replayed on another.
 */
import type { PrimaryKeyCell, PrimaryKeyInput } from '../../../client/actions';
import { fromSdkInt64, isSdkInt64, toSdkInt64 } from '../../../codec/sdk-values';
import { InvalidCursorError } from '../../errors';

type Encoded = [name: string, kind: 's' | 'i' | 'b', value: string];

export function encodeCursor(table: string, key: PrimaryKeyCell[]): string {
  const cells: Encoded[] = key.map((c) => {
    const v = c.value;
    if (typeof v === 'string') return [c.name, 's', v];
    if (Buffer.isBuffer(v)) return [c.name, 'b', v.toString('base64')];
    if (isSdkInt64(v)) return [c.name, 'i', fromSdkInt64(v).toString()];
    throw new InvalidCursorError(`cannot encode a cursor for key column ${c.name}`);
  });
  return Buffer.from(JSON.stringify({ t: table, k: cells })).toString('base64url');
}

/** The SDK primary key a cursor stands for. */
export function decodeCursor(table: string, cursor: string): PrimaryKeyInput {
  let parsed: { t?: unknown; k?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('the cursor is not one tsorm produced');
  }
  if (parsed.t !== table || !Array.isArray(parsed.k)) throw new InvalidCursorError(`the cursor does not belong to table ${table}`);
  return (parsed.k as Encoded[]).map(([name, kind, value]) => {
    if (typeof name !== 'string' || typeof value !== 'string') throw new InvalidCursorError('the cursor is damaged');
    if (kind === 's') return { [name]: value };
    if (kind === 'b') return { [name]: Buffer.from(value, 'base64') };
    if (kind === 'i' && /^-?\d+$/.test(value)) return { [name]: toSdkInt64(BigInt(value)) };
    throw new InvalidCursorError('the cursor is damaged');
  });
}
