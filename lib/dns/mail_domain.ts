/**
 * The mail domain to diagnose, from what a user typed: a domain in A-labels or U-labels
 * (RFC 5890), or an address whose domain is taken.
 *
 * @module
 */

import { scanDomain } from "../address/domain.ts";
import { AddressSyntaxError } from "../address/errors.ts";
import { DnsNameError } from "./errors.ts";

/** A mail domain in both forms. */
export interface MailDomain {
  /** A-label form, lower case: what DNS is asked. */
  ascii: string;
  /** U-label form, for display. */
  unicode: string;
}

/**
 * Reads `input` as a domain (`例え.テスト`, `example.com.`) or an address (`user@example.com`,
 * `<user@example.com>`), and converts it to A-labels (RFC 5891 §5 through UTS 46); throws
 * {@linkcode DnsNameError} when it is neither.
 *
 * @example
 * ```ts
 * toMailDomain("User@Bücher.Example").ascii; // "xn--bcher-kva.example"
 * ```
 */
export function toMailDomain(input: string): MailDomain {
  let text = input.trim().replace(/^<(.*)>$/, "$1");
  text = text.slice(text.lastIndexOf("@") + 1);
  if (text.endsWith(".")) text = text.slice(0, -1);
  try {
    const scanned = scanDomain(text, 0, true);
    if (scanned.end !== text.length) {
      throw new DnsNameError(input, `unexpected "${text[scanned.end]}" at ${scanned.end + 1}`);
    }
    return { ascii: scanned.ascii, unicode: scanned.unicode };
  } catch (error) {
    if (error instanceof AddressSyntaxError) {
      throw new DnsNameError(input, `${error.reason} at ${error.index + 1}`);
    }
    throw error;
  }
}
