/**
 * Writing header fields: `Name: value` folded at white space to 78 columns (RFC 5322 §2.2.3).
 *
 * @module
 */

// RFC 5322 §2.1.1: lines SHOULD be no more than 78 characters, and MUST be no more than 998.
const FOLD_AT = 78;
const MAX_LINE = 998;
// RFC 5322 §3.6.8: a field name is printable US-ASCII but ":".
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
// Fold points: the start of each run of white space.
const BEFORE_SPACE = /(?<![ \t])(?=[ \t])/;

/** A header field that has a line over 998 characters however it is folded. */
export class HeaderLineTooLongError extends Error {
  /** The field's name. */
  readonly field: string;

  /** Creates the error for the field named `field`. */
  constructor(field: string) {
    super(`header field ${field} has a word too long for a 998-character line (RFC 5322 §2.1.1)`);
    this.field = field;
    this.name = "HeaderLineTooLongError";
  }
}

/**
 * Whether `name` can be a header field's name (RFC 5322 §3.6.8: printable US-ASCII but ":").
 *
 * @example
 * ```ts
 * isFieldName("X-Mailer"); // true
 * isFieldName("Bad Name"); // false
 * ```
 */
export function isFieldName(name: string): boolean {
  return FIELD_NAME.test(name);
}

/**
 * `name: value` with CRLF before a run of white space wherever the line would pass 78
 * characters (unfolding restores the value exactly, RFC 5322 §2.2.3). A run of white space
 * that ends the value is never moved to a line of its own. No CRLF at the end. Throws
 * {@linkcode HeaderLineTooLongError} when a line stays over 998 characters.
 *
 * @example
 * ```ts
 * foldField("To", "a@example.test, b@example.test"); // "To: a@example.test, b@example.test"
 * ```
 */
export function foldField(name: string, value: string): string {
  const lines: string[] = [];
  let line = "";
  for (const segment of `${name}: ${value}`.split(BEFORE_SPACE)) {
    const spaceOnly = segment.trim() === "";
    if (line !== "" && !spaceOnly && line.length + segment.length > FOLD_AT) {
      lines.push(line);
      line = "";
    }
    line += segment;
  }
  lines.push(line);
  if (lines.some((l) => l.length > MAX_LINE)) throw new HeaderLineTooLongError(name);
  return lines.join("\r\n");
}
