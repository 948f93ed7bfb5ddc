/**
 * Load mode's message template: the message dot-stuffed once and cut at each `{n}` and
 * `{uuid}`, so each of the N messages is the same literal pieces (views, never copied) with
 * its own number and UUID in between, ready for the wire.
 *
 * @module
 */

import { concatBytes } from "../lib/wire/bytes.ts";
import { DotStuffer } from "../lib/wire/dot.ts";

const OPEN_BRACE = 0x7b;
const encoder = new TextEncoder();

/** The placeholders load mode fills in: the message's number (1 to N) and a random UUID. */
export const PLACEHOLDERS = ["{n}", "{uuid}"] as const;

/** One of {@linkcode PLACEHOLDERS}. */
export type Placeholder = typeof PLACEHOLDERS[number];

const PLACEHOLDER_BYTES = PLACEHOLDERS.map((text) => encoder.encode(text));

/** Octets a filled-in placeholder takes at most: a UUID's 36, or 16 digits of a number. */
const MAX_FILLED_OCTETS: Record<Placeholder, number> = { "{n}": 16, "{uuid}": 36 };

/**
 * A message as it goes after DATA (RFC 5321 §4.5.2 dot-stuffing, CRLF line endings, the
 * end-of-data line), cut at its placeholders. Stuffing once before filling in is the same as
 * stuffing each message: neither a placeholder nor its value holds a "." or a line break.
 * {@linkcode render} gives message `n` as pieces to write in order: the literal runs are views
 * of the stuffed bytes; only the filled-in values are new. Every `{uuid}` of one message gets
 * the same UUID (the Message-ID can carry it too).
 *
 * @example
 * ```ts
 * const template = new MessageTemplate(new TextEncoder().encode("Subject: test {n}\r\n\r\nhi\r\n"));
 * template.placeholders; // 1
 * template.render(7); // ["Subject: test ", "7", "\r\n\r\nhi\r\n.\r\n"] as bytes
 * ```
 */
export class MessageTemplate {
  readonly #literals: Uint8Array[] = [];
  readonly #slots: Placeholder[] = [];
  /** The most octets one rendered message takes (for the SIZE declaration, RFC 1870). */
  readonly maxSize: number;

  /** Stuffs `message` and cuts it at every placeholder, scanning with `indexOf`. */
  constructor(message: Uint8Array) {
    const stuffer = new DotStuffer();
    const bytes = concatBytes([...stuffer.push(message), stuffer.end()]);
    let run = 0;
    for (let at = bytes.indexOf(OPEN_BRACE); at !== -1; at = bytes.indexOf(OPEN_BRACE, at)) {
      const found = PLACEHOLDER_BYTES.findIndex((p) => p.every((b, i) => bytes[at + i] === b));
      if (found === -1) {
        at++;
        continue;
      }
      this.#literals.push(bytes.subarray(run, at));
      this.#slots.push(PLACEHOLDERS[found]);
      run = at += PLACEHOLDER_BYTES[found].length;
    }
    this.#literals.push(bytes.subarray(run));
    // RFC 1870 §3: the message's own octets, without stuffing or the end-of-data line.
    this.maxSize = this.#slots.reduce(
      (sum, slot) => sum - slot.length + MAX_FILLED_OCTETS[slot],
      message.length,
    );
  }

  /** How many placeholders the message holds. */
  get placeholders(): number {
    return this.#slots.length;
  }

  /** Message `n`: the literal pieces with `n` and one fresh UUID filled in. */
  render(n: number): Uint8Array[] {
    if (this.#slots.length === 0) return this.#literals;
    const number = encoder.encode(String(n));
    let uuid: Uint8Array | undefined;
    const pieces: Uint8Array[] = [this.#literals[0]];
    for (let i = 0; i < this.#slots.length; i++) {
      const value = this.#slots[i] === "{n}"
        ? number
        : (uuid ??= encoder.encode(crypto.randomUUID()));
      pieces.push(value, this.#literals[i + 1]);
    }
    return pieces;
  }
}

/** How many placeholders `text` holds. */
export function countPlaceholders(text: string): number {
  return PLACEHOLDERS.reduce((sum, p) => sum + text.split(p).length - 1, 0);
}

/** `text` with `{n}` and `{uuid}` filled in. */
export function fillPlaceholders(text: string, n: number, uuid: string): string {
  return text.replaceAll("{n}", String(n)).replaceAll("{uuid}", uuid);
}
