/**
 * RFC 2047 encoded-words for header text that is not plain ASCII: `=?utf-8?Q?…?=` or
 * `=?utf-8?B?…?=`, whichever is shorter.
 *
 * @module
 */

const utf8 = new TextEncoder();
// RFC 2047 §5 (3): in a phrase, Q-encoded text may hold only these as themselves.
const Q_SAFE = /^[A-Za-z0-9!*+\-/]$/;
// Encoded text per word: 48 characters make a word of 60, so "Subject: " and one word fit in
// 78 columns, and any word with its folding space fits in RFC 2047 §2's 76.
const WORD_TEXT = 48;
const HEX = "0123456789ABCDEF";

/** True when `text` is printable US-ASCII (tab allowed), so a header can carry it as is. */
export function isPlainAscii(text: string): boolean {
  return /^[\x20-\x7e\t]*$/.test(text);
}

/**
 * `text` as encoded-words separated by single spaces (where a header may fold), never
 * splitting a character (RFC 2047 §5: each word holds whole characters). Q encoding is
 * limited to the characters a phrase allows (RFC 2047 §5 (3)), so the words fit a display
 * name as well as a Subject; B is used instead when it is shorter (RFC 2047 §4: either may be used).
 *
 * @example
 * ```ts
 * encodeWords("café"); // "=?utf-8?B?Y2Fmw6k=?="
 * encodeWords("Notes from the café"); // "=?utf-8?Q?Notes_from_the_caf=C3=A9?="
 * ```
 */
export function encodeWords(text: string): string {
  const chars = [...text].map((char) => utf8.encode(char));
  const octets = chars.reduce((sum, bytes) => sum + bytes.length, 0);
  const qLength = chars.reduce((sum, bytes) => sum + qText(bytes).length, 0);
  const useB = Math.ceil(octets / 3) * 4 < qLength;
  const words: string[] = [];
  let pending: Uint8Array[] = [];
  let size = 0;
  const flush = () => {
    words.push(useB ? bWord(pending) : `=?utf-8?Q?${pending.map(qText).join("")}?=`);
    pending = [];
    size = 0;
  };
  for (const bytes of chars) {
    // B: 36 octets are 48 characters; Q: each octet's own length.
    const grow = useB ? bytes.length * 4 / 3 : qText(bytes).length;
    if (pending.length > 0 && size + grow > WORD_TEXT) flush();
    pending.push(bytes);
    size += grow;
  }
  if (pending.length > 0 || words.length === 0) flush();
  return words.join(" ");
}

/** RFC 2047 §4.2: "_" for a space, the safe characters as themselves, "=XX" for the rest. */
function qText(bytes: Uint8Array): string {
  if (bytes.length === 1 && bytes[0] === 0x20) return "_";
  const char = String.fromCharCode(bytes[0]);
  if (bytes.length === 1 && Q_SAFE.test(char)) return char;
  return [...bytes].map((b) => `=${HEX[b >> 4]}${HEX[b & 15]}`).join("");
}

function bWord(pieces: Uint8Array[]): string {
  const joined = new Uint8Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
  let at = 0;
  for (const piece of pieces) {
    joined.set(piece, at);
    at += piece.length;
  }
  return `=?utf-8?B?${joined.toBase64()}?=`;
}

// A word this long could not share a line with "Name: " within 998 characters.
const LONGEST_WORD = 900;

/**
 * Unstructured header text (RFC 5322 §3.2.5, as in Subject) ready for folding: as is when it
 * is printable ASCII with no word too long to fold, else as encoded-words (RFC 2047 §5 (1)).
 *
 * @example
 * ```ts
 * unstructuredValue("Hello");  // "Hello"
 * unstructuredValue("Grüße");  // "=?utf-8?B?R3LDvMOfZQ==?="
 * ```
 */
export function unstructuredValue(text: string): string {
  const fits = isPlainAscii(text) && text.split(/[ \t]/).every((w) => w.length <= LONGEST_WORD);
  return fits ? text : encodeWords(text);
}
