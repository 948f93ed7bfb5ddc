/**
 * The live part of `postie mx`, loaded only when a run needs it (node:tls and the probes take
 * longer to load than a DNS-only run takes to ask): each MX address checked under --check,
 * and the MTA-STS policy fetched over HTTPS when `_mta-sts` announces one.
 *
 * @module
 */

import type { Diagnosis } from "../lib/dns/diagnosis.ts";
import type { Resolver } from "../lib/dns/resolver.ts";
import { fetchMtaStsPolicy, type MtaStsPolicyCheck } from "../lib/probe/mta_sts_fetch.ts";
import { type AddressCheck, checkMxRoute, type MxCheckOptions } from "../lib/probe/mx_check.ts";

/** What the live part does: the probes' options, and whether and where to fetch the policy. */
export interface LiveOptions extends MxCheckOptions {
  /** Connect to each MX address (--check). */
  check: boolean;
  /** Fetch the MTA-STS policy when `_mta-sts` announces one (unless --no-mta-sts-fetch). */
  fetchPolicy: boolean;
  /** The port the policy is fetched from. */
  httpsPort: number;
}

/** What the live part found: absent keys were not asked for. */
export interface LiveResult {
  /** Each MX address checked (--check). */
  checks?: AddressCheck[];
  /** The MTA-STS policy fetched and judged. */
  mtaStsPolicy?: MtaStsPolicyCheck;
}

/**
 * Checks the MX addresses and fetches the MTA-STS policy, at once.
 *
 * @example
 * ```ts
 * const live = await checkLive(resolver, diagnosis, { check: true, fetchPolicy: true,
 *   httpsPort: 443, timeoutMs: 5000 });
 * console.log(live.checks?.length, live.mtaStsPolicy?.policy?.mode);
 * ```
 */
export async function checkLive(
  resolver: Resolver,
  diagnosis: Diagnosis,
  options: LiveOptions,
): Promise<LiveResult> {
  const [checks, mtaStsPolicy] = await Promise.all([
    options.check ? checkMxRoute(resolver, diagnosis.route, options) : undefined,
    options.fetchPolicy ? fetchPolicy(resolver, diagnosis, options) : undefined,
  ]);
  return { ...(checks && { checks }), ...(mtaStsPolicy && { mtaStsPolicy }) };
}

/** RFC 8461 §3.3: the policy is fetched when `_mta-sts` announces one. */
function fetchPolicy(
  resolver: Resolver,
  diagnosis: Diagnosis,
  options: LiveOptions,
): Promise<MtaStsPolicyCheck | undefined> {
  if (!diagnosis.mtaSts?.record) return Promise.resolve(undefined);
  const route = diagnosis.route;
  const mxNames = route.kind === "mx" ? route.hosts.map((h) => h.exchange) : [];
  return fetchMtaStsPolicy(resolver, diagnosis.domain.ascii, mxNames, {
    port: options.httpsPort,
    timeoutMs: options.timeoutMs,
  });
}
