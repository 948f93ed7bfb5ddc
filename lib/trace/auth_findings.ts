/**
 * Checks of Authentication-Results fields (RFC 8601): the verdicts of the trusted ones, and
 * the ones outside the trusted hosts, which anybody could have written.
 *
 * @module
 */

import { parseAuthenticationResults } from "./authentication_results.ts";
import type { TraceContext, TraceFinding, TraceSeverity } from "./finding.ts";
import { inZone } from "./trust.ts";

const METHODS = new Set(["spf", "dkim", "dmarc", "arc"]);

/**
 * RFC 8601 §5: only results from a known authserv-id, added by the recipient's own hosts,
 * are to be believed. A trusted field names a zone host and stands above every Received field
 * an outside host wrote; others are reported as forgeable.
 */
export function checkAuthenticationResults({ fields, hops, zone }: TraceContext): TraceFinding[] {
  const outside = hops.findLast((hop) => !hop.trusted)?.fieldIndex ?? Infinity;
  return fields.flatMap((field, fieldIndex) => {
    if (field.name.toLowerCase() !== "authentication-results") return [];
    const results = parseAuthenticationResults(field.unfolded);
    const id = results.authservId || "(no authserv-id)";
    if (!inZone(zone, results.authservId) || fieldIndex > outside) {
      const claims = results.verdicts.map((v) => `${v.method}=${v.result}`).join(" ");
      return [{
        severity: "warning",
        code: "forgeable-auth-results",
        message: `Authentication-Results from ${id} was not added by a trusted host ` +
          `(forgeable)${claims ? `: claims ${claims}` : ""}`,
      }];
    }
    return results.verdicts.filter((verdict) => METHODS.has(verdict.method)).map((verdict) => ({
      severity: severityOf(verdict.method, verdict.result),
      code: `auth-${verdict.method}`,
      message: `${verdict.method}=${verdict.result} said by ${id}` +
        (verdict.properties ? ` (${verdict.properties})` : ""),
    }));
  });
}

/** pass is context; DMARC fail means the From domain disowns the message. */
function severityOf(method: string, result: string): TraceSeverity {
  if (result === "pass") return "info";
  if (method === "dmarc" && result === "fail") return "error";
  return result === "none" || result === "neutral" ? "info" : "warning";
}
