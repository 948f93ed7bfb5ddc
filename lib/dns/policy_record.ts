/**
 * Finding a policy record among the TXT records at a name: the one that starts with the
 * policy's version tag (as DMARC, MTA-STS, TLS-RPT and BIMI are published).
 *
 * @module
 */

import { isDnsFailure, type Lookup } from "./lookup.ts";
import type { Resolver } from "./resolver.ts";

/** What was found at a policy name. */
export type PolicyRecordResult =
  | { status: "found"; name: string; record: string }
  | { status: "missing"; name: string; lookup: Lookup<"TXT"> }
  | { status: "several"; name: string; records: string[] }
  | { status: "failed"; name: string; reason: string };

/**
 * Looks up TXT at `name` and keeps the records whose first tag is `version` (e.g. `v=DMARC1`,
 * compared without case or spaces around "=").
 *
 * @example
 * ```ts
 * const dmarc = await findPolicyRecord(resolver, "_dmarc.example.com", "v=DMARC1");
 * if (dmarc.status === "found") console.log(dmarc.record);
 * ```
 */
export async function findPolicyRecord(
  resolver: Resolver,
  name: string,
  version: string,
): Promise<PolicyRecordResult> {
  const lookup = await resolver.lookup(name, "TXT");
  if (isDnsFailure(lookup)) {
    return { status: "failed", name, reason: lookup.reason ?? lookup.status };
  }
  const wanted = version.toLowerCase();
  const records = lookup.records.filter((text) =>
    (text.split(";")[0] ?? "").replace(/\s+/g, "").toLowerCase() === wanted
  );
  if (records.length === 0) return { status: "missing", name, lookup };
  if (records.length > 1) return { status: "several", name, records };
  return { status: "found", name, record: records[0] };
}
