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

/** Shorter runs are not worth a trip to the engine's decoder. */
const NATIVE_MIN = 64;
const FORM_FEED = 12;
const text = new TextDecoder();

/** What {@linkcode nativeDecode} consumed and produced. */
interface NativeResult {
  read: number;
  written: number;
}
const NOTHING: NativeResult = { read: 0, written: 0 };

/**
 * Decodes the whole quanta at the start of `chunk[from…]` with `Uint8Array.setFromBase64`
 * (ES2026) into `out` at `o`. It skips the same white space as the loop, but reads "=" only
 * at the end and throws on junk: then, or for a form feed (junk to the loop, white space to
 * the engine), or a short run, it decodes nothing and the loop does it all.
 */
function nativeDecode(chunk: Uint8Array, from: number, out: Uint8Array, o: number): NativeResult {
  if (chunk.length - from < NATIVE_MIN || chunk.indexOf(FORM_FEED, from) >= 0) return NOTHING;
  // Read as UTF-8, fastest for ASCII: an octet above 0x7f becomes a character the engine
  // rejects, so when it succeeds every character was one octet and `read` counts octets.
  const base64 = text.decode(chunk.subarray(from));
  try {
    return out.subarray(o).setFromBase64(base64, { lastChunkHandling: "stop-before-partial" });
  } catch {
    return NOTHING;
  }
}

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

  /**
   * Decodes `chunk` and returns the octets it completes: a view of `into` when that is large
   * enough (3 octets per 4 characters, plus 3), else a new array.
   */
  decode(chunk: Uint8Array, into?: Uint8Array): Uint8Array {
    const size = ((chunk.length + 4) >> 2) * 3;
    const out = into && into.length >= size ? into : new Uint8Array(size);
    // A quantum begun in the previous chunk is finished octet by octet, then the engine's
    // decoder takes the whole quanta, and the loop what it leaves.
    let at = 0;
    let o = 0;
    while (this.#count !== 0 && at < chunk.length) o = this.#loop(chunk, at, ++at, out, o);
    const native = nativeDecode(chunk, at, out, o);
    return out.subarray(
      0,
      this.#loop(chunk, at + native.read, chunk.length, out, o + native.written),
    );
  }

  /** Decodes `chunk[from, to)` octet by octet into `out` at `o`; returns the new end. */
  #loop(chunk: Uint8Array, from: number, to: number, out: Uint8Array, o: number): number {
    let quantum = this.#quantum;
    let count = this.#count;
    for (let i = from; i < to; i++) {
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
    return o;
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
