/**
 * The `value *(";" attribute "=" value)` syntax shared by Content-Type and
 * Content-Disposition (RFC 2045 §5.1, RFC 2183 §2), tokenised leniently.
 *
 * @module
 */

/** One `attribute=value` as written: the name lower-cased (with any RFC 2231 `*n*` suffix). */
export interface RawParameter {
  /** Attribute name, lower case, e.g. `filename*0*`. */
  name: string;
  /** The value, unquoted (quoted-pair escapes removed). */
  value: string;
}

/** A header value split into its main value and its parameters. */
export interface ParameterizedValue {
  /** The part before the first ";", comments removed, trimmed. */
  value: string;
  /** Parameters in order of appearance. */
  params: RawParameter[];
}

/**
 * Splits `text/plain; charset="utf-8"; format=flowed` into its value and parameters.
 * Quoted strings may hold ";"; an unquoted value runs to the next ";" (real mail has
 * unquoted file names with spaces); a parameter without "=" is skipped.
 *
 * @example
 * ```ts
 * splitParameters('attachment; filename="a;b.txt"');
 * // { value: "attachment", params: [{ name: "filename", value: "a;b.txt" }] }
 * ```
 */
export function splitParameters(text: string): ParameterizedValue {
  const firstSemicolon = indexOutsideQuotes(text, 0);
  const value = stripComments(text.slice(0, firstSemicolon)).trim();
  const params: RawParameter[] = [];
  let at = firstSemicolon + 1;
  while (at < text.length) {
    const eq = text.indexOf("=", at);
    const semicolon = indexOutsideQuotes(text, at);
    if (eq < 0 || semicolon < eq) {
      at = semicolon + 1;
      continue;
    }
    const name = stripComments(text.slice(at, eq)).trim().toLowerCase();
    const [raw, next] = readValue(text, eq + 1);
    if (name !== "") params.push({ name, value: raw });
    at = next + 1;
  }
  return { value, params };
}

/** Reads a quoted string or a bare value from `at`; returns it and the index of the next ";". */
function readValue(text: string, at: number): [string, number] {
  while (text[at] === " " || text[at] === "\t") at++;
  if (text[at] !== '"') {
    const end = indexOutsideQuotes(text, at);
    return [text.slice(at, end).trim(), end];
  }
  // RFC 5322 §3.2.4: quoted-string, with quoted-pair (backslash) escapes.
  let value = "";
  let i = at + 1;
  for (; i < text.length && text[i] !== '"'; i++) {
    if (text[i] === "\\" && i + 1 < text.length) i++;
    value += text[i];
  }
  return [value, indexOutsideQuotes(text, i + 1)];
}

/** The index of the next ";" at or after `from` outside quoted strings, or the text's length. */
function indexOutsideQuotes(text: string, from: number): number {
  let quoted = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === "\\") i++;
    else if (c === '"') quoted = !quoted;
    else if (c === ";" && !quoted) return i;
  }
  return text.length;
}

/** Removes RFC 5322 §3.2.2 comments: parenthesised, nestable. */
function stripComments(text: string): string {
  if (!text.includes("(")) return text;
  let out = "";
  let depth = 0;
  for (const c of text) {
    if (c === "(") depth++;
    else if (c === ")" && depth > 0) depth--;
    else if (depth === 0) out += c;
  }
  return out;
}
