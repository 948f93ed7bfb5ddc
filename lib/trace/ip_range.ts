/**
 * Special-purpose IP ranges (RFC 6890 and the IANA special-purpose registries): addresses that
 * no public SMTP client can have, so a hop from one is internal or made up.
 *
 * @module
 */

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const IPV6 = /^[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?::\d{1,3}(?:\.\d{1,3}){3})?$/i;

// RFC 6890 §2.2.2 and its updates: [first octets as a number, prefix length, name].
const V4_RANGES: [number, number, string][] = [
  [0x00000000, 8, "this network"],
  [0x0a000000, 8, "private (RFC 1918)"],
  [0x64400000, 10, "shared address space (RFC 6598)"],
  [0x7f000000, 8, "loopback"],
  [0xa9fe0000, 16, "link-local"],
  [0xac100000, 12, "private (RFC 1918)"],
  [0xc0000000, 24, "IETF protocol assignments"],
  [0xc0000200, 24, "documentation (TEST-NET-1)"],
  [0xc0a80000, 16, "private (RFC 1918)"],
  [0xc6120000, 15, "benchmarking"],
  [0xc6336400, 24, "documentation (TEST-NET-2)"],
  [0xcb007100, 24, "documentation (TEST-NET-3)"],
  [0xe0000000, 3, "multicast or reserved"],
];

/** Whether `text` is an IPv4 or IPv6 address in text form (no brackets). */
export function isIpAddress(text: string): boolean {
  const v4 = IPV4.exec(text);
  if (v4) return v4.slice(1).every((octet) => Number(octet) <= 255);
  return text.includes(":") && IPV6.test(text);
}

/**
 * The special-purpose range `ip` lies in ("private (RFC 1918)", "loopback"…), or `undefined`
 * for a global unicast address or text that is no address.
 *
 * @example
 * ```ts
 * reservedRange("10.1.2.3"); // "private (RFC 1918)"
 * reservedRange("8.8.8.8");  // undefined
 * ```
 */
export function reservedRange(ip: string): string | undefined {
  const v4 = IPV4.exec(ip);
  if (v4) {
    const value = v4.slice(1).reduce((sum, octet) => sum * 256 + Number(octet), 0);
    const hit = V4_RANGES.find(([base, bits]) => value >>> (32 - bits) === base >>> (32 - bits));
    return hit?.[2];
  }
  return isIpAddress(ip) ? v6Range(ip.toLowerCase()) : undefined;
}

/** RFC 6890 §2.2.3: the IPv6 special-purpose ranges, read from the address text. */
function v6Range(ip: string): string | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (mapped) return reservedRange(mapped[1]);
  if (ip === "::1") return "loopback";
  if (ip === "::") return "unspecified";
  if (/^f[cd]/.test(ip)) return "unique local (RFC 4193)";
  if (/^fe[89ab]/.test(ip)) return "link-local";
  if (/^ff/.test(ip)) return "multicast";
  if (/^2001:0?db8:/.test(ip)) return "documentation (RFC 3849)";
  return undefined;
}
