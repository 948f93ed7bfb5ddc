/**
 * lib/trace: Received-path analysis. Received fields (RFC 5321 §4.4) parsed in every common
 * MTA form, ordered into hops with delays, and checked for broken chains, reserved addresses,
 * missing TLS, delays, clock skew, Date anomalies, alignment, forgeable
 * Authentication-Results and the form and claims of ARC sets; X-Received, DKIM-Signature and
 * Return-Path are read too.
 *
 * @example
 * ```ts
 * import { traceMessage } from "./mod.ts";
 * const trace = traceMessage(await Deno.readFile("message.eml"), { trustedBy: ["example.org"] });
 * for (const hop of trace.hops) console.log(hop.index, hop.received.by, hop.delaySeconds);
 * console.log(trace.verdict);
 * ```
 *
 * @module
 */

export { type ArcChain, type ArcSeal, type ArcSet, MAX_ARC_INSTANCE, readArcChain } from "./arc.ts";
export { checkArc } from "./arc_findings.ts";
export { checkAuthenticationResults, checkReceivedSpf } from "./auth_findings.ts";
export {
  type AuthenticationResults,
  type AuthVerdict,
  parseAuthenticationResults,
} from "./authentication_results.ts";
export { checkDate, CLOCK_TOLERANCE_SECONDS, DATE_DRIFT_SECONDS } from "./date_findings.ts";
export {
  type DkimSignature,
  parseDkimSignature,
  type SignatureTags,
  signatureTags,
} from "./dkim_signature.ts";
export { formatDuration } from "./duration.ts";
export type { TraceCheck, TraceContext, TraceFinding, TraceSeverity } from "./finding.ts";
export { readHeaderFields } from "./header_block.ts";
export { buildHops, type Hop, type PlacedReceived, totalSeconds } from "./hop.ts";
export {
  checkChain,
  checkDelays,
  checkHeloName,
  checkReservedAddresses,
  checkTls,
  clientName,
  LARGE_DELAY_SECONDS,
} from "./hop_findings.ts";
export { checkAlignment, checkMessageId } from "./identity_findings.ts";
export { isIpAddress, reservedRange } from "./ip_range.ts";
export type { Received, ReceivedFrom, TlsInfo } from "./received.ts";
export { parseReceived } from "./received_parser.ts";
export { parseReceivedSpf, type ReceivedSpf } from "./received_spf.ts";
export { type ReceivedLexemes, type ReceivedToken, splitReceived } from "./received_tokens.ts";
export { parseSignatureTags } from "./signature_tags.ts";
export { normalizeTlsVersion, readTls } from "./tls_info.ts";
export { type Trace, traceMessage, type TraceOptions } from "./trace.ts";
export { type Placed, readTraceHeader, type TraceHeader } from "./trace_header.ts";
export { firstTrustedHop, hostName, inZone, type TrustZone, trustZone } from "./trust.ts";
