/**
 * RFC 2231 parameter values for the fields postie writes: `name="value"` when the value is
 * ASCII, `name*=utf-8''caf%C3%A9` when not, in `name*0*=` sections when too long for a line.
 *
 * @module
 */

const utf8 = new TextEncoder();
// RFC 2045 §5.1: a token is printable ASCII but space and tspecials.
const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;
// RFC 2231 §7: attribute-char is a token character but "*", "'" and "%".
const ATTRIBUTE_CHAR = /^[!#$&+\-.0-9A-Z^_`a-z{|}~]$/;
/**
 * Characters of value per section. A value up to this long stays whole on one line (within
 * RFC 5322's 998) rather than in sections, which some readers (mblaze) do not join.
 */
const SECTION_CHARS = 900;
const HEX = "0123456789ABCDEF";

/**
 * The `attribute=value` pieces of one parameter (RFC 2045 §5.1), to be joined with "; "
 * (a header may fold between them). ASCII values are a token or a quoted-string; others, and
 * those with `"` or `\`, an extended value in UTF-8 (RFC 2231 §4). Values too long for one line are split into
 * numbered sections (RFC 2231 §3).
 *
 * @example
 * ```ts
 * formatParameter("filename", "report.pdf"); // ["filename=report.pdf"]
 * formatParameter("filename", "café.txt");   // ["filename*=utf-8''caf%C3%A9.txt"]
 * ```
 */
export function formatParameter(name: string, value: string): string[] {
  // Quoted-pairs in parameters trip readers (mblaze), so values needing them are extended.
  const ascii = /^[\x20-\x7e]*$/.test(value) && !/["\\]/.test(value);
  const text = ascii ? value : `utf-8''${percentEncode(value)}`;
  if (text.length <= SECTION_CHARS) {
    if (!ascii) return [`${name}*=${text}`];
    return [`${name}=${TOKEN.test(value) ? value : quote(value)}`];
  }
  return sections(text, ascii).map((section, i) =>
    ascii ? `${name}*${i}=${quote(section)}` : `${name}*${i}*=${section}`
  );
}

/** `value` as a quoted-string (RFC 5322 §3.2.4): `"` and `\` escaped. */
export function quote(value: string): string {
  return `"${value.replace(/["\\]/g, "\\$&")}"`;
}

/** RFC 2231 §4: octets that are not attribute-chars become "%XX". */
function percentEncode(value: string): string {
  let out = "";
  for (const octet of utf8.encode(value)) {
    const char = String.fromCharCode(octet);
    out += ATTRIBUTE_CHAR.test(char) ? char : `%${HEX[octet >> 4]}${HEX[octet & 15]}`;
  }
  return out;
}

/** Splits `text` into sections of at most {@linkcode SECTION_CHARS}, never inside a "%XX". */
function sections(text: string, ascii: boolean): string[] {
  const out: string[] = [];
  let at = 0;
  while (at < text.length) {
    let end = Math.min(text.length, at + SECTION_CHARS);
    if (!ascii) {
      const percent = text.lastIndexOf("%", end - 1);
      if (percent > end - 3 && percent >= at) end = percent;
    }
    out.push(text.slice(at, end));
    at = end;
  }
  return out;
}
