/**
 * DMARC policy discovery and judgement (RFC 7489): `_dmarc.<domain>`, else `_dmarc.<the
 * organisational domain>` (§6.6.3), and the tags p, sp, pct, rua, ruf, adkim, aspf (§6.3).
 *
 * @module
 */

import { errorFinding, type Finding, okFinding, warningFinding } from "./finding.ts";
import { findPolicyRecord, type PolicyRecordResult } from "./policy_record.ts";
import type { Resolver } from "./resolver.ts";
import { parseTagList } from "./tag_list.ts";

/** A domain's DMARC policy as found, with the tags that matter. */
export interface DmarcPolicy {
  /** The name the record was found at (`_dmarc.<domain>` or `_dmarc.<org domain>`). */
  foundAt?: string;
  /** The DMARC record's text (RFC 7489 §6.3), when there is one. */
  record?: string;
  /** The policy that applies to this domain: `sp` when inherited from the organisation. */
  policy?: string;
  /** The record's tags by name, e.g. `p`, `sp`, `rua` (RFC 7489 §6.3). */
  tags: Record<string, string>;
  /** What the check found about the policy. */
  findings: Finding[];
}

const POLICIES = new Set(["none", "quarantine", "reject"]);

/**
 * Finds and judges the DMARC policy of `domain` (A-labels).
 *
 * @example
 * ```ts
 * const dmarc = await auditDmarc(new Resolver(), "mail.example.com");
 * console.log(dmarc.foundAt, dmarc.policy); // "_dmarc.example.com" "reject"
 * ```
 */
export async function auditDmarc(resolver: Resolver, domain: string): Promise<DmarcPolicy> {
  const found = await findPolicyRecord(resolver, `_dmarc.${domain}`, "v=DMARC1");
  if (found.status !== "missing") return judge(domain, found, false);
  // RFC 7489 §6.6.3: no record at the domain: ask the organisational domain. The Public
  // Suffix List is loaded only then (it takes longer to load than most runs take to ask).
  const { organizationalDomain } = await import("./organizational_domain.ts");
  const organization = organizationalDomain(domain);
  if (organization === domain) return judge(domain, found, false);
  return judge(
    domain,
    await findPolicyRecord(resolver, `_dmarc.${organization}`, "v=DMARC1"),
    true,
  );
}

function judge(domain: string, found: PolicyRecordResult, inherited: boolean): DmarcPolicy {
  const none = (finding: Finding): DmarcPolicy => ({ tags: {}, findings: [finding] });
  switch (found.status) {
    case "failed":
      return none(warningFinding("dmarc", "dmarc-dns", `${found.name}: ${found.reason}`));
    case "several":
      // RFC 7489 §6.6.3: more than one record means no policy
      return none(
        errorFinding(
          "dmarc",
          "dmarc-several-records",
          `${found.name} has ${found.records.length} DMARC records: none applies`,
        ),
      );
    case "missing":
      return none(
        warningFinding(
          "dmarc",
          "dmarc-missing",
          `no DMARC record for ${domain}: receivers apply no policy`,
        ),
      );
  }
  const tags = parseTagList(found.record);
  const base = { foundAt: found.name, record: found.record, tags: Object.fromEntries(tags ?? []) };
  if (!tags) {
    return {
      ...base,
      findings: [errorFinding("dmarc", "dmarc-syntax", `${found.name}: not a tag=value list`)],
    };
  }
  // RFC 7489 §6.3: sp applies to subdomains, which take the organisational domain's record
  const policy = inherited ? tags.get("sp") ?? tags.get("p") : tags.get("p");
  return { ...base, policy, findings: judgeTags(found.name, tags, policy, inherited) };
}

function judgeTags(
  at: string,
  tags: Map<string, string>,
  policy: string | undefined,
  inherited: boolean,
): Finding[] {
  if (!policy || !POLICIES.has(policy.toLowerCase())) {
    return [errorFinding("dmarc", "dmarc-policy", `${at}: p= must be none, quarantine or reject`)];
  }
  const findings: Finding[] = [];
  const from = inherited ? ` (inherited from ${at})` : "";
  if (policy.toLowerCase() === "none") {
    findings.push(
      warningFinding(
        "dmarc",
        "dmarc-p-none",
        `policy none${from}: monitoring only, forged mail is delivered`,
      ),
    );
  } else findings.push(okFinding("dmarc", "dmarc-policy", `policy ${policy}${from}`));
  const pct = tags.get("pct");
  if (pct !== undefined && !(/^\d{1,3}$/.test(pct) && Number(pct) <= 100)) {
    findings.push(errorFinding("dmarc", "dmarc-pct", `${at}: pct=${pct} is not 0 to 100`));
  } else if (pct !== undefined && Number(pct) < 100) {
    findings.push(
      warningFinding(
        "dmarc",
        "dmarc-pct",
        `pct=${pct}: the policy applies to ${pct}% of failing mail`,
      ),
    );
  }
  for (const tag of ["adkim", "aspf"]) {
    const value = tags.get(tag);
    if (value !== undefined && value !== "r" && value !== "s") {
      findings.push(errorFinding("dmarc", `dmarc-${tag}`, `${at}: ${tag}=${value} must be r or s`));
    }
  }
  findings.push(...judgeReportUris(at, tags));
  return findings;
}

/** RFC 7489 §6.3: rua and ruf are comma-separated URIs, mailto: in practice. */
function judgeReportUris(at: string, tags: Map<string, string>): Finding[] {
  const rua = tags.get("rua");
  if (rua === undefined) {
    return [warningFinding("dmarc", "dmarc-no-rua", `${at}: no rua=, so no aggregate reports`)];
  }
  const bad = [rua, tags.get("ruf") ?? ""].join(",").split(",").map((u) => u.trim())
    .filter((u) => u !== "" && !/^(mailto|https?):\S+$/i.test(u));
  return bad.map((uri) =>
    errorFinding("dmarc", "dmarc-report-uri", `${at}: "${uri}" is not a report URI`)
  );
}
