/**
 * Choosing a Content-Transfer-Encoding (RFC 2045 §6) for a text body by what it holds.
 *
 * @module
 */

/** The transfer encodings postie writes (RFC 2045 §6.1). */
export type TransferEncoding = "7bit" | "8bit" | "quoted-printable" | "base64";

// RFC 5322 §2.1.1 and RFC 2045 §2.7: a line is at most 998 octets, CRLF excluded.
const MAX_LINE_OCTETS = 998;
const LF = 10;
const CR = 13;

/**
 * The encoding for a text body whose line breaks are CRLF: 7bit when it is ASCII without NUL
 * or lone CR and no line passes 998 octets (RFC 2045 §2.7); otherwise 8bit when `eightBit`
 * says the server takes it (RFC 6152) and only the octets' range was the problem (RFC 2045
 * §2.8); otherwise quoted-printable, or base64 when more than a third of the octets would
 * need escapes (then base64's fixed 4/3 is shorter).
 *
 * @example
 * ```ts
 * const text = new TextEncoder().encode("Grüße\r\n");
 * chooseTransferEncoding(text, { eightBit: false }); // "quoted-printable"
 * chooseTransferEncoding(text, { eightBit: true });  // "8bit"
 * ```
 */
export function chooseTransferEncoding(
  text: Uint8Array,
  options: { eightBit: boolean },
): TransferEncoding {
  let high = 0;
  let controls = 0;
  let longest = 0;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const octet = text[i];
    if (octet >= 0x80) high++;
    else if (octet === 0 || (octet === CR && text[i + 1] !== LF)) controls++;
    else if (octet === LF) {
      longest = Math.max(longest, i - lineStart - 1);
      lineStart = i + 1;
    }
  }
  longest = Math.max(longest, text.length - lineStart);
  const linesFit = longest <= MAX_LINE_OCTETS && controls === 0;
  if (linesFit && high === 0) return "7bit";
  if (linesFit && options.eightBit) return "8bit";
  return (high + controls) * 3 > text.length ? "base64" : "quoted-printable";
}
