/**
 * mailauth asks DNS through a `resolver(name, rrtype)` function shaped like Node's
 * `dns.resolve`; this adapter answers it from postie's own {@linkcode Resolver}, so checks
 * ask the server `--resolver` names (dnsmasq on loopback in tests), never the system's.
 *
 * @module
 */

import type { Lookup, LookupStatus } from "../dns/lookup.ts";
import type { QueryType } from "../dns/record_type.ts";
import type { Resolver } from "../dns/resolver.ts";

/** An MX answer in the shape of Node's `dns.resolveMx`. */
export interface NodeMxRecord {
  /** The mail exchanger's name. */
  exchange: string;
  /** Its preference (RFC 1035 §3.3.9), lower first. */
  priority: number;
}

/** The answers a mailauth resolver gives: TXT as lists of strings, MX as records, else names. */
export type MailauthAnswer = string[][] | string[] | NodeMxRecord[];

/** The resolver function mailauth takes (`options.resolver`). */
export type MailauthResolver = (name: string, rrtype: string) => Promise<MailauthAnswer>;

/** The Node `dns` error code of each failed lookup status, which mailauth branches on. */
const NODE_CODES: Record<Exclude<LookupStatus, "ok">, string> = {
  nxdomain: "ENOTFOUND",
  nodata: "ENODATA",
  servfail: "ESERVFAIL",
  refused: "EREFUSED",
  timeout: "ETIMEOUT",
  error: "ESERVFAIL",
};

const QUERY_TYPES = new Set<string>(["A", "AAAA", "CNAME", "MX", "PTR", "TXT"]);

/** A lookup that found no answer, with the Node `dns` error code mailauth expects. */
export class DnsLookupError extends Error {
  /** `ENOTFOUND`, `ENODATA`, `ESERVFAIL`, `EREFUSED`, `ETIMEOUT` or `ENOTIMP`. */
  readonly code: string;

  /** Creates the error for `rrtype` records of `name`. */
  constructor(name: string, rrtype: string, code: string, reason?: string) {
    super(`${rrtype} ${name}: ${reason ?? code}`);
    this.name = "DnsLookupError";
    this.code = code;
  }
}

/**
 * Wraps `resolver` as mailauth's resolver function. TXT records come back as one string per
 * record (postie joins the character-strings, RFC 7208 §3.3 and RFC 6376 §3.6.2.2); an
 * unanswered question rejects with a {@linkcode DnsLookupError}.
 *
 * @example
 * ```ts
 * const resolver = new Resolver({ nameServer: { ipAddr: "127.0.0.1", port: 5353 } });
 * const ask = mailauthResolver(resolver);
 * await ask("sel._domainkey.example.test", "TXT"); // [["v=DKIM1; k=rsa; p=..."]]
 * ```
 */
export function mailauthResolver(resolver: Resolver): MailauthResolver {
  return async (name, rrtype) => {
    const type = rrtype.toUpperCase();
    if (!QUERY_TYPES.has(type)) throw new DnsLookupError(name, rrtype, "ENOTIMP");
    const lookup: Lookup = await resolver.lookup(name, type as QueryType);
    if (lookup.status !== "ok") {
      throw new DnsLookupError(name, type, NODE_CODES[lookup.status], lookup.reason);
    }
    if (type === "TXT") return (lookup.records as string[]).map((text) => [text]);
    if (type === "MX") {
      return (lookup as Lookup<"MX">).records.map((mx) => ({
        exchange: mx.exchange,
        priority: mx.preference,
      }));
    }
    return lookup.records as string[];
  };
}
