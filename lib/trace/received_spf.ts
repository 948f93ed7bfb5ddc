/**
 * Received-SPF header fields (RFC 7208 §9.1): the SPF result a receiver recorded, with the
 * client address and identities it checked.
 *
 * @module
 */

/** One Received-SPF field. */
export interface ReceivedSpf {
  /** The result, lower case: pass, fail, softfail, neutral, none, temperror, permerror. */
  result: string;
  /** The `client-ip` key: the address that was checked. */
  clientIp?: string;
  /** The `envelope-from` key: the MAIL FROM identity. */
  envelopeFrom?: string;
  /** The `helo` key. */
  helo?: string;
  /** The `receiver` key: the host that did the check. */
  receiver?: string;
}

/**
 * Parses a Received-SPF value; never throws (a value with no result gives an empty `result`).
 *
 * @example
 * ```ts
 * parseReceivedSpf("pass (ok) client-ip=192.0.2.1; envelope-from=a@b.example").clientIp;
 * // "192.0.2.1"
 * ```
 */
export function parseReceivedSpf(value: string): ReceivedSpf {
  // RFC 7208 §9.1: header-field = "Received-SPF:" [CFWS] result FWS [comment FWS] [ key-value-list ]
  const result = /^\s*([a-z]+)/i.exec(value)?.[1].toLowerCase() ?? "";
  const pairs = value.replace(/\([^()]*(?:\([^()]*\)[^()]*)*\)/g, " ");
  const key = (name: string) =>
    new RegExp(`(?:^|[\\s;])${name}\\s*=\\s*"?([^;\\s"]+)`, "i").exec(pairs)?.[1];
  const spf: ReceivedSpf = { result };
  const [clientIp, envelopeFrom, helo, receiver] = [
    "client-ip",
    "envelope-from",
    "helo",
    "receiver",
  ]
    .map(key);
  if (clientIp) spf.clientIp = clientIp;
  if (envelopeFrom) spf.envelopeFrom = envelopeFrom;
  if (helo) spf.helo = helo;
  if (receiver) spf.receiver = receiver;
  return spf;
}
