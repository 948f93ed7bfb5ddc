/**
 * Case-insensitive comparison with a keyword, without a lower-case copy: a trace compares
 * every header field name and every Received word with a few keywords.
 *
 * @module
 */

/**
 * Whether `text` begins with the keyword `lower` in any case (RFC 5322 §2.2 field names and
 * RFC 5321 §4.4 clause keywords are case-insensitive). `lower` holds lower-case letters and
 * "-" only; `| 0x20` lowers a letter and leaves "-" as it is (it would match CR as well, which
 * names and words do not hold).
 *
 * @example
 * ```ts
 * startsWithKeyword("ARC-Seal", "arc-"); // true
 * ```
 */
export function startsWithKeyword(text: string, lower: string): boolean {
  if (text.length < lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    if ((text.charCodeAt(i) | 0x20) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Whether `text` is the keyword `lower` in any case (see {@link startsWithKeyword}).
 *
 * @example
 * ```ts
 * isKeyword("Received", "received"); // true
 * ```
 */
export function isKeyword(text: string, lower: string): boolean {
  return text.length === lower.length && startsWithKeyword(text, lower);
}
