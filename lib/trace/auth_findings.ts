/**
 * Checks of Authentication-Results (RFC 8601) and Received-SPF (RFC 7208 §9.1) fields: the
 * verdicts of the trusted ones, and the ones outside the trusted hosts, which anybody could
 * have written.
 *
 * @module
 */

import type { TraceContext, TraceFinding, TraceSeverity } from "./finding.ts";
import type { Hop } from "./hop.ts";
import { inZone } from "./trust.ts";

const METHODS = new Set(["spf", "dkim", "dmarc", "arc"]);

/**
 * RFC 8601 §5: only results from a known authserv-id, added by the recipient's own hosts,
 * are to be believed. A trusted field names a zone host and stands above every Received field
 * an outside host wrote; others are reported as forgeable.
 */
export function checkAuthenticationResults({ header, hops, zone }: TraceContext): TraceFinding[] {
  const outside = outsideFieldIndex(hops);
  return header.authenticationResults.flatMap(({ value: results, fieldIndex }) => {
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

/**
 * RFC 7208 §9.1: a Received-SPF field is believed when it stands above every Received field an
 * outside host wrote and its `receiver`, when named, is a trusted host.
 */
export function checkReceivedSpf({ header, hops, zone }: TraceContext): TraceFinding[] {
  const outside = outsideFieldIndex(hops);
  return header.receivedSpf.flatMap(({ value: spf, fieldIndex }): TraceFinding[] => {
    const by = spf.receiver === undefined ? "" : ` said by ${spf.receiver}`;
    const what = `spf=${spf.result || "?"}${by}` +
      (spf.clientIp ? ` for ${spf.clientIp}` : "") +
      (spf.envelopeFrom ? ` (envelope-from=${spf.envelopeFrom})` : "");
    if (fieldIndex > outside || (spf.receiver !== undefined && !inZone(zone, spf.receiver))) {
      const message = `Received-SPF ${what} was not added by a trusted host (forgeable)`;
      return [{ severity: "warning", code: "forgeable-received-spf", message }];
    }
    return [{ severity: severityOf("spf", spf.result), code: "received-spf", message: what }];
  });
}

/** The field index of the topmost Received field an outside host wrote (Infinity if none). */
function outsideFieldIndex(hops: readonly Hop[]): number {
  return hops.findLast((hop) => !hop.trusted)?.fieldIndex ?? Infinity;
}

/** pass is context; DMARC fail means the From domain disowns the message. */
function severityOf(method: string, result: string): TraceSeverity {
  if (result === "pass") return "info";
  if (method === "dmarc" && result === "fail") return "error";
  return result === "none" || result === "neutral" ? "info" : "warning";
}
