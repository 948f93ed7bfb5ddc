/**
 * Checks of who the message says it is from: Message-ID, and whether the From domain aligns
 * with the Return-Path and DKIM signing domains (RFC 7489 §3.1, relaxed mode).
 *
 * @module
 */

import { organizationalDomain } from "../dns/organizational_domain.ts";
import type { TraceContext, TraceFinding } from "./finding.ts";
// The domain of the last address in a field value, and the dot of a fully qualified name.
const LAST_ADDRESS_DOMAIN = /@([^\s<>@;,"()]+)>?[^@]*$/;
const TRAILING_DOT = /\.$/;

/** RFC 5322 §3.6.4: every message SHOULD have a Message-ID field. */
export function checkMessageId({ header }: TraceContext): TraceFinding[] {
  if (header.messageId !== undefined) return [];
  return [{ severity: "warning", code: "no-message-id", message: "no Message-ID field" }];
}

/**
 * RFC 7489 §3.1 relaxed alignment: the From domain and the Return-Path (SPF) and DKIM d=
 * domains should share an organisational domain.
 */
export function checkAlignment({ header }: TraceContext): TraceFinding[] {
  const from = addressDomain(header.from);
  if (from === undefined) return [];
  const findings: TraceFinding[] = [];
  const returnPath = addressDomain(header.returnPath);
  if (returnPath !== undefined && !aligned(from, returnPath)) {
    findings.push({
      severity: "info",
      code: "return-path-misaligned",
      message: `From domain ${from} does not align with Return-Path domain ${returnPath}`,
    });
  }
  // RFC 6376 §3.5: the d= tag of each DKIM-Signature field.
  const signers = header.dkimSignatures.flatMap((signature) => signature.domain ?? []);
  if (signers.length > 0 && !signers.some((domain) => aligned(from, domain))) {
    findings.push({
      severity: "info",
      code: "dkim-misaligned",
      message: `From domain ${from} does not align with DKIM d=${signers.join(", d=")}`,
    });
  }
  return findings;
}

/** The domain of the (last) address in a field value, lower case. */
function addressDomain(value: string | undefined): string | undefined {
  const match = value === undefined ? null : LAST_ADDRESS_DOMAIN.exec(value);
  return match?.[1].toLowerCase().replace(TRAILING_DOT, "");
}

function aligned(a: string, b: string): boolean {
  return a === b || organizationalDomain(a) === organizationalDomain(b);
}
