/**
 * ComputeSplits and ParallelScan (spec §10): a session pins the index's documents as they were when it was made;
 * each parallel id scans the documents whose key hash falls in its slice, in key order, paged by a token that
 * carries the last key; a session unused for longer than its alive_time expires. The error texts are the
 * observed ones (spec §9).
 */
import { randomUUID } from 'node:crypto';
import { OtsError } from '../errors';
import type { Doc } from './document';
import { hashString } from './message';
import type { SearchIndex } from './search-index';

/** One split per index (the service answers 1 on small indexes, spec §10). */
export const SPLITS_SIZE = 1;
export const SCAN_LIMITS = { defaultLimit: 100, maxLimit: 5000, defaultAliveSeconds: 60, maxAliveSeconds: 3600 };

export interface ScanSession {
  id: string;
  table: string;
  index: string;
  docs: Doc[];
  lastUsed: number;
  aliveMs: number;
}

const expired = () => new OtsError('OTSSessionExpired', "ScanQuery'session is expired, please retry ComputeSplitsRequest and ScanQuery.", 400);

export class ScanSessions {
  private readonly sessions = new Map<string, ScanSession>();

  constructor(private readonly now: () => number) {}

  private prune(): void {
    const t = this.now();
    for (const [id, s] of this.sessions) if (t - s.lastUsed > s.aliveMs) this.sessions.delete(id);
  }

  /** A new session over the index's current documents (in key order); its id is ASCII (Python decodes it as UTF-8). */
  create(table: string, index: SearchIndex): ScanSession {
    this.prune();
    const docs = [...index.docs.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const s: ScanSession = { id: randomUUID(), table, index: index.def.name, docs, lastUsed: this.now(), aliveMs: SCAN_LIMITS.defaultAliveSeconds * 1000 };
    this.sessions.set(s.id, s);
    return s;
  }

  /** The session a scan names, refreshed; OTSSessionExpired when unknown or unused for longer than alive_time. */
  use(id: string, table: string, index: string, aliveSeconds: number): ScanSession {
    const s = this.sessions.get(id);
    const t = this.now();
    if (!s || t - s.lastUsed > s.aliveMs) {
      this.sessions.delete(id);
      throw expired();
    }
    if (s.table !== table || s.index !== index) throw OtsError.param(`session [${id}] belongs to search index [${s.index}] of table [${s.table}]`);
    s.lastUsed = t;
    s.aliveMs = aliveSeconds * 1000;
    return s;
  }
}

/** Which parallel id a document belongs to: a hash of its row key. */
export function sliceOf(key: string, maxParallel: number): number {
  return hashString(key) % maxParallel;
}

export interface ScanToken {
  session: string;
  parallelId: number;
  after: string;
}

export function encodeScanToken(t: ScanToken): Buffer {
  return Buffer.from(`tsorm-scan:${Buffer.from(JSON.stringify(t)).toString('base64')}`);
}

export function decodeScanToken(bytes: Uint8Array): ScanToken {
  const s = Buffer.from(bytes).toString('utf8');
  try {
    if (!s.startsWith('tsorm-scan:')) throw new Error('prefix');
    const t = JSON.parse(Buffer.from(s.slice('tsorm-scan:'.length), 'base64').toString('utf8')) as ScanToken;
    if (typeof t.session !== 'string' || typeof t.after !== 'string' || typeof t.parallelId !== 'number') throw new Error('shape');
    return t;
  } catch {
    throw OtsError.param('invalid token of the parallel scan');
  }
}
