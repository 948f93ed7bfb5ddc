/**
 * `postie trace --verify`: DKIM, ARC, SPF and DMARC redone now (lib/auth), and compared with
 * what the Authentication-Results (RFC 8601) and Received-SPF (RFC 7208 §9.1) fields claim.
 * A claim the facts contradict is a finding: "dkim=pass claimed, fails now (body changed?)".
 *
 * @module
 */

import type { AuthResultKeyword, DkimVerification, MessageVerification } from "../auth/verify.ts";
import { verifyMessage } from "../auth/verify.ts";
import type { Resolver } from "../dns/resolver.ts";
import type { TraceFinding, TraceSeverity } from "./finding.ts";
import type { Trace } from "./trace.ts";

/** Who sent to the recipient's first trusted host: the identities SPF checks. */
export interface VerifiedClient {
  /** The hop whose `from` clause names the client (1-based travel order). */
  hop: number;
  /** The client's address as that hop recorded it. */
  ip?: string;
  /** The HELO/EHLO name it gave. */
  helo?: string;
  /** The MAIL FROM address: the Return-Path field's ("" for the null path). */
  mailFrom?: string;
}

/** A trace with its claims checked: the facts, and the trace with the findings added. */
export interface VerifiedTrace {
  /** The trace with the `verify-*` findings merged in and the verdict extended. */
  trace: Trace;
  /** The client whose SPF was checked, when the message has hops. */
  client?: VerifiedClient;
  /** What verification found now. */
  facts: MessageVerification;
}

/** One result as a header field claims it. */
interface Claim {
  method: string;
  result: AuthResultKeyword;
  /** The authserv-id or Received-SPF receiver, for the message. */
  by: string;
  /** `header.d`, `header.s`, `header.b` of a dkim result (RFC 8601 §2.7.1, RFC 6008). */
  tags: Map<string, string>;
}

const RANK: Record<TraceSeverity, number> = { error: 0, warning: 1, info: 2 };
/** mailauth's comments on a DKIM result whose body hash differs, or whose key is gone. */
const BODY_HASH_MISMATCH = "body hash did not verify";
const NO_KEY = "no key";
/** How a trace's verdict starts when it found an error. */
const SUSPICIOUS = "suspicious: ";

/**
 * Verifies the traced message now and compares: SPF of the client of the first trusted hop
 * (the last outside host), DKIM, ARC and DMARC from the whole message.
 *
 * @example
 * ```ts
 * const bytes = await Deno.readFile("message.eml");
 * const resolver = new Resolver({ nameServer: { ipAddr: "127.0.0.1", port: 5353 } });
 * const { trace } = await verifyTrace(bytes, traceMessage(bytes), resolver);
 * trace.findings.filter((f) => f.code.startsWith("verify-"));
 * ```
 */
export async function verifyTrace(
  bytes: Uint8Array,
  trace: Trace,
  resolver: Resolver,
): Promise<VerifiedTrace> {
  const client = verifiedClient(trace);
  const { ip, helo, mailFrom } = client ?? {};
  const facts = await verifyMessage(bytes, { resolver, ip, helo, mailFrom });
  const findings = compareClaims(trace, facts, client);
  const merged = [...trace.findings, ...findings]
    .sort((a, b) => RANK[a.severity] - RANK[b.severity]);
  const verdict = verdictOf(trace.verdict, findings);
  return { trace: { ...trace, findings: merged, verdict }, client, facts };
}

/**
 * The trace's verdict with the check's: "…; verified now: no claim contradicted", or, when
 * claims differ, "[suspicious: ]1 claim not as verified now; header: <the trace's verdict>".
 */
function verdictOf(header: string, findings: TraceFinding[]): string {
  const differ = findings.filter((finding) => finding.severity !== "info").length;
  if (differ === 0) return `${header}; verified now: no claim contradicted`;
  const suspicious = findings.some((f) => f.severity === "error") || header.startsWith(SUSPICIOUS);
  const claims = `${plural(differ, "claim")} not as verified now`;
  return `${suspicious ? SUSPICIOUS : ""}${claims}; header: ${header.replace(SUSPICIOUS, "")}`;
}

/**
 * The client SPF is checked for: the `from` of the first trusted hop, where the message
 * entered the recipient's hosts (the last hop when none is trusted); undefined without hops.
 */
export function verifiedClient(trace: Trace): VerifiedClient | undefined {
  const hop = trace.hops.find((h) => h.trusted) ?? trace.hops.at(-1);
  if (hop === undefined) return undefined;
  const { ip, helo } = hop.received.from;
  return { hop: hop.index, ip, helo, mailFrom: trace.header.returnPath };
}

