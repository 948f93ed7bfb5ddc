/**
 * xtext (RFC 3461 §4), the encoding of the ENVID, ORCPT and AUTH parameter values.
 *
 * @module
 */

import { CommandSyntaxError } from "./errors.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// RFC 3461 §4: xchar = "!" to "~" except "+" and "="; anything else is "+" HEXCHAR HEXCHAR.
const PLAIN_XTEXT = /^[!-*,-<>-~]*$/;

/**
 * Decodes xtext: each `+HH` becomes the octet HH, and the octets are read as UTF-8.
 * Lower-case hex digits are accepted too; other malformed input throws
 * {@linkcode CommandSyntaxError}.
 *
 * @example
 * ```ts
 * import { xtextDecode } from "./xtext.ts";
 * xtextDecode("rfc822;a+2Bb@example.org"); // "rfc822;a+b@example.org"
 * ```
 */
export function xtextDecode(text: string): string {
  if (PLAIN_XTEXT.test(text)) return text;
  const octets: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2b) {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) {
        throw new CommandSyntaxError(`Malformed xtext: "+" must be followed by two hex digits`, i);
      }
      octets.push(parseInt(hex, 16));
      i += 2;
    } else if (c <= 0x20 || c === 0x3d || c === 0x7f) {
      throw new CommandSyntaxError(`Malformed xtext: character ${c} not allowed`, i);
    } else if (c < 0x80) {
      octets.push(c);
    } else {
      // RFC 6533 §3: UTF-8 may appear as is once SMTPUTF8 is in effect.
      const point = text.codePointAt(i)!;
      const char = String.fromCodePoint(point);
      octets.push(...encoder.encode(char));
      i += char.length - 1;
    }
  }
  return decoder.decode(Uint8Array.from(octets));
}

/**
 * Encodes text as xtext: `+`, `=`, controls, space and non-ASCII (as UTF-8 octets) become
 * `+HH` with upper-case hex.
 *
 * @example
 * ```ts
 * import { xtextEncode } from "./xtext.ts";
 * xtextEncode("a+b=c"); // "a+2Bb+3Dc"
 * ```
 */
export function xtextEncode(text: string): string {
  if (PLAIN_XTEXT.test(text)) return text;
  let out = "";
  for (const octet of encoder.encode(text)) {
    const plain = octet >= 0x21 && octet <= 0x7e && octet !== 0x2b && octet !== 0x3d;
    out += plain
      ? String.fromCharCode(octet)
      : `+${octet.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}
