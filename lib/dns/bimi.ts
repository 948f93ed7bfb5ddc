/**
 * BIMI (draft-brand-indicators-for-message-identification): the `default._bimi.<domain>` TXT
 * record, `v=BIMI1; l=https://…/logo.svg; a=https://…/vmc.pem`, checked when present.
 *
 * @module
 */

import { errorFinding, type Finding, okFinding, warningFinding } from "./finding.ts";
import { findPolicyRecord } from "./policy_record.ts";
import type { Resolver } from "./resolver.ts";
import { parseTagList } from "./tag_list.ts";

/** The BIMI record when there is one. */
export interface BimiRecord {
  /** The `default._bimi.<domain>` TXT record's text, when there is one. */
  record?: string;
  /** Logo location (an https: SVG). */
  logo?: string;
  /** Evidence document (a VMC), if any. */
  authority?: string;
  /** What the check found about the record. */
  findings: Finding[];
}

/**
 * Finds and checks the default BIMI record of `domain` (A-labels); no finding when absent.
 *
 * @example
 * ```ts
 * const bimi = await auditBimi(new Resolver(), "example.com");
 * console.log(bimi.logo);
 * ```
 */
export async function auditBimi(resolver: Resolver, domain: string): Promise<BimiRecord> {
  const found = await findPolicyRecord(resolver, `default._bimi.${domain}`, "v=BIMI1");
  if (found.status === "missing") return { findings: [] };
  if (found.status === "failed") {
    return { findings: [warningFinding("bimi", "bimi-dns", `${found.name}: ${found.reason}`)] };
  }
  if (found.status === "several") {
    const reason = `${found.name} has ${found.records.length} BIMI1 records: ignored`;
    return { findings: [errorFinding("bimi", "bimi-several-records", reason)] };
  }
  const tags = parseTagList(found.record);
  const [logo, authority] = [tags?.get("l") || undefined, tags?.get("a") || undefined];
  const https = (uri?: string) => uri === undefined || /^https:\/\/\S+$/i.test(uri);
  const finding = !https(logo) || !https(authority)
    ? errorFinding("bimi", "bimi-uri", `${found.name}: l= and a= must be https: URIs`)
    : okFinding("bimi", "bimi", logo ? `BIMI logo at ${logo}` : "BIMI record declines a logo");
  return { record: found.record, logo, authority, findings: [finding] };
}
