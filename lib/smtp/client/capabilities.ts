/**
 * The ESMTP service extensions a server lists in its EHLO reply (RFC 5321 §4.1.1.1).
 *
 * @module
 */

import type { Reply } from "../../wire/reply.ts";

/** What the server offered, from the lines after the first of its EHLO reply. */
export interface Capabilities {
  /** The greeting line's text (the server's name and any words after it). */
  greeting: string;
  /** RFC 1870: SIZE, with the maximum message size (0 or absent: no fixed limit). */
  size?: number;
  /** RFC 2920: PIPELINING. */
  pipelining: boolean;
  /** RFC 6152: 8BITMIME. */
  eightBitMime: boolean;
  /** RFC 6531: SMTPUTF8. */
  smtputf8: boolean;
  /** RFC 3030: CHUNKING (BDAT). */
  chunking: boolean;
  /** RFC 3461: DSN. */
  dsn: boolean;
  /** RFC 3207: STARTTLS. */
  starttls: boolean;
  /** RFC 4954: AUTH mechanisms, upper case. */
  auth: string[];
  /** Every extension line by upper-cased keyword: its parameters. */
  extensions: Map<string, string[]>;
}

/** Capabilities of a server that answered HELO (or nothing yet): no extensions. */
export function noCapabilities(greeting = ""): Capabilities {
  return {
    greeting,
    pipelining: false,
    eightBitMime: false,
    smtputf8: false,
    chunking: false,
    dsn: false,
    starttls: false,
    auth: [],
    extensions: new Map(),
  };
}

/**
 * Reads the extensions of a 250 reply to EHLO: `ehlo-keyword *(SP ehlo-param)` per line
 * after the first (RFC 5321 §4.1.1.1), keywords case-insensitive.
 *
 * @example
 * ```ts
 * import { parseCapabilities } from "./capabilities.ts";
 * const caps = parseCapabilities({ code: 250, lines: ["mx.test", "SIZE 1000", "PIPELINING"] });
 * caps.size; // 1000
 * caps.pipelining; // true
 * ```
 */
export function parseCapabilities(reply: Reply): Capabilities {
  const caps = noCapabilities(reply.lines[0] ?? "");
  for (const line of reply.lines.slice(1)) {
    const [keyword, ...params] = line.trim().split(/\s+/);
    if (!keyword) continue;
    caps.extensions.set(keyword.toUpperCase(), params);
  }
  const has = (keyword: string) => caps.extensions.has(keyword);
  // RFC 1870 §4: SIZE [max]; a missing or zero value means no fixed maximum.
  const size = Number(caps.extensions.get("SIZE")?.[0] ?? 0);
  if (has("SIZE") && Number.isSafeInteger(size) && size > 0) caps.size = size;
  caps.pipelining = has("PIPELINING");
  caps.eightBitMime = has("8BITMIME");
  caps.smtputf8 = has("SMTPUTF8");
  caps.chunking = has("CHUNKING");
  caps.dsn = has("DSN");
  caps.starttls = has("STARTTLS");
  caps.auth = (caps.extensions.get("AUTH") ?? []).map((m) => m.toUpperCase());
  return caps;
}
