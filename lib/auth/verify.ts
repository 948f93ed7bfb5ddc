/**
 * Verification of a received message over mailauth: every DKIM signature (RFC 6376), the ARC
 * chain (RFC 8617), the SPF check of the client address (RFC 7208) and DMARC (RFC 7489), with
 * DNS asked through postie's {@linkcode Resolver}.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import type { DKIMResult, DNSResolver } from "mailauth";
import { loadMailauth } from "./mailauth.ts";
import type { Resolver } from "../dns/resolver.ts";
import { mailauthResolver } from "./dns_adapter.ts";

/** Options of {@linkcode verifyMessage}. */
export interface VerifyOptions {
  /** The resolver every DNS question goes to. */
  resolver: Resolver;
  /** The SMTP client's address: SPF is checked only when it is given. */
  ip?: string;
  /** The client's HELO/EHLO name (SPF's HELO identity, RFC 7208 §2.3). */
  helo?: string;
  /** The MAIL FROM address (RFC 7208 §2.4); without it SPF checks the HELO identity (§2.3). */
  mailFrom?: string;
  /** The authserv-id of the Authentication-Results written (RFC 8601 §2.5). */
  authservId?: string;
}

/** A result keyword of RFC 8601 §2.7: pass, fail, softfail, neutral, none, temperror… */
export type AuthResultKeyword = string;

/** One DKIM-Signature as verified now. */
export interface DkimVerification {
  /** The signing domain (`d=`). */
  domain: string;
  /** The selector (`s=`). */
  selector: string;
  /** The algorithm (`a=`), e.g. rsa-sha256. */
  algorithm: string;
  /** The signature (`b=`), base64; Authentication-Results quote its start as `header.b`. */
  signature: string;
  /** The result: a body hash mismatch is `fail` (RFC 6376 §6.1.3; mailauth says neutral). */
  result: AuthResultKeyword;
  /** Why, when not pass: "body hash did not verify", "no key"… */
  comment?: string;
  /** RFC 6376 §3.7: whether the body hashes to the signature's `bh=`. */
  bodyHashMatches: boolean;
}

/** The SPF check of one client address. */
export interface SpfVerification {
  /** The result. */
  result: AuthResultKeyword;
  /** The explanation mailauth gives. */
  comment?: string;
  /** The domain whose record was checked. */
  domain: string;
  /** The client address checked. */
  ip: string;
  /** The HELO name given, if any. */
  helo?: string;
}

/** The DMARC evaluation of the From domain. */
export interface DmarcVerification {
  /** The result. */
  result: AuthResultKeyword;
  /** The policy and why, e.g. "p=REJECT arc=none". */
  comment?: string;
  /** The From (Author) domain. */
  domain: string;
}

/** The ARC chain's validation. */
export interface ArcVerification {
  /** none (no chain), pass or fail. */
  result: AuthResultKeyword;
  /** Why it failed, when it did. */
  comment?: string;
  /** The highest ARC instance (`i=`), 0 without a chain. */
  instance: number;
}

/** What {@linkcode verifyMessage} found. */
export interface MessageVerification {
  /** Each DKIM-Signature in header order. */
  dkim: DkimVerification[];
  /** The SPF check; absent when no client address was given. */
  spf?: SpfVerification;
  /** DMARC; absent when the message has no single From domain. */
  dmarc?: DmarcVerification;
  /** The ARC chain. */
  arc: ArcVerification;
  /** The Authentication-Results field a receiver would add now (RFC 8601). */
  authenticationResults: string;
}

/**
 * Verifies `message` as a receiver would: DKIM and ARC from the header, SPF of `ip`, then
 * DMARC from both. BIMI is not looked at (it would fetch over HTTPS).
 *
 * @example
 * ```ts
 * const resolver = new Resolver({ nameServer: { ipAddr: "127.0.0.1", port: 5353 } });
 * const checked = await verifyMessage(await Deno.readFile("message.eml"), {
 *   resolver,
 *   ip: "192.0.2.1",
 *   helo: "mail.example.test",
 * });
 * checked.dkim[0]?.result; // "pass"
 * ```
 */
export async function verifyMessage(
  message: Uint8Array,
  options: VerifyOptions,
): Promise<MessageVerification> {
  const { authenticate } = await loadMailauth();
  const result = await authenticate(
    Buffer.from(message.buffer, message.byteOffset, message.byteLength),
    {
      // The typings leave out the MX records mailauth reads for SPF "mx" mechanisms.
      resolver: mailauthResolver(options.resolver) as DNSResolver,
      ip: options.ip,
      helo: options.helo,
      sender: options.mailFrom,
      mta: options.authservId ?? "postie",
      disableBimi: true,
    },
  );
  const arc = result.arc || undefined;
  const headers = result.headers.replace(/\r\n$/, "");
  return {
    // An unsigned message gets one placeholder row ("message not signed"); it is no signature.
    dkim: (result.dkim.results ?? []).filter((row) => row.signature || row.signingDomain)
      .map(dkimVerification),
    spf: options.ip && result.spf
      ? {
        ...status(result.spf.status),
        domain: result.spf.domain,
        ip: options.ip,
        helo: options.helo,
      }
      : undefined,
    dmarc: result.dmarc
      ? { ...status(result.dmarc.status), domain: result.dmarc.domain }
      : undefined,
    arc: { ...status(arc?.status), instance: typeof arc?.i === "number" ? arc.i : 0 },
    authenticationResults: headers.slice(headers.lastIndexOf("Authentication-Results:")),
  };
}

/** One mailauth DKIM result in postie's terms. */
function dkimVerification(row: DKIMResult): DkimVerification {
  const bodyHashMatches = row.bodyHash !== undefined && row.bodyHash === row.bodyHashExpecting;
  const mismatch = row.bodyHash !== undefined && row.bodyHashExpecting !== undefined &&
    !bodyHashMatches;
  const verdict = status(row.status);
  return {
    domain: row.signingDomain ?? "",
    selector: row.selector ?? "",
    algorithm: row.algo ?? "",
    signature: row.signature ?? "",
    // RFC 6376 §6.1.3: a body hash that does not match is a PERMFAIL, "fail" in RFC 8601 §2.7.1
    ...verdict,
    result: mismatch ? "fail" : verdict.result,
    bodyHashMatches,
  };
}

/** The result keyword and comment of a mailauth status. */
function status(
  from: { result?: string; comment?: string | false } | undefined,
): { result: AuthResultKeyword; comment?: string } {
  const result = from?.result === "temperr" ? "temperror" : from?.result ?? "none";
  return from?.comment ? { result, comment: from.comment } : { result };
}
