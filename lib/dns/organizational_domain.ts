/**
 * The organisational domain of RFC 7489 §3.2: the public suffix plus one label, from the
 * Public Suffix List (ICANN and private sections) as the `tldts` package ships it.
 *
 * @module
 */

import { getDomain } from "tldts";

/**
 * The organisational domain of `domain` (A-labels); `domain` itself when it is a public
 * suffix or the list knows nothing better.
 *
 * @example
 * ```ts
 * organizationalDomain("mail.example.co.uk"); // "example.co.uk"
 * ```
 */
export function organizationalDomain(domain: string): string {
  return getDomain(domain, { allowPrivateDomains: true }) ?? domain;
}
