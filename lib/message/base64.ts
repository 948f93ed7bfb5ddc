/**
 * A streaming base64 decoder for MIME bodies (RFC 2045 §6.8), lenient as mail needs.
 *
 * @module
 */

const WHITESPACE = 64;
const PAD = 65;
const JUNK = 66;

// RFC 2045 §6.8 Table 1, plus markers for "=", line breaks and white space, and everything else.
const TABLE = (() => {
  const table = new Uint8Array(256).fill(JUNK);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let i = 0; i < 64; i++) table[alphabet.charCodeAt(i)] = i;
  for (const c of [9, 10, 13, 32]) table[c] = WHITESPACE;
  table[61] = PAD;
  return table;
})();

/**
 * Decodes base64 a chunk at a time. RFC 2045 §6.8: characters outside the alphabet are
 * ignored (counted in `junk`); "=" ends a quantum, and decoding goes on after it (messages
 * glue base64 blobs together); a last partial quantum of 2 or 3 characters is decoded as if
 * padded, a lone character is dropped (`badEnding`).
 *
 * @example
 * ```ts
 * const decoder = new Base64Decoder();
 * const bytes = [...decoder.decode(new TextEncoder().encode("aGVsbG8")), ...decoder.end()];
 * new TextDecoder().decode(new Uint8Array(bytes)); // "hello"
 * ```
 */
export class Base64Decoder {
  #quantum = 0;
  #count = 0;
  /** Octets that are neither base64 characters nor white space. */
  junk = 0;
  /** The input ended inside a quantum that could not be completed. */
  badEnding = false;
  /** The input ended without the "=" padding its last quantum needed. */
  badPadding = false;

  /** Decodes `chunk` and returns the octets it completes. */
  decode(chunk: Uint8Array): Uint8Array {
    const out = new Uint8Array(((chunk.length + 4) >> 2) * 3);
    let o = 0;
    let quantum = this.#quantum;
    let count = this.#count;
    for (let i = 0; i < chunk.length; i++) {
      const v = TABLE[chunk[i]];
      if (v < 64) {
        quantum = (quantum << 6) | v;
        if (++count === 4) {
          out[o++] = quantum >> 16;
          out[o++] = (quantum >> 8) & 255;
          out[o++] = quantum & 255;
          quantum = 0;
          count = 0;
        }
      } else if (v === PAD) {
        o = this.#flushPartial(out, o, quantum, count);
        quantum = 0;
        count = 0;
      } else if (v === JUNK) {
        this.junk++;
      }
    }
    this.#quantum = quantum;
    this.#count = count;
    return out.subarray(0, o);
  }

  /** Ends the input: decodes a partial last quantum if it can. */
  end(): Uint8Array {
    const out = new Uint8Array(3);
    if (this.#count > 0) this.badPadding = true;
    const o = this.#flushPartial(out, 0, this.#quantum, this.#count);
    this.#quantum = 0;
    this.#count = 0;
    return out.subarray(0, o);
  }

  #flushPartial(out: Uint8Array, o: number, quantum: number, count: number): number {
    if (count === 1) this.badEnding = true;
    if (count === 2) {
      out[o++] = (quantum >> 4) & 255;
    } else if (count === 3) {
      out[o++] = (quantum >> 10) & 255;
      out[o++] = (quantum >> 2) & 255;
    }
    return o;
  }
}
