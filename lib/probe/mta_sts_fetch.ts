/**
 * The MTA-STS policy fetch (RFC 8461 §3.3): `https://mta-sts.<domain>/.well-known/mta-sts.txt`,
 * the host resolved through postie's own resolver, the certificate verified, only a 200
 * `text/plain` accepted; the policy parsed and judged against the domain's MX names.
 *
 * @module
 */

import { errorFinding, type Finding } from "../dns/finding.ts";
import {
  judgeMtaStsPolicy,
  type MtaStsPolicy,
  MtaStsPolicyError,
  parseMtaStsPolicy,
} from "../dns/mta_sts_policy.ts";
import type { Resolver } from "../dns/resolver.ts";
import { httpsGet, HttpsGetError } from "./https_get.ts";
import { HTTPS_PORT } from "./ports.ts";

/** RFC 8461 §3.3: the policy's path at `mta-sts.<domain>`. */
export const MTA_STS_POLICY_PATH = "/.well-known/mta-sts.txt";

/** RFC 8461 §3.3 suggests senders limit policy bodies to 64 KiB. */
export const MTA_STS_POLICY_LIMIT = 65_536;

/** What the fetch found, from {@linkcode fetchMtaStsPolicy}. */
export interface MtaStsPolicyCheck {
  /** `https://mta-sts.<domain>/.well-known/mta-sts.txt`. */
  url: string;
  /** The address connected to. */
  address?: string;
  /** The HTTPS port connected to, normally 443. */
  port: number;
  /** The HTTP status, when a response came. */
  status?: number;
  /** The parsed policy (RFC 8461 §3.2), when the body was one. */
  policy?: MtaStsPolicy;
  /** What the fetch found. */
  findings: Finding[];
}

/** Options of {@linkcode fetchMtaStsPolicy}. */
export interface MtaStsFetchOptions {
  /** Default 443; other ports are for tests. */
  port?: number;
  /** Time limit of the HTTPS exchange, ms. */
  timeoutMs: number;
}

/**
 * Fetches, parses and judges the MTA-STS policy of `domain` (A-labels) against `mxNames`;
 * never throws: a failed fetch is an error finding, since the TXT record claims a policy.
 *
 * @example
 * ```ts
 * const check = await fetchMtaStsPolicy(new Resolver(), "example.com", ["mx.example.com"], {
 *   timeoutMs: 5000,
 * });
 * console.log(check.policy?.mode, check.findings);
 * ```
 */
export async function fetchMtaStsPolicy(
  resolver: Resolver,
  domain: string,
  mxNames: string[],
  options: MtaStsFetchOptions,
): Promise<MtaStsPolicyCheck> {
  const host = `mta-sts.${domain}`, port = options.port ?? HTTPS_PORT;
  const check: MtaStsPolicyCheck = {
    url: `https://${host}${MTA_STS_POLICY_PATH}`,
    port,
    findings: [],
  };
  const fail = (code: string, reason: string) => {
    check.findings = [errorFinding("mta-sts", code, `${check.url}: ${reason}`)];
    return check;
  };
  const address = await firstAddress(resolver, host);
  if (!address) return fail("mta-sts-policy-host", `${host} has no address`);
  check.address = address;
  let response;
  try {
    const get = { address, port, host, path: MTA_STS_POLICY_PATH, timeoutMs: options.timeoutMs };
    response = await httpsGet({ ...get, maxBodyBytes: MTA_STS_POLICY_LIMIT });
  } catch (error) {
    if (!(error instanceof HttpsGetError)) throw error;
    return fail("mta-sts-policy-fetch", error.message);
  }
  check.status = response.status;
  // RFC 8461 §3.3: only 200 counts; redirects (3xx) must not be followed
  if (response.status !== 200) {
    const redirect = response.status >= 300 && response.status < 400
      ? " (redirects are not followed)"
      : "";
    return fail("mta-sts-policy-status", `HTTP ${response.status}, not 200${redirect}`);
  }
  // RFC 8461 §3.3: the media type is text/plain (parameters such as charset allowed)
  const type = response.headers.get("content-type") ?? "";
  if (type.split(";")[0].trim().toLowerCase() !== "text/plain") {
    return fail("mta-sts-policy-type", `Content-Type ${type || "missing"}, not text/plain`);
  }
  try {
    check.policy = parseMtaStsPolicy(new TextDecoder().decode(response.body));
  } catch (error) {
    if (!(error instanceof MtaStsPolicyError)) throw error;
    return fail("mta-sts-policy-syntax", error.message);
  }
  check.findings = judgeMtaStsPolicy(check.policy, mxNames);
  return check;
}

/** The first IPv4 address of `host`, else its first IPv6 address. */
async function firstAddress(resolver: Resolver, host: string): Promise<string | undefined> {
  const [a, aaaa] = await Promise.all([resolver.lookup(host, "A"), resolver.lookup(host, "AAAA")]);
  return [...a.records, ...aaaa.records][0] as string | undefined;
}
