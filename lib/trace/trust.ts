/**
 * The recipient's own infrastructure: the hosts whose Received and Authentication-Results
 * fields can be believed. Everything below them was written by outside hosts and is a claim.
 *
 * @module
 */

import { organizationalDomain } from "../dns/organizational_domain.ts";
import { isIpAddress } from "./ip_range.ts";
import type { Received } from "./received.ts";

/** The trusted hosts: a name matches when it is one of them or a subdomain of one. */
export interface TrustZone {
  /** Host or domain names, lower case, no trailing dot. */
  hosts: string[];
  /** True when guessed from the last hop's organisational domain, not given. */
  guessed: boolean;
}

/**
 * The zone from `--trusted-by` hosts, or, when none are given, the organisational domain
 * (RFC 7489 §3.2) of the last hop's `by` name.
 *
 * @example
 * ```ts
 * trustZone([{ from: {}, by: "mx1.example.org", raw: "", warnings: [] }], []).hosts;
 * // ["example.org"]
 * ```
 */
export function trustZone(travel: readonly Received[], trustedBy: readonly string[]): TrustZone {
  if (trustedBy.length > 0) return { hosts: trustedBy.map(hostName), guessed: false };
  const last = travel.findLast((received) => isHostName(received.by));
  return {
    hosts: last?.by === undefined ? [] : [organizationalDomain(hostName(last.by))],
    guessed: true,
  };
}

/** Whether `name` is a zone host or below one. */
export function inZone(zone: TrustZone, name: string | undefined): boolean {
  if (name === undefined) return false;
  const host = hostName(name);
  for (const trusted of zone.hosts) {
    if (host === trusted) return true;
    // A subdomain: the zone host after a ".".
    const dot = host.length - trusted.length - 1;
    if (dot >= 0 && host.charCodeAt(dot) === 46 && host.endsWith(trusted)) return true;
  }
  return false;
}

/**
 * The travel-order index of the first trusted hop: the lowest zone hop of the unbroken run at
 * the end. A hop naming no host (`by` an address, or absent) does not break the run; a zone
 * name lower down, under an outside hop, is a claim and is not trusted.
 */
export function firstTrustedHop(travel: readonly Received[], zone: TrustZone): number {
  let first = travel.length;
  for (let i = travel.length - 1; i >= 0; i--) {
    const by = travel[i].by;
    if (inZone(zone, by)) first = i;
    else if (isHostName(by)) break;
  }
  return first;
}

/** Lower case without the trailing dot of a fully qualified name. */
export function hostName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith(".") ? lower.slice(0, -1) : lower;
}

/** Whether `name` is a dotted host name, not an address or a bare label. */
export function isHostName(name: string | undefined): name is string {
  return name !== undefined && name.includes(".") && !isIpAddress(name) &&
    !name.startsWith("[");
}
