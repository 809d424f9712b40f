/**
 * Analyzers of TEXT fields (spec §3): a value becomes tokens with positions (for phrases) and offsets (for
 * highlighting). Match/MatchPhrase text is analyzed with the field's analyzer too.
 *
 * `min_word` / `max_word` use jieba-wasm (jieba-rs compiled to WASM, with its bundled dictionary; no native
 * build, no download at install): `min_word` = jieba's precise mode (no overlapping words); `max_word` = every
 * dictionary word of two or more characters found anywhere in the text (jieba's full mode, overlapping), plus
 * the single characters no such word covers. That reproduces the service's counts in the Python SDK's
 * full_text_search_test (spec §3 and the table of §11: 梨花茶 → 梨花, 花茶, so a match on 梨花茶 finds the
 * 花茶 rows; jieba's search mode gave 梨花, 茶 and found none). The service's dictionary is not published:
 * segmentation of rare words, names and new words will differ, and jieba's dictionary also holds some long
 * words the service splits (菊花茶 is kept besides 菊花 and 花茶) [inferred difference].
 */
import { createRequire } from 'node:module';
import { OtsError } from '../errors';
import type { AnalyzerParam, FieldDef } from './schema';

export interface Token {
  term: string;
  pos: number;
  start: number;
  end: number;
}

export interface Analyzer {
  tokens(text: string): Token[];
  /** The terms of `tokens(text)` alone, in order: what a document keeps. */
  terms(text: string): string[];
  /** The fuzzy analyzer matches phrases as substrings of the case-folded value (spec §3). */
  substring?: boolean;
}

/** CJK ideographs, kana and hangul: one token per character for single_word (spec §3). */
function isCjk(cp: number): boolean {
  return (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x20000 && cp <= 0x2ceaf)
    || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x3040 && cp <= 0x30ff) || (cp >= 0xac00 && cp <= 0xd7af);
}
const LETTER = /\p{L}/u;
const DIGIT = /\p{N}/u;

/** A character's class for single_word: 0 = a separator, 1 = a letter, 2 = a digit, 3 = CJK (a token alone). */
function charClass(cp: number, ch: () => string): number {
  // [performance] ASCII by code, without a one-character string and a Unicode regex test per character.
  if (cp < 0x80) return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a) ? 1 : cp >= 0x30 && cp <= 0x39 ? 2 : 0;
  if (isCjk(cp)) return 3;
  const c = ch();
  return DIGIT.test(c) ? 2 : LETTER.test(c) ? 1 : 0;
}

function singleWord(p: AnalyzerParam): Analyzer {
  const fold = !p.caseSensitive;
  /** Calls `emit(start, end)` for each token's UTF-16 span, in order. */
  const scan = (text: string, emit: (start: number, end: number) => void) => {
    let runStart = -1;
    let runKind = 0;
    for (let i = 0; i < text.length; ) {
      const cp = text.codePointAt(i)!;
      const w = cp > 0xffff ? 2 : 1;
      const cls = charClass(cp, () => text.slice(i, i + w));
      if (cls === 3) {
        if (runStart >= 0) emit(runStart, i);
        runStart = -1;
        emit(i, i + w);
      } else if (cls) {
        // "IPhone6" stays one token unless delimit_word, which splits letters from digits (spec §3).
        const kind = p.delimitWord ? cls : 1;
        if (runStart >= 0 && kind !== runKind) emit(runStart, i);
        if (runStart < 0 || kind !== runKind) {
          runStart = i;
          runKind = kind;
        }
      } else {
        if (runStart >= 0) emit(runStart, i);
        runStart = -1;
      }
      i += w;
    }
    if (runStart >= 0) emit(runStart, text.length);
  };
  const term = (text: string, start: number, end: number) => (fold ? text.slice(start, end).toLowerCase() : text.slice(start, end));
  return {
    tokens(text) {
      const out: Token[] = [];
      scan(text, (start, end) => out.push({ term: term(text, start, end), pos: out.length, start, end }));
      return out;
    },
    terms(text) {
      const out: string[] = [];
      scan(text, (start, end) => out.push(term(text, start, end)));
      // [performance] An exact-size copy: a document keeps its terms for good, and a list grown by push keeps
      // spare room (17 slots for 4 terms). The other analyzers' terms come from `.map`, exact already.
      return out.slice();
    },
  };
}

/** An analyzer whose terms are its tokens' (analyzerOf adds `terms`). */
type TokensOnly = Omit<Analyzer, 'terms'>;

function split(p: AnalyzerParam): TokensOnly {
  const delimiter = p.delimiter ?? ' ';
  const fold = !p.caseSensitive;
  return {
    tokens(text) {
      const out: Token[] = [];
      let start = 0;
      for (const piece of text.split(delimiter)) {
        if (piece) out.push({ term: fold ? piece.toLowerCase() : piece, pos: out.length, start, end: start + piece.length });
        start += piece.length + delimiter.length;
      }
      return out;
    },
  };
}

