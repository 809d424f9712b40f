/**
 * Page tokens (spec §6.1): opaque bytes carrying the index, a hash of the query (and collapse), the sort
 * (as the request's encoded Sort, so a later page needs none) and the last row's sort keys. A token that does not
 * decode, belongs to another index, or is used with another query is refused with OTSParameterInvalid
 * [decision: the service's wording is unknown]. Tokens never expire, as the service's don't ("token长期有效").
 */
import { createHash } from 'node:crypto';
import { OtsError } from '../errors';
import type { SortKey } from './sort';

const MAGIC = 'tsorm-search-token:';

export interface PageToken {
  v: 1;
  index: string;
  query: string;
  /** base64 of the encoded Sort message the first page used ('' = none). */
  sort: string;
  after: SortKey[];
}

export function queryHash(...parts: Array<Uint8Array | string | undefined>): string {
  const h = createHash('sha1');
  for (const p of parts) {
    h.update(p === undefined ? '\u0000' : p);
    h.update('\u0001');
  }
  return h.digest('base64');
}

export function encodeToken(t: PageToken): Buffer {
  const json = JSON.stringify(t);
  const sum = queryHash(json).slice(0, 8);
  return Buffer.from(`${MAGIC}${sum}${Buffer.from(json).toString('base64')}`, 'utf8');
}

export function decodeToken(bytes: Uint8Array, index: string, query: string): PageToken {
  const bad = (why: string) => OtsError.param(`invalid token: ${why}`);
  const s = Buffer.from(bytes).toString('utf8');
  if (!s.startsWith(MAGIC)) throw bad('not a search token');
  const sum = s.slice(MAGIC.length, MAGIC.length + 8);
  let t: PageToken;
  try {
    const json = Buffer.from(s.slice(MAGIC.length + 8), 'base64').toString('utf8');
    if (queryHash(json).slice(0, 8) !== sum) throw new Error('checksum');
    t = JSON.parse(json) as PageToken;
  } catch {
    throw bad('the token is corrupted');
  }
  if (t.v !== 1 || !Array.isArray(t.after)) throw bad('unknown token version');
  if (t.index !== index) throw bad('the token belongs to another search index');
  if (t.query !== query) throw bad('the token belongs to another query');
  return t;
}
