/**
 * The lexical layer of a Received field value (RFC 5321 §4.4 Stamp): words, comments (RFC 5322
 * §3.2.2 CFWS, nested) and the semicolon before the date-time.
 *
 * @module
 */

/** A word or a comment of a Received field's clauses. */
export interface ReceivedToken {
  /** `word`: an atom, domain, literal or angle address; `comment`: a parenthesised comment. */
  kind: "word" | "comment";
  /** The text; for a comment, what is inside the outer parentheses. */
  text: string;
}

/** A Received value split into its clause tokens and the text of its date-time. */
export interface ReceivedLexemes {
  /** The tokens before the last top-level semicolon. */
  tokens: ReceivedToken[];
  /** The text after the last top-level semicolon; `undefined` when there is none. */
  dateText?: string;
  /** Lexical problems, one line each. */
  warnings: string[];
}

const TAB = 9;
const LF = 10;
const CR = 13;
const SP = 32;
const OPEN = 40; // "("
const CLOSE = 41; // ")"
const SEMICOLON = 59;
const LT = 60; // "<"
const LBRACKET = 91; // "["
const BACKSLASH = 92;

// What each US-ASCII code is to the word scanner (one table look-up per character).
const TEXT = 0;
const SPACE = 1; // ends a word, skipped between tokens
const PAREN = 2; // "(": ends a word, opens a comment
const SEMI = 3;
const BRACKET = 4; // "<" or "[": runs to its closing mark
const KINDS = new Uint8Array(128);
for (const code of [SP, TAB, CR, LF]) KINDS[code] = SPACE;
KINDS[OPEN] = PAREN;
KINDS[SEMICOLON] = SEMI;
KINDS[LT] = BRACKET;
KINDS[LBRACKET] = BRACKET;

/**
 * Splits a Received field value into tokens and date text in one pass; never throws.
 *
 * @example
 * ```ts
 * splitReceived("from a (b [192.0.2.1]) by c; 1 Jan 2026 00:00 +0000").tokens.length; // 4
 * ```
 */
export function splitReceived(value: string): ReceivedLexemes {
  const warnings: string[] = [];
  const tokens: ReceivedToken[] = [];
  const escapes = value.includes("\\");
  const last = value.lastIndexOf(";");
  // RFC 5321 §4.4: Stamp = From-domain By-domain Opt-info [CFWS] ";" FWS date-time: the
  // date-time follows the last ";" outside comments, and only the tokens before it count.
  let semicolon = -1;
  let kept = 0;
  let cut = -1; // where the kept word that held that ";" starts, when a word did
  let pos = 0;
  while (pos < value.length) {
    const code = value.charCodeAt(pos);
    const kind = code < 128 ? KINDS[code] : TEXT;
    if (kind === SPACE) pos++;
    else if (kind === PAREN) {
      // RFC 5322 §3.2.2: comments nest and may hold quoted-pairs.
      const close = commentEnd(value, pos, escapes);
      const end = close < 0 ? value.length : close;
      tokens.push({ kind: "comment", text: value.slice(pos + 1, end).trim() });
      // One left open after the last ";" is part of the date-time, which has its own reader.
      if (close < 0 && semicolon < 0) warnings.push("unclosed comment kept as written");
      pos = end + 1;
    } else {
      const end = wordEnd(value, pos);
      const inner = wordSemicolon;
      tokens.push({ kind: "word", text: value.slice(pos, end) });
      // The word's last ";" may be the last one: what precedes it in the word is kept.
      if (inner >= pos) {
        semicolon = inner;
        kept = inner > pos ? tokens.length : tokens.length - 1;
        cut = inner > pos ? pos : -1;
        // No ";" after this one: the rest is the date-time, and its tokens would be dropped.
        if (inner === last) break;
      }
      pos = end;
    }
  }
  if (semicolon < 0) {
    warnings.push("no ';' before a date-time");
    return { tokens, warnings };
  }
  tokens.length = kept;
  if (cut >= 0) tokens[kept - 1].text = value.slice(cut, semicolon);
  return { tokens, dateText: value.slice(semicolon + 1), warnings };
}

/** The position of the last ";" in the word {@link wordEnd} read last (-1 when none). */
let wordSemicolon = -1;

/**
 * A word runs to white space or "("; "<…>" and "[…]" run to their closing mark (or the end).
 * Returns where it ends, and leaves its last ";" in `wordSemicolon` (no tuple per word).
 */
function wordEnd(text: string, start: number): number {
  let inner = -1;
  let i = start;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    const kind = code < 128 ? KINDS[code] : TEXT;
    if (kind === TEXT) i++;
    else if (kind === SPACE || kind === PAREN) break;
    else if (kind === SEMI) inner = i++;
    else {
      const close = text.indexOf(code === LT ? ">" : "]", i);
      const stop = close < 0 ? text.length : close + 1;
      for (let j = i + 1; j < stop; j++) if (text.charCodeAt(j) === SEMICOLON) inner = j;
      i = stop;
    }
  }
  wordSemicolon = inner;
  return i;
}

/** The ")" that closes the comment opened at `start`, or -1. */
function commentEnd(text: string, start: number, escapes: boolean): number {
  const close = text.indexOf(")", start + 1);
  const open = text.indexOf("(", start + 1);
  // Most comments hold no comment and (as the whole value) no quoted-pair.
  if (!escapes && close >= 0 && (open < 0 || open > close)) return close;
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === BACKSLASH) i++;
    else if (code === OPEN) depth++;
    else if (code === CLOSE && --depth === 0) return i;
  }
  return -1;
}
