/**
 * Relevance: BM25 as Lucene 8+ computes it (k1 = 1.2, b = 0.75, idf = ln(1 + (N − n + 0.5)/(n + 0.5)),
 * tf part = f / (f + k1·(1 − b + b·dl/avgdl)), times the query weight). Differences from the service [inferred]:
 * statistics are exact over the whole index (the service's are per shard and segment, and count deleted
 * documents until merges), and inside nested documents idf is taken as 1. Scores therefore rank alike but are not
 * byte-equal to the service's.
 */
import type { SearchIndex } from './search-index';

const K1 = 1.2;
const B = 0.75;

export function idf(index: SearchIndex, field: string, term: string): number {
  const posting = index.posting(field, term);
  if (!posting) return 1;
  const n = posting.size;
  const total = index.fieldStats(field).docs;
  return Math.log(1 + (total - n + 0.5) / (n + 0.5));
}

export function bm25(index: SearchIndex, field: string, term: string, tf: number, dl: number): number {
  if (tf <= 0) return 0;
  const st = index.fieldStats(field);
  const avg = st.docs ? st.length / st.docs : dl || 1;
  return idf(index, field, term) * (tf / (tf + K1 * (1 - B + (B * dl) / (avg || 1))));
}
