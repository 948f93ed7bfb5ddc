/**
 * How `postie sendmail` reads its message from standard input: to the end of input, or, as
 * sendmail does without `-i`, up to a line holding a single ".".
 *
 * @module
 */

import { concatBytes } from "../lib/wire/bytes.ts";

const LF = 10;
const CR = 13;
const DOT = 46;

/** What the current line holds so far, as far as a lone "." line matters. */
const enum Line {
  /** Nothing yet: the line just started. */
  Empty,
  /** A single ".". */
  Dot,
  /** ".\r". */
  DotCr,
  /** Anything else: skip to its end. */
  Other,
}

/**
 * Finds the line with a single "." (LF or CRLF after it, or the end of input) that ends
 * sendmail's input, over input that comes in chunks. Lines are skipped with `indexOf`; only a
 * line's first two octets are looked at one by one.
 *
 * @example
 * ```ts
 * const end = new LoneDotLine();
 * end.push(new TextEncoder().encode("Subject: hi\n\nbye\n.\nnot read\n")); // 17
 * ```
 */
export class LoneDotLine {
  #line = Line.Empty;
  #offset = 0;
  #lineStart = 0;

  /** Scans the next chunk; returns the offset (in the whole input) of the "." line, or -1. */
  push(chunk: Uint8Array): number {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.#line === Line.Other) {
        const lf = chunk.indexOf(LF, i);
        if (lf === -1) break;
        i = this.#newLine(lf + 1);
        continue;
      }
      const byte = chunk[i++];
      if (byte === LF) {
        if (this.#line !== Line.Empty) return this.#lineStart; // ".\n" or ".\r\n"
        this.#newLine(i);
      } else if (this.#line === Line.Empty && byte === DOT) this.#line = Line.Dot;
      else if (this.#line === Line.Dot && byte === CR) this.#line = Line.DotCr;
      else this.#line = Line.Other;
    }
    this.#offset += n;
    return -1;
  }

  /** At the end of input: the offset of a last line "." without a line break, or -1. */
  end(): number {
    return this.#line === Line.Dot || this.#line === Line.DotCr ? this.#lineStart : -1;
  }

  #newLine(at: number): number {
    this.#line = Line.Empty;
    this.#lineStart = this.#offset + at;
    return at;
  }
}

/**
 * Reads the message from `input`: all of it, or with `dotEnds` up to (not including) a line
 * with a single "." — sendmail's end of input without `-i`/`-oi`. Reading stops there; the
 * rest of the input is left unread.
 *
 * @example
 * ```ts ignore
 * const message = await readSendmailInput(Deno.stdin.readable, true);
 * ```
 */
export async function readSendmailInput(
  input: ReadableStream<Uint8Array>,
  dotEnds: boolean,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const lone = new LoneDotLine();
  let length = 0;
  let end = -1;
  const reader = input.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.length;
      if (dotEnds && (end = lone.push(value)) !== -1) break;
    }
  } finally {
    reader.releaseLock();
  }
  if (dotEnds && end === -1) end = lone.end();
  const message = concatBytes(chunks);
  return end === -1 ? message : message.subarray(0, Math.min(end, length));
}
