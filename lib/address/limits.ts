/**
 * Size limits of RFC 5321 §4.5.3.1, counted in octets of the UTF-8 form as they travel
 * on the wire (RFC 6531 §3.3 keeps the limits in octets for SMTPUTF8).
 *
 * @module
 */

import { AddressSyntaxError } from "./errors.ts";

/** RFC 5321 §4.5.3.1.1: the maximum total length of a local part is 64 octets. */
export const MAX_LOCAL_PART_OCTETS = 64;
/** RFC 5321 §4.5.3.1.2: the maximum total length of a domain name or number is 255 octets. */
export const MAX_DOMAIN_OCTETS = 255;
/** RFC 5321 §4.5.3.1.3: a reverse- or forward-path, brackets included, is at most 256 octets. */
export const MAX_PATH_OCTETS = 256;
/** RFC 1035 §2.3.4: a DNS label is at most 63 octets. */
export const MAX_LABEL_OCTETS = 63;

/**
 * Index of the first character of `input[start, end)` whose UTF-8 octets, after
 * `reserved` octets, go past `limit`; -1 when the whole slice fits.
 */
function octetOverflow(
  input: string,
  start: number,
  end: number,
  limit: number,
  reserved: number,
): number {
  if (reserved + (end - start) * 3 <= limit) return -1; // 3 octets per UTF-16 unit at most
  let octets = reserved;
  for (let i = start; i < end; i++) {
    const c = input.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < end &&
      (input.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    octets += c < 0x80 ? 1 : c < 0x800 ? 2 : pair ? 4 : 3;
    if (octets > limit) return i;
    if (pair) i++;
  }
  return -1;
}

/**
 * Throws an {@linkcode AddressSyntaxError} at the first character past `limit` octets
 * when `input[start, end)` is too long; `what` names the part, e.g. `"local part"`, and
 * `reserved` counts octets of the part that are not in the slice (such as brackets).
 */
export function checkOctetLimit(
  input: string,
  start: number,
  end: number,
  limit: number,
  what: string,
  reserved = 0,
): void {
  const at = octetOverflow(input, start, end, limit, reserved);
  if (at >= 0) throw new AddressSyntaxError(input, at, `${what} longer than ${limit} octets`);
}
