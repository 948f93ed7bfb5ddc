/**
 * Checks of each hop: the chain links up, no reserved addresses outside, TLS, delays, skew.
 *
 * @module
 */

import { organizationalDomain } from "../dns/organizational_domain.ts";
import { formatDuration } from "./duration.ts";
import type { TraceContext, TraceFinding } from "./finding.ts";
import type { Hop } from "./hop.ts";
import type { ReceivedFrom } from "./received.ts";
import { reservedRange } from "./ip_range.ts";
import { hostName, isHostName } from "./trust.ts";

/** A hop slower than this is a large delay: where the time was lost. */
export const LARGE_DELAY_SECONDS = 600;

/** RFC 3848 §2: a protocol name ending in A means the client authenticated (submission). */
const AUTHENTICATED = /^(?:E?SMTP|UTF8SMTP|UTF8LMTP|LMTP)S?A$/i;

/**
 * RFC 5321 §4.4: each host records who it received from; the `from` of a hop should name
 * the host that the previous hop says received the message (its `by`).
 */
export function checkChain({ hops }: TraceContext): TraceFinding[] {
  const findings: TraceFinding[] = [];
  for (let i = 1; i < hops.length; i++) {
    const hop = hops[i];
    const previous = hops[i - 1].received;
    const { from, by } = hop.received;
    const { helo, reverseName } = from;
    // A `by` that is an address or a bare label cannot be compared with names without DNS.
    if (!isHostName(previous.by) || (helo === undefined && reverseName === undefined)) continue;
    if (helo !== undefined && sameHost(helo, previous.by)) continue;
    if (reverseName !== undefined && sameHost(reverseName, previous.by)) continue;
    // A content filter hands mail back over loopback to the host that received it.
    const loopback = from.ip !== undefined && reservedRange(from.ip) === "loopback";
    if (loopback && by !== undefined && sameHost(by, previous.by)) continue;
    findings.push({
      severity: "warning",
      code: "broken-chain",
      message: `hop ${hop.index} says it came from ${claimedNames(from)}, ` +
        `but hop ${hops[i - 1].index} was received by ${previous.by}`,
      hop: hop.index,
    });
  }
  return findings;
}

/** The names a client gave itself: its HELO name, its reverse name, or both ("a / b"). */
function claimedNames({ helo, reverseName }: ReceivedFrom): string {
  if (helo === undefined || helo === reverseName) return reverseName ?? "";
  return reverseName === undefined ? helo : `${helo} / ${reverseName}`;
}

/** Private, loopback, documentation… addresses on hops outside the recipient's infrastructure. */
export function checkReservedAddresses({ hops }: TraceContext): TraceFinding[] {
  const findings: TraceFinding[] = [];
  for (const hop of hops) {
    const ip = hop.received.from.ip;
    const range = hop.trusted || ip === undefined ? undefined : reservedRange(ip);
    // Authenticated submission from a laptop on a home network is normal.
    if (range === undefined || AUTHENTICATED.test(hop.received.with ?? "")) continue;
    findings.push({
      severity: range === "loopback" ? "info" : "warning",
      code: "private-ip",
      message: `hop ${hop.index} outside the trusted hosts came from ${ip}, a ${range} address`,
      hop: hop.index,
    });
  }
  return findings;
}

/**
 * RFC 5321 §4.1.4: the HELO name should be the client's primary host name; when the receiving
 * host's reverse DNS lookup names another organisation, the client misnamed itself.
 */
export function checkHeloName({ hops }: TraceContext): TraceFinding[] {
  const findings: TraceFinding[] = [];
  for (const hop of hops) {
    const { helo, reverseName } = hop.received.from;
    if (!isHostName(helo) || !isHostName(reverseName) || sameHost(helo, reverseName)) continue;
    findings.push({
      severity: "info",
      code: "helo-mismatch",
      message: `hop ${hop.index}: HELO ${helo} but reverse DNS says ${reverseName}`,
      hop: hop.index,
    });
  }
  return findings;
}

/** A hop between two hosts (not over loopback) that does not record TLS. */
export function checkTls({ hops }: TraceContext): TraceFinding[] {
  const findings: TraceFinding[] = [];
  for (const hop of hops) {
    const { from, tls, by } = hop.received;
    if (tls || from.ip === undefined || reservedRange(from.ip) === "loopback") continue;
    findings.push({
      severity: "warning",
      code: "no-tls",
      message: `hop ${hop.index} (${clientName(hop)} to ${by ?? "?"}) records no TLS`,
      hop: hop.index,
    });
  }
  return findings;
}

/** Large delays, and negative ones: clock skew between two hosts, not time travel. */
export function checkDelays({ hops }: TraceContext): TraceFinding[] {
  return hops.flatMap((hop): TraceFinding[] => {
    const delay = hop.delaySeconds;
    if (delay === undefined) return [];
    const where = hop.index === 1
      ? "the Date field and hop 1"
      : `hops ${hop.index - 1} and ${hop.index}`;
    if (delay < 0) {
      const message = `clock skew of ${formatDuration(-delay)} between ${where}`;
      return [{ severity: "info", code: "clock-skew", message, hop: hop.index }];
    }
    // The time between the Date field and hop 1 is checkDate's (composing takes time).
    if (delay <= LARGE_DELAY_SECONDS || hop.index === 1) return [];
    const message = `${formatDuration(delay)} lost between ${where} (by ${hop.received.by ?? "?"})`;
    return [{ severity: "warning", code: "large-delay", message, hop: hop.index }];
  });
}

/** The client of a hop as one name: reverse name, else HELO, else address. */
export function clientName(hop: Hop): string {
  const { helo, reverseName, ip } = hop.received.from;
  return reverseName ?? helo ?? ip ?? "?";
}

/** Same host name, or the same organisational domain (RFC 7489 §3.2). */
function sameHost(a: string, b: string): boolean {
  if (a === b) return true;
  const x = hostName(a);
  const y = hostName(b);
  return x === y || (x.includes(".") && organizationalDomain(x) === organizationalDomain(y));
}
