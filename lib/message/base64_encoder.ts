/**
 * A streaming base64 encoder for MIME bodies (RFC 2045 §6.8): CRLF-terminated lines of 76
 * characters, so a file of any size is encoded a chunk at a time.
 *
 * @module
 */

// RFC 2045 §6.8: encoded lines are no more than 76 characters; 57 octets make 76.
const LINE_OCTETS = 57;
const LINE_CHARS = 76;
const LINE = LINE_CHARS + 2;
const CR = 13;
const LF = 10;
const ascii = new TextEncoder();

/**
 * The octets of the base64 body `octets` input octets encode to, line breaks included:
 * what {@linkcode Base64Encoder} writes in all.
 *
 * @example
 * ```ts
 * base64EncodedLength(57); // 78: one full line and its CRLF
 * ```
 */
export function base64EncodedLength(octets: number): number {
  const rest = octets % LINE_OCTETS;
  return Math.floor(octets / LINE_OCTETS) * LINE + (rest === 0 ? 0 : Math.ceil(rest / 3) * 4 + 2);
}

/**
 * Encodes base64 a chunk at a time: each call returns the whole lines it completes, the last
 * partial line waits for {@linkcode Base64Encoder.end}. Lines are encoded by the engine
 * (`Uint8Array.prototype.toBase64`) and spread into place, with no copy per octet.
 *
 * @example
 * ```ts
 * const encoder = new Base64Encoder();
 * const head = encoder.encode(new TextEncoder().encode("hello"));
 * const tail = encoder.end();
 * new TextDecoder().decode(tail); // "aGVsbG8=\r\n" (head is empty: no whole line yet)
 * ```
 */
export class Base64Encoder {
  #carry = new Uint8Array(LINE_OCTETS);
  #carried = 0;

  /** Encodes `chunk`; returns the CRLF-terminated lines it completes (maybe none). */
  encode(chunk: Uint8Array): Uint8Array {
    let at = 0;
    if (this.#carried > 0) {
      at = Math.min(chunk.length, LINE_OCTETS - this.#carried);
      this.#carry.set(chunk.subarray(0, at), this.#carried);
      this.#carried += at;
      if (this.#carried < LINE_OCTETS) return new Uint8Array(0);
    }
    const lines = Math.floor((chunk.length - at) / LINE_OCTETS);
    const carried = this.#carried === LINE_OCTETS ? 1 : 0;
    const out = new Uint8Array((lines + carried) * LINE);
    if (carried) writeLines(this.#carry, out.subarray(0, LINE));
    const whole = at + lines * LINE_OCTETS;
    writeLines(chunk.subarray(at, whole), out.subarray(carried * LINE));
    this.#carry.set(chunk.subarray(whole));
    this.#carried = chunk.length - whole;
    return out;
  }

  /** Ends the input: the last partial line, "=" padded (RFC 2045 §6.8), with its CRLF. */
  end(): Uint8Array {
    if (this.#carried === 0) return new Uint8Array(0);
    const text = this.#carry.subarray(0, this.#carried).toBase64();
    this.#carried = 0;
    return ascii.encode(`${text}\r\n`);
  }
}

/**
 * Encodes `octets` (a multiple of 57) into `out` as 78-octet lines: the engine writes the
 * base64 text at the end of `out`, then each line moves forward into place (the source never
 * falls behind the destination) and gets its CRLF.
 */
function writeLines(octets: Uint8Array, out: Uint8Array): void {
  const lines = octets.length / LINE_OCTETS;
  if (lines === 0) return;
  const start = lines * 2;
  ascii.encodeInto(octets.toBase64(), out.subarray(start));
  for (let i = 0; i < lines; i++) {
    const to = i * LINE;
    out.copyWithin(to, start + i * LINE_CHARS, start + (i + 1) * LINE_CHARS);
    out[to + LINE_CHARS] = CR;
    out[to + LINE_CHARS + 1] = LF;
  }
}
