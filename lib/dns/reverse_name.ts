/**
 * The reverse-mapping name of an IP address, where its PTR record lives.
 *
 * @module
 */

import { DnsNameError } from "./errors.ts";

/**
 * The in-addr.arpa name of an IPv4 address (RFC 1035 §3.5) or the ip6.arpa name of an
 * IPv6 address (RFC 3596 §2.5).
 *
 * @example
 * ```ts
 * reverseName("192.0.2.1"); // "1.2.0.192.in-addr.arpa"
 * reverseName("2001:db8::1"); // "1.0.0.0.…8.b.d.0.1.0.0.2.ip6.arpa"
 * ```
 */
export function reverseName(address: string): string {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) {
    return `${address.split(".").reverse().join(".")}.in-addr.arpa`;
  }
  const halves = address.split("::");
  const groups = (part: string | undefined) => (part ? part.split(":") : []);
  const head = groups(halves[0]), tail = groups(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length > 2 || missing < 0 || (halves.length === 1 && missing !== 0)) {
    throw new DnsNameError(address, "not an IP address");
  }
  const full = [...head, ...Array(missing).fill("0"), ...tail];
  if (!full.every((group) => /^[0-9a-f]{1,4}$/i.test(group))) {
    throw new DnsNameError(address, "not an IP address");
  }
  const nibbles = full.map((group) => group.padStart(4, "0")).join("").toLowerCase();
  return `${[...nibbles].reverse().join(".")}.ip6.arpa`;
}
