/**
 * lib/auth: message authentication over `mailauth`. DKIM signing (RFC 6376, rsa-sha256 and
 * ed25519-sha256 of RFC 8463), and verification of DKIM, ARC (RFC 8617), SPF (RFC 7208) and
 * DMARC (RFC 7489), every DNS question asked through postie's own resolver.
 *
 * @example
 * ```ts
 * import { Resolver, signDkim, verifyMessage } from "../../mod.ts";
 * const message = await Deno.readFile("message.eml");
 * const field = await signDkim(message, { privateKey: await Deno.readTextFile("k.pem"), selector: "s1" });
 * const resolver = new Resolver({ nameServer: { ipAddr: "127.0.0.1", port: 5353 } });
 * const signed = new Uint8Array([...new TextEncoder().encode(field), ...message]);
 * (await verifyMessage(signed, { resolver })).dkim[0].result; // "pass"
 * ```
 *
 * @module
 */

export { authorDomain, MAX_HEADER_BYTES, type PeekedMessage, peekHeader } from "./author_domain.ts";
export {
  DnsLookupError,
  type MailauthAnswer,
  type MailauthResolver,
  mailauthResolver,
  type NodeMxRecord,
} from "./dns_adapter.ts";
export { DkimSignError, type DkimSignOptions, signDkim } from "./sign.ts";
export {
  type ArcVerification,
  type AuthResultKeyword,
  type DkimVerification,
  type DmarcVerification,
  type MessageVerification,
  type SpfVerification,
  verifyMessage,
  type VerifyOptions,
} from "./verify.ts";
