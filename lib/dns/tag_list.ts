/**
 * Tag-value lists, the syntax of DMARC (RFC 7489 §6.4), MTA-STS (RFC 8461 §3.1), TLS-RPT
 * (RFC 8460 §3) and BIMI records: `v=DMARC1; p=reject; rua=mailto:d@example.com`.
 *
 * @module
 */

/**
 * Parses `tag=value` pairs separated by ";" (whitespace around either is dropped; an empty
 * final pair is allowed). Tags are lower-cased; a repeated tag keeps its first value.
 * Returns undefined when a pair has no "=".
 *
 * @example
 * ```ts
 * parseTagList("v=DMARC1; p=reject;").get("p"); // "reject"
 * ```
 */
export function parseTagList(text: string): Map<string, string> | undefined {
  const tags = new Map<string, string>();
  for (const pair of text.split(";")) {
    if (pair.trim() === "") continue;
    const equals = pair.indexOf("=");
    if (equals < 1) return undefined;
    const tag = pair.slice(0, equals).trim().toLowerCase();
    if (!tags.has(tag)) tags.set(tag, pair.slice(equals + 1).trim());
  }
  return tags;
}
