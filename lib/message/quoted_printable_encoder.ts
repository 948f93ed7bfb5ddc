/**
 * The quoted-printable encoder (RFC 2045 §6.7) for text bodies: octets in, octets out.
 *
 * @module
 */

// RFC 2045 §6.7 rule 5: encoded lines are at most 76 characters, a soft break "=" included.
const MAX_LINE = 76;
const LF = 10;
const CR = 13;
const SP = 32;
const TAB = 9;
const EQ = 61;
const HEX = new TextEncoder().encode("0123456789ABCDEF");

/**
 * Encodes text as quoted-printable lines joined by CRLF. Line breaks in `text` (CRLF or LF)
 * stay line breaks; printable ASCII but "=" is kept (rule 2), other octets become "=XX"
 * (rule 1), a space or tab ending a line is encoded (rule 3), and soft line breaks keep every
 * line within 76 characters (rule 5). The result ends with a line break only if `text` does.
 *
 * @example
 * ```ts
 * const encoded = encodeQuotedPrintable(new TextEncoder().encode("café = 1 \n"));
 * new TextDecoder().decode(encoded); // "caf=C3=A9 =3D 1=20\r\n"
 * ```
 */
export function encodeQuotedPrintable(text: Uint8Array): Uint8Array {
  // Each octet is at most 3 characters, and each 73 a soft break of 3 more.
  const out = new Uint8Array(text.length * 4 + 4);
  let o = 0;
  for (let start = 0; start <= text.length;) {
    const lf = text.indexOf(LF, start);
    const end = lf < 0 ? text.length : lf;
    const content = end > start && text[end - 1] === CR && lf >= 0 ? end - 1 : end;
    o = encodeLine(text.subarray(start, content), out, o);
    if (lf < 0) break;
    out[o++] = CR;
    out[o++] = LF;
    start = lf + 1;
  }
  return out.subarray(0, o);
}

/** Encodes one line (no line break) into `out` at `o`, soft-breaking it; returns the new end. */
function encodeLine(line: Uint8Array, out: Uint8Array, o: number): number {
  let column = 0;
  for (let i = 0; i < line.length; i++) {
    const octet = line[i];
    const last = i === line.length - 1;
    const literal = (octet >= 33 && octet <= 126 && octet !== EQ) ||
      ((octet === SP || octet === TAB) && !last);
    const width = literal ? 1 : 3;
    // Room for the soft break "=" unless this token ends the line.
    if (column + width > (last ? MAX_LINE : MAX_LINE - 1)) {
      out[o++] = EQ; // RFC 2045 §6.7 rule 5: a soft line break
      out[o++] = CR;
      out[o++] = LF;
      column = 0;
    }
    if (literal) out[o++] = octet;
    else {
      out[o++] = EQ;
      out[o++] = HEX[octet >> 4];
      out[o++] = HEX[octet & 15];
    }
    column += width;
  }
  return o;
}
