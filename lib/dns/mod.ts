/**
 * DNS for mail: a caching stub resolver with typed outcomes (NXDOMAIN, NODATA, SERVFAIL,
 * REFUSED, timeout), MX routing (RFC 5321 §5.1, implicit and null MX), and the mail policy
 * records of a domain (SPF, DMARC, MTA-STS, TLS-RPT, BIMI), each judged.
 *
 * @example
 * ```ts
 * import { Resolver, resolveMxRoute, toMailDomain } from "./mod.ts";
 * const resolver = new Resolver();
 * const route = await resolveMxRoute(resolver, toMailDomain("user@example.com").ascii);
 * console.log(route.kind, route.hosts.map((h) => h.exchange));
 * resolver.close();
 * ```
 *
 * @module
 */

export { AnswerCache } from "./answer_cache.ts";
export { DnsMessageError, DnsNameError, DnsTimeoutError } from "./errors.ts";
export {
  errorFinding,
  type Finding,
  okFinding,
  type Severity,
  type Topic,
  warningFinding,
  worstSeverity,
} from "./finding.ts";
export { confirmReverse, type ReverseDns } from "./forward_confirmed.ts";
export { hostPort } from "./host_port.ts";
export { isDnsFailure, type Lookup, type LookupStatus } from "./lookup.ts";
export { type MailDomain, toMailDomain } from "./mail_domain.ts";
export {
  decodeMessage,
  type DnsMessage,
  encodeQuery,
  type MxData,
  type ResourceRecord,
} from "./message.ts";
export { type MxHost, type MxRoute, resolveMxRoute, type RouteKind } from "./mx_route.ts";
export { reverseName } from "./reverse_name.ts";
export { DNS_PORT, type NameServer, systemNameServer } from "./name_server.ts";
export { type QueryType, type RecordData, RecordType } from "./record_type.ts";
export {
  DEFAULT_CACHE_BYTES,
  DEFAULT_DNS_TIMEOUT_MS,
  MIN_CACHE_SECONDS,
  Resolver,
  type ResolverOptions,
} from "./resolver.ts";
export { DnsTransport, MAX_IN_FLIGHT, type QueryLimits, RESEND_MS } from "./transport.ts";
export { auditBimi, type BimiRecord } from "./bimi.ts";
export { diagnose, type Diagnosis } from "./diagnosis.ts";
export { auditDmarc, type DmarcPolicy } from "./dmarc.ts";
export { auditMtaSts, type MtaStsRecord } from "./mta_sts.ts";
export {
  judgeMtaStsPolicy,
  MTA_STS_MAX_AGE_LIMIT,
  MTA_STS_SHORT_MAX_AGE,
  type MtaStsMode,
  type MtaStsPolicy,
  MtaStsPolicyError,
  mxPatternMatches,
  parseMtaStsPolicy,
} from "./mta_sts_policy.ts";
export { organizationalDomain } from "./organizational_domain.ts";
export { findPolicyRecord, type PolicyRecordResult } from "./policy_record.ts";
export { auditSpf, SPF_LOOKUP_LIMIT, SPF_VOID_LOOKUP_LIMIT, type SpfPolicy } from "./spf_audit.ts";
export {
  expandDomainSpec,
  isSpfRecord,
  type MechanismName,
  parseSpf,
  type Qualifier,
  type SpfRecord,
  type SpfTerm,
} from "./spf_record.ts";
export { parseTagList } from "./tag_list.ts";
export { auditTlsRpt, type TlsRptRecord } from "./tls_rpt.ts";
