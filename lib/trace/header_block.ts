/**
 * TraceFinding the header fields of pasted text: a whole message, or headers alone with or without
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

/** RFC 5322 §2.1: the header ends at the first empty line (CRLF CRLF, or LF LF as stored). */
function headerEnd(bytes: Uint8Array, start: number): number {
  let pos = bytes.indexOf(LF, start);
  while (pos >= 0) {
    const next = pos + 1;
    if (bytes[next] === LF) return next;
    if (bytes[next] === CR && bytes[next + 1] === LF) return next;
    pos = bytes.indexOf(LF, next);
  }
  return bytes.length;
}
