/**
 * The whole mail diagnosis of one domain: its route (MX) and its policy records (SPF, DMARC,
 * MTA-STS, TLS-RPT, BIMI), looked up at once, with every finding and a verdict.
 *
 * @module
 */

import { auditBimi, type BimiRecord } from "./bimi.ts";
import { auditDmarc, type DmarcPolicy } from "./dmarc.ts";
import { type Finding, type Severity, worstSeverity } from "./finding.ts";
import type { MailDomain } from "./mail_domain.ts";
import { auditMtaSts, type MtaStsRecord } from "./mta_sts.ts";
import { type MxRoute, resolveMxRoute } from "./mx_route.ts";
import type { Resolver } from "./resolver.ts";
import { auditSpf, type SpfPolicy } from "./spf_audit.ts";
import { auditTlsRpt, type TlsRptRecord } from "./tls_rpt.ts";

/** Everything postie mx knows about a domain. */
export interface Diagnosis {
  /** The domain diagnosed. */
  domain: MailDomain;
  /** The worst finding: `error` means mail to or from the domain is at risk. */
  verdict: Severity;
  /** Where mail to the domain goes: its MX hosts (RFC 5321 §5.1). */
  route: MxRoute;
  /** Policy records; absent when the domain does not exist or its MX lookup failed. */
  spf?: SpfPolicy;
  /** The DMARC policy (RFC 7489 §6.1). */
  dmarc?: DmarcPolicy;
  /** The `_mta-sts` TXT record (RFC 8461 §3.1). */
  mtaSts?: MtaStsRecord;
  /** The `_smtp._tls` TLS-RPT record (RFC 8460 §3). */
  tlsRpt?: TlsRptRecord;
  /** The `default._bimi` BIMI record. */
  bimi?: BimiRecord;
  /** All findings, route first. */
  findings: Finding[];
}

/**
 * Diagnoses `domain`: all lookups go out at once and share the resolver's cache.
 *
 * @example
 * ```ts
 * const resolver = new Resolver();
 * const d = await diagnose(resolver, toMailDomain("example.com"));
 * console.log(d.verdict, d.route.hosts.map((h) => h.exchange));
 * ```
 */
export async function diagnose(resolver: Resolver, domain: MailDomain): Promise<Diagnosis> {
  const name = domain.ascii;
  const [route, spf, dmarc, mtaSts, tlsRpt, bimi] = await Promise.all([
    resolveMxRoute(resolver, name),
    auditSpf(resolver, name),
    auditDmarc(resolver, name),
    auditMtaSts(resolver, name),
    auditTlsRpt(resolver, name),
    auditBimi(resolver, name),
  ]);
  if (route.kind === "nxdomain" || route.kind === "unknown") {
    return { domain, verdict: "error", route, findings: route.findings };
  }
  const policies = { spf, dmarc, mtaSts, tlsRpt, bimi };
  const findings = [route, spf, dmarc, mtaSts, tlsRpt, bimi].flatMap((part) => part.findings);
  return { domain, verdict: worstSeverity(findings), route, ...policies, findings };
}
