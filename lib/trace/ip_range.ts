/**
 * Special-purpose IP ranges (RFC 6890 and the IANA special-purpose registries): addresses that
 * no public SMTP client can have, so a hop from one is internal or made up.
 *
 * @module
 */

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
  return ipv4Value(text) !== undefined || (text.includes(":") && IPV6.test(text));
}

/**
 * RFC 791 dotted quad (four decimal octets of 1–3 digits, each at most 255) as a 32-bit
 * number, read without a pattern or array: this runs several times per hop.
 */
function ipv4Value(text: string): number | undefined {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57 && digits < 3) {
      octet = octet * 10 + code - 48;
      digits++;
    } else if (code === 46 && digits > 0 && dots < 3 && octet <= 255) {
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else return undefined;
  }
  return dots === 3 && digits > 0 && octet <= 255 ? value * 256 + octet : undefined;
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
  const value = ipv4Value(ip);
  if (value !== undefined) {
    for (const range of V4_RANGES) {
      const shift = 32 - range[1];
      if (value >>> shift === range[0] >>> shift) return range[2];
    }
    return undefined;
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
