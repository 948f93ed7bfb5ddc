/**
 * A trace of one message: its header fields read, Received fields parsed into hops, the
 * checks run, and a one-line verdict.
 *
 * @module
 */

import type { HeaderField } from "../message/header.ts";
import { checkArc } from "./arc_findings.ts";
import { checkAuthenticationResults, checkReceivedSpf } from "./auth_findings.ts";
import { checkDate } from "./date_findings.ts";
import { formatDuration } from "./duration.ts";
import type { TraceCheck, TraceContext, TraceFinding, TraceSeverity } from "./finding.ts";
import { readHeaderFields } from "./header_block.ts";
import { buildHops, type Hop, totalSeconds } from "./hop.ts";
import {
  checkChain,
  checkDelays,
  checkHeloName,
  checkReservedAddresses,
  checkTls,
} from "./hop_findings.ts";
import { checkAlignment, checkMessageId } from "./identity_findings.ts";
import { readTraceHeader, type TraceHeader } from "./trace_header.ts";
import { firstTrustedHop, type TrustZone, trustZone } from "./trust.ts";

/** Every check a trace runs, in the order its findings are listed. */
const CHECKS: TraceCheck[] = [
  checkChain,
  checkHeloName,
  checkReservedAddresses,
  checkTls,
  checkDelays,
  checkDate,
  checkMessageId,
  checkAlignment,
  checkAuthenticationResults,
  checkReceivedSpf,
  checkArc,
];

/** Options of {@link traceMessage}. */
export interface TraceOptions {
  /** Host or domain names of the recipient's own infrastructure (`--trusted-by`). */
  trustedBy?: readonly string[];
  /** The current time, for "Date in the future"; defaults to now. */
  now?: Date;
}

/** What a trace found. */
export interface Trace {
  /** The header fields read, top first; none means the input had no header. */
  fields: HeaderField[];
  /** The fields a trace reads, parsed: X-Received notes, DKIM signers, ARC sets, Return-Path. */
  header: TraceHeader;
  /** The hops in travel order. */
  hops: Hop[];
  /** The Date field as an instant. */
  date?: Date;
  /** Seconds from the Date field (or the first hop) to the last hop. */
  totalSeconds?: number;
  /** The trusted hosts, given or guessed. */
  zone: TrustZone;
  /** The findings, most severe first. */
  findings: TraceFinding[];
  /** Header lines that were no field. */
  warnings: string[];
  /** One line summing it up. */
  verdict: string;
}

const SEVERITIES: TraceSeverity[] = ["error", "warning", "info"];

/**
 * Traces a message or its header alone (CRLF or LF, with or without the blank line).
 * Never throws on any input.
 *
 * @example
 * ```ts
 * const header = "Received: from a.example (a.example [203.0.113.9]) by mx.example.org " +
 *   "with ESMTPS id 1; Tue, 24 Nov 2026 04:47:22 +0000\nDate: Tue, 24 Nov 2026 04:47:20 +0000\n";
 * const trace = traceMessage(new TextEncoder().encode(header));
 * trace.hops[0].delaySeconds; // 2
 * ```
 */
export function traceMessage(bytes: Uint8Array, options: TraceOptions = {}): Trace {
  const warnings: string[] = [];
  const fields = readHeaderFields(bytes, warnings);
  const header = readTraceHeader(fields);
  const travel = header.received.map((entry) => entry.received).toReversed();
  const zone = trustZone(travel, options.trustedBy ?? []);
  const date = header.date;
  const hops = buildHops(header.received, date, firstTrustedHop(travel, zone));
  const now = options.now ?? new Date();
  const context: TraceContext = { hops, fields, header, date, zone, now };
  const findings = bySeverity(CHECKS.flatMap((check) => check(context)));
  const total = totalSeconds(hops, date);
  const verdict = verdictOf(hops, total, findings);
  return { fields, header, hops, date, totalSeconds: total, zone, findings, warnings, verdict };
}

/** The findings most severe first, in check order within a severity (a stable sort). */
function bySeverity(findings: TraceFinding[]): TraceFinding[] {
  const sorted: TraceFinding[] = [];
  for (const severity of SEVERITIES) {
    for (const finding of findings) if (finding.severity === severity) sorted.push(finding);
  }
  return sorted;
}

/** "3 hops in 2m 05s; 1 warning", or "suspicious: …" when there is an error. */
function verdictOf(hops: Hop[], total: number | undefined, findings: TraceFinding[]): string {
  let errors = 0;
  let warnings = 0;
  for (const { severity } of findings) {
    if (severity === "error") errors++;
    else if (severity === "warning") warnings++;
  }
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const travel = `${plural(hops.length, "hop")}${
    total === undefined ? "" : ` in ${formatDuration(total)}`
  }`;
  if (errors > 0) {
    return `suspicious: ${travel}; ${plural(errors, "error")}, ${plural(warnings, "warning")}`;
  }
  if (warnings > 0) return `${travel}; ${plural(warnings, "warning")} to look at`;
  return `${travel}; nothing unusual`;
}
