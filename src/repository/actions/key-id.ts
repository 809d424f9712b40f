import type { PrimaryKeyInput } from '../../client/actions';
import { fromSdkInt64, isSdkInt64 } from '../../codec/sdk-values';

/**
 * A stable identity for an SDK primary key (for duplicate detection and result mapping); `undefined` when
 * the key holds the auto-increment placeholder (the service makes it a new key).
 */
export function keyId(pk: PrimaryKeyInput): string | undefined {
  const parts: string[] = [];
  for (const cell of pk) {
    const [name, v] = Object.entries(cell)[0] ?? ['', undefined];
    if (typeof v === 'string') parts.push(`${name}\u0000s${v}`);
    else if (Buffer.isBuffer(v)) parts.push(`${name}\u0000b${v.toString('hex')}`);
    else if (isSdkInt64(v)) parts.push(`${name}\u0000i${fromSdkInt64(v)}`);
    else return undefined;
  }
  return parts.join('\u0001');
}
