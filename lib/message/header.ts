/**
 * Header fields (RFC 5322 §2.2): raw octets kept as they came, names and decoded values
 * read on demand (unfolding, raw UTF-8 per RFC 6532, RFC 2047 encoded-words).
 *
 * @module
 */

import { latin1 } from "./charset.ts";
import { decodeEncodedWords } from "./encoded_word.ts";

const LF = 10;
const CR = 13;
const SP = 32;
const TAB = 9;
const COLON = 58;

const utf8 = new TextDecoder("utf-8", { fatal: true });
// RFC 5322 §2.2.3: a line break followed by WSP is a fold.
const FOLD = /\r?\n(?=[ \t])/g;

/**
 * One header field: its name, its raw octets (folding and line breaks included, exactly as in
 * the message) and its value, unfolded and decoded.
 *
 * @example
 * ```ts
 * const [subject] = parseHeaderBlock(new TextEncoder().encode("Subject: =?utf-8?q?caf=C3=A9?=\r\n"), []);
 * subject.name;  // "Subject"
 * subject.value; // "café"
 * ```
 */
export class HeaderField {
  #text?: string;
  #unfolded?: string;
  #value?: string;

  /**
   * A header field (RFC 5322 §2.2) as it appears in the message.
   *
   * @param name the field name as written
   * @param raw the whole field, name and line breaks included
   * @param valueStart where the value starts in `raw` (after the colon)
   * @param valueText the value's octets as text, when the caller decoded them already
   */
  constructor(
    readonly name: string,
    readonly raw: Uint8Array,
    readonly valueStart: number,
    valueText?: string,
  ) {
    this.#text = valueText;
  }

  /** The value unfolded (RFC 5322 §2.2.3) and trimmed, encoded-words left as written. */
  get unfolded(): string {
    return this.#unfolded ??= unfold(this.#text ?? fieldText(this.raw.subarray(this.valueStart)));
  }

  /** The value unfolded with RFC 2047 encoded-words decoded: what a reader should see. */
  get value(): string {
    return this.#value ??= decodeEncodedWords(this.unfolded);
  }
}

/**
 * RFC 5322 §2.2.3: unfolding removes each CRLF that is followed by WSP; the line break that
 * ends the field and white space around the value go with the trim.
 */
function unfold(text: string): string {
  const lf = text.indexOf("\n");
  // Most values are one line: nothing to unfold.
  if (lf < 0 || lf === text.length - 1) return text.trim();
  // No fold spans the trimmed edges (folds are white space): trimmed first, the result is
  // the string `replace` builds, not a slice of it, and reads faster.
  return text.trim().replace(FOLD, "");
}

/**
 * RFC 6532 §3.2: field values may be raw UTF-8; octets that are not valid UTF-8 are read as
 * latin1 (what 8-bit mail before RFC 6532 mostly was). US-ASCII reads the same either way,
 * and the native UTF-8 decoder reads it fastest.
 */
function fieldText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return latin1(bytes);
  }
}

/**
 * The text of a header block when it is all US-ASCII (then octet and character positions
 * agree), else `undefined`. One native decode for the whole block: valid UTF-8 that decodes
 * to as many characters as it has octets holds no multi-octet sequence.
 */
function asciiText(block: Uint8Array): string | undefined {
  let text: string;
  try {
    text = utf8.decode(block);
  } catch {
    return undefined;
  }
  return text.length === block.length ? text : undefined;
}

/**
 * Whether `line[0, end)` starts a header field: a field name (RFC 5322 §2.2: printable
 * US-ASCII but ":") then ":", allowing the white space before the colon of RFC 5322 §4.5.
 * Continuation lines (starting with white space) are not field starts.
 */
export function startsField(line: Uint8Array, end = line.length): boolean {
  return fieldNameEnd(line, 0, end) >= 0;
}

/** Whether a line is a folded continuation of the field before it (starts with WSP). */
export function isContinuation(line: Uint8Array, at = 0): boolean {
  return line[at] === SP || line[at] === TAB;
}

/**
 * Splits a header block (fields and their line breaks, no blank line) into fields. Lines
 * that neither start a field nor continue one are skipped with a warning.
 *
 * @param asciiBlock the block as text, when the caller has decoded it and found it US-ASCII
 */
export function parseHeaderBlock(
  block: Uint8Array,
  warnings: string[],
  asciiBlock?: string,
): HeaderField[] {
  const text = asciiBlock ?? asciiText(block);
  const fields: HeaderField[] = [];
  let start = -1; // where the field being read starts, if one is
  let nameEnd = -1;
  let pos = 0;
  while (pos < block.length) {
    const lf = lineEnd(block, text, pos);
    const next = lf < 0 ? block.length : lf + 1;
    if (start >= 0 && isContinuation(block, pos)) {
      pos = next;
      continue;
    }
    if (start >= 0) fields.push(headerField(block, start, nameEnd, pos, text));
    nameEnd = fieldNameEnd(block, pos, next);
    start = nameEnd < 0 ? -1 : pos;
    if (start < 0 && !isBlank(block, pos)) {
      warnings.push(`header line without a field name skipped: ${preview(block, pos, next)}`);
    }
    pos = next;
  }
  if (start >= 0) fields.push(headerField(block, start, nameEnd, block.length, text));
  return fields;
}

/**
 * The LF ending the line at `pos`, or -1. A string's `indexOf` costs a fraction of a typed
 * array's, so the block's text is searched when there is one.
 */
function lineEnd(block: Uint8Array, text: string | undefined, pos: number): number {
  return text === undefined ? block.indexOf(LF, pos) : text.indexOf("\n", pos);
}

/**
 * Where the field name ends when `bytes[start, end)` starts a header field, else -1. RFC 5322
 * §2.2: a name is printable US-ASCII but ":", then ":"; RFC 5322 §4.5 allows white space
 * before the colon.
 */
function fieldNameEnd(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end && bytes[i] > SP && bytes[i] < 127 && bytes[i] !== COLON) i++;
  if (i === start) return -1;
  const nameEnd = i;
  while (i < end && (bytes[i] === SP || bytes[i] === TAB)) i++;
  return i < end && bytes[i] === COLON ? nameEnd : -1;
}

/** The field `block[start, end)` with its name ending at `nameEnd`; `text` is the block's. */
function headerField(
  block: Uint8Array,
  start: number,
  nameEnd: number,
  end: number,
  text: string | undefined,
): HeaderField {
  const raw = block.subarray(start, end);
  // The colon follows the name, after white space if any (see fieldNameEnd).
  let colon = nameEnd;
  while (block[colon] !== COLON) colon++;
  const valueStart = colon + 1;
  // Field names are US-ASCII whichever way the block reads.
  if (text === undefined) {
    return new HeaderField(latin1(block.subarray(start, nameEnd)), raw, valueStart - start);
  }
  const name = text.slice(start, nameEnd);
  return new HeaderField(name, raw, valueStart - start, text.slice(valueStart, end));
}

/** The first field named `name` (case-insensitive), if any. */
export function findField(fields: readonly HeaderField[], name: string): HeaderField | undefined {
  const wanted = name.toLowerCase();
  return fields.find((field) => field.name.toLowerCase() === wanted);
}

/** Whether the line at `pos` is empty (LF or CRLF alone). */
function isBlank(block: Uint8Array, pos: number): boolean {
  return block[pos] === LF || (block[pos] === CR && block[pos + 1] === LF);
}

function preview(block: Uint8Array, start: number, end: number): string {
  const line = block.subarray(start, Math.min(end, start + 60));
  return JSON.stringify(latin1(line).replace(/[\r\n]+$/, ""));
}
