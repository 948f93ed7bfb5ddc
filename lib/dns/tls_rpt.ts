/**
 * SMTP TLS reporting (RFC 8460 §3): the `_smtp._tls.<domain>` TXT record,
 * `v=TLSRPTv1; rua=mailto:…,https://…`.
 *
 * @module
 */

import { errorFinding, type Finding, okFinding, warningFinding } from "./finding.ts";
import { findPolicyRecord } from "./policy_record.ts";
import type { Resolver } from "./resolver.ts";
import { parseTagList } from "./tag_list.ts";

/** What `_smtp._tls` says. */
export interface TlsRptRecord {
  /** The `_smtp._tls.<domain>` TXT record's text (RFC 8460 §3), when there is one. */
  record?: string;
  /** Where reports go. */
  rua: string[];
  /** What the check found about the record. */
  findings: Finding[];
}

/**
 * Finds and checks the TLS-RPT record of `domain` (A-labels).
 *
 * @example
 * ```ts
 * const rpt = await auditTlsRpt(new Resolver(), "example.com");
 * console.log(rpt.rua);
 * ```
 */
export async function auditTlsRpt(resolver: Resolver, domain: string): Promise<TlsRptRecord> {
  const found = await findPolicyRecord(resolver, `_smtp._tls.${domain}`, "v=TLSRPTv1");
  const only = (finding: Finding): TlsRptRecord => ({ rua: [], findings: [finding] });
  if (found.status === "failed") {
    return only(warningFinding("tls-rpt", "tls-rpt-dns", `${found.name}: ${found.reason}`));
  }
  if (found.status === "missing") {
    return only(okFinding("tls-rpt", "tls-rpt-missing", "no TLS-RPT: no reports of TLS failures"));
  }
  if (found.status === "several") {
    const reason = `${found.name} has ${found.records.length} TLSRPTv1 records: ignored`;
    return only(errorFinding("tls-rpt", "tls-rpt-several-records", reason));
  }
  // RFC 8460 §3: rua is one or more mailto: or https: URIs, comma-separated
  const rua = (parseTagList(found.record)?.get("rua") ?? "").split(",").map((u) => u.trim())
    .filter((u) => u !== "");
  const valid = rua.length > 0 && rua.every((u) => /^(mailto|https):\S+$/i.test(u));
  const finding = valid
    ? okFinding("tls-rpt", "tls-rpt", `TLS reports go to ${rua.join(", ")}`)
    : errorFinding("tls-rpt", "tls-rpt-rua", `${found.name}: rua= needs mailto: or https: URIs`);
  return { record: found.record, rua, findings: [finding] };
}
