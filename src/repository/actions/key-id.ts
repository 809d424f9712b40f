import type { PrimaryKeyInput } from '../../client/actions';
import { fromSdkInt64, isSdkInt64 } from '../../codec/sdk-values';

/**
 * A stable identity for an SDK primary key (for duplicate detection and result mapping); `undefined` when
 * the key holds the auto-increment placeholder (the service makes it a new key).
 */
export function keyId(pk: PrimaryKeyInput): string | undefined {
  // [performance] Runs once per row of every batch: the first own key of each cell without Object.entries,
  // the parts joined as they come.
  let id: string | undefined;
  for (const cell of pk) {
    let name = '';
    let v: unknown;
    for (const k in cell) {
      name = k;
      v = (cell as Record<string, unknown>)[k];
      break;
    }
    let part: string;
    if (typeof v === 'string') part = `${name}\u0000s${v}`;
    else if (Buffer.isBuffer(v)) part = `${name}\u0000b${v.toString('hex')}`;
    else if (isSdkInt64(v)) part = `${name}\u0000i${fromSdkInt64(v)}`;
    else return undefined;
    id = id === undefined ? part : `${id}\u0001${part}`;
  }
  return id ?? '';
}
