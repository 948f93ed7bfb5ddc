/**
 * Judges a domain's SPF policy (RFC 7208) without a sender: the record's syntax, the DNS
 * lookups it costs counted through every include and redirect (limit 10, RFC 7208 §4.6.4),
 * void lookups (limit 2), loops, and permissive `all` mechanisms.
 *
 * @module
 */

import { errorFinding, type Finding, okFinding, warningFinding } from "./finding.ts";
import { isDnsFailure } from "./lookup.ts";
import type { Resolver } from "./resolver.ts";
import {
  expandDomainSpec,
  isSpfRecord,
  parseSpf,
  type SpfRecord,
  type SpfTerm,
} from "./spf_record.ts";

/** RFC 7208 §4.6.4: at most 10 mechanisms and modifiers that query DNS. */
export const SPF_LOOKUP_LIMIT = 10;
/** RFC 7208 §4.6.4: at most 2 lookups that find nothing (NXDOMAIN or NODATA). */
export const SPF_VOID_LOOKUP_LIMIT = 2;
/** RFC 7208 §4.6.4: at most 10 names per `mx` mechanism. */
const MX_NAME_LIMIT = 10;

/** The SPF policy of one domain and of everything it includes. */
export interface SpfPolicy {
  /** The domain whose SPF policy this is. */
  domain: string;
  /** The SPF record, when there is exactly one. */
  record?: string;
  /** DNS lookups that count towards the limit, here and in every include and redirect. */
  lookups: number;
  /** Lookups that found nothing, here and below. */
  voidLookups: number;
  /** The policies pulled in by `include:` and `redirect=`, in record order. */
  includes: SpfPolicy[];
  /** What the audit found, here and in every include and redirect. */
  findings: Finding[];
}

/**
 * Fetches and judges the SPF policy of `domain` (A-labels).
 *
 * @example
 * ```ts
 * const spf = await auditSpf(new Resolver(), "example.com");
 * console.log(spf.record, `${spf.lookups}/10 lookups`);
 * ```
 */
export async function auditSpf(resolver: Resolver, domain: string): Promise<SpfPolicy> {
  const policy = await walk(resolver, domain, []);
  return { ...policy, findings: [...policy.findings, ...judgeTotals(policy)] };
}

function judgeTotals(policy: SpfPolicy): Finding[] {
  if (policy.record === undefined) return [];
  const { lookups, voidLookups } = policy;
  const findings = [
    lookups > SPF_LOOKUP_LIMIT
      ? errorFinding(
        "spf",
        "spf-too-many-lookups",
        `${lookups} DNS lookups, over the limit of 10 (RFC 7208 §4.6.4): permerror`,
      )
      : okFinding("spf", "spf-lookups", `${lookups} of 10 DNS lookups`),
  ];
  if (voidLookups > SPF_VOID_LOOKUP_LIMIT) {
    const reason = `${voidLookups} lookups find nothing, over the limit of 2 (RFC 7208 §4.6.4)`;
    findings.push(errorFinding("spf", "spf-void-lookups", reason));
  }
  return findings;
}

/** Fetches the SPF record of `domain` and walks it; `path` holds the domains above it. */
async function walk(resolver: Resolver, domain: string, path: string[]): Promise<SpfPolicy> {
  const empty: SpfPolicy = { domain, lookups: 0, voidLookups: 0, includes: [], findings: [] };
  const txt = await resolver.lookup(domain, "TXT");
  if (isDnsFailure(txt)) {
    return {
      ...empty,
      findings: [warningFinding("spf", "spf-dns", `SPF of ${domain}: ${txt.reason}`)],
    };
  }
  const records = txt.records.filter(isSpfRecord);
  if (records.length === 0) {
    const [code, reason] = path.length === 0
      ? ["spf-missing", `${domain} has no SPF record: receivers cannot tell forged senders`]
      : [
        "spf-include-missing",
        `${domain} (included by ${path.at(-1)}) has no SPF record: permerror`,
      ];
    const severity = path.length === 0 ? warningFinding : errorFinding;
    return {
      ...empty,
      voidLookups: txt.status === "ok" ? 0 : 1,
      findings: [severity("spf", code, reason)],
    };
  }
  if (records.length > 1) {
    // RFC 7208 §4.5: more than one record is a permerror
    const reason = `${domain} has ${records.length} SPF records (RFC 7208 §4.5): permerror`;
    return { ...empty, findings: [errorFinding("spf", "spf-several-records", reason)] };
  }
  const record = parseSpf(records[0]);
  if (record.error) {
    const reason = `${domain}: ${record.error} (RFC 7208 §4.6): permerror`;
    return { ...empty, record: record.text, findings: [errorFinding("spf", "spf-syntax", reason)] };
  }
  return await walkTerms(resolver, domain, record, [...path, domain]);
}

