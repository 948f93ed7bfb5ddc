/**
 * The typed outcome of one DNS question.
 *
 * @module
 */

import type { QueryType, RecordData } from "./record_type.ts";

/**
 * How a question ended: `ok` with records; `nxdomain` (RCODE 3: the name does not exist);
 * `nodata` (the name exists without records of this type, RFC 2308 §2.2); `servfail`
 * (RCODE 2), `refused` (RCODE 5) or another `error`; `timeout` (no answer in time).
 */
export type LookupStatus =
  | "ok"
  | "nxdomain"
  | "nodata"
  | "servfail"
  | "refused"
  | "timeout"
  | "error";

/** One question's outcome, from {@linkcode Resolver.lookup}. */
export interface Lookup<T extends QueryType = QueryType> {
  /** The name asked for (A-labels, no final dot). */
  name: string;
  /** The record type asked for (QTYPE, RFC 1035 §4.1.2). */
  type: T;
  /** How the question ended. */
  status: LookupStatus;
  /** The records of `type` at the end of the CNAME chain; empty unless `ok`. */
  records: RecordData[T][];
  /** Seconds the answer may be cached (RFC 2181 §5.2; for negative answers RFC 2308 §5). */
  ttl: number;
  /** CNAME targets followed in the answer, in order (RFC 1034 §3.6.2). */
  aliases: string[];
  /** One line saying what went wrong, for statuses other than ok, nxdomain and nodata. */
  reason?: string;
}

/** True when the lookup is a DNS failure (the answer is unknown, retry later), not an answer. */
export function isDnsFailure(lookup: Lookup): boolean {
  return lookup.status !== "ok" && lookup.status !== "nxdomain" && lookup.status !== "nodata";
}
