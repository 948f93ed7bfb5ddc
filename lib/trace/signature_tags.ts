/**
 * Tag=value lists (RFC 6376 §3.2), the syntax of DKIM-Signature, ARC-Seal and
 * ARC-Message-Signature fields.
 *
 * @module
 */

/**
 * Reads a signature's tag-list into a map of tag name to value; never throws. Names keep their
 * case (RFC 6376 §3.2: tag names are case-sensitive), names and values are trimmed, a tag
 * without "=" is left out, and of a repeated tag the first is kept. lib/dns's `parseTagList`
 * is the strict reading of DNS policy records (DMARC, MTA-STS…), which refuses such input.
 *
 * @example
 * ```ts
 * parseSignatureTags("v=1; a=rsa-sha256; d=example.net; s=sel").get("d"); // "example.net"
 * ```
 */
export function parseSignatureTags(value: string): Map<string, string> {
  const tags = new Map<string, string>();
  let start = 0;
  while (start < value.length) {
    // RFC 6376 §3.2: tag-list = tag-spec *( ";" tag-spec ) [ ";" ]; tag-spec = name "=" value
    let end = value.indexOf(";", start);
    if (end < 0) end = value.length;
    const equals = value.indexOf("=", start);
    if (equals >= 0 && equals < end) {
      const name = value.slice(start, equals).trim();
      if (name && !tags.has(name)) tags.set(name, value.slice(equals + 1, end).trim());
    }
    start = end + 1;
  }
  return tags;
}
