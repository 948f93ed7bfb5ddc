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
  /** "=" signs kept literally because no two hex digits followed. */
  badEscapes = 0;

  /**
   * Decodes `chunk`; an incomplete escape or trailing white space waits for the next one. The
   * result is a view of `into` when that is large enough (as long as what it decodes), else a
   * new array.
   */
  decode(chunk: Uint8Array, into?: Uint8Array): Uint8Array {
    let data = chunk;
    if (this.#carry) {
      data = new Uint8Array(this.#carry.length + chunk.length);
      data.set(this.#carry);
      data.set(chunk, this.#carry.length);
      this.#carry = null;
    }
    return this.#run(data, false, into);
  }

  /** Ends the input: a last line without a line break is decoded as it stands. */
  end(): Uint8Array {
    const carry = this.#carry ?? new Uint8Array(0);
    this.#carry = null;
    return this.#run(carry, true);
  }

  /**
   * One pass over `data`, octet by octet (a typed array's `indexOf` per line or escape costs
   * more than the scan). What the rest of the input may still change is carried, unless
   * `final`.
   */
  #run(data: Uint8Array, final: boolean, into?: Uint8Array): Uint8Array {
    const n = data.length;
    const out = into && into.length >= n ? into : new Uint8Array(n);
    let o = 0;
    let i = 0;
    while (i < n) {
      const octet = data[i];
      if (octet !== EQ && octet !== SP && octet !== TAB) {
        out[o++] = octet;
        i++;
        continue;
      }
      // RFC 2045 §6.7 (1): "=" and two hex digits stand for one octet.
      if (octet === EQ && i + 2 < n && HEX[data[i + 1]] >= 0 && HEX[data[i + 2]] >= 0) {
        out[o++] = (HEX[data[i + 1]] << 4) | HEX[data[i + 2]];
        i += 3;
        continue;
      }
      const spaceEnd = skipSpace(data, octet === EQ ? i + 1 : i);
      const eol = lineBreakLength(data, spaceEnd, final);
      const undecided = eol < 0 || (octet === EQ && eol === 0 && i + 2 >= n && !final);
      if (undecided) break;
      if (octet === EQ && eol > 0) {
        i = spaceEnd + eol; // RFC 2045 §6.7 (5): "=" ending a line is a soft line break.
      } else if (octet === EQ) {
        this.badEscapes++;
        out[o++] = EQ;
        i++;
      } else if (eol > 0) {
        i = spaceEnd; // RFC 2045 §6.7 (3): white space at the end of a line is not content.
      } else {
        while (i < spaceEnd) out[o++] = data[i++];
      }
    }
    if (i < n) this.#carry = data.slice(i);
    return out.subarray(0, o);
  }
}

/** Index of the first octet at or after `from` that is not SP or TAB. */
function skipSpace(data: Uint8Array, from: number): number {
  let i = from;
  while (i < data.length && (data[i] === SP || data[i] === TAB)) i++;
  return i;
}

/**
 * Length of the line break (CRLF or LF) at `at`: 0 for none, -1 when the data ends before it
 * can tell (and it is not `final`).
 */
function lineBreakLength(data: Uint8Array, at: number, final: boolean): number {
  const undecided = final ? 0 : -1;
  if (at >= data.length) return undecided;
  if (data[at] === LF) return 1;
  if (data[at] !== CR) return 0;
  if (at + 1 >= data.length) return undecided;
  return data[at + 1] === LF ? 2 : 0;
}
