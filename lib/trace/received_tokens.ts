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

/**
 * Splits a Received field value into tokens and date text; never throws.
 *
 * @example
 * ```ts
 * splitReceived("from a (b [192.0.2.1]) by c; 1 Jan 2026 00:00 +0000").tokens.length; // 4
 * ```
 */
export function splitReceived(value: string): ReceivedLexemes {
  const warnings: string[] = [];
  const tokens: ReceivedToken[] = [];
  // RFC 5321 §4.4: Stamp = From-domain By-domain Opt-info [CFWS] ";" FWS date-time
  const semicolon = lastTopLevelSemicolon(value);
  const clauses = semicolon < 0 ? value : value.slice(0, semicolon);
  let pos = 0;
  while (pos < clauses.length) {
    const char = clauses[pos];
    if (char === " " || char === "\t" || char === "\r" || char === "\n") pos++;
    else if (char === "(") pos = readComment(clauses, pos, tokens, warnings);
    else pos = readWord(clauses, pos, tokens);
  }
  if (semicolon < 0) warnings.push("no ';' before a date-time");
  return { tokens, dateText: semicolon < 0 ? undefined : value.slice(semicolon + 1), warnings };
}

function lastTopLevelSemicolon(value: string): number {
  let depth = 0;
  let last = -1;
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (char === "\\") i++;
    else if (char === "(") depth++;
    else if (char === ")") depth = Math.max(0, depth - 1);
    else if (char === ";" && depth === 0) last = i;
  }
  return last;
}

/** RFC 5322 §3.2.2: comments nest and may hold quoted-pairs. Returns the position after it. */
function readComment(
  text: string,
  start: number,
  tokens: ReceivedToken[],
  warnings: string[],
): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (char === "\\") i++;
    else if (char === "(") depth++;
    else if (char === ")" && --depth === 0) {
      tokens.push({ kind: "comment", text: text.slice(start + 1, i).trim() });
      return i + 1;
    }
  }
  warnings.push("unclosed comment kept as written");
  tokens.push({ kind: "comment", text: text.slice(start + 1).trim() });
  return text.length;
}

/** A word runs to white space or "("; an angle address or a literal runs to its closing mark. */
function readWord(text: string, start: number, tokens: ReceivedToken[]): number {
  let i = start;
  while (i < text.length) {
    const char = text[i];
    if (char === " " || char === "\t" || char === "\r" || char === "\n" || char === "(") break;
    if (char === "<" || char === "[") {
      const close = text.indexOf(char === "<" ? ">" : "]", i);
      i = close < 0 ? text.length : close + 1;
    } else i++;
  }
  tokens.push({ kind: "word", text: text.slice(start, i) });
  return i;
}
