/**
 * MTA-STS discovery (RFC 8461 §3.1): the `_mta-sts.<domain>` TXT record, `v=STSv1; id=…`.
 * The policy file itself is parsed by mta_sts_policy.ts and fetched by lib/probe/mta_sts_fetch.ts.
 *
 * @module
 */

import { errorFinding, type Finding, okFinding, warningFinding } from "./finding.ts";
import { findPolicyRecord } from "./policy_record.ts";
import type { Resolver } from "./resolver.ts";
import { parseTagList } from "./tag_list.ts";

/** What `_mta-sts` says. */
export interface MtaStsRecord {
  /** The `_mta-sts.<domain>` TXT record's text (RFC 8461 §3.1), when there is one. */
  record?: string;
  /** The policy id (changes whenever the policy file does). */
  id?: string;
  /** What the check found about the record. */
  findings: Finding[];
}

/**
 * Finds and checks the MTA-STS TXT record of `domain` (A-labels).
 *
 * @example
 * ```ts
 * const sts = await auditMtaSts(new Resolver(), "example.com");
 * console.log(sts.id);
 * ```
 */
export async function auditMtaSts(resolver: Resolver, domain: string): Promise<MtaStsRecord> {
  const found = await findPolicyRecord(resolver, `_mta-sts.${domain}`, "v=STSv1");
  if (found.status === "failed") {
    return {
      findings: [warningFinding("mta-sts", "mta-sts-dns", `${found.name}: ${found.reason}`)],
    };
  }
  if (found.status === "missing") {
    return {
      findings: [
        okFinding("mta-sts", "mta-sts-missing", "no MTA-STS: senders may fall back to plain text"),
      ],
    };
  }
  if (found.status === "several") {
    // RFC 8461 §3.1: more than one record: as if there were none
    const reason = `${found.name} has ${found.records.length} STSv1 records: ignored`;
    return { findings: [errorFinding("mta-sts", "mta-sts-several-records", reason)] };
  }
  const id = parseTagList(found.record)?.get("id");
  // RFC 8461 §3.1: id = 1*32(ALPHA / DIGIT)
  if (!id || !/^[a-z0-9]{1,32}$/i.test(id)) {
    const reason = `${found.name}: id= must be 1 to 32 letters or digits`;
    return { record: found.record, findings: [errorFinding("mta-sts", "mta-sts-id", reason)] };
  }
  const reason = `MTA-STS announced (id ${id})`;
  return { record: found.record, id, findings: [okFinding("mta-sts", "mta-sts", reason)] };
}
