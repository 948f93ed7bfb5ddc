/**
 * `postie mx --check`: every address of every MX host probed live, all at once, each with
 * its own time limit, beside its reverse DNS.
 *
 * @module
 */

import type { Finding } from "../dns/finding.ts";
import { confirmReverse, type ReverseDns } from "../dns/forward_confirmed.ts";
import type { MxRoute } from "../dns/mx_route.ts";
import type { Resolver } from "../dns/resolver.ts";
import { judgeProbe } from "./probe_findings.ts";
import { probeSmtp, type SmtpProbe } from "./smtp_probe.ts";

/** One MX address checked: the probe, its PTR, and their findings. */
export interface AddressCheck {
  /** The MX host's exchange name (A-labels, no final dot). */
  exchange: string;
  /** The MX host's PREFERENCE (RFC 5321 §5.1). */
  preference: number;
  /** The IP address probed. */
  address: string;
  /** What the SMTP probe saw. */
  probe: SmtpProbe;
  /** The address's reverse DNS, forward-confirmed. */
  reverse: ReverseDns;
  /** The probe's findings, then the PTR's. */
  findings: Finding[];
}

/** Options of {@linkcode checkMxRoute}. */
export interface MxCheckOptions {
  /** Port to connect to; default 25. */
  port?: number;
  /** Time limit of each address's probe, ms. */
  timeoutMs: number;
  /** The name given in EHLO. */
  clientName?: string;
  /** The time certificates are judged at. */
  now?: Date;
}

/**
 * Checks every address of every host of `route` concurrently, in route order.
 *
 * @example
 * ```ts
 * const resolver = new Resolver();
 * const route = await resolveMxRoute(resolver, "example.com");
 * for (const check of await checkMxRoute(resolver, route, { timeoutMs: 10_000 })) {
 *   console.log(check.exchange, check.address, check.probe.tls?.protocol, check.findings);
 * }
 * ```
 */
export function checkMxRoute(
  resolver: Resolver,
  route: MxRoute,
  options: MxCheckOptions,
): Promise<AddressCheck[]> {
  const targets = route.hosts.flatMap((host) =>
    host.addresses.map((address) => ({ host, address }))
  );
  return Promise.all(targets.map(async ({ host, address }) => {
    const [probe, reverse] = await Promise.all([
      probeSmtp({ ...options, address, name: host.exchange }),
      confirmReverse(resolver, address),
    ]);
    const findings = [...judgeProbe(probe), reverse.finding];
    return {
      exchange: host.exchange,
      preference: host.preference,
      address,
      probe,
      reverse,
      findings,
    };
  }));
}
