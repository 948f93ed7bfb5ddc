/**
 * The MTA-STS policy file (RFC 8461 §3.2): parsed, its MX patterns matched (§4.1), and
 * judged against a domain's real MX names.
 *
 * @module
 */

import { errorFinding, type Finding, okFinding, warningFinding } from "./finding.ts";

/** RFC 8461 §3.2: max_age is at most 31557600 seconds (about a year). */
export const MTA_STS_MAX_AGE_LIMIT = 31_557_600;

/** Below a day, a policy barely outlives a sender's cache (RFC 8461 §3.2 suggests weeks). */
export const MTA_STS_SHORT_MAX_AGE = 86_400;

/** RFC 8461 §5: what senders do when an MX does not match or its TLS fails. */
export type MtaStsMode = "enforce" | "testing" | "none";

/** A parsed policy file. */
export interface MtaStsPolicy {
  /** The policy version; only `STSv1` is defined (RFC 8461 §3.2). */
  version: "STSv1";
  /** The policy mode (RFC 8461 §5). */
  mode: MtaStsMode;
  /** Seconds senders may cache the policy. */
  maxAge: number;
  /** MX patterns, e.g. `mx1.example.com` or `*.example.com`. */
  mx: string[];
}

/** The policy file does not parse; `message` says which field is wrong. */
export class MtaStsPolicyError extends Error {
  /** Creates the error with a one-line reason. */
  constructor(message: string) {
    super(message);
    this.name = "MtaStsPolicyError";
  }
}

/**
 * Parses a policy file's text (RFC 8461 §3.2: `key: value` lines, CRLF or LF).
 *
 * @throws {MtaStsPolicyError} when version, mode or max_age is missing or wrong, or an
 * enforce/testing policy has no mx.
 *
 * @example
 * ```ts
 * const policy = parseMtaStsPolicy("version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 604800\n");
 * console.log(policy.mode, policy.mx);
 * ```
 */
export function parseMtaStsPolicy(text: string): MtaStsPolicy {
  const fields = new Map<string, string>(), mx: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    // RFC 8461 §3.2: sts-policy-field-delim = ":" *WSP
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const key = line.slice(0, colon), value = line.slice(colon + 1).trim();
    if (key === "mx") mx.push(value.toLowerCase());
    else if (!fields.has(key)) fields.set(key, value);
  }
  const version = fields.get("version"), mode = fields.get("mode");
  const maxAge = fields.get("max_age");
  if (version !== "STSv1") {
    throw new MtaStsPolicyError(`version is ${version ?? "missing"}, not STSv1`);
  }
  if (mode !== "enforce" && mode !== "testing" && mode !== "none") {
    throw new MtaStsPolicyError(`mode is ${mode ?? "missing"}, not enforce, testing or none`);
  }
  // RFC 8461 §3.2: max_age = 1*10DIGIT, at most 31557600
  if (!maxAge || !/^\d{1,10}$/.test(maxAge) || Number(maxAge) > MTA_STS_MAX_AGE_LIMIT) {
    throw new MtaStsPolicyError(
      `max_age is ${maxAge ?? "missing"}, not whole seconds up to ${MTA_STS_MAX_AGE_LIMIT}`,
    );
  }
  if (mx.length === 0 && mode !== "none") {
    throw new MtaStsPolicyError(`mode ${mode} without any mx pattern matches no MX`);
  }
  return { version, mode, maxAge: Number(maxAge), mx };
}

/**
 * True when the MX name `host` matches `pattern` (RFC 8461 §4.1): equal ignoring case and a
 * final dot, or `*.` standing for exactly one leftmost label.
 *
 * @example
 * ```ts
 * mxPatternMatches("*.example.com", "mx1.example.com"); // true
 * mxPatternMatches("*.example.com", "a.b.example.com"); // false
 * ```
 */
export function mxPatternMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, ""), h = host.toLowerCase().replace(/\.$/, "");
  if (!p.startsWith("*.")) return p === h;
  // RFC 8461 §4.1: the wildcard matches only the leftmost label, and must match one
  const dot = h.indexOf(".");
  return dot > 0 && h.slice(dot + 1) === p.slice(2);
}

/**
 * Judges `policy` against the domain's MX names: the mode, a short max_age, and each MX
 * that no pattern matches (an error under enforce, where senders refuse to deliver to it;
 * a warning under testing).
 *
 * @example
 * ```ts
 * const findings = judgeMtaStsPolicy(policy, ["mx1.example.com"]);
 * ```
 */
export function judgeMtaStsPolicy(policy: MtaStsPolicy, mxNames: string[]): Finding[] {
  const findings: Finding[] = [];
  if (policy.mode === "none") {
    // RFC 8461 §5: mode none: senders treat the domain as having no active policy
    return [warningFinding("mta-sts", "mta-sts-mode-none", "policy mode none: not enforced")];
  }
  if (policy.maxAge < MTA_STS_SHORT_MAX_AGE) {
    const reason = `policy max_age ${policy.maxAge} s is under a day (weeks are advised)`;
    findings.push(warningFinding("mta-sts", "mta-sts-short-max-age", reason));
  }
  const unmatched = mxNames.filter((name) => !policy.mx.some((p) => mxPatternMatches(p, name)));
  for (const name of unmatched) {
    // RFC 8461 §5.1: under enforce, senders do not deliver to an MX the policy does not list
    const reason = `MX ${name} matches no mx pattern of the policy (${policy.mx.join(", ")})`;
    findings.push(
      policy.mode === "enforce"
        ? errorFinding(
          "mta-sts",
          "mta-sts-mx-unmatched",
          `${reason}: senders will not deliver to it`,
        )
        : warningFinding("mta-sts", "mta-sts-mx-unmatched", reason),
    );
  }
  if (policy.mode === "testing") {
    const reason = "policy mode testing: failures are reported, not enforced";
    findings.push(warningFinding("mta-sts", "mta-sts-mode-testing", reason));
  } else if (unmatched.length === 0) {
    const reason = `policy enforce: every MX matches (max_age ${policy.maxAge} s)`;
    findings.push(okFinding("mta-sts", "mta-sts-policy", reason));
  }
  return findings;
}
