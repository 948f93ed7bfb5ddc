/**
 * The header fields of pasted text: a whole message, or headers alone with or without
 * the blank line, CRLF or LF, an mbox "From " line above.
 *
 * @module
 */

import { type HeaderField, parseHeaderBlock } from "../message/header.ts";

const LF = 10;
const CR = 13;

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
  return parseHeaderBlock(bytes.subarray(start, headerEnd(bytes, start)), warnings);
}

// Replacement characters, not errors: only the length of the text is trusted (see headerEnd).
const utf8 = new TextDecoder();
/** How many octets are searched as text at a time: most headers fit in one piece. */
const PIECE = 8192;

/**
 * RFC 5322 §2.1: the header ends at the first empty line (CRLF CRLF, or LF LF as stored).
 * Searched in text a piece at a time (a string's `indexOf` costs a fraction of a typed
 * array's); pieces overlap by two octets, so a blank line across two of them is found. A
 * piece that decodes to fewer characters than it has octets is not US-ASCII: from there on,
 * positions in text are not positions in octets, and the octets are searched line by line.
 */
function headerEnd(bytes: Uint8Array, start: number): number {
  for (let from = start; from < bytes.length; from += PIECE - 2) {
    const piece = bytes.subarray(from, from + PIECE);
    const text = utf8.decode(piece);
    if (text.length !== piece.length) return headerEndByLines(bytes, from);
    const lf = text.indexOf("\n\n");
    const crlf = text.indexOf("\n\r\n");
    const first = lf < 0 ? crlf : crlf < 0 ? lf : Math.min(lf, crlf);
    if (first >= 0) return from + first + 1;
    if (from + PIECE >= bytes.length) break;
  }
  return bytes.length;
}

/** {@link headerEnd} over octets: the first LF followed by LF or CRLF. */
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
