/**
 * RFC 2047 encoded-words in header fields: `=?charset?B?...?=` and `=?charset?Q?...?=`.
 *
 * @module
 */

import { Base64Decoder } from "./base64.ts";
import { charsetDecoder } from "./charset.ts";

// RFC 2047 §2: encoded-word = "=?" charset "?" encoding "?" encoded-text "?=";
// RFC 2231 §5 adds an optional "*language" after the charset.
const ENCODED_WORD = /=\?([^?\s*]+)(?:\*[^?\s]*)?\?([BbQq])\?([^?\s]*)\?=/g;
// RFC 2047 §6.2: white space between adjacent encoded-words is not displayed.
const ONLY_SPACE = /^[ \t\r\n]*$/;

interface Run {
  charset: string;
  pieces: Uint8Array[];
  start: number;
  end: number;
}

/**
 * Decodes every encoded-word in `text`. Adjacent words in one charset are joined before
 * decoding (a character may be split across two words); words that cannot be decoded
 * (unknown charset, bad base64) are left as they are.
 *
 * @example
 * ```ts
 * decodeEncodedWords("=?UTF-8?B?Y2Fmw6k=?= =?ISO-8859-1?Q?_cr=E8me?="); // "café crème"
 * ```
 */
export function decodeEncodedWords(text: string): string {
  if (!text.includes("=?")) return text;
  let out = "";
  let last = 0;
  let run: Run | undefined;
  const flush = () => {
    if (run) out += decodeRun(text, run);
    run = undefined;
  };
  for (const match of text.matchAll(ENCODED_WORD)) {
    const start = match.index;
    const end = start + match[0].length;
    const gap = text.slice(last, start);
    const bytes = wordBytes(match[2], match[3]);
    const charset = match[1].toLowerCase();
    const adjacent = run !== undefined && ONLY_SPACE.test(gap);
    last = end;
    if (bytes === undefined) {
      flush();
      out += gap + match[0];
      continue;
    }
    if (adjacent && run!.charset === charset) {
      run!.pieces.push(bytes);
      run!.end = end;
      continue;
    }
    flush();
    if (!adjacent) out += gap;
    run = { charset, pieces: [bytes], start, end };
  }
  flush();
  return out + text.slice(last);
}

function decodeRun(text: string, run: Run): string {
  const decoder = charsetDecoder(run.charset);
  if (!decoder) return text.slice(run.start, run.end);
  const total = run.pieces.reduce((sum, piece) => sum + piece.length, 0);
  const joined = new Uint8Array(total);
  let at = 0;
  for (const piece of run.pieces) {
    joined.set(piece, at);
    at += piece.length;
  }
  return decoder.decode(joined);
}

/** The octets an encoded-word's text stands for, or undefined when it is not valid. */
function wordBytes(encoding: string, encoded: string): Uint8Array | undefined {
  const ascii = new Uint8Array(encoded.length);
  for (let i = 0; i < encoded.length; i++) ascii[i] = encoded.charCodeAt(i) & 0xff;
  if (encoding === "B" || encoding === "b") {
    const decoder = new Base64Decoder();
    const head = decoder.decode(ascii);
    const tail = decoder.end();
    if (decoder.junk > 0 || decoder.badEnding) return undefined;
    return tail.length === 0 ? head : Uint8Array.of(...head, ...tail);
  }
  return decodeQ(ascii);
}

/** RFC 2047 §4.2: "_" is a space, "=XX" an octet, anything else itself. */
function decodeQ(ascii: Uint8Array): Uint8Array {
  const out = new Uint8Array(ascii.length);
  let o = 0;
  for (let i = 0; i < ascii.length; i++) {
    const c = ascii[i];
    const pair = c === 0x3d ? String.fromCharCode(ascii[i + 1], ascii[i + 2]) : "";
    if (c === 0x5f) out[o++] = 0x20;
    else if (/^[0-9A-Fa-f]{2}$/.test(pair)) {
      out[o++] = parseInt(pair, 16);
      i += 2;
    } else out[o++] = c;
  }
  return out.subarray(0, o);
}