/** The `verify-*` findings: each fact against the claims of its method. */
export function compareClaims(
  trace: Trace,
  facts: MessageVerification,
  client?: VerifiedClient,
): TraceFinding[] {
  const claims = readClaims(trace);
  const of = (method: string) => claims.filter((claim) => claim.method === method);
  const spf = facts.spf
    ? compare("spf", of("spf"), facts.spf, `for ${facts.spf.ip} (hop ${client?.hop})`)
    : unchecked("spf", of("spf"), "no client address on the first trusted hop");
  return [
    ...compareDkim(of("dkim"), facts.dkim),
    ...spf,
    ...compare("arc", of("arc"), facts.arc, `(${plural(facts.arc.instance, "ARC set")})`),
    ...(facts.dmarc
      ? compare("dmarc", of("dmarc"), facts.dmarc, `for ${facts.dmarc.domain}`)
      : unchecked("dmarc", of("dmarc"), "the message has no single From domain")),
  ];
}

/** Every claimed result of the four methods, from Authentication-Results and Received-SPF. */
function readClaims(trace: Trace): Claim[] {
  const results = trace.header.authenticationResults.flatMap(({ value }) =>
    value.verdicts.map((verdict) => ({
      method: verdict.method,
      result: verdict.result,
      by: value.authservId || "(no authserv-id)",
      tags: new Map(
        [...verdict.properties.matchAll(/(?:^|\s)header\.([a-z]+)=([^\s;]+)/g)]
          .map((m) => [m[1], m[2]]),
      ),
    }))
  );
  const spf = trace.header.receivedSpf.map(({ value }) => ({
    method: "spf",
    result: value.result,
    by: value.receiver ?? "Received-SPF",
    tags: new Map<string, string>(),
  }));
  return [...results, ...spf];
}

/** Each DKIM signature against the claims that name it by `header.b`, `header.d`/`.s`. */
function compareDkim(claims: Claim[], signatures: DkimVerification[]): TraceFinding[] {
  const named = (claim: Claim, sig: DkimVerification) => {
    const b = claim.tags.get("b");
    if (b) return sig.signature.startsWith(b);
    const d = claim.tags.get("d");
    const s = claim.tags.get("s");
    if (d) return d.toLowerCase() === sig.domain.toLowerCase() && (!s || s === sig.selector);
    return signatures.length === 1;
  };
  const findings = signatures.flatMap((sig) =>
    compare(
      "dkim",
      claims.filter((claim) => named(claim, sig)),
      sig,
      `for d=${sig.domain} s=${sig.selector}`,
    )
  );
  const orphans = claims.filter((claim) => !signatures.some((sig) => named(claim, sig)));
  return [
    ...findings,
    ...orphans.map((claim): TraceFinding => ({
      severity: claim.result === "pass" ? "warning" : "info",
      code: "verify-dkim",
      message: `dkim=${claim.result} claimed by ${claim.by} for ` +
        `d=${claim.tags.get("d") ?? "?"}, but the message has no such signature now`,
    })),
  ];
}

/** One fact against its claims: one finding per claim, or one saying nothing was claimed. */
function compare(
  method: string,
  claims: Claim[],
  fact: { result: AuthResultKeyword; comment?: string },
  about: string,
): TraceFinding[] {
  const now = `${fact.result}${fact.comment ? ` (${fact.comment})` : ""}`;
  const code = `verify-${method}`;
  if (claims.length === 0) {
    return [{ severity: "info", code, message: `${method}=${now} ${about}; nothing claimed` }];
  }
  return claims.map((claim) => {
    const said = `${method}=${claim.result} claimed by ${claim.by} ${about}`;
    if (claim.result === fact.result) {
      return { severity: "info", code, message: `${said}: confirmed` };
    }
    // A pass that fails now is the contradiction that matters; other changes are leads.
    const severity: TraceSeverity = claim.result === "pass" && fact.result === "fail"
      ? "error"
      : "warning";
    return { severity, code, message: `${said}, but ${now} now${hint(method, fact)}` };
  });
}

/** Why a result may have changed, in a word. */
function hint(method: string, fact: { result: string; comment?: string }): string {
  if (fact.comment === BODY_HASH_MISMATCH) return ": the body changed?";
  if (fact.comment === NO_KEY) return ": the key was withdrawn?";
  if (method === "spf") return ": the record changed, or the claim is false?";
  return "";
}

/** Claims of a method that could not be checked again, as info. */
function unchecked(method: string, claims: Claim[], why: string): TraceFinding[] {
  return claims.map((claim) => ({
    severity: "info",
    code: `verify-${method}`,
    message: `${method}=${claim.result} claimed by ${claim.by} cannot be checked now: ${why}`,
  }));
}

/** "1 claim", "2 claims". */
function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
