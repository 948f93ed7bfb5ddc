/**
 * RFC 5321 §4.1.2 `Domain` as it appears in SMTP paths, with the U-labels of RFC 6531
 * §3.3 converted to A-labels for DNS (IDNA through `node:url`'s `domainToASCII`).
 *
 * @module
 */

import { domainToASCII, domainToUnicode } from "node:url";
import { DOT, HYPHEN, isLetDig, isNonAscii } from "./chars.ts";
import { AddressSyntaxError } from "./errors.ts";
import { checkOctetLimit, MAX_DOMAIN_OCTETS, MAX_LABEL_OCTETS } from "./limits.ts";

/** A domain scanned from a path. */
export interface ScannedDomain {
  /** Index just past the domain. */
  end: number;
  /** A-label form, lower case, for DNS. */
  ascii: string;
  /** U-label form, lower case, for display. */
  unicode: string;
  /** True when the domain was written with U-labels (RFC 6531 §3.3). */
  nonAscii: boolean;
}

// RFC 5890 §2.3.1: an LDH label, the form every label has after IDNA ToASCII
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * Scans `Domain = sub-domain *("." sub-domain)` at `input[start]` and stops at the
 * first character that cannot continue it. U-labels are allowed only when `smtputf8`.
 *
 * @example
 * ```ts
 * import { scanDomain } from "./domain.ts";
 * scanDomain("例え.テスト>", 0, true).ascii; // "xn--r8jz45g.xn--zckzah"
 * ```
 */
export function scanDomain(input: string, start: number, smtputf8: boolean): ScannedDomain {
  let i = start;
  let nonAscii = false;
  for (;;) {
    const label = i;
    let labelNonAscii = false;
    for (; i < input.length; i++) {
      const c = input.charCodeAt(i);
      if (isLetDig(c) || c === HYPHEN) continue;
      if (!isNonAscii(c)) break;
      if (!smtputf8) throw AddressSyntaxError.needsSmtputf8(input, i);
      labelNonAscii = true;
    }
    // RFC 5321 §4.1.2: sub-domain = Let-dig [Ldh-str], so no "-" first or last
    if (i === label || input.charCodeAt(label) === HYPHEN) {
      throw AddressSyntaxError.unexpected(input, label);
    }
    if (input.charCodeAt(i - 1) === HYPHEN) {
      throw new AddressSyntaxError(input, i - 1, 'domain label ends with "-"');
    }
    if (!labelNonAscii) checkOctetLimit(input, label, i, MAX_LABEL_OCTETS, "domain label");
    nonAscii ||= labelNonAscii;
    if (input.charCodeAt(i) !== DOT) break;
    i++;
  }
  checkOctetLimit(input, start, i, MAX_DOMAIN_OCTETS, "domain");
  const text = input.slice(start, i);
  if (!nonAscii && !/(?:^|\.)xn--/i.test(text)) {
    const lower = text.toLowerCase();
    return { end: i, ascii: lower, unicode: lower, nonAscii };
  }
  const ascii = toAscii(input, start, text);
  return { end: i, ascii, unicode: domainToUnicode(ascii), nonAscii };
}

/**
 * IDNA ToASCII of the domain `text` found at `input[start]` (RFC 5891 §5 through UTS 46,
 * as `domainToASCII` does), checked to be LDH labels within the DNS limits.
 */
function toAscii(input: string, start: number, text: string): string {
  const ascii = domainToASCII(text);
  if (ascii === "") {
    const bad = text.split(".").findIndex((label) => domainToASCII(label) === "");
    throw new AddressSyntaxError(
      input,
      labelIndex(text, start, Math.max(bad, 0)),
      "invalid internationalized domain name",
    );
  }
  const labels = ascii.split(".");
  const bad = labels.findIndex((l) => !LDH_LABEL.test(l) || l.length > MAX_LABEL_OCTETS);
  if (bad >= 0) {
    const at = labels.length === text.split(".").length ? labelIndex(text, start, bad) : start;
    throw new AddressSyntaxError(input, at, "domain label is not valid in A-label form");
  }
  if (ascii.length > MAX_DOMAIN_OCTETS) {
    throw new AddressSyntaxError(input, start, "domain longer than 255 octets in A-label form");
  }
  return ascii;
}

/** Index in the input of label number `n` of the domain `text` written at `start`. */
function labelIndex(text: string, start: number, n: number): number {
  let at = 0;
  for (let k = 0; k < n; k++) at = text.indexOf(".", at) + 1;
  return start + at;
}
