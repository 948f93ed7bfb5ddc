/**
 * Live checks of mail servers: an SMTP probe (banner, EHLO, STARTTLS, the certificate) of
 * each MX address, judged, beside its forward-confirmed reverse DNS; and the MTA-STS policy
 * fetched over HTTPS and judged against the MX names.
 *
 * @example
 * ```ts
 * import { checkMxRoute } from "./mod.ts";
 * import { Resolver, resolveMxRoute } from "../dns/mod.ts";
 * const resolver = new Resolver();
 * const checks = await checkMxRoute(resolver, await resolveMxRoute(resolver, "example.com"), {
 *   timeoutMs: 10_000,
 * });
 * console.log(checks.map((c) => [c.address, c.probe.starttls]));
 * ```
 *
 * @module
 */

export { type AddressCheck, checkMxRoute, type MxCheckOptions } from "./mx_check.ts";
export { httpsGet, HttpsGetError, type HttpsGetOptions, type HttpsResponse } from "./https_get.ts";
export {
  fetchMtaStsPolicy,
  MTA_STS_POLICY_LIMIT,
  MTA_STS_POLICY_PATH,
  type MtaStsFetchOptions,
  type MtaStsPolicyCheck,
} from "./mta_sts_fetch.ts";
export { describePeerTls, type PeerTls } from "./peer_tls.ts";
export { HTTPS_PORT, SMTP_PORT } from "./ports.ts";
export { replyText } from "./reply_text.ts";
export { EXPIRY_WARNING_DAYS, judgeProbe } from "./probe_findings.ts";
export { REPLY_BUFFER_LIMIT, ReplyReader, ReplyReadError } from "./reply_reader.ts";
export {
  probeSmtp,
  type ProbeStage,
  ProbeTimeoutError,
  type ProbeTimings,
  type SmtpProbe,
  type SmtpProbeOptions,
  type StarttlsOutcome,
  UnexpectedReplyError,
} from "./smtp_probe.ts";
