/**
 * The header fields of pasted text: a whole message, or headers alone with or without
 * the blank line, CRLF or LF, an mbox "From " line above.
 *
 * @module
 */

import { type HeaderField, parseHeaderBlock } from "../message/header.ts";

const LF = 10;
const CR = 13;
// Replacement characters, not errors: the text is trusted only when it is as long as the octets.
const utf8 = new TextDecoder();
/** How many octets are searched as text: most headers end within them. */
const PIECE = 16384;

/**
 * The header fields of `bytes`: everything up to the first blank line, or all of it when there
 * is none. Lines that are no field are skipped with a warning in `warnings`.
 *
 * @example
 * ```ts
 * const fields = readHeaderFields(new TextEncoder().encode("Subject: hi\nTo: a@b.test"), []);
 * fields.length; // 2
 * ```
 */
export function readHeaderFields(bytes: Uint8Array, warnings: string[]): HeaderField[] {
  let start = 0;
  // Leading blank lines of pasted text are not the end of the header.
  while (start < bytes.length && (bytes[start] === LF || bytes[start] === CR)) start++;
  const piece = bytes.subarray(start, start + PIECE);
  const text = utf8.decode(piece);
  // As many characters as octets: one character per octet, positions in both agree.
  const aligned = text.length === piece.length;
  const end = aligned ? blankLineEnd(text) : -1;
  // No blank line in a piece that holds all the rest: all of it is the header.
  const whole = aligned && start + piece.length === bytes.length;
  const length = end >= 0 ? end : whole ? piece.length : -1;
  if (length < 0) {
    return parseHeaderBlock(bytes.subarray(start, headerEndByLines(bytes, start)), warnings);
  }
  // Without replacement characters, one character per octet means US-ASCII.
  const ascii = text.lastIndexOf("\uFFFD", length - 1) < 0;
  const block = bytes.subarray(start, start + length);
  return parseHeaderBlock(block, warnings, ascii ? text.slice(0, length) : undefined);
}

/**
 * RFC 5322 §2.1: the header ends at the first empty line (CRLF CRLF, or LF LF as stored):
 * where it ends in `text` (after the first of its LFs), or -1. A string's `indexOf` costs a
 * fraction of a typed array's.
 */
function blankLineEnd(text: string): number {
  const lf = text.indexOf("\n\n");
  const crlf = text.indexOf("\n\r\n");
  const first = lf < 0 ? crlf : crlf < 0 ? lf : Math.min(lf, crlf);
  return first < 0 ? -1 : first + 1;
}

/** RFC 5322 §2.1 over octets, line by line: after the first LF followed by LF or CRLF. */
function headerEndByLines(bytes: Uint8Array, start: number): number {
  let pos = bytes.indexOf(LF, start);
  while (pos >= 0) {
    const next = pos + 1;
    if (bytes[next] === LF) return next;
    if (bytes[next] === CR && bytes[next + 1] === LF) return next;
    pos = bytes.indexOf(LF, next);
  }
  return bytes.length;
}
