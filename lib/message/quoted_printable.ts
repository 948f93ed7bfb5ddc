/**
 * A streaming quoted-printable decoder for MIME bodies (RFC 2045 §6.7).
 *
 * @module
 */

const LF = 10;
const CR = 13;
const SP = 32;
const TAB = 9;
const EQ = 61;

// Hex digit values; -1 for anything else. Lower case is accepted as RFC 2045 §6.7 (1) advises.
const HEX = (() => {
  const table = new Int8Array(256).fill(-1);
  for (let i = 0; i < 10; i++) table[48 + i] = i;
  for (let i = 0; i < 6; i++) table[65 + i] = table[97 + i] = 10 + i;
  return table;
})();

/**
 * Decodes quoted-printable a chunk at a time: "=XX" escapes, soft line breaks ("=" at the end
 * of a line), trailing white space dropped; line breaks are kept as they came (CRLF or LF).
 * An "=" not followed by two hex digits is kept as it is (RFC 2045 §6.7, note 1) and counted
 * in `badEscapes`.
 *
 * @example
 * ```ts
 * const decoder = new QuotedPrintableDecoder();
 * const bytes = decoder.decode(new TextEncoder().encode("caf=C3=A9 =\r\nau lait\r\n"));
 * new TextDecoder().decode(bytes); // "café au lait\r\n"
 * ```
 */
export class QuotedPrintableDecoder {
  #carry: Uint8Array | null = null;
  #nextEq = -1;
  /** "=" signs kept literally because no two hex digits followed. */
  badEscapes = 0;

  /** Decodes `chunk`; an incomplete escape or trailing white space waits for the next one. */
  decode(chunk: Uint8Array): Uint8Array {
    let data = chunk;
    if (this.#carry) {
      data = new Uint8Array(this.#carry.length + chunk.length);
      data.set(this.#carry);
      data.set(chunk, this.#carry.length);
      this.#carry = null;
    }
    this.#nextEq = -1;
    const out = new Uint8Array(data.length);
    let o = 0;
    let pos = 0;
    for (let lf = data.indexOf(LF); lf >= 0; lf = data.indexOf(LF, pos)) {
      o = this.#line(data, pos, lf, out, o);
      pos = lf + 1;
    }
    // The unfinished last line: hold back what the next chunk may change (white space, "=X").
    let cut = data.length;
    while (cut > pos && isSpace(data[cut - 1])) cut--;
    if (cut > pos && data[cut - 1] === EQ) cut--;
    else if (cut - 1 > pos && data[cut - 2] === EQ) cut -= 2;
    o = this.#segment(data, pos, cut, out, o);
    if (cut < data.length) this.#carry = data.slice(cut);
    return out.subarray(0, o);
  }

  /** Ends the input: a last line without a line break is decoded as it stands. */
  end(): Uint8Array {
    const carry = this.#carry ?? new Uint8Array(0);
    this.#carry = null;
    this.#nextEq = -1;
    const out = new Uint8Array(carry.length);
    return out.subarray(0, this.#segment(carry, 0, carry.length, out, 0));
  }

  /** Decodes the line `data[start, lf]` (its LF included). */
  #line(data: Uint8Array, start: number, lf: number, out: Uint8Array, o: number): number {
    let end = lf;
    if (end > start && data[end - 1] === CR) end--;
    const eolStart = end;
    // RFC 2045 §6.7 (3): white space at the end of an encoded line is not content.
    while (end > start && (data[end - 1] === SP || data[end - 1] === TAB)) end--;
    // RFC 2045 §6.7 (5): "=" ending a line is a soft line break.
    if (end > start && data[end - 1] === EQ) return this.#segment(data, start, end - 1, out, o);
    o = this.#segment(data, start, end, out, o);
    out.set(data.subarray(eolStart, lf + 1), o);
    return o + lf + 1 - eolStart;
  }

  /** Copies `data[from, to)` into `out`, turning "=XX" into an octet. */
  #segment(data: Uint8Array, from: number, to: number, out: Uint8Array, o: number): number {
    let at = from;
    while (at < to) {
      if (this.#nextEq < at) {
        this.#nextEq = data.indexOf(EQ, at);
        if (this.#nextEq < 0) this.#nextEq = data.length;
      }
      const stop = Math.min(this.#nextEq, to);
      out.set(data.subarray(at, stop), o);
      o += stop - at;
      at = stop;
      if (at >= to) break;
      // RFC 2045 §6.7 (1): "=" and two hex digits stand for one octet.
      const high = at + 2 < to ? HEX[data[at + 1]] : -1;
      const low = at + 2 < to ? HEX[data[at + 2]] : -1;
      if (high >= 0 && low >= 0) {
        out[o++] = (high << 4) | low;
        at += 3;
      } else {
        this.badEscapes++;
        out[o++] = EQ;
        at++;
      }
    }
    return o;
  }
}

function isSpace(octet: number): boolean {
  return octet === SP || octet === TAB || octet === CR;
}
