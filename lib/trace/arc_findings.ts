/**
 * Checks of the ARC sets (RFC 8617) as written: their form, gaps in the instance numbers, and
 * the chain validation each sealer claims. Signatures are not verified here.
 *
 * @module
 */

import type { ArcSet } from "./arc.ts";
import type { TraceContext, TraceFinding } from "./finding.ts";

/**
 * RFC 8617 §5.1.1: a chain is valid in form when each set has one of each field, the
 * instances run 1..N without gaps, and the seals say cv=none for i=1 and cv=pass above it.
 * A cv=fail claim means an intermediary found the chain already broken. The newest set's
 * claims are reported as context.
 */
export function checkArc({ header }: TraceContext): TraceFinding[] {
  const { sets, problems } = header.arc;
  if (sets.length === 0 && problems.length === 0) return [];
  const findings: TraceFinding[] = problems.map((problem) => ({
    severity: "warning",
    code: "arc-structure",
    message: `${problem} (RFC 8617 §5.1.1: the chain fails)`,
  }));
  const missing = gaps(sets);
  if (missing.length > 0) {
    findings.push({
      severity: "warning",
      code: "arc-gap",
      message: `ARC instances ${sets.map((set) => `i=${set.instance}`).join(", ")} ` +
        `skip i=${missing.join(", i=")}: a set was removed or the chain was forged`,
    });
  }
  for (const set of sets) findings.push(...sealClaims(set));
  const newest = sets.at(-1);
  if (newest) findings.push(chainSummary(newest, sets.length));
  return findings;
}

/** The instance numbers missing below the highest one. */
function gaps(sets: readonly ArcSet[]): number[] {
  const present = new Set(sets.map((set) => set.instance));
  const highest = sets.at(-1)?.instance ?? 0;
  return Array.from({ length: highest }, (_, i) => i + 1).filter((i) => !present.has(i));
}

/** RFC 8617 §4.1.3 and §5.1.1: what one seal's cv= says, when it is fail or out of place. */
function sealClaims(set: ArcSet): TraceFinding[] {
  const cv = set.seal?.chainValidation;
  if (set.seal === undefined) return [];
  const sealer = `ARC-Seal i=${set.instance}${set.seal.domain ? ` (d=${set.seal.domain})` : ""}`;
  if (cv === "fail") {
    const message = `${sealer} claims cv=fail: the chain was broken when it arrived there`;
    return [{ severity: "warning", code: "arc-cv-fail", message }];
  }
  const expected = set.instance === 1 ? "none" : "pass";
  if (cv === expected) return [];
  const message = `${sealer} says cv=${cv ?? "(missing)"}, but RFC 8617 §5.1.1 wants ` +
    `cv=${expected} for ${set.instance === 1 ? "the first set" : "every set after the first"}`;
  return [{ severity: "warning", code: "arc-cv-invalid", message }];
}

/** The newest set: who sealed it and what its ARC-Authentication-Results say (claims). */
function chainSummary(newest: ArcSet, count: number): TraceFinding {
  const seal = newest.seal;
  const sealer = seal?.domain ? ` sealed by d=${seal.domain}` : "";
  const cv = seal?.chainValidation ? ` cv=${seal.chainValidation}` : "";
  const results = newest.authenticationResults;
  const said = results
    ? `; its ARC-Authentication-Results from ${results.authservId || "(no authserv-id)"}` +
      (results.verdicts.length > 0
        ? `: ${results.verdicts.map((v) => `${v.method}=${v.result}`).join(" ")}`
        : "")
    : "";
  return {
    severity: "info",
    code: "arc-chain",
    message: `ARC chain of ${count} set${count === 1 ? "" : "s"} (claims, not verified): ` +
      `i=${newest.instance}${sealer}${cv}${said}`,
  };
}
