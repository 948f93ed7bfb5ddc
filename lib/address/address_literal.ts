/**
 * RFC 5321 §4.1.3 address literals: `[192.0.2.1]`, `[IPv6:2001:db8::1]` and the
 * general form `[tag:content]`, with the IPv4 and IPv6 syntax checked.
 *
 * @module
 */

import { COLON, DOT, HYPHEN, isDigit, isHexDig, isLetDig, RBRACKET } from "./chars.ts";
import { AddressSyntaxError } from "./errors.ts";

/** The parsed content of an address literal. */
export interface AddressLiteral {
  /** Which production matched. */
  kind: "ipv4" | "ipv6" | "general";
  /** `192.0.2.1`; `2001:db8::1` (the `IPv6:` tag removed); `tag:content` for general. */
  value: string;
}

/** RFC 5321 §4.1.3: dcontent = %d33-90 / %d94-126 (no "[", "\" or "]"). */
function isDcontent(c: number): boolean {
  return c >= 33 && c <= 90 || c >= 94 && c <= 126;
}

/**
 * Parses the address literal whose `[` is at `input[start]`, ending before `limit`,
 * and returns it with the index just past its `]`.
 *
 * @example
 * ```ts
 * import { scanAddressLiteral } from "./address_literal.ts";
 * scanAddressLiteral("[IPv6:::1]", 0); // { literal: { kind: "ipv6", value: "::1" }, end: 10 }
 * ```
 */
export function scanAddressLiteral(
  input: string,
  start: number,
  limit = input.length,
): { literal: AddressLiteral; end: number } {
  let close = start + 1;
  while (close < limit && isDcontent(input.charCodeAt(close))) close++;
  if (close >= limit || input.charCodeAt(close) !== RBRACKET) {
    throw AddressSyntaxError.unexpected(input, close);
  }
  const colon = input.indexOf(":", start + 1);
  const end = close + 1;
  if (colon < 0 || colon > close) {
    // RFC 5321 §4.1.3: IPv4-address-literal = Snum 3("." Snum)
    const ipv4 = ipv4End(input, start + 1, close);
    if (ipv4 !== close) throw AddressSyntaxError.unexpected(input, ipv4);
    return { literal: { kind: "ipv4", value: input.slice(start + 1, close) }, end };
  }
  const tag = input.slice(start + 1, colon);
  if (tag.toLowerCase() === "ipv6") {
    checkIpv6(input, colon + 1, close);
    return { literal: { kind: "ipv6", value: input.slice(colon + 1, close) }, end };
  }
  // RFC 5321 §4.1.3: General-address-literal = Standardized-tag ":" 1*dcontent
  checkStandardizedTag(input, start + 1, colon);
  if (close === colon + 1) throw AddressSyntaxError.unexpected(input, close);
  return { literal: { kind: "general", value: input.slice(start + 1, close) }, end };
}

/** RFC 5321 §4.1.3: Standardized-tag = Ldh-str = *( ALPHA / DIGIT / "-" ) Let-dig. */
function checkStandardizedTag(input: string, start: number, end: number): void {
  for (let i = start; i < end; i++) {
    const c = input.charCodeAt(i);
    if (!isLetDig(c) && c !== HYPHEN) throw AddressSyntaxError.unexpected(input, i);
  }
  if (end === start || !isLetDig(input.charCodeAt(end - 1))) {
    throw AddressSyntaxError.unexpected(input, end);
  }
}

/**
 * Parses `Snum 3("." Snum)` at `input[start]` (not past `limit`) and returns the index
 * after it. RFC 5321 §4.1.3: Snum = 1*3DIGIT representing a decimal integer 0-255.
 */
function ipv4End(input: string, start: number, limit: number): number {
  let i = start;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (i >= limit || input.charCodeAt(i) !== DOT) throw AddressSyntaxError.unexpected(input, i);
      i++;
    }
    const snum = i;
    while (i < limit && i - snum < 3 && isDigit(input.charCodeAt(i))) i++;
    if (i === snum) throw AddressSyntaxError.unexpected(input, i);
    if (Number(input.slice(snum, i)) > 255) {
      throw new AddressSyntaxError(input, snum, "IPv4 address part greater than 255");
    }
  }
  return i;
}

/**
 * Checks RFC 5321 §4.1.3 IPv6-addr in `input[start, end)`: 8 groups of 1*4HEXDIG, or
 * at most 6 around one "::" (which stands for at least 2 groups); an IPv4 tail counts
 * as 2 groups (IPv6v4-full, IPv6v4-comp).
 */
function checkIpv6(input: string, start: number, end: number): void {
  let i = start;
  let groups = 0;
  let compressed = false;
  if (input.startsWith("::", i)) [i, compressed] = [i + 2, true];
  while (i < end) {
    let hexEnd = i;
    while (hexEnd < end && isHexDig(input.charCodeAt(hexEnd))) hexEnd++;
    const ipv4 = input.charCodeAt(hexEnd) === DOT;
    groups += ipv4 ? 2 : 1;
    if (groups > (compressed ? 6 : 8)) {
      throw new AddressSyntaxError(input, i, "too many groups in IPv6 address");
    }
    if (ipv4) {
      i = ipv4End(input, i, end);
      if (i !== end) throw AddressSyntaxError.unexpected(input, i);
      break;
    }
    if (hexEnd === i) throw AddressSyntaxError.unexpected(input, i);
    if (hexEnd - i > 4) throw AddressSyntaxError.unexpected(input, i + 4);
    i = hexEnd;
    if (i === end) break;
    if (input.charCodeAt(i) !== COLON) throw AddressSyntaxError.unexpected(input, i);
    i++;
    if (input.charCodeAt(i) === COLON && i < end) {
      if (compressed) throw AddressSyntaxError.unexpected(input, i);
      if (groups > 6) throw new AddressSyntaxError(input, i - 1, "too many groups in IPv6 address");
      [i, compressed] = [i + 1, true];
    } else if (i === end) throw AddressSyntaxError.unexpected(input, i);
  }
  if (!compressed && groups < 8) {
    throw new AddressSyntaxError(input, end, 'IPv6 address needs 8 groups or "::"');
  }
}
