/**
 * RFC 2047 encoded-words for `postie send`'s composed headers: non-ASCII subjects and
 * display names as `=?utf-8?B?…?=`.
 *
 * @module
 */

// RFC 2047 §2: an encoded-word is at most 75 characters; "=?utf-8?B?" + "?=" take 12,
// leaving 63 base64 characters, i.e. 45 octets (whole 3-octet quanta: 60 characters).
const WORD_OCTETS = 45;
const encoder = new TextEncoder();

/** True when `text` is printable US-ASCII (tab allowed), so a header can carry it as is. */
export function isPlainAscii(text: string): boolean {
  return /^[\x20-\x7e\t]*$/.test(text);
}

/**
 * `text` as encoded-words of at most 75 characters each, never splitting a character
 * (RFC 2047 §5: each word must hold whole characters), joined by `separator`.
 *
 * @example
 * ```ts
 * import { encodeWords } from "./send_encoded_word.ts";
 * encodeWords("café"); // "=?utf-8?B?Y2Fmw6k=?="
 * ```
 */
export function encodeWords(text: string, separator = "\r\n "): string {
  const words: string[] = [];
  let chunk = "";
  let octets = 0;
  for (const char of text) {
    const size = encoder.encode(char).length;
    if (octets + size > WORD_OCTETS) {
      words.push(encodeWord(chunk));
      chunk = "";
      octets = 0;
    }
    chunk += char;
    octets += size;
  }
  if (chunk !== "" || words.length === 0) words.push(encodeWord(chunk));
  return words.join(separator);
}

function encodeWord(text: string): string {
  return `=?utf-8?B?${encoder.encode(text).toBase64()}?=`;
}