/** Counts each term's lookups and walks includes and the redirect, all at once. */
async function walkTerms(
  resolver: Resolver,
  domain: string,
  record: SpfRecord,
  path: string[],
): Promise<SpfPolicy> {
  // RFC 7208 §6.1: redirect= is ignored when the record has an "all" mechanism
  const hasAll = record.terms.some((t) => t.kind === "mechanism" && t.name === "all");
  const counted = record.terms.filter((t) =>
    t.kind === "mechanism" || (t.name === "redirect" && !hasAll)
  );
  const parts = await Promise.all(counted.map((term) => costOf(resolver, domain, term, path)));
  const includes = parts.flatMap((p) => p.includes);
  return {
    domain,
    record: record.text,
    lookups: parts.reduce((sum, p) => sum + p.lookups, 0),
    voidLookups: parts.reduce((sum, p) => sum + p.voidLookups, 0),
    includes,
    findings: [...judgeAll(domain, record.terms), ...parts.flatMap((p) => p.findings)],
  };
}

type Cost = Pick<SpfPolicy, "lookups" | "voidLookups" | "includes" | "findings">;

/** What one term costs: its own lookup, its void lookups, and what it includes. */
async function costOf(
  resolver: Resolver,
  domain: string,
  term: SpfTerm,
  path: string[],
): Promise<Cost> {
  const none: Cost = { lookups: 0, voidLookups: 0, includes: [], findings: [] };
  if (
    term.kind === "mechanism" && (term.name === "all" || term.name === "ip4" || term.name === "ip6")
  ) return none;
  const spec = term.value?.replace(/\/\d+(?:\/\/\d+)?$/, "") ?? domain;
  const target = expandDomainSpec(spec, domain);
  const counted: Cost = { ...none, lookups: 1 };
  if (term.kind === "mechanism" && term.name === "ptr") {
    const reason = `${domain}: "ptr" is slow and unreliable; do not use it (RFC 7208 §5.5)`;
    return { ...counted, findings: [warningFinding("spf", "spf-ptr", reason)] };
  }
  if (target === undefined) return counted; // depends on the sender: counted, not followed
  if (term.name === "include" || term.name === "redirect") {
    // Past 10 levels the evaluation has failed already (RFC 7208 §4.6.4): stop following
    if (path.length > SPF_LOOKUP_LIMIT) return counted;
    if (path.includes(target)) {
      const loop = [...path, target].join(" → ");
      return { ...counted, findings: [errorFinding("spf", "spf-loop", `include loop: ${loop}`)] };
    }
    const below = await walk(resolver, target, path);
    return { ...below, lookups: below.lookups + 1, includes: [below], findings: below.findings };
  }
  return { ...counted, ...await addressCost(resolver, term.name, target) };
}

/** The void lookups of an `a`, `mx` or `exists` target, and the MX name limit. */
async function addressCost(
  resolver: Resolver,
  name: string,
  target: string,
): Promise<Partial<Cost>> {
  const lookup = await resolver.lookup(target, name === "mx" ? "MX" : "A");
  const found = lookup.status === "ok" ? lookup.records.length : 0;
  const voidLookups = lookup.status === "nxdomain" || lookup.status === "nodata" ? 1 : 0;
  if (name === "mx" && found > MX_NAME_LIMIT) {
    const reason = `mx:${target} has ${found} MX names, over the limit of 10 (RFC 7208 §4.6.4)`;
    return { voidLookups, findings: [errorFinding("spf", "spf-mx-limit", reason)] };
  }
  return { voidLookups };
}

/** RFC 7208 §5.1 and §8: what the record does with everyone else. */
function judgeAll(domain: string, terms: SpfTerm[]): Finding[] {
  const all = terms.find((t) => t.kind === "mechanism" && t.name === "all");
  if (!all) {
    if (terms.some((t) => t.name === "redirect")) return [];
    const reason = `${domain}: no "all" and no redirect: other senders get "neutral"`;
    return [warningFinding("spf", "spf-no-all", reason)];
  }
  if (all.kind === "mechanism" && all.qualifier === "+") {
    const reason = `${domain}: "+all" lets anyone on the Internet send as the domain`;
    return [warningFinding("spf", "spf-pass-all", reason)];
  }
  if (all.kind === "mechanism" && all.qualifier === "?") {
    return [
      warningFinding(
        "spf",
        "spf-neutral-all",
        `${domain}: "?all" says nothing about other senders`,
      ),
    ];
  }
  return [];
}
