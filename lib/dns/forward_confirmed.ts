/**
 * Forward-confirmed reverse DNS (FCrDNS, the "iprev" check of RFC 8601 §3): an address's PTR
 * names, and which of them resolve back to the address.
 *
 * @module
 */

import { type Finding, okFinding, warningFinding } from "./finding.ts";
import { isDnsFailure, type Lookup, type LookupStatus } from "./lookup.ts";
import type { Resolver } from "./resolver.ts";
import { reverseName } from "./reverse_name.ts";

/** An address's reverse DNS, from {@linkcode confirmReverse}. */
export interface ReverseDns {
  /** The IP address whose PTR was asked for. */
  address: string;
  /** Status of the PTR question. */
  status: LookupStatus;
  /** PTR names (no final dot). */
  names: string[];
  /** The PTR names whose A or AAAA records include the address. */
  confirmed: string[];
  /** One finding: ok (confirmed), else a warning (no PTR, not confirmed, DNS failed). */
  finding: Finding;
}

/**
 * Looks up the PTR names of `address`, then each name's addresses.
 *
 * @example
 * ```ts
 * const reverse = await confirmReverse(new Resolver(), "192.0.2.1");
 * console.log(reverse.names, reverse.confirmed.length > 0);
 * ```
 */
export async function confirmReverse(resolver: Resolver, address: string): Promise<ReverseDns> {
  const ptr = await resolver.lookup(reverseName(address), "PTR");
  const names = ptr.records.map((name) => name.replace(/\.$/, ""));
  const type = address.includes(":") ? "AAAA" : "A";
  // RFC 8601 §3: iprev passes when a PTR name's forward lookup returns the address
  const forward = await Promise.all(names.map((name) => resolver.lookup(name, type)));
  const confirmed = names.filter((_, i) => forward[i].records.includes(address));
  const finding = judge(address, ptr, names, confirmed);
  return { address, status: ptr.status, names, confirmed, finding };
}

function judge(address: string, ptr: Lookup<"PTR">, names: string[], confirmed: string[]): Finding {
  if (isDnsFailure(ptr)) {
    return warningFinding("ptr", "ptr-dns-failed", `PTR of ${address}: DNS failed: ${ptr.reason}`);
  }
  if (names.length === 0) {
    return warningFinding("ptr", "ptr-missing", `${address} has no PTR record`);
  }
  if (confirmed.length === 0) {
    return warningFinding(
      "ptr",
      "ptr-not-confirmed",
      `PTR of ${address} is ${names.join(", ")}, which does not resolve back to it (no FCrDNS)`,
    );
  }
  return okFinding("ptr", "ptr-confirmed", `${address} ↔ ${confirmed[0]} (FCrDNS confirmed)`);
}
