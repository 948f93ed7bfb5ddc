/**
 * Splitting an mbox (RFC 4155) into messages at its "From " separator lines, a chunk at a time.
 *
 * @module
 */

import { concatBytes } from "../wire/bytes.ts";
import { latin1 } from "./charset.ts";

const LF = 10;
const FROM_ = new TextEncoder().encode("From ");
/** A separator line longer than this is not waited for: it is taken as message text. */
const MAX_FROM_LINE = 4096;

/** What {@linkcode MboxSplitter} found: a separator line, or octets of the current message. */
export type MboxEvent =
  | { kind: "separator"; line: string }
  | { kind: "data"; bytes: Uint8Array };

/**
 * Splits mbox octets into separator lines and message octets. RFC 4155 §2: a message starts
 * with a line beginning "From " (the separator, not part of the message). Quoted ">From "
 * lines are left as they are (mboxo and mboxrd cannot be told apart).
 *
 * @example
 * ```ts
 * const splitter = new MboxSplitter();
 * const events = splitter.push(new TextEncoder().encode("From a@x Mon Jan  1 00:00:00 2024\nSubject: 1\n\nhi\n"));
 * events[0]; // { kind: "separator", line: "From a@x Mon Jan  1 00:00:00 2024" }
 * ```
 */
export class MboxSplitter {
  #carry: Uint8Array | undefined;
  #atLineStart = true;

  /** Splits the next octets; may hold back a few at the end until the next call. */
  push(chunk: Uint8Array): MboxEvent[] {
    let data = chunk;
    if (this.#carry) {
      data = concatBytes([this.#carry, chunk]);
      this.#carry = undefined;
    }
    return this.#split(data, false);
  }

  /** Ends the input: whatever was held back is message text. */
  end(): MboxEvent[] {
    const carry = this.#carry;
    this.#carry = undefined;
    return carry ? this.#split(carry, true) : [];
  }

  #split(data: Uint8Array, final: boolean): MboxEvent[] {
    const events: MboxEvent[] = [];
    const n = data.length;
    let emitted = 0;
    const emit = (to: number) => {
      if (to > emitted) events.push({ kind: "data", bytes: data.subarray(emitted, to) });
      emitted = to;
    };
    let line = this.#atLineStart ? 0 : nextLine(data, 0);
    while (line >= 0 && line < n) {
      const lf = data.indexOf(LF, line);
      const complete = lf >= 0 || final;
      if (!complete && n - line < MAX_FROM_LINE && couldStartFrom(data, line)) {
        emit(line);
        this.#carry = data.slice(line);
        this.#atLineStart = true;
        return events;
      }
      if (startsFrom(data, line)) {
        emit(line);
        const end = lf < 0 ? n : lf;
        const text = latin1(data.subarray(line, end)).replace(/\r$/, "");
        events.push({ kind: "separator", line: text });
        emitted = lf < 0 ? n : lf + 1;
      }
      line = lf < 0 ? -1 : lf + 1;
    }
    emit(n);
    this.#atLineStart = n === 0 ? this.#atLineStart : data[n - 1] === LF;
    return events;
  }
}

function nextLine(data: Uint8Array, from: number): number {
  const lf = data.indexOf(LF, from);
  return lf < 0 ? -1 : lf + 1;
}

function startsFrom(data: Uint8Array, at: number): boolean {
  if (data.length - at < FROM_.length) return false;
  for (let i = 0; i < FROM_.length; i++) if (data[at + i] !== FROM_[i]) return false;
  return true;
}

/** Whether `data[at…]` is "From " or a beginning of it (the rest may come later). */
function couldStartFrom(data: Uint8Array, at: number): boolean {
  for (let i = 0; i < FROM_.length && at + i < data.length; i++) {
    if (data[at + i] !== FROM_[i]) return false;
  }
  return true;
}
