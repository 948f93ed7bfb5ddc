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
  #unfolded?: string;
  #value?: string;

  /**
   * A header field (RFC 5322 §2.2) as it appears in the message.
   *
   * @param name the field name as written
   * @param raw the whole field, name and line breaks included
   * @param valueStart where the value starts in `raw` (after the colon)
   */
  constructor(readonly name: string, readonly raw: Uint8Array, readonly valueStart: number) {}

  /** The value unfolded (RFC 5322 §2.2.3) and trimmed, encoded-words left as written. */
  get unfolded(): string {
    return this.#unfolded ??= fieldText(this.raw.subarray(this.valueStart))
      .replace(/\r?\n(?=[ \t])/g, "")
      .replace(/[\r\n]+$/, "")
      .trim();
  }

  /** The value unfolded with RFC 2047 encoded-words decoded: what a reader should see. */
  get value(): string {
    return this.#value ??= decodeEncodedWords(this.unfolded);
  }
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
 * Whether `line[0, end)` starts a header field: a field name (RFC 5322 §2.2: printable
 * US-ASCII but ":") then ":", allowing the white space before the colon of RFC 5322 §4.5.
 * Continuation lines (starting with white space) are not field starts.
 */
export function startsField(line: Uint8Array, end = line.length): boolean {
  let i = 0;
  while (i < end && line[i] > SP && line[i] < 127 && line[i] !== COLON) i++;
  if (i === 0) return false;
  while (i < end && (line[i] === SP || line[i] === TAB)) i++;
  return i < end && line[i] === COLON;
}

/** Whether a line is a folded continuation of the field before it (starts with WSP). */
export function isContinuation(line: Uint8Array, at = 0): boolean {
  return line[at] === SP || line[at] === TAB;
}

/**
 * Splits a header block (fields and their line breaks, no blank line) into fields. Lines
 * that neither start a field nor continue one are skipped with a warning.
 */
export function parseHeaderBlock(block: Uint8Array, warnings: string[]): HeaderField[] {
  const fields: HeaderField[] = [];
  let fieldStart = -1;
  let pos = 0;
  const close = (end: number) => {
    if (fieldStart < 0) return;
    const raw = block.subarray(fieldStart, end);
    const colon = raw.indexOf(COLON);
    fields.push(new HeaderField(latin1(raw.subarray(0, colon)).trim(), raw, colon + 1));
    fieldStart = -1;
  };
  while (pos < block.length) {
    const lf = block.indexOf(LF, pos);
    const next = lf < 0 ? block.length : lf + 1;
    const line = block.subarray(pos, next);
    if (isContinuation(line) && fieldStart >= 0) {
      pos = next;
      continue;
    }
    close(pos);
    if (startsField(line)) fieldStart = pos;
    else if (!isBlank(line)) {
      warnings.push(`header line without a field name skipped: ${preview(line)}`);
    }
    pos = next;
  }
  close(block.length);
  return fields;
}

/** The first field named `name` (case-insensitive), if any. */
export function findField(fields: readonly HeaderField[], name: string): HeaderField | undefined {
  const wanted = name.toLowerCase();
  return fields.find((field) => field.name.toLowerCase() === wanted);
}

function isBlank(line: Uint8Array): boolean {
  return line.length === 0 || line[0] === LF || (line[0] === CR && line[1] === LF);
}

function preview(line: Uint8Array): string {
  return JSON.stringify(latin1(line.subarray(0, 60)).replace(/[\r\n]+$/, ""));
}