/** Only the first 1,024 characters are tokenized (spec §3). */
export const FUZZY_MAX_CHARS = 1024;

function fuzzy(p: AnalyzerParam): TokensOnly {
  const min = p.minChars ?? 1;
  const max = p.maxChars ?? 7;
  return {
    substring: true,
    tokens(text) {
      const chars = Array.from(text.slice(0, FUZZY_MAX_CHARS).toLowerCase());
      const out: Token[] = [];
      let offset = 0;
      const offsets = chars.map((c) => ((offset += c.length), offset - c.length));
      for (let i = 0; i < chars.length; i++) {
        for (let n = min; n <= max && i + n <= chars.length; n++) {
          out.push({ term: chars.slice(i, i + n).join(''), pos: i, start: offsets[i], end: offsets[i + n - 1] + chars[i + n - 1].length });
        }
      }
      return out;
    },
  };
}

type Jieba = {
  tokenize(text: string, mode: string, hmm?: boolean): Array<{ word: string; start: number; end: number }>;
  cut_all(text: string): string[];
};
let jieba: Jieba | undefined;
/**
 * Loaded on first use: instantiating the WASM module and its dictionary takes most of a second [performance].
 * jieba-wasm is an optional dependency like lmdb (only the emulator needs it), loaded through createRequire so
 * bundles of tsorm/testing leave it out.
 */
function loadJieba(): Jieba {
  if (jieba) return jieba;
  try {
    return (jieba = createRequire(__filename)('jieba-wasm') as Jieba);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
    throw new OtsError('OTSInternalServerError', "the min_word / max_word analyzers need the optional package jieba-wasm, which is not installed: run `npm install jieba-wasm`", 500);
  }
}

/** UTF-16 offsets of each code point boundary: jieba counts characters (code points); highlight needs UTF-16. */
function utf16Offsets(text: string): number[] {
  const utf16: number[] = [0];
  for (const c of text) utf16.push(utf16[utf16.length - 1] + c.length);
  return utf16;
}

const WORDLIKE = /[\p{L}\p{N}]/u;

/** `min_word`: jieba's precise mode, one segmentation without overlaps. */
function minWord(): TokensOnly {
  return {
    tokens(text) {
      const out: Token[] = [];
      const utf16 = utf16Offsets(text);
      for (const t of loadJieba().tokenize(text, 'default', true)) {
        if (!WORDLIKE.test(t.word)) continue;
        out.push({ term: t.word.toLowerCase(), pos: out.length, start: utf16[t.start], end: utf16[t.end] });
      }
      return out;
    },
  };
}

/**
 * `max_word`: the overlapping dictionary words of jieba's full mode, longer than one character, and the single
 * characters none of them covers (a run of letters or digits is one "word" to jieba, kept whole), in text order.
 */
function maxWord(): TokensOnly {
  return {
    tokens(text) {
      const utf16 = utf16Offsets(text);
      const chars = utf16.length - 1;
      // Full mode lists words by start position (in characters): each word is looked for from the previous
      // word's start, compared in place (startsWith at the UTF-16 offset), no substring per step.
      const words: Array<{ word: string; start: number; end: number }> = [];
      let from = 0;
      for (const word of loadJieba().cut_all(text)) {
        let len = 0;
        for (const _ of word) len++;
        let start = from;
        while (start + len <= chars && !text.startsWith(word, utf16[start])) start++;
        if (start + len > chars) continue; // [defensive] not found: jieba normalized it; skip rather than misplace
        words.push({ word, start, end: start + len });
        from = start;
      }
      const covered = new Uint8Array(chars);
      for (const w of words) if (w.end - w.start > 1) covered.fill(1, w.start, w.end);
      const out: Token[] = [];
      for (const w of words) {
        if (w.end - w.start === 1 && covered[w.start]) continue;
        if (!WORDLIKE.test(w.word)) continue;
        out.push({ term: w.word.toLowerCase(), pos: out.length, start: utf16[w.start], end: utf16[w.end] });
      }
      return out;
    },
  };
}

const cacheKey = new WeakMap<FieldDef, Analyzer>();

/** The analyzer of a TEXT field (default `single_word`). */
export function analyzerOf(f: FieldDef): Analyzer {
  let a = cacheKey.get(f);
  if (a) return a;
  const p = f.analyzerParam ?? {};
  let base: TokensOnly;
  switch (f.analyzer ?? 'single_word') {
    case 'split': base = split(p); break;
    case 'fuzzy': base = fuzzy(p); break;
    case 'min_word': base = minWord(); break;
    case 'max_word': base = maxWord(); break;
    default: base = singleWord(p);
  }
  a = 'terms' in base ? (base as Analyzer) : { ...base, terms: (text) => base.tokens(text).map((t) => t.term) };
  cacheKey.set(f, a);
  return a;
}
