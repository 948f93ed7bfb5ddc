/**
 * The quoted-printable encoder (RFC 2045 §6.7) for the text `postie send` composes.
 *
 * @module
 */

// RFC 2045 §6.7 rule 5: encoded lines are at most 76 characters, a soft break "=" included.
const MAX_LINE = 76;
const HEX = "0123456789ABCDEF";

/**
 * Encodes text lines (already split, without line endings) as quoted-printable lines joined by
 * CRLF: printable ASCII but "=" kept (rule 2), "=XX" for other octets (rule 1), trailing space
 * or tab encoded (rule 3), and soft line breaks keeping each line within 76 characters.
 *
 * @example
 * ```ts
 * import { encodeQuotedPrintable } from "./send_quoted_printable.ts";
 * encodeQuotedPrintable(["café = 1 "]); // "caf=C3=A9 =3D 1=20"
 * ```
 */
export function encodeQuotedPrintable(lines: string[]): string {
  const encoder = new TextEncoder();
  return lines.map((line) => encodeLine(encoder.encode(line))).join("\r\n");
}

function encodeLine(bytes: Uint8Array): string {
  const out: string[] = [];
  let current = "";
  for (let i = 0; i < bytes.length; i++) {
    const octet = bytes[i];
    const last = i === bytes.length - 1;
    const literal = (octet >= 33 && octet <= 126 && octet !== 61) ||
      ((octet === 32 || octet === 9) && !last);
    const token = literal ? String.fromCharCode(octet) : `=${HEX[octet >> 4]}${HEX[octet & 15]}`;
    // Room for the soft break "=" unless this token ends the line.
    const limit = last ? MAX_LINE : MAX_LINE - 1;
    if (current.length + token.length > limit) {
      out.push(`${current}=`); // RFC 2045 §6.7 rule 5: a soft line break
      current = "";
    }
    current += token;
  }
  out.push(current);
  return out.join("\r\n");
}
